// `loopwise bench repair <suite-dir>`: runs the embedded repair engine on every task of a benchmark suite
// (FORMAT.md) and reports plausible / correct / overfit fixes, tasks with a partial fix, localization top-k,
// time per task and candidates/s. Hidden tests come from the tasks' hidden/ folders and, with --hidden-dir,
// from <dir>/<task-id>/. The suite folder is only read: repair and the hidden-test check work in scratch copies.
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { RepairResult } from '../../../common/repair';
import { UsageError } from '../errors';
import type { LlmClient } from '../llm/client';
import { cliClient, llmCliOptions, parseEngine, runLlmEngine, type Engine, type EngineResult } from '../selfdebug/cli';
import { bugLines, rankOfBug, type BugLocation } from '../localize/ground-truth';
import { Verifier } from '../verify/verifier';
import { repair } from './repair';
import { loadTask, type RepairTask } from './task';

const usage = 'usage: loopwise bench repair <suite-dir> [--json out.json] [--budget-s N] [--hidden-dir DIR] [--engine embedded|llm|both] [--base-url URL] [--model NAME]';

export interface TaskOutcome {
  id: string;
  status: RepairResult['status'] | 'error';
  failingDetected: boolean;
  plausible: boolean;
  correct: boolean;
  hidden: boolean;
  /** At least one partial fix was offered (some failing tests fixed, no passing test broken). */
  partial: boolean;
  bugRank?: number;
  scored: boolean;
  seconds: number;
  candidatesPerSecond: number;
  candidates: number;
  message?: string;
  /** LLM tokens spent on the task (engines llm and both). */
  tokens?: number;
  tokensEstimated?: boolean;
}

export interface RepairBenchSummary {
  suite: string;
  tasks: number;
  failingDetected: number;
  plausible: number;
  correct: number;
  /** Plausible but failing the hidden tests, on tasks that have hidden tests. */
  overfit: number;
  /** Tasks where at least one partial fix was offered. */
  partial: number;
  /** Tasks with hidden tests (task.json hiddenTests or --hidden-dir). */
  hiddenTasks: number;
  localization: { scored: number; top1: number; top3: number; top5: number };
  secondsPerTask: { median: number; p90: number };
  candidatesPerSecond: { median: number };
  /** Engines llm and both: LLM tokens spent over the suite and per task. */
  tokensUsed?: { total: number; medianPerTask: number; estimated: boolean };
}

function quantile(xs: number[], q: number): number {
  if (!xs.length) return 0;
  const s = [...xs].sort((a, b) => a - b);
  return Math.round(s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1 < 0 ? 0 : Math.ceil(q * s.length) - 1)] * 100) / 100;
}

function median(xs: number[]): number {
  if (!xs.length) return 0;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  return Math.round(m * 100) / 100;
}

function groundTruth(task: RepairTask): BugLocation | undefined {
  for (const file of task.sources) {
    const fixed = join(task.taskDir!, 'fixed', file);
    if (!existsSync(fixed)) continue;
    const bug = bugLines(file, readFileSync(join(task.root, file), 'utf8'), readFileSync(fixed, 'utf8'));
    if (bug) return bug;
  }
  return undefined;
}

