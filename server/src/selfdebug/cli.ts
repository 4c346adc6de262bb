// Command-line side of the LLM engines, used by `loopwise fix --engine llm|both` and `loopwise bench repair
// --engine llm|both`: builds the client from --base-url / --model and the openai SDK's environment variables
// (the key is taken out of the environment so no child process inherits it), runs the engine, and reports
// the result in the embedded engine's RepairResult shape plus the tokens used.
import { ownScore } from '../../../common/localize';
import type { RepairFix, RepairResult } from '../../../common/repair';
import { UsageError } from '../errors';
import type { TokenBudget } from '../llm/budget';
import { LlmClient } from '../llm/client';
import { configFromCli, isConfigured } from '../llm/config';
import { notConfiguredMessage } from '../llm/errors';
import { takeApiKeyFromEnv } from '../llm/secrets';
import { fixWithBoth } from './both';
import type { ProposedFix } from './engine';
import { fixWithLlm, type LlmFixResult, type LlmFixTask } from './session';

export type Engine = 'embedded' | 'llm' | 'both';

/** parseArgs options the LLM engines add to a command. */
export const llmCliOptions = {
  engine: { type: 'string' },
  'base-url': { type: 'string' },
  model: { type: 'string' },
} as const;

export const llmCliUsage = '[--engine embedded|llm|both] [--base-url URL] [--model NAME]';

export function parseEngine(value: string | undefined): Engine {
  const engine = value ?? 'embedded';
  if (engine !== 'embedded' && engine !== 'llm' && engine !== 'both') throw new UsageError(`unknown engine '${engine}' (expected embedded, llm or both)`);
  return engine;
}

/** The client for --engine llm|both; a usage error (exit 2) when no model is configured. */
export function cliClient(values: { 'base-url'?: string; model?: string }, log?: (line: string) => void): LlmClient {
  const config = configFromCli({ baseUrl: values['base-url'], model: values.model });
  if (!isConfigured(config, 'fixer')) throw new UsageError(notConfiguredMessage('fixer'));
  return new LlmClient(config, takeApiKeyFromEnv(), { log });
}

export interface EngineResult extends RepairResult {
  engine: Engine;
  /** Engine that found the fix (both: the winner). */
  fixedBy?: 'embedded' | 'llm';
  /** The LLM's account of the bug, for a fix it found. */
  explanation?: string;
  /** The unverified attempt that got furthest, for viewing (never applied). */
  bestAttempt?: { diff: string; explanation: string; failing: string[] };
  tokens?: ReturnType<TokenBudget['summary']>;
  stopReason?: string;
}

/** 1-based line (in the original) of the first change to `file` in a unified diff; 0 when not found. */
function firstChangedLine(diff: string, file: string): number {
  const lines = (diff.split(`--- a/${file}`)[1] ?? '').split('\n');
  const at = lines.findIndex((l) => l.startsWith('@@ -'));
  if (at < 0) return 0;
  let line = Number(lines[at].match(/^@@ -(\d+)/)![1]);
  for (const l of lines.slice(at + 1)) {
    if (!l.startsWith(' ')) return line;
    line++;
  }
  return 0;
}

function asFix(f: ProposedFix): RepairFix {
  return {
    diff: f.diff, files: Object.entries(f.files).map(([path, newText]) => ({ path, newText })),
    edits: f.changed.map((c) => {
      const [file, fn = ''] = c.split(': ');
      return { file, line: firstChangedLine(f.diff, file), kind: 'llmFunction', before: fn, after: fn };
    }),
    testsFixed: f.testsFixed, size: f.diff.split('\n').filter((l) => /^[-+][^-+]/.test(l)).join('').length,
  };
}

