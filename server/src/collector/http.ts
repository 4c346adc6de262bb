// HTTP plumbing for the collector: errors that carry a status, JSON replies, and a body reader that enforces
// the size limit before and after gunzip (a small gzip bomb is refused once it inflates past the limit).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';

const gunzipAsync = promisify(gunzip);

export class HttpError extends Error {
  constructor(readonly status: number, message: string, readonly extra: Record<string, unknown> = {}, readonly headers: Record<string, string> = {}) {
    super(message);
  }
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), 'cache-control': 'no-store', ...headers });
  res.end(text);
}

/** Media type without parameters, lower-cased ('' when absent). */
export const mediaType = (req: IncomingMessage) => (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();

/**
 * Reads the whole body, refusing (413) more than maxBytes on the wire or after decompression.
 * When the declared length is already too large, nothing is read.
 */
export async function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const tooLarge = (what: string) => new HttpError(413, `${what} exceeds the collector's limit of ${maxBytes} bytes; send smaller batches`, { limit: maxBytes });
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) throw tooLarge('request body');
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) throw tooLarge('request body');
    chunks.push(chunk);
  }
  const raw = Buffer.concat(chunks, size);
  const encoding = String(req.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
  if (encoding === 'identity' || encoding === '') return raw;
  if (encoding !== 'gzip') throw new HttpError(415, `unsupported content-encoding '${encoding}' (use gzip or none)`);
  try {
    return await gunzipAsync(raw, { maxOutputLength: maxBytes });
  } catch (err) {
    if ((err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') throw tooLarge('decompressed request body');
    throw new HttpError(400, `body is not valid gzip (${(err as Error).message})`);
  }
}

/** The bearer token of the request, if any. */
export function bearer(req: IncomingMessage): string | undefined {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
  return m?.[1];
}

/** Cookies of the request by name (first occurrence wins). */
export function cookies(req: IncomingMessage): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const i = part.indexOf('=');
    if (i < 1) continue;
    const name = part.slice(0, i).trim();
    try {
      if (!out.has(name)) out.set(name, decodeURIComponent(part.slice(i + 1).trim()));
    } catch {
      // a malformed cookie is ignored like an absent one
    }
  }
  return out;
}
