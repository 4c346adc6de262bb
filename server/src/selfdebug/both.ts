// The `both` engine: the embedded repair search and the LLM self-debugging loop run side by side on the same
// task; the first verified fix wins and the other engine is cancelled (and awaited, so no process outlives it).
import type { RepairResult } from '../../../common/repair';
import { repair } from '../repair/repair';
import { fixWithLlm, type LlmFixOptions, type LlmFixResult, type LlmFixTask } from './session';

export interface BothResult {
  /** The engine whose verified fix came first; undefined when neither found one. */
  winner?: 'embedded' | 'llm';
  embedded: RepairResult;
  llm: LlmFixResult;
}

export interface BothOptions extends Omit<LlmFixOptions, 'verifier' | 'localization'> {
  /** Time budget for each engine, seconds (default 30 for the search; the LLM gets the same). */
  budgetS?: number;
}

export async function fixWithBoth(task: LlmFixTask, o: BothOptions): Promise<BothResult> {
  const budgetS = o.budgetS ?? 30;
  const embeddedStop = new AbortController();
  const llmStop = new AbortController();
  const link = (c: AbortController) => o.signal?.addEventListener('abort', () => c.abort(), { once: true });
  link(embeddedStop);
  link(llmStop);
  let winner: BothResult['winner'];
  const claim = (engine: 'embedded' | 'llm', other: AbortController) => {
    if (!winner) {
      winner = engine;
      other.abort();
    }
  };
  const [embedded, llm] = await Promise.allSettled([
    repair({ root: task.root, language: task.language, sources: task.sources, tests: task.tests, budgetS, signal: embeddedStop.signal })
      .then((r) => {
        if (r.status === 'fixed' && r.fixes.length) claim('embedded', llmStop);
        return r;
      }),
    fixWithLlm(task, { ...o, timeBudgetMs: o.timeBudgetMs ?? budgetS * 1000, signal: llmStop.signal })
      .then((r) => {
        if (r.status === 'fixed') claim('llm', embeddedStop);
        return r;
      }),
  ]);
  // Both are settled before anything is reported, so a failure of one never leaves the other running.
  if (embedded.status === 'rejected') throw embedded.reason;
  const llmResult: LlmFixResult = llm.status === 'fulfilled' ? llm.value
    : { status: 'error', message: `The LLM engine failed: ${llm.reason instanceof Error ? llm.reason.message : String(llm.reason)}` };
  return { winner, embedded: embedded.value, llm: llmResult };
}
