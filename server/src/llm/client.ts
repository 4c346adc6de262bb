// The one way Loopwise talks to a model: chat and fill-in-the-middle completions against any OpenAI-compatible
// endpoint through the openai SDK, with streaming, cancellation, an idle timeout, retries with backoff on
// 429/5xx/timeouts/broken replies, and token accounting against the action's budget.
import OpenAI from 'openai';
import type { LlmRole } from '../../../common/protocol';
import { estimateTokens, type TokenBudget, type TokenUsage } from './budget';
import { modelFor, resolveBaseUrl, type LlmConfig } from './config';
import { classifyError, LlmError } from './errors';
import { backoffMs, maxRetryAfterMs, sleep } from './retry';
import { redact, type SecretProvider } from './secrets';

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export interface CallOptions {
  temperature?: number;
  /** Completion tokens wanted; lowered to what the budget still allows. Default 1024. */
  maxTokens?: number;
  stop?: string[];
  /** Default true: stream, so a slow model is not mistaken for a dead one and cancellation is prompt. */
  stream?: boolean;
  signal?: AbortSignal;
  budget?: TokenBudget;
  /** Streamed text as it arrives; `attempt` changes when a broken attempt is retried (start over). */
  onDelta?: (delta: string, attempt: number) => void;
  /**
   * Ask for each generated token's log-probability and this many alternatives (0..5) per position: the reply's
   * `tokens`. Non-streamed calls only. An endpoint that refuses it answers 400 (kind badRequest).
   */
  logprobs?: number;
}

/** One generated token with its log-probability and the most likely tokens the endpoint listed at its position. */
export interface TokenLogProb {
  token: string;
  logprob: number;
  top: Array<{ token: string; logprob: number }>;
}

export interface LlmReply {
  text: string;
  /** 'stop', 'length' (cut at max tokens), ... as the endpoint reports it. */
  finishReason: string;
  model: string;
  usage: TokenUsage;
  attempts: number;
  /** Per-token log-probabilities, when asked for (CallOptions.logprobs) and the endpoint returned them. */
  tokens?: TokenLogProb[];
}

export interface FimRequest {
  prompt: string;
  suffix?: string;
}

export interface LlmClientDeps {
  /** Receives redacted log lines (no prompts, never the key). */
  log?: (line: string) => void;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  random?: () => number;
}

interface RawUsage { prompt_tokens?: number; completion_tokens?: number }
/** One chunk of a streamed chat or completions reply, as far as readStream looks at it. */
interface StreamChunk<C> { choices?: C[]; usage?: RawUsage | null }
interface AttemptResult { text: string; finishReason: string; usage?: RawUsage | null; tokens?: TokenLogProb[] }
interface Attempt {
  sdk: OpenAI;
  model: string;
  maxTokens: number;
  signal: AbortSignal;
  /** Call on every received chunk: resets the idle timeout. */
  progress(text: string): void;
}

export class LlmClient {
  /** Endpoints that rejected max_tokens (newer OpenAI models): use max_completion_tokens for them. */
  private readonly completionTokensParam = new Set<string>();

  constructor(
    readonly config: LlmConfig,
    private readonly secrets: SecretProvider,
    private readonly deps: LlmClientDeps = {},
  ) {}

  model(role: LlmRole): string {
    return modelFor(this.config, role);
  }

  async chat(role: LlmRole, messages: ChatMessage[], opts: CallOptions = {}): Promise<LlmReply> {
    const promptTokens = messages.reduce((n, m) => n + estimateTokens(m.content) + 4, 0);
    return this.call(role, promptTokens, opts, async ({ sdk, model, maxTokens, signal, progress }) => {
      const tokens = this.completionTokensParam.has(model) ? { max_completion_tokens: maxTokens } : { max_tokens: maxTokens };
      const base = { model, messages, temperature: opts.temperature, stop: opts.stop, ...tokens };
      if (opts.stream === false) {
        const logprobs = opts.logprobs !== undefined ? { logprobs: true, top_logprobs: opts.logprobs } : {};
        const r = await sdk.chat.completions.create({ ...base, ...logprobs, stream: false }, { signal });
        const choice = Array.isArray(r?.choices) ? r.choices[0] : undefined;
        const content = choice?.message?.content;
        if (!choice || (typeof content !== 'string' && content !== null)) throw this.wrongShape('choices[0].message.content');
        const reply = { text: content ?? '', finishReason: choice.finish_reason ?? 'stop', usage: r.usage };
        return opts.logprobs !== undefined ? { ...reply, tokens: chatTokens(choice.logprobs) } : reply;
      }
      const stream = await sdk.chat.completions.create({ ...base, stream: true, stream_options: { include_usage: true } }, { signal });
      return this.readStream(stream, (choice) => choice?.delta?.content, 'choices[].delta in the stream', progress);
    });
  }

