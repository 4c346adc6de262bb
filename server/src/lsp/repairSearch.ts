// The engines behind the repair feature's search: the embedded search, or with a fixer model the LLM
// self-debugging loop (alone or raced against the search); the runtime values recorded for the hovers
// afterwards; and the one-line summaries the feature writes to the output (Output > Loopwise in VS Code).
import { LSPErrorCodes, ResponseError } from 'vscode-languageserver/node';
import type { Localization } from '../../../common/localize';
import type { LoopwiseSettings } from '../../../common/protocol';
import type { RepairResult } from '../../../common/repair';
import { configFromSettings, isConfigured } from '../llm/config';
import { lspLlmClient, reportedBudget } from '../llm/lsp';
import { localize } from '../localize/localize';
import { repair, type RepairTask } from '../repair';
import { runLlmEngine } from '../selfdebug/cli';
import type { ServerContext } from './features';
import { offeredFix, offeredPhrase } from './repairView';

/** Top lines that get the failing tests' runtime values, and the time allowed to record them. */
const valueLines = 5;
// The recording takes what it is given (a cold instrumented run, then the values run): keep it short.
const valuesBudgetMs = 6000;

export interface SearchOptions {
  budgetS: number;
  signal: AbortSignal;
  /** The folder's name, for the output. */
  name: string;
  report: (seconds: number, message: string) => void;
}

/** Whichever engine proposes a fix, it is verified by the same workers before it is offered. */
export async function searchFix(ctx: ServerContext, task: RepairTask, settings: LoopwiseSettings, o: SearchOptions): Promise<RepairResult> {
  const log = ctx.connection.console;
  const configured = isConfigured(configFromSettings(settings.llm), 'fixer');
  const engine = settings.repair.engine === 'auto' ? (configured ? 'both' : 'embedded') : settings.repair.engine;
  log.info(`fix search in ${o.name} started: ${engine} engine, ${task.sources.length} source file(s), budget ${o.budgetS} s`);
  if (engine === 'embedded') return repair({ ...task, budgetS: o.budgetS, signal: o.signal, onProgress: (p) => o.report(p.seconds, p.message) });
  if (!configured) {
    throw new ResponseError(LSPErrorCodes.RequestFailed, `loopwise.repair.engine is '${engine}' but no fixer model is configured: set loopwise.llm.models.fixer (and loopwise.llm.baseUrl for a non-OpenAI endpoint), or choose the 'embedded' engine`);
  }
  o.report(0, engine === 'llm' ? 'asking the fixer model (explain, fix, verify)' : 'embedded search and fixer model in parallel');
  const client = lspLlmClient(ctx.connection, settings.llm);
  const budget = reportedBudget(ctx.connection, settings.llm.tokenBudget, 'fix');
  const result = await runLlmEngine(task, engine, { client, budgetS: o.budgetS, signal: o.signal, budget });
  if (result.explanation && result.fixes.length) log.info(`LLM explanation of the fix in ${task.root}:\n${result.explanation}`);
  if (!result.fixes.length && result.bestAttempt) {
    // Viewable, never applied: the attempt did not pass every test.
    log.info(`Best unverified LLM attempt for ${task.root} (still failing: ${result.bestAttempt.failing.join(', ')}; not applied):\n${result.bestAttempt.diff}`);
  }
  return result;
}

/** The search's localization records no values: record them at its top lines (the fix's lines first). */
export async function withValues(ctx: ServerContext, task: RepairTask, loc: Localization, result: RepairResult, signal: AbortSignal): Promise<Localization> {
  const extraScores: Record<string, number> = {};
  for (const l of loc.lines.slice(0, valueLines)) extraScores[`${l.file}:${l.line}`] = 100 - l.rank;
  for (const e of offeredFix(result)?.fix.edits ?? []) extraScores[`${e.file}:${e.line}`] = 1000;
  try {
    const recorded = await localize({ ...task, signal, mutation: false, valueLines, budgetMs: valuesBudgetMs, extraScores });
    return { ...loc, values: recorded.values };
  } catch (err) {
    if (!signal.aborted) ctx.connection.console.warn(`recording runtime values failed: ${err instanceof Error ? err.message : String(err)}`);
    return loc;
  }
}

/** One line for the output: where the chosen fix edits, or why there is none. */
export function searchSummary(r: RepairResult): string {
  const offered = offeredFix(r);
  if (!offered) return r.status === 'noFix' ? 'no verified fix' : `${r.status}${r.message ? ` (${r.message})` : ''}`;
  const edits = offered.fix.edits.map((e) => `${e.file}:${e.line} ${JSON.stringify(e.before)} -> ${JSON.stringify(e.after)}`).join('; ');
  const how = r.preference?.reason ? `; ${r.preference.reason}` : '';
  const steps = r.partialFixes?.length && !offered.partial ? `; after ${r.partialFixes.length} partial fix(es)` : '';
  return `${offered.partial ? 'partial' : 'verified'} fix ${offeredPhrase(offered)}${edits ? `, ${edits}` : ''}${how}${steps}`;
}
