// Runtime values for the LDB-style view: re-runs a few failing tests with snapshots of the local
// variables at the top suspicious lines (bounded in count and size). Python records them through the
// tracer; JavaScript through probes inserted into an instrumented copy of the sources.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RuntimeValues, SuspiciousLine } from '../../../common/localize';
import type { Verifier } from '../verify/verifier';
import type { ColdRun } from './exec';
import { instrumentJs } from './instrument';
import { observe, type LocalizeLanguage } from './observe';

export interface ValuesRequest {
  language: LocalizeLanguage;
  /** The scratch copy and interpreter of a cold run, made when first needed. */
  cold: () => Promise<ColdRun>;
  sources: string[];
  tests: string[];
  texts: Map<string, string>;
  lines: SuspiciousLine[];
  failingTests: string[];
  testTimeoutMs: number;
  budgetMs: number;
  signal?: AbortSignal;
  warm?: Verifier;
}

export async function recordValues(r: ValuesRequest): Promise<RuntimeValues[]> {
  const byFile: Record<string, number[]> = {};
  for (const l of r.lines) (byFile[l.file] ??= []).push(l.line);
  if (r.language === 'javascript') {
    // The copy is instrumented in place: values are the last thing run in this scratch copy.
    const { scratch } = await r.cold();
    for (const [file, lines] of Object.entries(byFile)) {
      const text = r.texts.get(file);
      if (text !== undefined) await writeFile(join(scratch.workspace, file), await instrumentJs(file, text, lines));
    }
  }
  const run = await observe({
    language: r.language, cold: r.cold, sources: r.sources, tests: r.tests,
    testIds: r.failingTests, coverage: false, values: { tests: r.failingTests, lines: byFile },
    testTimeoutMs: r.testTimeoutMs, budgetMs: r.budgetMs, signal: r.signal, tag: 'values', warm: r.warm,
  });
  const grouped = new Map<string, RuntimeValues>();
  for (const v of run.values) {
    const key = `${v.test}\0${v.file}\0${v.line}`;
    let g = grouped.get(key);
    if (!g) grouped.set(key, (g = { test: v.test, file: v.file, line: v.line, snapshots: [], omitted: run.omitted.get(key) ?? 0 }));
    g.snapshots.push({ hit: v.hit, before: v.before, ...(v.after ? { after: v.after } : {}), ...(v.returned !== undefined ? { returned: v.returned } : {}) });
  }
  const order = new Map(r.lines.map((l, i) => [`${l.file}:${l.line}`, i]));
  return [...grouped.values()].sort((a, b) => (order.get(`${a.file}:${a.line}`) ?? 0) - (order.get(`${b.file}:${b.line}`) ?? 0));
}