/** Hidden test files of a task: the task's own (hidden/<path>) and those under --hidden-dir, as [from, to] paths. */
function hiddenFiles(task: RepairTask, folderName: string, hiddenDir?: string): [string, string][] {
  const out: [string, string][] = (task.hiddenTests ?? []).map((h) => {
    const rel = h.replace(/^hidden\//, '');
    return [join(task.taskDir!, 'hidden', rel), rel];
  });
  if (!hiddenDir) return out;
  const dir = [task.id, folderName].map((id) => id && join(hiddenDir, id)).find((d) => d && existsSync(d));
  const walk = (at: string, rel: string): void => {
    for (const e of readdirSync(at, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(at, e.name), `${rel}${e.name}/`);
      else out.push([join(at, e.name), `${rel}${e.name}`]);
    }
  };
  if (dir) walk(dir, '');
  return out;
}

/** A fix is correct when the hidden tests pass too: run them on a scratch copy with the fix laid over. */
async function passesHidden(task: RepairTask, hidden: [string, string][], files: { path: string; newText: string }[]): Promise<boolean> {
  const dir = mkdtempSync(join(tmpdir(), 'loopwise-hidden-'));
  try {
    cpSync(task.root, dir, { recursive: true });
    for (const f of files) writeFileSync(join(dir, f.path), f.newText);
    for (const [from, to] of hidden) cpSync(from, join(dir, to), { recursive: true });
    const tests = [...task.tests, ...hidden.map(([, to]) => to)];
    const v = await Verifier.open({ root: dir, language: task.language, sources: task.sources, tests }, { workers: 1, baselineTestTimeoutMs: 5000 });
    try {
      return v.baseline.failing.length === 0 && v.baseline.collectErrors.length === 0 && v.baseline.tests.length > 0;
    } finally {
      await v.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function runTask(taskDir: string, budgetS: number, signal: AbortSignal, engine: Engine, client?: LlmClient, hiddenDir?: string): Promise<TaskOutcome> {
  const started = Date.now();
  const folderName = taskDir.split(/[\\/]/).pop()!;
  const base = { id: folderName, failingDetected: false, plausible: false, correct: false, hidden: false, partial: false, scored: false, candidatesPerSecond: 0, candidates: 0 };
  let task: RepairTask;
  try { task = loadTask(taskDir); } catch (e) {
    return { ...base, status: 'error', seconds: 0, message: (e as Error).message };
  }
  const id = task.id ?? base.id;
  const hiddenTests = hiddenFiles(task, folderName, hiddenDir);
  const hidden = hiddenTests.length > 0;
  const bug = groundTruth(task);
  try {
    const r = client && engine !== 'embedded' ? await runLlmEngine(task, engine, { client, budgetS, signal }) : await repair({ ...task, budgetS, signal });
    const spent = (r as EngineResult).tokens;
    const tokens = spent ? { tokens: spent.total, tokensEstimated: spent.estimated } : {};
    const plausible = r.status === 'fixed';
    const correct = plausible && (!hidden || await passesHidden(task, hiddenTests, r.fixes[0].files));
    const partial = !!(r as RepairResult).partialFixes?.length;
    const bugRank = bug && r.localization ? rankOfBug(r.localization.lines, bug) : undefined;
    return {
      ...base, id, hidden, status: r.status, failingDetected: r.failingTests.length > 0 || r.status === 'fixed' || r.status === 'noFix',
      plausible, correct, partial, bugRank, scored: !!bug && r.status !== 'alreadyPassing', seconds: (Date.now() - started) / 1000,
      candidatesPerSecond: r.candidatesPerSecond, candidates: r.candidatesTried, message: r.fixes[0]?.edits.map((e) => `${e.kind}@${e.line}`).join('+') ?? r.message, ...tokens,
    };
  } catch (e) {
    return { ...base, id, hidden, status: 'error', scored: !!bug, seconds: (Date.now() - started) / 1000, message: (e as Error).message };
  }
}

export function summarize(suite: string, outcomes: TaskOutcome[]): RepairBenchSummary {
  const scored = outcomes.filter((o) => o.scored);
  const within = (k: number) => scored.filter((o) => o.bugRank !== undefined && o.bugRank <= k).length;
  return {
    suite,
    tasks: outcomes.length,
    failingDetected: outcomes.filter((o) => o.failingDetected).length,
    plausible: outcomes.filter((o) => o.plausible).length,
    correct: outcomes.filter((o) => o.correct).length,
    overfit: outcomes.filter((o) => o.hidden && o.plausible && !o.correct).length,
    partial: outcomes.filter((o) => o.partial).length,
    hiddenTasks: outcomes.filter((o) => o.hidden).length,
    localization: { scored: scored.length, top1: within(1), top3: within(3), top5: within(5) },
    secondsPerTask: { median: median(outcomes.map((o) => o.seconds)), p90: quantile(outcomes.map((o) => o.seconds), 0.9) },
    candidatesPerSecond: { median: median(outcomes.filter((o) => o.candidates > 0).map((o) => o.candidatesPerSecond)) },
    ...(outcomes.some((o) => o.tokens !== undefined) ? {
      tokensUsed: {
        total: outcomes.reduce((n, o) => n + (o.tokens ?? 0), 0),
        medianPerTask: median(outcomes.map((o) => o.tokens ?? 0)),
        estimated: outcomes.some((o) => o.tokensEstimated),
      },
    } : {}),
  };
}

export default async function benchRepair(args: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args, allowPositionals: true, options: { json: { type: 'string' }, 'budget-s': { type: 'string' }, 'hidden-dir': { type: 'string' }, help: { type: 'boolean', short: 'h' }, ...llmCliOptions } });
  } catch (e) {
    throw new UsageError(`${(e as Error).message}\n${usage}`);
  }
  if (parsed.values.help) { console.log(usage); return 0; }
  if (parsed.positionals.length !== 1) throw new UsageError(usage);
  const engine = parseEngine(parsed.values.engine);
  const client = engine === 'embedded' ? undefined : cliClient(parsed.values);
  const budget = parsed.values['budget-s'] === undefined ? 30 : Number(parsed.values['budget-s']);
  if (!Number.isFinite(budget) || budget <= 0) throw new UsageError(`--budget-s must be a positive number of seconds, got '${parsed.values['budget-s']}'`);
  const suiteDir = parsed.positionals[0];
  if (!existsSync(suiteDir)) throw new UsageError(`suite folder not found: ${suiteDir}`);
  const hiddenDir = parsed.values['hidden-dir'];
  if (hiddenDir !== undefined && !existsSync(hiddenDir)) throw new UsageError(`hidden tests folder not found: ${hiddenDir}`);
  const taskDirs = readdirSync(suiteDir).map((name) => join(suiteDir, name)).filter((dir) => {
    let isDir: boolean;
    try {
      isDir = statSync(dir).isDirectory();
    } catch (e) {
      // A dangling symlink (or an entry removed meanwhile) is not a task: skip it, not the whole suite.
      console.warn(`skipping ${dir}: ${(e as Error).message}`);
      return false;
    }
    return isDir && existsSync(join(dir, 'task.json'));
  }).sort();
  if (!taskDirs.length) throw new UsageError(`no tasks (folders with task.json) in ${suiteDir}`);

  const abort = new AbortController();
  const onSignal = () => abort.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const outcomes: TaskOutcome[] = [];
  try {
    for (const dir of taskDirs) {
      if (abort.signal.aborted) break;
      const o = await runTask(dir, budget, abort.signal, engine, client, hiddenDir);
      outcomes.push(o);
      const verdict = o.plausible ? (o.hidden ? (o.correct ? 'correct' : 'plausible, fails hidden') : 'plausible') : o.status;
      const steps = o.partial ? ' (via a partial fix)' : '';
      console.log(`${o.id.padEnd(36)} ${verdict.padEnd(24)} bug rank ${o.bugRank ?? '-'}\t${o.seconds.toFixed(1)} s\t${o.candidates} cand (${o.candidatesPerSecond}/s)\t${o.message ?? ''}${steps}`);
    }
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  const suite = suiteDir.replace(/[\\/]+$/, '').split(/[\\/]/).pop()!;
  const s = summarize(suite, outcomes);
  const errors = outcomes.filter((o) => o.status === 'error').length;
  console.log(`\n${suite}: ${s.tasks} tasks, failing detected ${s.failingDetected}, plausible ${s.plausible}, correct ${s.correct}, overfit ${s.overfit}, partial ${s.partial} ` +
    `(${s.hiddenTasks} tasks have hidden tests; elsewhere correct = plausible)${errors ? `, ${errors} errors` : ''}`);
  console.log(`localization (${s.localization.scored} scored): top-1 ${s.localization.top1}, top-3 ${s.localization.top3}, top-5 ${s.localization.top5}`);
  console.log(`seconds per task: median ${s.secondsPerTask.median}, p90 ${s.secondsPerTask.p90}; candidates/s median ${s.candidatesPerSecond.median}`);
  if (s.tokensUsed) console.log(`LLM tokens: ${s.tokensUsed.total} in total, median ${s.tokensUsed.medianPerTask} per task${s.tokensUsed.estimated ? ' (partly estimated)' : ''}`);
  if (parsed.values.json) writeFileSync(parsed.values.json, JSON.stringify(s, null, 2) + '\n');
  return abort.signal.aborted ? 1 : 0;
}
