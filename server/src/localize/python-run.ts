// Runs pytest in a scratch copy with the Loopwise tracer plugin and returns per-test records.
// Hanging tests are stopped by the plugin's per-test alarm; the sandbox time limit is the backstop.
// Given a verifier's warm worker, the plugin runs in a forked child of that worker instead of a cold
// sandboxed pytest start (same records, in the verifier's scratch copy).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Verifier } from '../verify/verifier';
import { execSandboxed, LocalizeCancelled, type ColdRun } from './exec';
import { pythonPluginModule, pythonPluginSource, type PythonTraceConfig } from './python-tracer';
import { finishRecords, readRecords, type RunRecords } from './records';

export interface PythonRunOptions {
  /** The scratch copy and interpreter of a cold run, made when first needed (not when the warm run works). */
  cold: () => Promise<ColdRun>;
  sources: string[];
  /** Test files (workspace-relative) to hand to pytest; pytest discovers when empty. */
  testFiles: string[];
  /** Only these test ids (pytest node ids), when given. */
  testIds?: string[];
  coverage: boolean;
  values?: PythonTraceConfig['values'];
  testTimeoutS: number;
  budgetMs: number;
  signal?: AbortSignal;
  /** Distinguishes the output files of runs sharing one scratch copy. */
  tag: string;
  /** An open verifier on the same task, whose warm worker runs the tests. */
  warm?: Verifier;
}

export interface PythonRunResult extends RunRecords {
  output: string;
}

export function pytestFiles(tests: string[]): string[] {
  return tests.filter((f) => /(^|\/)(test_[^/]*|[^/]*_test)\.py$/.test(f));
}

let warmRuns = 0;

export async function runPythonTests(o: PythonRunOptions): Promise<PythonRunResult> {
  if (o.warm) {
    const { toolDir, workspace } = o.warm.scratch;
    const out = join(toolDir, `${o.tag}-${++warmRuns}.jsonl`);
    writeFileSync(out, '');
    const config: PythonTraceConfig = { root: workspace, sources: o.sources, out, testTimeoutS: o.testTimeoutS, coverage: o.coverage, values: o.values };
    if (o.signal?.aborted) throw new LocalizeCancelled();
    if (await o.warm.observe(pythonPluginSource, config, o.testIds?.length ? o.testIds : undefined, o.budgetMs)) {
      if (o.signal?.aborted) throw new LocalizeCancelled();
      return { ...finishRecords(readRecords(out)), output: '' };
    }
  }
  const { scratch, interpreter } = await o.cold();
  const { toolDir, workspace } = scratch;
  writeFileSync(join(toolDir, `${pythonPluginModule}.py`), pythonPluginSource);
  const out = join(toolDir, `${o.tag}.jsonl`);
  const configFile = join(toolDir, `${o.tag}.json`);
  const config: PythonTraceConfig = { root: workspace, sources: o.sources, out, testTimeoutS: o.testTimeoutS, coverage: o.coverage, values: o.values };
  writeFileSync(configFile, JSON.stringify(config));
  const targets = o.testIds?.length ? o.testIds : o.testFiles;
  const args = ['-B', '-m', 'pytest', '-q', '-p', 'no:cacheprovider', '-p', pythonPluginModule, '--rootdir', workspace, ...targets];
  const env = { LOOPWISE_LOC_CONFIG: configFile, PYTHONPATH: toolDir, PYTHONHASHSEED: '0' };
  const r = await execSandboxed(interpreter, args, scratch, env, o.budgetMs, o.signal);
  return { ...finishRecords(readRecords(out)), output: r.output };
}