  /** Fill-in-the-middle through /v1/completions with `suffix` (for inline completion). */
  async complete(role: LlmRole, req: FimRequest, opts: CallOptions = {}): Promise<LlmReply> {
    const promptTokens = estimateTokens(req.prompt) + estimateTokens(req.suffix ?? '');
    return this.call(role, promptTokens, opts, async ({ sdk, model, maxTokens, signal, progress }) => {
      const base = { model, prompt: req.prompt, suffix: req.suffix, max_tokens: maxTokens, temperature: opts.temperature, stop: opts.stop };
      if (opts.stream === false) {
        const r = await sdk.completions.create({ ...base, logprobs: opts.logprobs, stream: false }, { signal });
        const choice = Array.isArray(r?.choices) ? r.choices[0] : undefined;
        if (!choice || typeof choice.text !== 'string') throw this.wrongShape('choices[0].text');
        const reply = { text: choice.text, finishReason: choice.finish_reason ?? 'stop', usage: r.usage };
        return opts.logprobs !== undefined ? { ...reply, tokens: completionTokens(choice.logprobs) } : reply;
      }
      const stream = await sdk.completions.create({ ...base, stream: true, stream_options: { include_usage: true } }, { signal });
      return this.readStream(stream, (choice) => choice?.text, 'choices[].text in the stream', progress);
    });
  }

  /** Model ids the endpoint offers (GET /models): for a "test connection" command. */
  async listModels(signal?: AbortSignal): Promise<string[]> {
    const key = await this.secrets();
    const baseUrl = this.baseUrl();
    const sdk = this.sdk(key, baseUrl);
    const abort = { timedOut: false, cancelled: false };
    const controller = new AbortController();
    const timer = setTimeout(() => { abort.timedOut = true; controller.abort(); }, this.config.timeoutSeconds * 1000);
    const onAbort = () => { abort.cancelled = true; controller.abort(); };
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const ids: string[] = [];
      for await (const m of sdk.models.list({ signal: controller.signal })) if (typeof m?.id === 'string') ids.push(m.id);
      return ids;
    } catch (err) {
      throw this.redacted(classifyError(err, { baseUrl, model: '-', role: 'models' }, abort, this.config.timeoutSeconds), key);
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    }
  }

  private baseUrl(): string {
    return resolveBaseUrl(this.config.baseUrl);
  }

  private sdk(key: string | undefined, baseURL: string): OpenAI {
    // Keyless local servers (Ollama, llama.cpp) ignore the header; the SDK insists on some value.
    return new OpenAI({ apiKey: key ?? 'no-key-set', baseURL, maxRetries: 0, timeout: this.config.timeoutSeconds * 1000 + 5000, logLevel: 'off' });
  }

  /** Joins a streamed reply: `textOf` picks the text of a chunk's first choice (`what` names it for the shape error). */
  private async readStream<C extends { finish_reason?: string | null }>(
    stream: AsyncIterable<StreamChunk<C>>, textOf: (choice: C | undefined) => unknown, what: string, progress: (text: string) => void,
  ): Promise<AttemptResult> {
    let text = '';
    let finishReason = '';
    let usage: RawUsage | null | undefined;
    for await (const chunk of stream) {
      if (chunk?.usage) usage = chunk.usage;
      if (!Array.isArray(chunk?.choices)) {
        if (chunk?.usage) continue;
        throw this.wrongShape(what);
      }
      const choice = chunk.choices[0];
      const delta = textOf(choice);
      if (typeof delta === 'string' && delta) {
        text += delta;
        progress(delta);
      } else progress('');
      if (choice?.finish_reason) finishReason = choice.finish_reason;
    }
    if (!finishReason) throw new LlmError('badReply', `The reply stream from ${this.baseUrl()} ended before the reply was complete.`, { retryable: true });
    return { text, finishReason, usage };
  }

  private wrongShape(what: string): LlmError {
    return new LlmError('badReply', `The endpoint ${this.baseUrl()} answered without ${what}: is it an OpenAI-compatible API ` +
      `(loopwise.llm.baseUrl usually ends in /v1)?`, { retryable: false });
  }

  private redacted(err: LlmError, key: string | undefined): LlmError {
    return new LlmError(err.kind, redact(err.message, [key]), err.details);
  }

  private log(line: string, key: string | undefined): void {
    this.deps.log?.(redact(line, [key]));
  }

  private async call(role: LlmRole, promptTokens: number, opts: CallOptions, run: (a: Attempt) => Promise<AttemptResult>): Promise<LlmReply> {
    const model = this.model(role);
    const baseUrl = this.baseUrl();
    const key = await this.secrets();
    const sdk = this.sdk(key, baseUrl);
    const timeoutMs = this.config.timeoutSeconds * 1000;
    const wanted = opts.maxTokens ?? 1024;
    for (let attempt = 1; ; attempt++) {
      if (opts.signal?.aborted) throw new LlmError('cancelled', 'The request was cancelled.');
      const reservation = opts.budget?.reserve(promptTokens, wanted);
      const maxTokens = reservation?.maxTokens ?? wanted;
      const controller = new AbortController();
      const abort = { timedOut: false, cancelled: false };
      let timer: NodeJS.Timeout | undefined;
      const arm = () => {
        clearTimeout(timer);
        timer = setTimeout(() => { abort.timedOut = true; controller.abort(); }, timeoutMs);
      };
      const onAbort = () => { abort.cancelled = true; controller.abort(); };
      opts.signal?.addEventListener('abort', onAbort, { once: true });
      let received = '';
      arm();
      try {
        const result = await run({
          sdk, model, maxTokens, signal: controller.signal,
          progress: (text) => {
            received += text;
            arm();
            if (text) opts.onDelta?.(text, attempt);
          },
        });
        const usage = toUsage(result.usage, promptTokens, result.text);
        opts.budget?.charge(role, usage);
        this.log(`llm ${role} ${model}: ${usage.promptTokens}+${usage.completionTokens} tokens${usage.estimated ? ' (estimated)' : ''}, attempt ${attempt}`, key);
        return { text: result.text, finishReason: result.finishReason, model, usage, attempts: attempt, ...(result.tokens ? { tokens: result.tokens } : {}) };
      } catch (err) {
        // Tokens streamed before a failure were generated (and billed): count them.
        if (received) opts.budget?.charge(role, { promptTokens, completionTokens: estimateTokens(received), estimated: true });
        const e = this.redacted(classifyError(err, { baseUrl, model, role }, abort, this.config.timeoutSeconds), key);
        if (e.kind === 'badRequest' && /max_completion_tokens/.test(e.message) && !this.completionTokensParam.has(model)) {
          this.completionTokensParam.add(model);
          continue;
        }
        const retryAfter = e.details.retryAfterMs;
        if (retryAfter !== undefined && retryAfter > maxRetryAfterMs) {
          throw new LlmError(e.kind, `${e.message} The endpoint asks to wait ${Math.ceil(retryAfter / 1000)} s; try again later.`, e.details);
        }
        if (!e.retryable || attempt >= this.config.maxAttempts) {
          this.log(`llm ${role} ${model}: ${e.kind} after ${attempt} attempt(s): ${e.message}`, key);
          throw attempt > 1 && e.retryable ? new LlmError(e.kind, `${e.message} (gave up after ${attempt} attempts)`, e.details) : e;
        }
        const delay = backoffMs(attempt, this.deps.random ?? Math.random, retryAfter);
        this.log(`llm ${role} ${model}: ${e.kind} on attempt ${attempt}, retrying in ${delay} ms`, key);
        await (this.deps.sleep ?? sleep)(delay, opts.signal);
      } finally {
        reservation?.release();
        clearTimeout(timer);
        opts.signal?.removeEventListener('abort', onAbort);
      }
    }
  }
}

