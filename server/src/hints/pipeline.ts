// One entry point for a tutor hint on a folder, shared by `loopwise hint`, the benchmark and the language
// server: analyse the folder, then the LLM pipeline when a tutor and a student model are configured (or asked
// for), else the embedded hints; a missing model is said plainly, never an error.
import type { HintLevel, HintResponse, LlmSettings } from '../../../common/protocol';
import { LlmClient } from '../llm/client';
import { configFromCli, configFromSettings, isConfigured } from '../llm/config';
import { noSecret, takeApiKeyFromEnv, type SecretProvider } from '../llm/secrets';
import { analyse, loadExercise, type Analysis } from './analyse';
import { embeddedHint } from './embedded';
import { llmHint, type LlmHintOptions } from './llm';

export interface HintOptions {
  level?: HintLevel;
  engine?: 'auto' | 'embedded' | 'llm';
  /** CLI: flags and environment; the server passes `settings` and `secrets` instead. */
  baseUrl?: string;
  model?: string;
  settings?: Partial<LlmSettings>;
  secrets?: SecretProvider;
  budgetS?: number;
  signal?: AbortSignal;
  llm?: Partial<Pick<LlmHintOptions, 'n' | 'budget'>>;
}

export type PipelineResponse = HintResponse & { engineNote?: string; leaksBlocked: number; tokens?: number; analysis?: Analysis };

/** The LLM client for hints, or why there is none (both the tutor and the student role need a model). */
export function hintClient(o: HintOptions): { client?: LlmClient; note?: string } {
  const config = o.settings ? configFromSettings(o.settings) : configFromCli({ baseUrl: o.baseUrl, model: o.model });
  const missing = (['tutor', 'student'] as const).filter((r) => !isConfigured(config, r));
  if (missing.length) return { note: `no model configured for the ${missing.join(' and ')} role: embedded hints (set loopwise.llm.models.${missing[0]}, or --model / LOOPWISE_LLM_MODEL on the command line)` };
  return { client: new LlmClient(config, o.secrets ?? (o.settings ? noSecret : takeApiKeyFromEnv())) };
}

export async function hintForFolder(folder: string, o: HintOptions = {}): Promise<PipelineResponse> {
  const exercise = loadExercise(folder);
  const analysis = await analyse(exercise, { budgetS: o.budgetS, signal: o.signal });
  return hintFromAnalysis(analysis, o);
}

export async function hintFromAnalysis(analysis: Analysis, o: HintOptions): Promise<PipelineResponse> {
  const level = o.level ?? 1;
  const engine = o.engine ?? 'auto';
  let engineNote: string | undefined;
  if (engine !== 'embedded') {
    const { client, note } = hintClient(o);
    if (client) {
      const r = await llmHint(analysis, level, { client, n: o.llm?.n, budget: o.llm?.budget, signal: o.signal });
      return { ...r, analysis };
    }
    engineNote = note;
  }
  const r = await embeddedHint(analysis, level);
  return { ...r, engineNote, analysis };
}
