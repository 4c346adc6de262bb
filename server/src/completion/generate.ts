// Step 2 of the inline-completion pipeline: ask the model (role 'completion') for the text at the cursor.
// Fill-in-the-middle through /v1/completions with `suffix` first; an endpoint that rejects that (chat-only
// APIs answer 400/404) is remembered and asked through a chat prompt with the prefix and suffix instead.
import type { LlmClient } from '../llm/client';
import { LlmError } from '../llm/errors';

export interface Generated {
  text: string;
  /** 'fim' or 'chat': which API produced it. */
  via: 'fim' | 'chat';
  tokens: number;
}

const CURSOR = '<CURSOR>';
const SYSTEM = 'You are a code completion engine. The user sends a file with the marker <CURSOR>. Reply with only the code ' +
  'that belongs at the marker: no explanation, no code fences, nothing that is already before or after the marker.';

/** Base URLs whose endpoint does not do FIM with a suffix. */
const chatOnly = new Set<string>();

export async function generate(llm: LlmClient, prefix: string, suffix: string, multiline: boolean, signal: AbortSignal): Promise<Generated> {
  const opts = { maxTokens: multiline ? 160 : 48, temperature: 0.2, stream: false, signal };
  const endpoint = llm.config.baseUrl;
  if (!chatOnly.has(endpoint)) {
    try {
      const r = await llm.complete('completion', { prompt: prefix, suffix }, { ...opts, stop: multiline ? ['\n\n\n'] : undefined });
      return { text: r.text, via: 'fim', tokens: r.usage.completionTokens };
    } catch (err) {
      // 400: no `suffix` support; 404 without naming the model: no /completions route at all
      if (!(err instanceof LlmError) || (err.kind !== 'badRequest' && err.kind !== 'badBaseUrl')) throw err;
      chatOnly.add(endpoint);
    }
  }
  const r = await llm.chat('completion', [
    { role: 'system', content: SYSTEM },
    { role: 'user', content: `${prefix}${CURSOR}${suffix}` },
  ], opts);
  return { text: stripFences(r.text), via: 'chat', tokens: r.usage.completionTokens };
}

/** Chat models wrap code in fences despite being asked not to. */
export function stripFences(text: string): string {
  const m = /^\s*```[\w-]*\n([\s\S]*?)\n?```\s*$/.exec(text);
  return m ? m[1] : text;
}
