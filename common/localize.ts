// Fault localization results shared by the server (which computes them) and the editor (which shows
// suspicious lines as diagnostics and runtime values in hovers). Paths are relative to the workspace
// root; lines are 1-based.
import type { StackFrame, TestStatus } from './results';

/** Why one line is suspicious: the evidence each signal contributed to its score. */
export interface SuspicionEvidence {
  /** Failing / passing tests that executed the line, out of all failing / passing tests. */
  failedCovering: number;
  passedCovering: number;
  totalFailed: number;
  totalPassed: number;
  ochiai: number;
  dstar: number;
  /** Depth of the line among the failing tests' user frames (1 = deepest), when it appears in one. */
  tracebackDepth?: number;
  /**
   * Mutants tried at this line and how they changed the failing and passing tests' outcomes: the most
   * failing tests one mutant fixed or changed, the fewest passing tests one broke, the best mutant's
   * score (0..1) and the mean score over the line's mutants.
   */
  mutation?: { mutants: number; fixedFailing: number; brokePassing: number; changedFailing: number; score: number; mean: number };
  /** False for lines that hold no executable statement of their own (`def`, `else:`, a lone brace). */
  statement: boolean;
  /** Extra score fed back by a caller (e.g. the repair search), added as given. */
  extra?: number;
}

export interface SuspiciousLine {
  file: string;
  line: number;
  /** Combined score; higher is more suspicious. Comparable within one localization only. */
  score: number;
  /** 1-based position in the ranking. */
  rank: number;
  /** Ochiai score alone, for comparison. */
  ochiai: number;
  evidence: SuspicionEvidence;
}

export interface FailingTest {
  id: string;
  status: Extract<TestStatus, 'failed' | 'error' | 'timedOut'>;
  message?: string;
  /** Frames inside the workspace, outermost first; the last is the deepest. */
  traceback: StackFrame[];
}

/** One snapshot of local variables taken when a failing test reached a line. */
export interface ValueSnapshot {
  /** 1-based count of this line's executions in the test. */
  hit: number;
  /** Locals when the line started (repr, truncated). */
  before: Record<string, string>;
  /** Locals when the next line of the same call started, or the value returned. */
  after?: Record<string, string>;
  returned?: string;
}

export interface RuntimeValues {
  test: string;
  file: string;
  line: number;
  snapshots: ValueSnapshot[];
  /** How many executions were not recorded because of the bounds. */
  omitted: number;
}

export type LocalizationStatus =
  /** A ranking was produced. */
  | 'ranked'
  /** Every test passed: nothing to localize. */
  | 'allPassing'
  /** A source file does not parse: the ranking is the syntax error's location. */
  | 'syntaxError'
  /** Tests fail but no source line ran under them (e.g. the test file itself is broken). */
  | 'noCoverage'
  /** The tests could not be run at all (runner missing, collection error). */
  | 'runFailed';

export interface Localization {
  status: LocalizationStatus;
  /** Human-readable explanation for every status other than 'ranked', and notes for 'ranked'. */
  reason?: string;
  language: 'python' | 'javascript';
  lines: SuspiciousLine[];
  failingTests: FailingTest[];
  passingTests: number;
  values: RuntimeValues[];
  /** Milliseconds spent per phase. */
  timings: { coverageMs: number; rankingMs: number; mutationMs: number; valuesMs: number; totalMs: number };
}

/**
 * A line's score as the localizer gave it, without the boosts callers add to order lines (a verified fix's
 * lines go to the top): the boost moves the rank, but a score of 1000.85 would mean nothing to a user.
 */
export function ownScore(l: SuspiciousLine): number {
  return l.score - (l.evidence.extra ?? 0);
}
