// One LLM fix of a project folder: open the verifier (shared with the embedded engine when both run),
// localize the fault, run the self-debugging loop with localization of every fed-back attempt, and close.
// This is what the CLI (`fix --engine llm|both`, `bench repair`) and the language server call.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Localization } from '../../../common/localize';
import { TokenBudget } from '../llm/budget';
import type { LlmClient } from '../llm/client';
import { isConfigured } from '../llm/config';
import { notConfiguredMessage } from '../llm/errors';
import { localize } from '../localize/localize';
import { makeScratchCopy } from '../run/sandbox';
import { Verifier, type VerifyTask } from '../verify/verifier';
import { selfDebug, type SelfDebugOptions, type SelfDebugResult } from './engine';
import type { Diagnosis, FailureInfo } from './prompt';

export interface LlmFixTask extends VerifyTask {
  description?: string;
}

export interface LlmFixOptions extends Pick<SelfDebugOptions, 'rounds' | 'candidatesPerRound' | 'temperatures' | 'timeBudgetMs' | 'signal' | 'onProgress'> {
  client: LlmClient;
  /** Default: a fresh budget of the configured loopwise.llm.tokenBudget. */
  budget?: TokenBudget;
  /** An open verifier on the same task (not closed here); default: one opened and closed by this call. */
  verifier?: Verifier;
  /** Localization of the original code, when the caller already has it. */
  localization?: Localization;
}

export type LlmFixResult =
  | (SelfDebugResult & { localization?: Localization; failingTests: string[] })
  /** 'error': the engine itself failed (e.g. the tests could not be run); the message says why. */
  | { status: 'notConfigured' | 'nothingToFix' | 'error'; message: string; localization?: Localization };

export function diagnosisOf(loc: Localization | undefined, failing: string[], collectErrors: { id: string; message: string }[] = []): Diagnosis {
  const failures: FailureInfo[] = loc?.failingTests.length
    ? loc.failingTests.map((t) => ({ id: t.id, status: t.status, message: t.message, traceback: t.traceback }))
    : failing.map((id) => ({ id, status: 'failed' }));
  // A file that does not parse or import fails every test before any runs: say where.
  if (loc?.status === 'syntaxError' && loc.reason) failures.unshift({ id: '(syntax error)', status: 'error', message: loc.reason });
  for (const e of collectErrors) failures.push({ id: e.id, status: 'error', message: `collecting the tests failed: ${e.message}` });
  return { failures, suspicious: loc?.lines ?? [], values: loc?.values ?? [] };
}

async function readAll(root: string, files: string[]): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const f of files) {
    try {
      out[f] = await readFile(join(root, f), 'utf8');
    } catch {
      // Test data files that are not text (or vanished) are simply not shown to the model.
    }
  }
  return out;
}

export async function fixWithLlm(task: LlmFixTask, o: LlmFixOptions): Promise<LlmFixResult> {
  if (!isConfigured(o.client.config, 'fixer')) return { status: 'notConfigured', message: notConfiguredMessage('fixer') };
  const verifier = o.verifier ?? await Verifier.open(task);
  try {
    if (!verifier.baseline.failing.length && !verifier.baseline.collectErrors.length) return { status: 'nothingToFix', message: 'Every test already passes: nothing to fix.' };
    const localization = o.localization ?? await localize({ root: task.root, language: task.language, sources: task.sources, tests: task.tests, signal: o.signal, mutation: { verifier } })
      .catch(() => undefined);
    const sources = await readAll(task.root, task.sources);
    const tests = await readAll(task.root, task.tests.filter((t) => /\.(py|[cm]?js|ts)$/.test(t)));
    const primary = localization?.lines[0]?.file;
    const diagnose = async (files: Record<string, string>, signal?: AbortSignal): Promise<Diagnosis> => {
      const scratch = await makeScratchCopy(task.root);
      try {
        for (const [f, text] of Object.entries(files)) await writeFile(join(scratch.workspace, f), text);
        const loc = await localize({ root: scratch.workspace, language: task.language, sources: task.sources, tests: task.tests, signal, mutation: false, budgetMs: 15000, valueLines: 3 });
        return diagnosisOf(loc, []);
      } finally {
        await scratch.dispose();
      }
    };
    const budget = o.budget ?? new TokenBudget(o.client.config.tokenBudget, 'fix');
    const result = await selfDebug(
      { language: task.language, sources, tests, description: task.description, primary },
      { ...o, client: o.client, verifier, budget, initial: diagnosisOf(localization, verifier.baseline.failing, verifier.baseline.collectErrors), diagnose },
    );
    return { ...result, localization, failingTests: verifier.baseline.failing };
  } finally {
    if (!o.verifier) await verifier.close();
  }
}
