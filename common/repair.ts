// Results of the embedded repair engine, shared by the server (which searches and verifies fixes) and the
// editor ("Apply verified fix" with a diff preview naming the tests it makes pass). Paths are relative to
// the workspace root; lines are 1-based.
import type { Localization } from './localize';

export type RepairStatus =
  /** At least one verified fix: every test passes with it and the test files are untouched. */
  | 'fixed'
  /** The search ran out of candidates or budget without a verified fix (the localization is still useful). */
  | 'noFix'
  /** No complete fix, but a verified partial one (see RepairResult.partialFixes): some failing tests pass with
   * it and every test that passed still passes. */
  | 'partial'
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
  /** Share of the compared inputs (see RepairPreference) on which the fix gives the original's result. */
  behaviourKept?: number;
}

/** A fix that makes some of the failing tests pass and breaks no passing test. */
export interface RepairPartialFix extends RepairFix {
  /** Failing tests of the original that still fail with it. */
  testsStillFailing: string[];
  /** E.g. "makes 2 of 3 failing tests pass". */
  summary: string;
}

/**
 * How the first fix was preferred over the other verified fixes found. The search goes on after the first
 * fix (at most 1 s or a quarter of the budget, whichever is less) and compares every fix found with the
 * original program on the same inputs: the arguments the tests pass to the changed files' functions, inputs
 * derived from them (one argument taken from another call) and their neighbours (integers +-1 and 0, a list
 * or string without its first or last element, with its last repeated, or empty), without the failing
 * tests' own calls (those results the tests ask to change) and without inputs on which the original raises
 * or hangs. The fix that keeps the original's results on the most of them comes first; only then the smaller
 * edit.
 */
export interface RepairPreference {
  /** Compared inputs on which the chosen fix gives the original's result (absent when not compared). */
  keptInputs?: number;
  /** Inputs compared (absent when there was nothing to compare: a single fix, tests that do not collect). */
  comparedInputs?: number;
  /** Other verified fixes found and ranked below the chosen one. */
  alternatives: number;
  /** The sentence shown, e.g. "keeps the original's results on 14/14 other inputs; 3 alternatives". */
  reason: string;
}

export interface RepairProgress {
  phase: 'baseline' | 'localize' | 'search' | 'alternatives';
  candidatesTried: number;
  seconds: number;
  message: string;
  /** Set when the best candidate so far changes, e.g. "a verified fix at stats.py:4". */
  best?: string;
}

export interface RepairResult {
  status: RepairStatus;
  /** Best first: the one that changes behaviour least beyond the tests, then the smallest edit. */
  fixes: RepairFix[];
  /** With a fix: how the first one was preferred. */
  preference?: RepairPreference;
  /** Partial fixes the search went through, in order: each makes more failing tests pass than the one before
   * and is what the search continued from (with status 'partial' the last one is the best there is; with
   * 'fixed' the fix completes them). */
  partialFixes?: RepairPartialFix[];
  localization?: Localization;
  candidatesTried: number;
  candidatesPerSecond: number;
  seconds: number;
  /** Why there is no fix, or what limited the search (e.g. a weak sandbox). */
  message?: string;
  /** Tests that failed before the search (ids as the runner names them). */
  failingTests: string[];
  /** What limited the verification, e.g. candidates not run as an unprivileged user (and why). */
  notes?: string[];
}
