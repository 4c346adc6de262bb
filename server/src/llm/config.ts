// Resolves LLM settings (VS Code: loopwise.llm.*; CLI: flags and the openai SDK's environment variables) into
// the configuration the client uses, and says plainly when a role has no model.
import { defaultSettings, type LlmRole, type LlmSettings } from '../../../common/protocol';
import { LlmError, notConfiguredMessage } from './errors';

export const openAiBaseUrl = 'https://api.openai.com/v1';

export interface LlmConfig extends LlmSettings {
  /** Attempts per request, including the first (retries on 429, 5xx, timeouts, broken replies). */
  maxAttempts: number;
}

export function configFromSettings(settings: Partial<LlmSettings> | undefined): LlmConfig {
  const d = defaultSettings.llm;
  return {
    baseUrl: settings?.baseUrl ?? d.baseUrl,
    models: { ...d.models, ...settings?.models },
    timeoutSeconds: positive(settings?.timeoutSeconds) ?? d.timeoutSeconds,
    tokenBudget: positive(settings?.tokenBudget) ?? d.tokenBudget,
    maxAttempts: 4,
  };
}

export interface CliLlmOptions {
  baseUrl?: string;
  /** One model for every role: the CLI has no per-role flags. */
  model?: string;
  timeoutSeconds?: number;
  tokenBudget?: number;
}

/** CLI configuration: flags first, then OPENAI_BASE_URL / LOOPWISE_LLM_MODEL from the environment. */
export function configFromCli(opts: CliLlmOptions, env: NodeJS.ProcessEnv = process.env): LlmConfig {
  const model = opts.model ?? env.LOOPWISE_LLM_MODEL ?? '';
  return configFromSettings({
    baseUrl: opts.baseUrl ?? env.OPENAI_BASE_URL ?? '',
    models: { fixer: model, tutor: model, student: model, completion: model },
    timeoutSeconds: opts.timeoutSeconds,
    tokenBudget: opts.tokenBudget,
  });
}

function positive(n: number | undefined): number | undefined {
  return typeof n === 'number' && Number.isFinite(n) && n > 0 ? n : undefined;
}

/** The base URL to call, normalised; throws 'badBaseUrl' when it is not an http(s) URL. */
export function resolveBaseUrl(raw: string): string {
  const text = raw.trim() || openAiBaseUrl;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new LlmError('badBaseUrl', `"${text}" is not a valid base URL (loopwise.llm.baseUrl / --base-url / OPENAI_BASE_URL); ` +
      `expected something like http://localhost:11434/v1.`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new LlmError('badBaseUrl', `The base URL "${text}" must start with http:// or https://.`);
  }
  return text.replace(/\/+$/, '');
}

/** The model for a role, or a 'notConfigured' error whose message says how to configure it. */
export function modelFor(config: LlmSettings, role: LlmRole): string {
  const model = config.models[role]?.trim();
  if (!model) throw new LlmError('notConfigured', notConfiguredMessage(role));
  return model;
}

export function isConfigured(config: LlmSettings, role: LlmRole): boolean {
  return Boolean(config.models[role]?.trim());
}
