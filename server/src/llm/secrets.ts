// Where the API key comes from, and how it is kept out of logs and errors. The key is fetched per request from
// a provider (SecretStorage via LSP, or the CLI's environment), never stored in settings; redact() scrubs it
// (and anything key-shaped) from every string Loopwise logs or shows. Child processes get a scrubbed
// environment from server/src/run/env.ts; the CLI also removes the key from its own environment.

/** Returns the API key, or undefined when none is set (fine for keyless local servers). */
export type SecretProvider = () => Promise<string | undefined>;

export const noSecret: SecretProvider = async () => undefined;

/**
 * For the CLI: reads OPENAI_API_KEY once and removes it from the environment, so no child process (test runs,
 * the verifier's workers) can inherit it.
 */
export function takeApiKeyFromEnv(env: NodeJS.ProcessEnv = process.env): SecretProvider {
  const key = env.OPENAI_API_KEY?.trim() || undefined;
  delete env.OPENAI_API_KEY;
  return async () => key;
}

const keyShaped = [/\bsk-[A-Za-z0-9_-]{8,}/g, /\b(Bearer\s+)[A-Za-z0-9._~+/=-]{8,}/gi, /("?api[-_]?key"?\s*[:=]\s*"?)[^\s",}]{4,}/gi];

/** Replaces the given secrets and key-shaped strings with "***". */
export function redact(text: string, secrets: Array<string | undefined> = []): string {
  let out = text;
  for (const s of secrets) if (s && s.length >= 4) out = out.split(s).join('***');
  out = out.replace(keyShaped[0], '***');
  out = out.replace(keyShaped[1], '$1***');
  out = out.replace(keyShaped[2], '$1***');
  return out;
}