function toUsage(raw: RawUsage | null | undefined, promptEstimate: number, text: string): TokenUsage {
  const p = raw?.prompt_tokens;
  const c = raw?.completion_tokens;
  const hasP = typeof p === 'number' && p >= 0;
  const hasC = typeof c === 'number' && c >= 0;
  return {
    promptTokens: hasP ? p : promptEstimate,
    completionTokens: hasC ? c : estimateTokens(text),
    estimated: !hasP || !hasC,
  };
}

const isLogProb = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);

/** The completions API's parallel arrays (tokens, token_logprobs, top_logprobs) as tokens; undefined when absent. */
function completionTokens(raw: unknown): TokenLogProb[] | undefined {
  const lp = raw as { tokens?: unknown; token_logprobs?: unknown; top_logprobs?: unknown } | null | undefined;
  if (!Array.isArray(lp?.tokens) || !Array.isArray(lp.token_logprobs)) return undefined;
  const tops = Array.isArray(lp.top_logprobs) ? lp.top_logprobs : [];
  const out: TokenLogProb[] = [];
  for (const [i, token] of (lp.tokens as unknown[]).entries()) {
    const logprob = (lp.token_logprobs as unknown[])[i];
    // a token without its number would shift every later token's place in the text: use none of them
    if (typeof token !== 'string' || !isLogProb(logprob)) return undefined;
    const top = tops[i] && typeof tops[i] === 'object' ? Object.entries(tops[i] as Record<string, unknown>) : [];
    out.push({ token, logprob, top: top.filter((e): e is [string, number] => isLogProb(e[1])).map(([t, p]) => ({ token: t, logprob: p })) });
  }
  return out;
}

/** The chat API's logprobs.content list as tokens; undefined when absent. */
function chatTokens(raw: unknown): TokenLogProb[] | undefined {
  const content = (raw as { content?: unknown } | null | undefined)?.content;
  if (!Array.isArray(content)) return undefined;
  const out: TokenLogProb[] = [];
  for (const c of content as Array<{ token?: unknown; logprob?: unknown; top_logprobs?: unknown } | null>) {
    if (typeof c?.token !== 'string' || !isLogProb(c.logprob)) return undefined;
    const top = Array.isArray(c.top_logprobs) ? (c.top_logprobs as Array<{ token?: unknown; logprob?: unknown } | null>) : [];
    out.push({ token: c.token, logprob: c.logprob, top: top.filter((t) => typeof t?.token === 'string' && isLogProb(t.logprob)).map((t) => ({ token: t!.token as string, logprob: t!.logprob as number })) });
  }
  return out;
}
