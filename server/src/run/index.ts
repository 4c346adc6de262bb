// Running a workspace's tests: detect the project, copy it to a scratch folder, run its framework in
// the sandbox with the shipped reporter, and return structured results (common/results.ts).
// The language server, the CLI and the repair engine all call runTests().
import { statSync } from 'node:fs';
import { isAbsolute, posix, relative, resolve, sep } from 'node:path';
import { frameworkNames, type Framework, type RunProblem, type TestResult, type TestRunResult } from '../../../common/results';
import { inspectProject } from './detect';
import type { DriverContext, DriverOutput } from './driver';
import { isTypeScript, relatedTests } from './files';
import { runJest } from './jest';
import { runMocha } from './mocha';
import { runNodeTests } from './nodeTest';
import { runPython } from './python';
import { runVitest } from './vitest';
import { makeScratchCopy, sandboxKind, weakSandboxProblem } from './sandbox';

export interface RunOptions {
  root: string;
  /** Workspace-relative files: test files run as such; source files bring the tests related to them. */
  files?: string[];
  /** Per-test limit, default 10. */
  testTimeoutS?: number;
  /** Whole-run limit, default 120. */
  runTimeoutS?: number;
  signal?: AbortSignal;
  onProgress?: (message: string, done?: number, total?: number) => void;
}

export async function detectProject(root: string): Promise<{ language: TestRunResult['language']; framework?: Framework; problems: RunProblem[] }> {
  if (!isDirectory(root)) return { language: 'unknown', problems: [missingFolder(root)] };
  const { language, framework, problems } = await inspectProject(resolve(root));
  return { language, framework, problems };
}

export async function runTests(opts: RunOptions): Promise<TestRunResult> {
  const started = Date.now();
  const root = resolve(opts.root);
  const progress = opts.onProgress ?? (() => undefined);
  const result: TestRunResult = {
    root, language: 'unknown', tests: [], problems: [], durationMs: 0, sandbox: sandboxKind(),
    summary: { total: 0, passed: 0, failed: 0, errors: 0, timedOut: 0, skipped: 0 },
  };
  if (!isDirectory(root)) return finish(result, [missingFolder(root)], started);
  const project = await inspectProject(root);
  result.language = project.language;
  result.framework = project.framework;
  const problems = [...project.problems];
  if (!project.framework || (!project.tests.length && project.framework === 'node-test')) return finish(result, problems, started);

  let files: string[] | undefined;
  if (opts.files?.length) {
    const wanted = opts.files.map((f) => posix.normalize((isAbsolute(f) ? relative(root, f) : f).split(sep).join('/')));
    files = await relatedTests(root, project.tests, wanted);
    if (!files.length) {
      progress(`no tests found for ${wanted.join(', ')}; running all tests`);
      files = undefined;
    }
  }
  if (!files && project.framework === 'node-test') files = project.tests;

  if (result.sandbox === 'rlimits') problems.push(weakSandboxProblem());
  progress(`running ${frameworkNames[project.framework]} tests`);
  const scratch = await makeScratchCopy(root);
  const ctx: DriverContext = {
    scratch, files, progress, signal: opts.signal,
    testTimeoutS: opts.testTimeoutS ?? 10,
    deadline: started + (opts.runTimeoutS ?? 120) * 1000,
  };
  let out: DriverOutput = { tests: [], problems: [] };
  try {
    if (project.framework === 'pytest' || project.framework === 'unittest') out = await runPython(ctx, project.python!, project.framework, project.pytestArgs ?? []);
    else if (project.framework === 'jest') out = await runJest(ctx, project.node!, project.runner!);
    else if (project.framework === 'vitest') out = await runVitest(ctx, project.node!, project.runner!);
    else if (project.framework === 'mocha') out = await runMocha(ctx, project.node!, project.mocha!, !!project.tsLoader && project.tests.some(isTypeScript));
    else out = await runNodeTests(ctx, project.node!, project.tsLoader ?? false);
  } catch (err) {
    problems.push({ kind: 'runnerCrashed', message: `the test run failed: ${err instanceof Error ? err.message : String(err)}` });
  } finally {
    await scratch.dispose().catch(() => undefined);
  }
  if (opts.signal?.aborted) problems.push({ kind: 'runnerCrashed', message: 'the test run was cancelled' });
  result.tests = out.tests;
  return finish(result, [...problems, ...out.problems], started);
}

function finish(result: TestRunResult, problems: RunProblem[], started: number): TestRunResult {
  result.problems = problems;
  result.summary = summarize(result.tests);
  result.durationMs = Date.now() - started;
  return result;
}

export function summarize(tests: TestResult[]): TestRunResult['summary'] {
  const s = { total: tests.length, passed: 0, failed: 0, errors: 0, timedOut: 0, skipped: 0 };
  for (const t of tests) {
    if (t.status === 'passed') s.passed++;
    else if (t.status === 'failed') s.failed++;
    else if (t.status === 'error') s.errors++;
    else if (t.status === 'timedOut') s.timedOut++;
    else s.skipped++;
  }
  return s;
}

function isDirectory(p: string): boolean {
  try { return statSync(p).isDirectory(); } catch { return false; }
}

function missingFolder(root: string): RunProblem {
  return { kind: 'runnerCrashed', message: `the workspace folder does not exist or is not a folder: ${root}` };
}
