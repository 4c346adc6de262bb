// HTTP calls to the team collector: POST /v1/events (gzip JSON) and GET /v1/model (If-None-Match), each reply
// turned into one outcome the uploader acts on. The token goes only into the Authorization header, never into
// an error message or a log line.
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import type { SuggestionEvent } from '../../../common/events';

const gzipAsync = promisify(gzip);

export interface EventError { index: number; id?: string; field: string; message: string }

export type PostOutcome =
  | { kind: 'ok'; accepted: number; duplicates: number }
  | { kind: 'invalid'; message: string; errors: EventError[] }
  | { kind: 'tooLarge'; limit?: number }
  | { kind: 'rateLimited'; retryAfterS: number }
  | { kind: 'unauthorized'; message: string }
  /** Worth retrying later: network errors, timeouts, 5xx. */
  | { kind: 'transient'; message: string }
  /** The endpoint is wrong (404, 405, 415, other 4xx): retrying soon will not help. */
  | { kind: 'misconfigured'; message: string };

export type ModelOutcome =
  | { kind: 'model'; json: unknown; etag?: string }
  | { kind: 'notModified' }
  | { kind: 'none'; message: string }
  | Exclude<PostOutcome, { kind: 'ok' } | { kind: 'invalid' } | { kind: 'tooLarge' }>;

const TIMEOUT_MS = 30_000;

/** The collector URL for a path, from an endpoint given with or without a trailing slash. */
export function collectorUrl(endpoint: string, path: string): string {
  return endpoint.replace(/\/+$/, '') + path;
}

export async function postEvents(endpoint: string, token: string, events: SuggestionEvent[]): Promise<PostOutcome> {
  const body = await gzipAsync(JSON.stringify(events));
  let res: Response;
  try {
    res = await fetch(collectorUrl(endpoint, '/v1/events'), {
      method: 'POST', body,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'content-encoding': 'gzip' },
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch (err) {
    return { kind: 'transient', message: networkMessage(err) };
  }
  const json = await res.json().catch(() => undefined) as Record<string, unknown> | undefined;
  if (res.status === 200) return { kind: 'ok', accepted: Number(json?.accepted ?? 0), duplicates: Number(json?.duplicates ?? 0) };
  if (res.status === 400) return { kind: 'invalid', message: String(json?.error ?? 'bad request'), errors: Array.isArray(json?.errors) ? json.errors as EventError[] : [] };
  if (res.status === 413) return { kind: 'tooLarge', limit: typeof json?.limit === 'number' ? json.limit : undefined };
  return common(res, json);
}

export async function getModel(endpoint: string, token: string, etag?: string): Promise<ModelOutcome> {
  let res: Response;
  try {
    res = await fetch(collectorUrl(endpoint, '/v1/model'), {
      headers: { authorization: `Bearer ${token}`, ...(etag && { 'if-none-match': etag }) },
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch (err) {
    return { kind: 'transient', message: networkMessage(err) };
  }
  if (res.status === 304) return { kind: 'notModified' };
  if (res.status === 200) {
    try {
      return { kind: 'model', json: await res.json(), etag: res.headers.get('etag') ?? undefined };
    } catch {
      return { kind: 'misconfigured', message: 'GET /v1/model answered 200 with a body that is not JSON' };
    }
  }
  const json = await res.json().catch(() => undefined) as Record<string, unknown> | undefined;
  if (res.status === 404 && json && 'decisions' in json) return { kind: 'none', message: String(json.error) };
  return common(res, json);
}

function common(res: Response, json: Record<string, unknown> | undefined): Extract<PostOutcome, { kind: 'rateLimited' | 'unauthorized' | 'transient' | 'misconfigured' }> {
  const message = typeof json?.error === 'string' ? json.error : `HTTP ${res.status}`;
  if (res.status === 401 || res.status === 403) return { kind: 'unauthorized', message };
  if (res.status === 429) {
    return { kind: 'rateLimited', retryAfterS: retryAfterSeconds(res.headers.get('retry-after')) };
  }
  if (res.status >= 500 || res.status === 408) return { kind: 'transient', message: `HTTP ${res.status}: ${message}` };
  return { kind: 'misconfigured', message: `HTTP ${res.status}: ${message}` };
}

/** Retry-After as delay-seconds or an HTTP date (RFC 9110); 1 s when absent or unreadable. */
export function retryAfterSeconds(value: string | null, now = Date.now()): number {
  if (value === null || value.trim() === '') return 1;
  const s = Number(value);
  if (Number.isFinite(s)) return Math.max(0, s);
  const at = Date.parse(value);
  return Number.isNaN(at) ? 1 : Math.max(0, Math.ceil((at - now) / 1000));
}

function networkMessage(err: unknown): string {
  const e = err as Error & { cause?: { code?: string; message?: string } };
  if (e?.name === 'TimeoutError') return `no answer within ${TIMEOUT_MS / 1000} s`;
  return e?.cause?.code ?? e?.cause?.message ?? e?.message ?? String(err);
}
