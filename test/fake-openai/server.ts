// A real OpenAI-compatible HTTP server on 127.0.0.1 (random port) for tests and benchmarks: scripted replies
// (a queue or a function) and injected faults, speaking the wire format the openai SDK expects, including SSE
// streams. Every request is recorded so tests can check what was sent (and that no key leaked into a prompt).
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface FakeUsage { prompt_tokens: number; completion_tokens: number }

/** One token of a reply with its log-probability and the alternatives listed at its position. */
export interface FakeToken { token: string; logprob: number; top?: Array<{ token: string; logprob: number }> }

export type FakeReply =
  /**
   * A normal answer. usage null: send no usage at all (the client must estimate). logprobs: sent (non-streamed,
   * in the completions or chat API's format) when the request asks for log-probabilities.
   */
  | { content: string; usage?: FakeUsage | null; finishReason?: string; chunkSize?: number; logprobs?: FakeToken[] }
  /** Wait before answering (beyond the client's timeout, or to give cancellation time). */
  | { fault: 'slow'; delayMs: number; then?: FakeReply }
  /** Stream `content` up to `afterChars`, then send nothing more while keeping the connection open. */
  | { fault: 'stall'; content: string; afterChars: number }
  /** An HTTP error status (429, 500, 401, 404, ...) with an OpenAI-style error body. */
  | { fault: 'status'; status: number; retryAfter?: string; message?: string; code?: string }
  /** 200 with a body that is not JSON (non-stream) or an SSE event that is not JSON (stream). */
  | { fault: 'malformedJson' }
  /** Stream part of `content`, then cut the connection without finish_reason or [DONE]. */
  | { fault: 'truncatedStream'; content: string; keepChars?: number }
  /** 200 with valid JSON that is not a completion (no choices). */
  | { fault: 'wrongShape'; body?: unknown };

export interface FakeRequest {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  /** Parsed JSON body (undefined for GET or a body that is not JSON). */
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  rawBody: string;
}

export type FakeScript = FakeReply[] | ((req: FakeRequest, index: number) => FakeReply | Promise<FakeReply>);

export interface FakeOpenAI {
  /** Base URL including /v1, for LlmConfig.baseUrl / --base-url / OPENAI_BASE_URL. */
  url: string;
  /** Every request received, in order (GET /v1/models included). */
  requests: FakeRequest[];
  /** Requests to the generation endpoints only. */
  generations(): FakeRequest[];
  close(): Promise<void>;
}

export interface FakeOptions {
  script: FakeScript;
  models?: string[];
}

const estimate = (s: string) => Math.ceil(s.length / 4);

function promptText(body: any): string { // eslint-disable-line @typescript-eslint/no-explicit-any
  if (Array.isArray(body?.messages)) return body.messages.map((m: { content?: unknown }) => String(m?.content ?? '')).join('\n');
  return `${body?.prompt ?? ''}${body?.suffix ?? ''}`;
}

/** The `logprobs` of a choice: chat's content list, or the completions API's parallel arrays. */
function logprobsBody(tokens: FakeToken[], chat: boolean): unknown {
  if (chat) {
    return { content: tokens.map((t) => ({ token: t.token, logprob: t.logprob, bytes: null, top_logprobs: (t.top ?? []).map((a) => ({ ...a, bytes: null })) })) };
  }
  let offset = 0;
  const textOffset = tokens.map((t) => { const at = offset; offset += t.token.length; return at; });
  return {
    tokens: tokens.map((t) => t.token),
    token_logprobs: tokens.map((t) => t.logprob),
    top_logprobs: tokens.map((t) => Object.fromEntries((t.top ?? []).map((a) => [a.token, a.logprob]))),
    text_offset: textOffset,
  };
}

