// Test-side HTTP client and in-process collector for the collector tests: raw node:http requests (so a test
// sees exactly what the server sent, even when it answers before reading the body) and a collector on a free port.
import { existsSync, readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { gzipSync } from 'node:zlib';
import { inProcessTrainer } from '../../../server/src/collector/trainer';
import { Retrainer } from '../../../server/src/collector/retrain';
import { startCollector, type RunningCollector } from '../../../server/src/collector/server';
import { openStorage } from '../../../server/src/collector/open';
import type { Storage } from '../../../server/src/collector/storage';
import type { SuggestionEvent } from '../../../common/events';

export interface Reply { status: number; headers: Record<string, string | string[] | undefined>; text: string; json: () => any } // eslint-disable-line @typescript-eslint/no-explicit-any

export function request(url: string, opts: { method?: string; headers?: Record<string, string>; body?: string | Buffer } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: opts.method ?? 'GET', headers: opts.headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json: () => JSON.parse(text) });
      });
      res.on('error', reject);
    });
    // A server refusing a body it did not read may close the socket while we still write: the reply decides.
    req.on('error', (err) => setTimeout(() => reject(err), 200));
    req.end(opts.body);
  });
}

export const auth = (token: string, type = 'application/json', extra: Record<string, string> = {}) => ({ authorization: `Bearer ${token}`, 'content-type': type, ...extra });

export const post = (c: { url: string }, token: string, events: unknown, o: { ndjson?: boolean; gzip?: boolean } = {}) => {
  let body: string | Buffer = o.ndjson ? (events as unknown[]).map((e) => JSON.stringify(e)).join('\n') : JSON.stringify(events);
  if (o.gzip) body = gzipSync(body);
  return request(`${c.url}/v1/events`, { method: 'POST', body,
    headers: auth(token, o.ndjson ? 'application/x-ndjson' : 'application/json', o.gzip ? { 'content-encoding': 'gzip' } : {}) });
};

export interface TestCollector extends RunningCollector { storage: Storage; logs: Record<string, unknown>[]; retrainer: Retrainer }

/** A collector on 127.0.0.1:<free port> over the given database, logging into an array. */
export async function testCollector(db: string, o: { rate?: number; burst?: number; maxBodyBytes?: number; afterDecisions?: number } = {}): Promise<TestCollector> {
  const storage = await openStorage(db);
  const logs: Record<string, unknown>[] = [];
  const log = (e: Record<string, unknown>) => { logs.push(e); };
  const retrainer = new Retrainer(storage, { train: inProcessTrainer(storage, 100_000), intervalMs: 3600_000, afterDecisions: o.afterDecisions ?? 1e9, minDecisions: 50 }, log);
  const c = await startCollector({ storage, retrainer, log, minDecisions: 50, maxBodyBytes: o.maxBodyBytes ?? 1024 * 1024,
    ratePerSecond: o.rate ?? 1000, rateBurst: o.burst ?? 1000 }, '127.0.0.1', 0);
  return { ...c, storage, logs, retrainer };
}

/** The real CUPS events of ../shared (the training data the gate is built for); fails clearly when missing. */
export function cupsEvents(): SuggestionEvent[] {
  const file = '../shared/data/cups/dev-events.jsonl';
  if (!existsSync(file)) throw new Error(`${file} is missing: the collector model tests need the shared CUPS events (see the brief)`);
  return readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as SuggestionEvent);
}
