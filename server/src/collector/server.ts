// The collector's HTTP service (node:http): routes, bearer auth, per-token rate limit, one JSON log line per
// request (never a token), and graceful shutdown (stop accepting, finish in-flight requests, close the db).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isDecision } from '../../../common/events';
import { BatchError, decodeBatch, pseudonymizer, toRow, validateBatch } from './batch';
import { Dashboard } from './dashboard';
import { HttpError, bearer, mediaType, readBody, sendJson } from './http';
import { RateLimiter } from './ratelimit';
import type { Log, Retrainer } from './retrain';
import type { Storage, Team, TokenRow } from './storage';
import { verifyToken } from './tokens';

export interface CollectorOptions {
  storage: Storage;
  retrainer?: Retrainer;
  /** Largest accepted body, on the wire and after gunzip (bytes). */
  maxBodyBytes: number;
  /** Sustained requests per second per token, and the burst allowed above it. */
  ratePerSecond: number;
  rateBurst: number;
  minDecisions: number;
  log: Log;
}

export interface RunningCollector { server: Server; url: string; close(): Promise<void> }

const NDJSON = new Set(['application/x-ndjson', 'application/jsonl', 'application/jsonlines']);
const utf8 = new TextDecoder('utf-8', { fatal: true });

export async function startCollector(opts: CollectorOptions, host: string, port: number): Promise<RunningCollector> {
  const { storage } = opts;
  const dashboard = await Dashboard.create(storage);
  const limiter = new RateLimiter(opts.ratePerSecond, opts.rateBurst);
  const teams = new Map<number, Team>();

  async function authenticate(req: IncomingMessage, seen: { team?: string }): Promise<TokenRow> {
    const token = bearer(req);
    const challenge = { 'www-authenticate': 'Bearer realm="loopwise"' };
    if (!token) throw new HttpError(401, 'missing bearer token (Authorization: Bearer <team token>)', {}, challenge);
    const row = await verifyToken(storage, token);
    if (!row) throw new HttpError(401, 'invalid or revoked token', {}, challenge);
    seen.team = row.teamName;
    const wait = limiter.take(row.id);
    if (wait) throw new HttpError(429, `rate limit exceeded for this token; retry after ${wait} s`, { retryAfter: wait }, { 'retry-after': String(wait) });
    return row;
  }

  async function team(row: TokenRow): Promise<Team> {
    let t = teams.get(row.teamId);
    if (!t) teams.set(row.teamId, (t = (await storage.teamByName(row.teamName))!));
    return t;
  }

  async function ingest(req: IncomingMessage, res: ServerResponse, row: TokenRow) {
    const type = mediaType(req);
    const format = type === 'application/json' ? 'json' : NDJSON.has(type) ? 'ndjson' : undefined;
    if (!format) throw new HttpError(415, `unsupported content-type '${type || '(none)'}': send application/json (an array of events) or application/x-ndjson`);
    const body = await readBody(req, opts.maxBodyBytes);
    let text: string;
    try {
      text = utf8.decode(body);
    } catch {
      throw new HttpError(400, 'body is not valid UTF-8');
    }
    const events = validateBatch(decodeBatch(text, format));
    const t = await team(row);
    const pseudonym = pseudonymizer(t.userSecret);
    const result = await storage.insertEvents(t.id, events.map((e) => toRow(e, pseudonym)), Date.now());
    if (result.accepted) opts.retrainer?.noteDecisions(t.id, events.filter(isDecision).length);
    sendJson(res, 200, { received: events.length, ...result });
  }

  async function model(req: IncomingMessage, res: ServerResponse, row: TokenRow) {
    const m = await storage.model(row.teamId);
    if (!m) {
      const decisions = await storage.countDecisions(row.teamId);
      throw new HttpError(404, `no gate model for team '${row.teamName}' yet: one is trained once the team has uploaded at least ` +
        `${opts.minDecisions} decisions (it has ${decisions}); until then keep the extension's own model`, { decisions, minDecisions: opts.minDecisions });
    }
    const headers = { etag: m.etag, 'last-modified': new Date(m.trainedAt).toUTCString(), 'x-loopwise-decisions': String(m.decisions), 'cache-control': 'no-cache' };
    if (req.headers['if-none-match'] === m.etag) {
      res.writeHead(304, headers);
      res.end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(m.model), ...headers });
    res.end(m.model);
  }

  /** Serves one request; `seen.team` is set as soon as the caller is known, for the request log. */
  async function route(req: IncomingMessage, res: ServerResponse, path: string, seen: { team?: string }): Promise<void> {
    const method = req.method ?? 'GET';
    const only = (allowed: string) => {
      if (method !== allowed) throw new HttpError(405, `${method} is not allowed on ${path}`, {}, { allow: allowed });
    };
    if (path === '/health') {
      only('GET');
      await storage.query('SELECT 1 AS ok', []);
      sendJson(res, 200, { status: 'ok', storage: storage.kind });
      return;
    }
    if (path === '/v1/events' || path === '/v1/model') {
      only(path === '/v1/events' ? 'POST' : 'GET');
      const row = await authenticate(req, seen);
      await (path === '/v1/events' ? ingest : model)(req, res, row);
      return;
    }
    if (path === '/dashboard' || path.startsWith('/dashboard/')) {
      seen.team = await dashboard.handle(req, res, path);
      return;
    }
    throw new HttpError(404, `no such endpoint: ${method} ${path}`);
  }

  const server = createServer((req, res) => {
    const started = process.hrtime.bigint();
    const path = (req.url ?? '/').split('?')[0];
    const seen: { team?: string } = {};
    res.on('finish', () => opts.log({
      level: res.statusCode >= 500 ? 'error' : 'info', msg: 'request', method: req.method, path, status: res.statusCode,
      ms: Math.round(Number(process.hrtime.bigint() - started) / 1e4) / 100, ...(seen.team && { team: seen.team }),
    }));
    route(req, res, path, seen).catch((err: unknown) => {
      const known = err instanceof HttpError || err instanceof BatchError;
      const status = err instanceof HttpError ? err.status : err instanceof BatchError ? 400 : 500;
      if (!known) opts.log({ level: 'error', msg: 'request failed', method: req.method, path, error: (err as Error).message });
      const body = { error: known ? (err as Error).message : 'internal error (see the collector log)',
        ...(err instanceof HttpError && err.extra), ...(err instanceof BatchError && { invalid: err.invalid, errors: err.errors }) };
      if (res.headersSent) { res.destroy(); return; }
      // Unread request bodies (refused before reading) are not drained: the connection closes after the reply.
      const close: Record<string, string> = req.complete ? {} : { connection: 'close' };
      sendJson(res, status, body, { ...(err instanceof HttpError && err.headers), ...close });
    });
  });
  // Bounds memory under a flood: each connection may hold up to maxBodyBytes while its upload is read.
  server.maxConnections = 256;
  server.requestTimeout = 60_000;
  server.headersTimeout = 20_000;
  server.keepAliveTimeout = 5_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => { server.off('error', reject); resolve(); });
  });
  const addr = server.address() as AddressInfo;
  const url = `http://${addr.family === 'IPv6' ? `[${addr.address}]` : addr.address}:${addr.port}`;

  let closing: Promise<void> | undefined;
  const close = () => (closing ??= (async () => {
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    // Idle keep-alive connections would hold close() open; in-flight requests finish first (bounded).
    const idle = setInterval(() => server.closeIdleConnections(), 50);
    const force = setTimeout(() => server.closeAllConnections(), 10_000);
    await closed;
    clearInterval(idle);
    clearTimeout(force);
    await opts.retrainer?.stop();
    await storage.close();
  })());

  return { server, url, close };
}
