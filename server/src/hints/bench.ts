// `loopwise bench hints <suite-dir> [--json out.json] [--engine embedded|llm] [--budget-s N]`: a tutor hint for
// every task of a suite (each task copied to a scratch folder first, the suite is never touched), reporting
// tasks, hints given, validated hints (grounded in a verified fix, or accepted by student validation), hints
// blocked by the leak guard, and, where the suite has fixed/ ground truth, whether the named line is right.
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createTwoFilesPatch } from 'diff';
import type { HintLevel } from '../../../common/protocol';
import { UsageError } from '../errors';
import { hintClient, hintFromAnalysis, type PipelineResponse } from './pipeline';
import { analyse, changedOriginalLines, loadExercise } from './analyse';

const usage = 'usage: loopwise bench hints <suite-dir> [--json out.json] [--engine embedded|llm] [--base-url URL] [--model NAME] [--budget-s N] [--limit N]';

interface TaskRow {
  id: string;
  status: PipelineResponse['status'];
  source?: string;
  problem?: string;
  location?: string;
  /** The named line is one fixed/ changes (undefined: no ground truth or no location). */
  lineMatchesGroundTruth?: boolean;
  leaksBlocked: number;
  seconds: number;
  text?: string;
  message?: string;
}

/** Lines fixed/ changes in a task's source file, or undefined when the task has no ground truth for it. */
function groundTruthLines(taskDir: string, file: string): number[] | undefined {
  const fixed = join(taskDir, 'fixed', file);
  if (!existsSync(fixed)) return undefined;
  const diff = createTwoFilesPatch('a', 'b', readFileSync(join(taskDir, 'workspace', file), 'utf8'), readFileSync(fixed, 'utf8'));
  return changedOriginalLines(diff);
}

export default async function benchHints(args: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args, allowPositionals: true, options: { json: { type: 'string' }, engine: { type: 'string' }, 'base-url': { type: 'string' }, model: { type: 'string' }, 'budget-s': { type: 'string' }, limit: { type: 'string' }, help: { type: 'boolean', short: 'h' } } });
  } catch (e) {
    throw new UsageError(`${(e as Error).message}\n${usage}`);
  }
  const v = parsed.values;
  if (v.help) { console.log(usage); return 0; }
  if (parsed.positionals.length !== 1) throw new UsageError(usage);
  const suite = parsed.positionals[0];
  if (!existsSync(suite) || !statSync(suite).isDirectory()) throw new UsageError(`suite folder not found: ${suite}`);
  const engine = v.engine ?? 'embedded';
  if (engine !== 'embedded' && engine !== 'llm') throw new UsageError(`unknown engine '${engine}' (expected embedded or llm)`);
  // A benchmark of the LLM pipeline without a model would silently measure the embedded one.
  const llm = { baseUrl: v['base-url'], model: v.model };
  if (engine === 'llm') {
    const { note } = hintClient(llm);
    if (note) throw new UsageError(`--engine llm: ${note}`);
  }
  const budgetS = Number(v['budget-s'] ?? 10);
  if (!(budgetS > 0)) throw new UsageError(`--budget-s must be a positive number, got '${v['budget-s']}'`);
  const ids = readdirSync(suite).filter((d) => existsSync(join(suite, d, 'task.json'))).sort().slice(0, v.limit ? Number(v.limit) : undefined);
  if (!ids.length) throw new UsageError(`no tasks (folders with task.json) in ${suite}`);
  const rows: TaskRow[] = [];
  let tokens = 0;
  for (const id of ids) {
    const scratch = mkdtempSync(join(tmpdir(), 'loopwise-hints-'));
    const started = Date.now();
    try {
      const taskDir = join(scratch, id);
      cpSync(join(suite, id), taskDir, { recursive: true });
      const analysis = await analyse(loadExercise(taskDir), { budgetS });
      // Every level is built and leak-checked; the row keeps the highest (the most revealing).
      let r: PipelineResponse | undefined;
      let leaks = 0;
      for (const level of [1, 2, 3] as HintLevel[]) {
        r = await hintFromAnalysis(analysis, { level, engine: engine as 'embedded' | 'llm', ...llm });
        tokens += r.tokens ?? 0;
        leaks += r.leaksBlocked;
        if (engine === 'llm') break;
      }
      const h = r!.hint;
      const truth = h?.location ? groundTruthLines(taskDir, h.location.file) : undefined;
      rows.push({
        id, status: r!.status, source: h?.source, problem: h?.problem, location: h?.location && `${h.location.file}:${h.location.line}`,
        lineMatchesGroundTruth: truth && h?.location ? truth.includes(h.location.line) : undefined,
        leaksBlocked: leaks, seconds: (Date.now() - started) / 1000, text: h?.text, message: r!.message ?? r!.engineNote,
      });
    } catch (e) {
      rows.push({ id, status: 'error', leaksBlocked: 0, seconds: (Date.now() - started) / 1000, message: (e as Error).message });
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
    const last = rows[rows.length - 1];
    console.error(`${id}: ${last.status}${last.source ? ` (${last.source})` : ''}${last.location ? ` ${last.location}` : ''} ${last.seconds.toFixed(1)}s`);
  }
  const secs = rows.map((r) => r.seconds).sort((a, b) => a - b);
  const summary = {
    suite, engine, budgetS,
    tasks: rows.length,
    withHint: rows.filter((r) => r.status === 'hint').length,
    validated: rows.filter((r) => r.status === 'hint' && (r.source === 'embedded' || r.source === 'llm')).length,
    fallback: rows.filter((r) => r.source === 'fallback').length,
    withheld: rows.filter((r) => r.status === 'withheld').length,
    leaksBlocked: rows.reduce((n, r) => n + r.leaksBlocked, 0),
    errors: rows.filter((r) => r.status === 'error').length,
    lineMatchesGroundTruth: rows.filter((r) => r.lineMatchesGroundTruth).length,
    withGroundTruth: rows.filter((r) => r.lineMatchesGroundTruth !== undefined).length,
    medianSeconds: secs[Math.floor(secs.length / 2)],
    ...(engine === 'llm' ? { tokensUsed: tokens } : {}),
  };
  console.log(JSON.stringify(summary, null, 2));
  if (v.json) writeFileSync(v.json, JSON.stringify({ ...summary, rows }, null, 2));
  return 0;
}
