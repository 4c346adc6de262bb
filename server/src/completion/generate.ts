// Step 2 of the inline-completion pipeline: ask the model (role 'completion') for the text at the cursor.
// Fill-in-the-middle through /v1/completions with `suffix` first; an endpoint that rejects that (chat-only
// APIs answer 400/404) is remembered and asked through a chat prompt with the prefix and suffix instead.
// Token log-probabilities are asked for (the gate's stage-2 features); an API that answers 400 to that is
// asked again without and remembered, so the fallback costs one request per endpoint and server run.
import type { LlmClient, LlmReply, TokenLogProb } from '../llm/client';
import { LlmError } from '../llm/errors';

export interface Generated {
  text: string;
  /** 'fim' or 'chat': which API produced it. */
  via: 'fim' | 'chat';
  tokens: number;
  /** The reply's tokens with log-probabilities, when the endpoint returned them. */
  logprobs?: TokenLogProb[];
}

const CURSOR = '<CURSOR>';
const SYSTEM = 'You are a code completion engine. The user sends a file with the marker <CURSOR>. Reply with only the code ' +
  'that belongs at the marker: no explanation, no code fences, nothing that is already before or after the marker.';

/** Base URLs whose endpoint does not do FIM with a suffix. */
const chatOnly = new Set<string>();
/** `<base URL> fim|chat`: APIs that refused the logprobs parameter. */
const noLogprobs = new Set<string>();
/** Alternatives asked for per token: the chosen one is usually among them, so 2 leave at least one other. */
const ALTERNATIVES = 2;

/** One call, with log-probabilities unless this API refused them before; a 400 with them is retried without. */
async function withLogprobs(key: string, call: (logprobs: number | undefined) => Promise<LlmReply>): Promise<LlmReply> {
  if (noLogprobs.has(key)) return call(undefined);
  try {
    return await call(ALTERNATIVES);
  } catch (err) {
    if (!(err instanceof LlmError) || err.kind !== 'badRequest') throw err;
  }
  const r = await call(undefined);
  noLogprobs.add(key);
  return r;
}

export async function generate(llm: LlmClient, prefix: string, suffix: string, multiline: boolean, signal: AbortSignal): Promise<Generated> {
  const opts = { maxTokens: multiline ? 160 : 48, temperature: 0.2, stream: false, signal };
  const endpoint = llm.config.baseUrl;
  if (!chatOnly.has(endpoint)) {
    try {
      const r = await withLogprobs(`${endpoint} fim`, (logprobs) => llm.complete('completion', { prompt: prefix, suffix }, { ...opts, logprobs, stop: multiline ? ['\n\n\n'] : undefined }));
      return { text: r.text, via: 'fim', tokens: r.usage.completionTokens, logprobs: r.tokens };
    } catch (err) {
      // 400: no `suffix` support; 404 without naming the model: no /completions route at all
      if (!(err instanceof LlmError) || (err.kind !== 'badRequest' && err.kind !== 'badBaseUrl')) throw err;
      chatOnly.add(endpoint);
    }
  }
  const messages = [
    { role: 'system' as const, content: SYSTEM },
    { role: 'user' as const, content: `${prefix}${CURSOR}${suffix}` },
  ];
  const r = await withLogprobs(`${endpoint} chat`, (logprobs) => llm.chat('completion', messages, { ...opts, logprobs }));
  return { text: stripFences(r.text), via: 'chat', tokens: r.usage.completionTokens, logprobs: r.tokens };
}

/** Chat models wrap code in fences despite being asked not to. */
export function stripFences(text: string): string {
  const m = /^\s*```[\w-]*\n([\s\S]*?)\n?```\s*$/.exec(text);
  return m ? m[1] : text;
}
