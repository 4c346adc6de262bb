// Shared helpers for the collector tests: a fresh PostgreSQL database per suite (from LOOPWISE_TEST_PG_URL,
// or the server scripts/start-postgres.sh starts), a fresh SQLite file, and schema-v1 event builders.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import pg from 'pg';
import type { SuggestionEvent } from '../../../common/events';

let baseUrl: string | undefined;

/** The PostgreSQL server URL; starts the test server when none is configured. Fails loudly, never skips. */
export function pgServerUrl(): string {
  if (baseUrl) return baseUrl;
  if (process.env.LOOPWISE_TEST_PG_URL) return (baseUrl = process.env.LOOPWISE_TEST_PG_URL);
  try {
    const out = execFileSync('bash', ['scripts/start-postgres.sh'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    return (baseUrl = out.trim().split('\n').pop()!);
  } catch (err) {
    throw new Error('PostgreSQL is needed by the collector tests and is not reachable: set LOOPWISE_TEST_PG_URL, or run ' +
      `'bash scripts/start-postgres.sh' (needs the Debian postgresql package). ${(err as { stderr?: string }).stderr ?? err}`);
  }
}

/** Creates an empty database on the test server and returns its URL. */
export async function freshPgDatabase(): Promise<string> {
  const url = new URL(pgServerUrl());
  const name = `lw_test_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = new pg.Client({ connectionString: url.toString(), connectionTimeoutMillis: 5000 });
  try {
    await admin.connect();
  } catch (err) {
    throw new Error(`PostgreSQL at ${url.host} is not reachable (${(err as Error).message}); run 'bash scripts/start-postgres.sh' ` +
      'and set LOOPWISE_TEST_PG_URL to the URL it prints');
  }
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  url.pathname = '/' + name;
  return url.toString();
}

/** Drops a database made by freshPgDatabase (after its pools are closed). */
export async function dropPgDatabase(dbUrl: string): Promise<void> {
  const url = new URL(dbUrl);
  const name = url.pathname.slice(1);
  if (!/^lw_test_\w+$/.test(name)) throw new Error(`refusing to drop ${name}: not a test database`);
  url.pathname = '/' + new URL(pgServerUrl()).pathname.slice(1);
  const admin = new pg.Client({ connectionString: url.toString() });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}

export function freshSqlitePath(): string {
  return join(mkdtempSync(join(tmpdir(), 'lw-collector-')), 'collector.db');
}

/** The backends every storage-level test runs against; dispose() removes what db() made. */
export const BACKENDS: { name: 'sqlite' | 'postgres'; db: () => Promise<string>; dispose: (db: string) => Promise<void> }[] = [
  { name: 'sqlite', db: async () => freshSqlitePath(), dispose: async (db) => rmSync(dirname(db), { recursive: true, force: true }) },
  { name: 'postgres', db: freshPgDatabase, dispose: dropPgDatabase },
];

let seq = 0;
export function event(over: Partial<SuggestionEvent> = {}): SuggestionEvent {
  seq++;
  return { v: 1, id: `e${seq}`, ts: Date.UTC(2026, 10, 20) + seq, user: 'alice', kind: 'completion', type: 'shown', sid: `s${seq}`, ...over };
}

/** One suggestion's life: shown (with ctx and sug) then an outcome; ids derived from sid. */
export function suggestion(sid: string, outcome: 'accepted' | 'partial' | 'rejected', o: { user?: string; lang?: string; kind?: SuggestionEvent['kind']; ts?: number; explore?: boolean } = {}): SuggestionEvent[] {
  const ts = o.ts ?? Date.UTC(2026, 10, 20, 12);
  const base = { v: 1 as const, user: o.user ?? 'alice', kind: o.kind ?? 'completion', sid };
  return [
    { ...base, id: `${sid}-shown`, ts, type: 'shown', ctx: { lang: o.lang ?? 'python', prefix: 'def f(x):\n    return ' },
      sug: { text: 'x + 1', chars: 5, lines: 1, meanLogProb: outcome === 'rejected' ? -2.5 : -0.3 },
      ...(o.explore !== undefined && { gate: { stage: 2, score: 0.1, threshold: 0.3, explore: o.explore, propensity: 0.02 } }) },
    { ...base, id: `${sid}-${outcome}`, ts: ts + 1500, type: outcome, ...(outcome === 'partial' && { accepted: { chars: 2 } }) },
  ];
}
