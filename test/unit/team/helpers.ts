// Shared setup of the uploader tests: the REAL collector (in-process, SQLite in a temp dir) that can be stopped
// and started again on the same port and database, a team token, an uploader over a queue folder whose requests
// and log lines are recorded, and events with code text in them.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SuggestionEvent } from '../../../common/events';
import { startCollector, type RunningCollector } from '../../../server/src/collector/server';
import { openStorage } from '../../../server/src/collector/open';
import type { Storage } from '../../../server/src/collector/storage';
import { createToken } from '../../../server/src/collector/tokens';
import { postEvents, type PostOutcome } from '../../../server/src/team/client';
import { UploadQueue } from '../../../server/src/team/queue';
import { Uploader, type TeamConfig, type UploaderOptions } from '../../../server/src/team/uploader';

export interface Collector { url: string; port: number; storage: Storage; running: RunningCollector; logs: string[] }
export interface CollectorLimits { maxBodyBytes?: number; rate?: number; burst?: number }

export const tempDir = (name: string) => mkdtempSync(join(tmpdir(), `lw-team-${name}-`));

/** Starts the collector over `db` on `port` (0: a free one). */
export async function collector(db: string, port = 0, limits: CollectorLimits = {}): Promise<Collector> {
  const storage = await openStorage(db);
  const logs: string[] = [];
  const running = await startCollector({ storage, log: (e) => { logs.push(JSON.stringify(e)); }, minDecisions: 50,
    maxBodyBytes: limits.maxBodyBytes ?? 1024 * 1024, ratePerSecond: limits.rate ?? 1000, rateBurst: limits.burst ?? 1000 }, '127.0.0.1', port);
  return { url: running.url, port: Number(new URL(running.url).port), storage, running, logs };
}

export async function teamToken(c: Collector, team = 'alpha'): Promise<{ token: string; id: string; teamId: number }> {
  const t = await createToken(c.storage, team);
  return { token: t.token, id: t.id, teamId: t.team.id };
}

/** Events stored by the collector for a team (their stored JSON), oldest first. */
export async function stored(c: Collector, teamId: number): Promise<SuggestionEvent[]> {
  return c.storage.recentEvents(teamId, 1_000_000);
}

export async function storedCount(c: Collector): Promise<number> {
  const [row] = await c.storage.query<{ n: number | string }>('SELECT COUNT(*) AS n FROM events', []);
  return Number(row.n);
}

export interface Recorded { uploader: Uploader; queue: UploadQueue; cfg: TeamConfig; telemetry: { on: boolean }; posts: PostOutcome[]; allowedAsked: number; logs: string[] }

/** An uploader over `dir` that records every request outcome, every telemetry question and every log line. */
export function recordedUploader(dir: string, endpoint: string, token: string, o: Partial<UploaderOptions> = {}): Recorded {
  const r: Recorded = { cfg: { endpoint, token, privacy: 'noCode' }, telemetry: { on: true }, posts: [], allowedAsked: 0, logs: [] } as unknown as Recorded;
  r.queue = new UploadQueue({ dir });
  r.uploader = new Uploader({
    queue: r.queue, batchDelayMs: 3600_000, backoffBaseMs: 100, backoffMaxMs: 400,
    config: async () => r.cfg,
    allowed: async () => { r.allowedAsked++; return r.telemetry.on ? { allowed: true } : { allowed: false, reason: 'VS Code telemetry is disabled' }; },
    log: (level, message) => { r.logs.push(`${level}: ${message}`); },
    post: async (...args) => { const out = await postEvents(...args); r.posts.push(out); return out; },
    ...o,
  });
  return r;
}

let seq = 0;
/** A shown suggestion with code in its context and text, or its outcome (no code). */
export function codeEvent(over: Partial<SuggestionEvent> = {}): SuggestionEvent {
  seq++;
  return { v: 1, id: `t${process.pid}-${seq}`, ts: Date.UTC(2026, 10, 27) + seq, user: 'alice', kind: 'completion', type: 'shown', sid: `s${seq}`,
    ctx: { lang: 'python', prefix: `SECRET_PREFIX_${seq} = compute(`, suffix: ')  # SECRET_SUFFIX' },
    sug: { text: `SECRET_TEXT_${seq}`, chars: 12, lines: 1 }, ...over };
}

export const codeEvents = (n: number) => Array.from({ length: n }, () => codeEvent());

/** Polls until `check` holds (the uploader works in the background); fails with `what` after 20 s. */
export async function until(what: string, check: () => boolean | Promise<boolean>): Promise<void> {
  for (let i = 0; i < 400; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for: ${what}`);
}
