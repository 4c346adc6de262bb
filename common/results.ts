// Structured test results: what a test run produces, whatever the framework.
// Paths are relative to the workspace root; lines are 1-based.

export type TestStatus = 'passed' | 'failed' | 'error' | 'timedOut' | 'skipped';

export interface SourceLocation {
  file: string;
  line: number;
}

export interface StackFrame extends SourceLocation {
  function?: string;
}

export interface TestResult {
  /** Stable id: "<file>::<name>" as the framework names it. */
  id: string;
  name: string;
  file: string;
  line?: number;
  status: TestStatus;
  durationMs?: number;
  message?: string;
  expected?: string;
  actual?: string;
  /** Frames inside the workspace, outermost first; the last is the deepest user frame. */
  traceback?: StackFrame[];
  /** Where the failing assertion is (a frame in a test file), when known. */
  assertion?: SourceLocation;
  /** What the test printed (stdout then stderr), capped; present when it printed anything. */
  output?: string;
  /** Total size printed, set only when `output` was cut to the cap. */
  outputBytes?: number;
}

export type Framework = 'pytest' | 'unittest' | 'node-test' | 'mocha' | 'jest' | 'vitest';

/** How a framework is named to the user (the ids above are for code and JSON). */
export const frameworkNames: Record<Framework, string> = {
  pytest: 'pytest', unittest: 'unittest', 'node-test': 'node:test', mocha: 'mocha', jest: 'Jest', vitest: 'Vitest',
};

export interface RunProblem {
  kind: 'noTests' | 'frameworkMissing' | 'syntaxError' | 'unsupportedLanguage' | 'runTimedOut' | 'runnerCrashed' | 'outputTruncated' | 'weakSandbox';
  message: string;
  location?: SourceLocation;
}

export interface TestRunResult {
  root: string;
  language: 'python' | 'javascript' | 'typescript' | 'unknown';
  framework?: Framework;
  tests: TestResult[];
  summary: { total: number; passed: number; failed: number; errors: number; timedOut: number; skipped: number };
  problems: RunProblem[];
  durationMs: number;
  sandbox: 'bubblewrap' | 'rlimits';
}