export function llmAsRepairResult(r: LlmFixResult, seconds: number): EngineResult {
  const base = { engine: 'llm' as const, candidatesTried: 0, candidatesPerSecond: 0, seconds, failingTests: [] as string[], fixes: [] as RepairFix[], localization: r.localization };
  if (!('attempts' in r)) {
    const status = r.status === 'nothingToFix' ? 'alreadyPassing' : 'noFix';
    return { ...base, status, message: r.message };
  }
  const status = r.status === 'fixed' ? 'fixed' : r.status === 'cancelled' ? 'cancelled' : 'noFix';
  const tried = r.attempts.filter((a) => a.outcome === 'passed' || a.outcome === 'failed').length;
  return {
    ...base, status, message: r.message, fixes: r.fix ? [asFix(r.fix)] : [], fixedBy: r.fix ? 'llm' : undefined, explanation: r.fix?.explanation,
    candidatesTried: tried, candidatesPerSecond: seconds > 0 ? Math.round((tried / seconds) * 100) / 100 : 0,
    failingTests: r.failingTests, tokens: r.tokens, stopReason: r.stopReason,
    bestAttempt: r.bestAttempt && { diff: r.bestAttempt.diff, explanation: r.bestAttempt.explanation, failing: r.bestAttempt.failing },
  };
}

/** Runs the LLM engine, or both engines racing, on a task. */
export async function runLlmEngine(task: LlmFixTask, engine: 'llm' | 'both', o: { client: LlmClient; budgetS: number; signal?: AbortSignal; budget?: TokenBudget }): Promise<EngineResult> {
  const started = Date.now();
  const seconds = () => (Date.now() - started) / 1000;
  if (engine === 'llm') return llmAsRepairResult(await fixWithLlm(task, { client: o.client, budget: o.budget, timeBudgetMs: o.budgetS * 1000, signal: o.signal }), seconds());
  const r = await fixWithBoth(task, { client: o.client, budget: o.budget, budgetS: o.budgetS, signal: o.signal });
  const llm = llmAsRepairResult(r.llm, seconds());
  const fromEmbedded = r.winner === 'embedded' || (!r.winner && r.embedded.status !== 'noFix');
  const chosen: EngineResult = fromEmbedded ? { ...r.embedded, engine: 'both' } : { ...llm, engine: 'both' };
  return {
    ...chosen, engine: 'both', fixedBy: r.winner, seconds: seconds(), tokens: llm.tokens, bestAttempt: llm.bestAttempt,
    candidatesTried: r.embedded.candidatesTried + llm.candidatesTried,
    message: `${r.winner ? `fixed by the ${r.winner === 'llm' ? 'LLM' : 'embedded'} engine. ` : ''}embedded: ${r.embedded.message ?? r.embedded.status}; LLM: ${llm.message ?? llm.status}`,
  };
}

/** Human-readable lines for an LLM or both-engines result (the fix command prints these). */
export function describeEngineResult(r: EngineResult): string[] {
  const out: string[] = [];
  if (r.status === 'alreadyPassing') return [r.message ?? 'all tests pass: nothing to repair'];
  if (r.failingTests.length) out.push(`failing tests: ${r.failingTests.length}`);
  const loc = r.localization?.lines.slice(0, 5) ?? [];
  if (loc.length) out.push('most suspicious lines:', ...loc.map((l) => `  #${l.rank}  ${l.file}:${l.line}  score ${ownScore(l).toFixed(3)}`));
  if (r.fixes.length) {
    const f = r.fixes[0];
    out.push('', `verified fix${r.fixedBy ? ` (${r.fixedBy === 'llm' ? 'LLM' : 'embedded'} engine)` : ''}: makes ${f.testsFixed.length} failing test(s) pass, all other tests still pass`);
    if (r.explanation) out.push('', 'explanation:', r.explanation);
    out.push('', f.diff.trimEnd());
  } else if (r.bestAttempt) {
    out.push('', `no verified fix. Best unverified attempt (not applied; still failing: ${r.bestAttempt.failing.join(', ')}):`, r.bestAttempt.diff.trimEnd());
  }
  out.push('', r.message ?? r.status);
  if (r.tokens) out.push(`tokens: ${r.tokens.total} (${r.tokens.prompt} prompt + ${r.tokens.completion} completion${r.tokens.estimated ? ', partly estimated' : ''}) of a budget of ${r.tokens.budget}`);
  return out;
}
