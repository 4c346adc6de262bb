// One observed test run in a scratch copy, whatever the language: dispatches to the Python (pytest +
// tracer plugin), Jest or Vitest (the project's runner + a coverage setup file) or node:test (harness + V8
// coverage) runner with the same options.
import { inspectProject } from '../run/detect';
import type { Verifier } from '../verify/verifier';
import type { ColdRun } from './exec';
import { runJsTests } from './js-run';
import { isRunnerProject, observeWithRunner } from './jsRunnerObserve';
import { pytestFiles, runPythonTests } from './python-run';
import type { RunRecords } from './records';

export type LocalizeLanguage = 'python' | 'javascript';

export interface ObserveOptions {
  language: LocalizeLanguage;
  /** The scratch copy and interpreter of a cold run, made when first needed (not when the warm run works). */
  cold: () => Promise<ColdRun>;
  sources: string[];
  tests: string[];
  testIds?: string[];
  coverage: boolean;
  /** Record local values at these lines while these tests run. */
  values?: { tests: string[]; lines: Record<string, number[]> };
  testTimeoutMs: number;
  budgetMs: number;
  signal?: AbortSignal;
  tag: string;
  /** An open verifier on the same task: Python tests then run in its warm worker (no cold start). */
  warm?: Verifier;
}

export interface Observation extends RunRecords {
  output: string;
}

export const valueBounds = { maxHits: 6, maxVars: 12, maxRepr: 80 };

export async function observe(o: ObserveOptions): Promise<Observation> {
  if (o.language === 'python') {
    return runPythonTests({
      cold: o.cold, sources: o.sources, testFiles: pytestFiles(o.tests), testIds: o.testIds, coverage: o.coverage,
      values: o.values && { ...o.values, ...valueBounds }, testTimeoutS: o.testTimeoutMs / 1000, budgetMs: o.budgetMs, signal: o.signal, tag: o.tag, warm: o.warm,
    });
  }
  const { scratch, interpreter } = await o.cold();
  const project = await inspectProject(scratch.workspace);
  if (isRunnerProject(project)) {
    // Probes need the node:test harness: a Jest or Vitest project gets no value snapshots.
    if (o.values) return { tests: [], loadLines: [], values: [], omitted: new Map(), output: '' };
    return observeWithRunner({
      scratch, project, sources: o.sources, testIds: o.testIds, testTimeoutMs: o.testTimeoutMs, budgetMs: o.budgetMs, signal: o.signal, tag: o.tag,
    });
  }
  return runJsTests({
    scratch, interpreter, sources: o.sources, testFiles: o.tests.filter((f) => /\.(c|m)?js$/.test(f)), testIds: o.testIds, coverage: o.coverage,
    values: o.values && { ...o.values, ...valueBounds }, testTimeoutMs: o.testTimeoutMs, budgetMs: o.budgetMs, signal: o.signal, tag: o.tag,
  });
}