export async function startFakeOpenAI(options: FakeOptions): Promise<FakeOpenAI> {
  const requests: FakeRequest[] = [];
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  let generationIndex = 0;
  const wait = (ms: number) => new Promise<void>((resolve) => {
    const t = setTimeout(() => { timers.delete(t); resolve(); }, ms);
    timers.add(t);
  });

  const nextReply = async (req: FakeRequest): Promise<FakeReply> => {
    const index = generationIndex++;
    if (typeof options.script === 'function') return options.script(req, index);
    return options.script.shift() ?? { fault: 'status', status: 500, message: `fake-openai: script exhausted at request ${index + 1}` };
  };

  const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  };

  const answer = async (req: FakeRequest, res: ServerResponse, reply: FakeReply): Promise<void> => {
    const chat = req.path.endsWith('/chat/completions');
    const stream = req.body?.stream === true;
    const id = `fake-${generationIndex}`;
    const model = String(req.body?.model ?? 'fake');
    const choiceFor = (text: string, finish: string | null, delta: boolean) => chat
      ? { index: 0, ...(delta ? { delta: text ? { content: text } : {} } : { message: { role: 'assistant', content: text } }), finish_reason: finish }
      : { index: 0, text, finish_reason: finish };
    const object = chat ? (stream ? 'chat.completion.chunk' : 'chat.completion') : 'text_completion';
    const sse = () => res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
    const event = (data: unknown) => res.write(`data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`);
    const chunk = (text: string, finish: string | null) => event({ id, object, created: 0, model, choices: [choiceFor(text, finish, true)] });
    const pieces = (text: string, size: number) => text.match(new RegExp(`[\\s\\S]{1,${size}}`, 'g')) ?? [];

    if (!('fault' in reply)) {
      const usage = reply.usage === null ? undefined : reply.usage ?? { prompt_tokens: estimate(promptText(req.body)), completion_tokens: estimate(reply.content) };
      const finish = reply.finishReason ?? 'stop';
      if (!stream) {
        const asked = chat ? req.body?.logprobs === true : typeof req.body?.logprobs === 'number';
        const choice = { ...choiceFor(reply.content, finish, false), ...(asked && reply.logprobs ? { logprobs: logprobsBody(reply.logprobs, chat) } : {}) };
        return json(res, 200, { id, object, created: 0, model, choices: [choice], ...(usage ? { usage } : {}) });
      }
      sse();
      for (const piece of pieces(reply.content, reply.chunkSize ?? 16)) chunk(piece, null);
      chunk('', finish);
      if (usage && req.body?.stream_options?.include_usage) event({ id, object, created: 0, model, choices: [], usage });
      event('[DONE]');
      res.end();
      return;
    }
    switch (reply.fault) {
      case 'slow':
        await wait(reply.delayMs);
        if (res.destroyed) return;
        return answer(req, res, reply.then ?? { content: 'late reply' });
      case 'stall':
        if (!stream) return; // never answers: the client's timeout or cancellation must end it
        sse();
        for (const piece of pieces(reply.content.slice(0, reply.afterChars), 16)) chunk(piece, null);
        return;
      case 'status': {
        const headers: Record<string, string> = reply.retryAfter ? { 'retry-after': reply.retryAfter } : {};
        const message = reply.message ?? `fake-openai error ${reply.status}`;
        return json(res, reply.status, { error: { message, type: 'fake_error', code: reply.code ?? null } }, headers);
      }
      case 'malformedJson':
        if (!stream) {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end('{"id": "x", "choices": [ {"message": ');
          return;
        }
        sse();
        event('{"choices": [ {"delta": {"content": "par');
        res.end();
        return;
      case 'truncatedStream': {
        if (!stream) {
          res.writeHead(200, { 'content-type': 'application/json', 'content-length': '500' });
          res.write('{"id":"x","object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant","content":"');
          res.socket?.destroy();
          return;
        }
        sse();
        for (const piece of pieces(reply.content.slice(0, reply.keepChars ?? Math.floor(reply.content.length / 2)), 16)) chunk(piece, null);
        await wait(10);
        res.socket?.destroy();
        return;
      }
      case 'wrongShape':
        if (!stream) return json(res, 200, reply.body ?? { result: 'ok', output: 'not a completion' });
        sse();
        event(reply.body ?? { result: 'ok' });
        event('[DONE]');
        res.end();
        return;
    }
  };

  const server = createServer((incoming: IncomingMessage, res: ServerResponse) => {
    const parts: Buffer[] = [];
    incoming.on('data', (b: Buffer) => parts.push(b));
    incoming.on('end', () => {
      const rawBody = Buffer.concat(parts).toString('utf8');
      let body: unknown;
      try { body = rawBody ? JSON.parse(rawBody) : undefined; } catch { body = undefined; }
      const path = (incoming.url ?? '/').split('?')[0];
      const req: FakeRequest = { method: incoming.method ?? 'GET', path, headers: { ...incoming.headers }, body, rawBody };
      requests.push(req);
      const handle = async () => {
        if (req.method === 'GET' && path === '/v1/models') {
          return json(res, 200, { object: 'list', data: (options.models ?? ['fake-model']).map((id) => ({ id, object: 'model', created: 0, owned_by: 'fake' })) });
        }
        if (req.method === 'POST' && (path === '/v1/chat/completions' || path === '/v1/completions')) return answer(req, res, await nextReply(req));
        json(res, 404, { error: { message: `fake-openai: no route ${req.method} ${path}`, type: 'invalid_request_error', code: null } });
      };
      handle().catch((err: unknown) => {
        if (!res.headersSent) json(res, 500, { error: { message: `fake-openai script threw: ${String(err)}` } });
        else res.destroy();
      });
    });
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    generations: () => requests.filter((r) => r.method === 'POST'),
    close: () => new Promise<void>((resolve) => {
      for (const t of timers) clearTimeout(t);
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    }),
  };
}
