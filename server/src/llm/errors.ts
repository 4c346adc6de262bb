// Every way a model call can fail, as one typed error with a message a user can act on.
// classifyError() maps the openai SDK's and Node's errors onto these kinds; messages never contain the API key.
import { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';

export type LlmErrorKind =
  | 'notConfigured' // no model for the role
  | 'auth' // 401/403: key missing, wrong or without access
  | 'modelNotFound' // 404 naming the model
  | 'badBaseUrl' // not a URL, or a server that is not an OpenAI-compatible /v1 endpoint
  | 'unreachable' // connection refused, unknown host
  | 'timeout'
  | 'rateLimited' // 429
  | 'server' // 5xx
  | 'badReply' // malformed JSON, wrong shape, truncated stream
  | 'badRequest' // other 4xx: the endpoint rejected the request itself
  | 'budget' // the action's token budget is spent
  | 'cancelled';

const transient: ReadonlySet<LlmErrorKind> = new Set(['timeout', 'rateLimited', 'server', 'badReply']);

export class LlmError extends Error {
  constructor(
    readonly kind: LlmErrorKind,
    message: string,
    readonly details: { status?: number; retryAfterMs?: number; retryable?: boolean } = {},
  ) {
    super(message);
    this.name = 'LlmError';
  }

  /** Worth another attempt: the same request may succeed later. */
  get retryable(): boolean {
    return this.details.retryable ?? transient.has(this.kind);
  }
}

export function notConfiguredMessage(role: string): string {
  return `No model is configured for the ${role} role. In VS Code set "loopwise.llm.models.${role}" (and ` +
    `"loopwise.llm.baseUrl" for a non-OpenAI endpoint) and run "Loopwise: Set LLM API Key"; on the command line ` +
    `pass --model (and --base-url or OPENAI_BASE_URL) with the key in OPENAI_API_KEY.`;
}

/** Milliseconds the server asks us to wait (Retry-After seconds or HTTP date, or retry-after-ms). */
export function retryAfterMs(headers: Headers | undefined, now = Date.now()): number | undefined {
  if (!headers) return undefined;
  const ms = Number(headers.get('retry-after-ms'));
  if (headers.get('retry-after-ms') && Number.isFinite(ms) && ms >= 0) return ms;
  const value = headers.get('retry-after');
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

interface Context { baseUrl: string; model: string; role: string }

function errorText(err: APIError): string {
  const body = err.error as { message?: unknown } | undefined;
  return `${err.code ?? ''} ${typeof body?.message === 'string' ? body.message : ''} ${err.message}`.toLowerCase();
}

function codeOf(err: unknown): string | undefined {
  for (let e: unknown = err, i = 0; e && i < 5; e = (e as { cause?: unknown }).cause, i++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && /^E[A-Z_]+$/.test(code)) return code;
  }
  return undefined;
}

/** Maps any error thrown during a call to an LlmError. `timedOut`/`cancelled` say which abort fired. */
export function classifyError(err: unknown, ctx: Context, abort: { timedOut: boolean; cancelled: boolean }, timeoutS: number): LlmError {
  if (err instanceof LlmError) return err;
  if (abort.cancelled) return new LlmError('cancelled', 'The request was cancelled.');
  if (abort.timedOut || err instanceof APIConnectionTimeoutError) {
    return new LlmError('timeout', `The model endpoint ${ctx.baseUrl} did not answer within ${timeoutS} s (loopwise.llm.timeoutSeconds).`);
  }
  if (err instanceof APIUserAbortError) return new LlmError('cancelled', 'The request was cancelled.');
  if (err instanceof APIError && typeof err.status === 'number') {
    const status = err.status;
    const where = `${ctx.baseUrl} (model '${ctx.model}', role ${ctx.role})`;
    if (status === 401 || status === 403) {
      return new LlmError('auth', `The model endpoint ${ctx.baseUrl} refused the API key (HTTP ${status}). Set a valid key: ` +
        `"Loopwise: Set LLM API Key" in VS Code, or OPENAI_API_KEY for the CLI.`, { status });
    }
    if (status === 404) {
      return /model/.test(errorText(err))
        ? new LlmError('modelNotFound', `Model '${ctx.model}' was not found at ${ctx.baseUrl}. Check loopwise.llm.models.${ctx.role} (or --model); ` +
          `for Ollama, pull the model first.`, { status })
        : new LlmError('badBaseUrl', `${ctx.baseUrl} answered 404 for the chat API: check loopwise.llm.baseUrl (or --base-url); ` +
          `OpenAI-compatible servers usually expect it to end in /v1. Model '${ctx.model}' may also be unknown there.`, { status });
    }
    if (status === 429) {
      return new LlmError('rateLimited', `The model endpoint is rate limiting requests (HTTP 429) at ${where}.`, { status, retryAfterMs: retryAfterMs(err.headers) });
    }
    if (status === 408) return new LlmError('timeout', `The model endpoint timed out (HTTP 408) at ${where}.`, { status });
    if (status >= 500) return new LlmError('server', `The model endpoint failed (HTTP ${status}) at ${where}.`, { status, retryAfterMs: retryAfterMs(err.headers) });
    return new LlmError('badRequest', `The model endpoint rejected the request (HTTP ${status}) at ${where}: ${err.message}`, { status });
  }
  const code = codeOf(err);
  if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EHOSTUNREACH') {
    return new LlmError('unreachable', `Cannot reach the model endpoint ${ctx.baseUrl} (${code}). Is the server running, and is ` +
      `loopwise.llm.baseUrl (or --base-url / OPENAI_BASE_URL) right?`);
  }
  if (err instanceof APIConnectionError) {
    // fetch refuses some addresses outright (e.g. "bad port"): that will not get better by retrying.
    let cause: unknown = err;
    while ((cause as { cause?: unknown })?.cause) cause = (cause as { cause: unknown }).cause;
    const why = cause instanceof Error ? cause.message : '';
    if (/bad port|invalid url|not allowed/i.test(why)) {
      return new LlmError('unreachable', `Cannot reach the model endpoint ${ctx.baseUrl} (${why}). Is loopwise.llm.baseUrl ` +
        `(or --base-url / OPENAI_BASE_URL) right?`);
    }
  }
  if (err instanceof SyntaxError) {
    return new LlmError('badReply', `The model endpoint ${ctx.baseUrl} sent a reply that is not valid JSON.`);
  }
  // A connection reset mid-reply and similar hiccups are worth retrying.
  let deepest: unknown = err;
  while ((deepest as { cause?: unknown })?.cause) deepest = (deepest as { cause: unknown }).cause;
  const message = deepest instanceof Error ? deepest.message : String(deepest);
  return new LlmError('badReply', `The connection to ${ctx.baseUrl} failed during the reply (${message}).`, { retryable: true });
}
