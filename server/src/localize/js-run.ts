// Runs a project's node:test files in a scratch copy under the Loopwise harness and returns per-test
// records (outcome, failure frames, V8 coverage mapped to lines, probe values).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Scratch } from '../run/sandbox';
import { execSandboxed, type Interpreter } from './exec';
import { jsHarnessFile, jsHarnessSource, type JsHarnessConfig } from './js-harness';
import { finishRecords, readRecords, type RunRecords } from './records';

export interface JsRunOptions {
  scratch: Scratch;
  interpreter: Interpreter;
  sources: string[];
  testFiles: string[];
  testIds?: string[];
  coverage: boolean;
  values?: JsHarnessConfig['values'] & { lines: Record<string, number[]> };
  testTimeoutMs: number;
  budgetMs: number;
  signal?: AbortSignal;
  tag: string;
}

export interface JsRunResult extends RunRecords {
  output: string;
}

/** Writes the harness and its config next to the scratch copy (not into it). */
function writeJsHarness(scratch: Scratch, tag: string, config: Omit<JsHarnessConfig, 'root' | 'out'>): { configFile: string; out: string; harness: string } {
  const harness = join(scratch.toolDir, jsHarnessFile);
  writeFileSync(harness, jsHarnessSource);
  const out = join(scratch.toolDir, `${tag}.jsonl`);
  const configFile = join(scratch.toolDir, `${tag}.json`);
  writeFileSync(configFile, JSON.stringify({ ...config, root: scratch.workspace, out }));
  return { configFile, out, harness };
}

export async function runJsTests(o: JsRunOptions): Promise<JsRunResult> {
  const { configFile, out, harness } = writeJsHarness(o.scratch, o.tag, {
    sources: o.sources, testFiles: o.testFiles, testIds: o.testIds, testTimeoutMs: o.testTimeoutMs, coverage: o.coverage,
    values: o.values && { tests: o.values.tests, maxHits: o.values.maxHits, maxVars: o.values.maxVars, maxRepr: o.values.maxRepr },
  });
  const r = await execSandboxed(o.interpreter, [harness], o.scratch, { LOOPWISE_LOC_CONFIG: configFile }, o.budgetMs, o.signal);
  return { ...finishRecords(readRecords(out)), output: r.output };
}
