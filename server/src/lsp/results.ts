// The latest known test results of each workspace folder, for features that act on failures (hovers,
// code actions, fixes, hints): a diagnostic's data.testId leads here to the full TestResult.
// A run scoped to one file updates only the tests of the files it re-ran, as the diagnostics do.
import { Emitter, type Event } from 'vscode-languageserver/node';
import type { RunProblem, TestResult, TestRunResult } from '../../../common/protocol';
import { summarize } from '../run';

export interface FolderResults {
  /** Absolute path of the workspace folder. */
  root: string;
  /** The most recent run (scoped or not), as the runner returned it. */
  lastRun: TestRunResult;
  /** Every test's latest result across runs, by test id. */
  tests: Map<string, TestResult>;
  problems: RunProblem[];
}

export class ResultStore {
  private readonly folders = new Map<string, FolderResults>();
  private readonly updated = new Emitter<FolderResults>();
  readonly onDidUpdate: Event<FolderResults> = this.updated.event;

  update(root: string, result: TestRunResult, scopeFile?: string): void {
    let entry = this.folders.get(root);
    if (!entry || scopeFile === undefined) {
      entry = { root, lastRun: result, tests: new Map(), problems: [] };
      this.folders.set(root, entry);
    } else {
      const rerunFiles = new Set([scopeFile, ...result.tests.map((t) => t.file)]);
      for (const [id, t] of entry.tests) if (rerunFiles.has(t.file)) entry.tests.delete(id);
    }
    for (const t of result.tests) entry.tests.set(t.id, t);
    entry.lastRun = result;
    entry.problems = result.problems;
    this.updated.fire(entry);
  }

  get(root: string): FolderResults | undefined {
    return this.folders.get(root);
  }

  /** A test's latest result in a folder. */
  test(root: string, testId: string): TestResult | undefined {
    return this.folders.get(root)?.tests.get(testId);
  }

  /** The folder's merged results in the runner's shape (summary recomputed over all known tests). */
  merged(root: string): TestRunResult | undefined {
    const entry = this.folders.get(root);
    if (!entry) return undefined;
    const tests = [...entry.tests.values()];
    return { ...entry.lastRun, tests, problems: entry.problems, summary: summarize(tests) };
  }
}
