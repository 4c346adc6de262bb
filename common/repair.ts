// Results of the embedded repair engine, shared by the server (which searches and verifies fixes) and the
// editor ("Apply verified fix" with a diff preview naming the tests it makes pass). Paths are relative to
// the workspace root; lines are 1-based.
import type { Localization } from './localize';

export type RepairStatus =
  /** At least one verified fix: every test passes with it and the test files are untouched. */
  | 'fixed'
  /** The search ran out of candidates or budget without a verified fix (the localization is still useful). */
  | 'noFix'
  /** Every test already passes: nothing to repair, no search was run. */
  | 'alreadyPassing'
  /** A source file does not parse: the localization points at the syntax error, no search was run. */
  | 'syntaxError'
  /** Cancelled by the caller; fixes found before that are still reported. */
  | 'cancelled';

export interface RepairEdit {
  file: string;
  /** 1-based line of the edit's start in the original text. */
  line: number;
  /** Edit operator, e.g. "comparison", "constant", "wrapCall", "insertGuard". */
  kind: string;
  /** Original text replaced, and the replacement (empty for a deletion). */
  before: string;
  after: string;
}

export interface RepairFix {
  /** Unified diff of all changed files (a/ b/ prefixes, paths relative to the root). */
  diff: string;
  files: { path: string; newText: string }[];
  edits: RepairEdit[];
  /** Tests that failed before and pass with this fix. */
  testsFixed: string[];
  /** Characters changed, the size the search minimises. */
  size: number;
  /** Share of derived inputs (built from the tests' own calls) on which the fix behaves like the original. */
  behaviourKept?: number;
}

export interface RepairProgress {
  phase: 'baseline' | 'localize' | 'search' | 'alternatives';
  candidatesTried: number;
  seconds: number;
  message: string;
}

export interface RepairResult {
  status: RepairStatus;
  /** Best first: smallest edit, then the one that changes behaviour least. */
  fixes: RepairFix[];
  localization?: Localization;
  candidatesTried: number;
  candidatesPerSecond: number;
  seconds: number;
  /** Why there is no fix, or what limited the search (e.g. a weak sandbox). */
  message?: string;
  /** Tests that failed before the search (ids as the runner names them). */
  failingTests: string[];
}
