// `loopwise fix <folder> [--json] [--budget-s N]`: localizes the fault and searches for a verified fix
// with the embedded engine; prints the top suspicious lines and the diff (the folder itself is not changed),
// progress on stderr. Exit codes: 0 fixed or already passing, 1 no fix, 2 usage error (with --json, stdout
// still gets one JSON object, its reason in `error`).
import { parseArgs } from 'node:util';
import { ownScore } from '../../../common/localize';
import type { RepairResult } from '../../../common/repair';
import { repair } from '../repair/repair';
import { loadTask, TaskError } from '../repair/task';
import { cliClient, describeEngineResult, llmCliOptions, llmCliUsage, parseEngine, runLlmEngine, type EngineResult } from '../selfdebug/cli';
import { UsageError } from '../errors';
import { printJsonError, whyNotRunnable } from './project';
import { repairProgress } from './progress';

const usage = `usage: loopwise fix <folder> [--json] [--budget-s N] ${llmCliUsage}`;

export function parseBudget(value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`--budget-s must be a positive number of seconds, got '${value}'`);
  return n;
}

/**
 * The top lines by the localizer's own score, numbered in that order: the result's ranks also count the
 * boost a verified fix gives its own lines, and a rank beside a score it was not taken from reads as a
 * contradiction. The lines the fix changes are marked instead.
 */
export function describeLocalization(r: RepairResult, top = 5): string[] {
  const changed = new Set((r.fixes[0]?.edits ?? []).map((e) => `${e.file}:${e.line}`));
  const lines = [...r.localization?.lines ?? []].sort((a, b) => ownScore(b) - ownScore(a) || a.rank - b.rank).slice(0, top);
  return lines.map((l, i) => `  #${i + 1}  ${l.file}:${l.line}  score ${ownScore(l).toFixed(3)}${changed.has(`${l.file}:${l.line}`) ? '  (the fix changes it)' : ''}`);
}

export default async function fix(args: string[]): Promise<number> {
  if (!args.includes('--json')) return run(args, false);
  try {
    return await run(args, true);
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    printJsonError(message);
    console.error(`loopwise: ${message}`);
    return 2;
  }
}

async function run(args: string[], json: boolean): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args, allowPositionals: true, options: { json: { type: 'boolean' }, 'budget-s': { type: 'string' }, help: { type: 'boolean', short: 'h' }, ...llmCliOptions } });
  } catch (e) {
    throw new UsageError(`${(e as Error).message}\n${usage}`);
  }
  if (parsed.values.help) { console.log(usage); return 0; }
  if (parsed.positionals.length !== 1) throw new UsageError(usage);
  const engine = parseEngine(parsed.values.engine);
  // Model calls are slow: the LLM engines get a longer default budget than the search.
  const budgetS = parseBudget(parsed.values['budget-s'], engine === 'embedded' ? 30 : 180);
  const client = engine === 'embedded' ? undefined : cliClient(parsed.values);
  const blocked = await whyNotRunnable(parsed.positionals[0]);
  if (blocked) throw new UsageError(blocked);
  let task;
  try { task = loadTask(parsed.positionals[0]); } catch (e) {
    if (e instanceof TaskError) throw new UsageError(e.message);
    throw e;
  }
  const abort = new AbortController();
  const onSignal = () => abort.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const progress = repairProgress();
  let r: RepairResult | EngineResult;
  try {
    r = client && engine !== 'embedded' ? await runLlmEngine(task, engine, { client, budgetS, signal: abort.signal })
      : await repair({ ...task, budgetS, signal: abort.signal, onProgress: (p) => progress.report(p) });
  } finally {
    progress.done();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  if (json) {
    console.log(JSON.stringify(r, null, 2));
  } else if (engine !== 'embedded') {
    console.log(describeEngineResult(r as EngineResult).join('\n'));
  } else {
    printHuman(r);
  }
  return r.status === 'fixed' || r.status === 'alreadyPassing' ? 0 : 1;
}

export function printHuman(r: RepairResult): void {
  for (const n of r.notes ?? []) console.log(`note: ${n}`);
  if (r.status === 'alreadyPassing') { console.log(r.message ?? 'all tests pass: nothing to repair'); return; }
  if (r.status === 'syntaxError') {
    console.log(r.message);
    for (const l of describeLocalization(r, 1)) console.log(l);
    return;
  }
  console.log(`failing tests: ${r.failingTests.length}`);
  const loc = describeLocalization(r);
  if (loc.length) console.log(`most suspicious lines:\n${loc.join('\n')}`);
  if (r.fixes.length) {
    const f = r.fixes[0];
    console.log(`\nverified fix (makes ${f.testsFixed.length} failing test${f.testsFixed.length === 1 ? '' : 's'} pass, all other tests still pass):`);
    console.log(f.diff.split('\n').filter((l) => !l.startsWith('====')).join('\n').trimEnd());
    if (r.preference) console.log(`preferred: ${r.preference.reason}`);
    if (r.partialFixes?.length) console.log(`(found in ${r.partialFixes.length + 1} steps: ${r.partialFixes.map((p) => p.summary).join(', then ')}, then all)`);
  } else if (r.status === 'partial' && r.partialFixes?.length) {
    const p = r.partialFixes[r.partialFixes.length - 1];
    console.log(`\nno complete fix found; partial fix (${p.summary}, all other tests still pass; still failing: ${p.testsStillFailing.join(', ')}):`);
    console.log(p.diff.split('\n').filter((l) => !l.startsWith('====')).join('\n').trimEnd());
  } else if (r.status === 'cancelled') {
    console.log('\nsearch cancelled');
  } else {
    const where = loc.length ? '; the lines above are where to look'
      : `, and no line could be ranked${r.localization?.reason ? ` (${r.localization.reason})` : ''}`;
    console.log(`\nno fix found within budget (${r.candidatesTried} candidates tried in ${r.seconds.toFixed(1)} s)${where}`);
  }
  console.log(`\n${r.candidatesTried} candidates, ${r.candidatesPerSecond}/s, ${r.seconds.toFixed(1)} s`);
}
