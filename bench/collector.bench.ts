// Collector benchmark: sustained ingest of LOOPWISE_BENCH_EVENTS events (default 1,000,000) over HTTP on
// loopback into a collector child process, on SQLite and on PostgreSQL — events/s and p50/p99 acknowledgement
// latency — then the dashboard query time at that size. SQLite runs twice: synchronous=full (the default,
// fsync per commit) and normal. Baseline, same process: direct storage inserts (no HTTP) of the same batches.
// Needs PostgreSQL (LOOPWISE_TEST_PG_URL or scripts/start-postgres.sh).
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname } from 'node:path';
import { pseudonymizer, toRow } from '../server/src/collector/batch';
import { openStorage } from '../server/src/collector/open';
import { createToken } from '../server/src/collector/tokens';
import type { SuggestionEvent } from '../common/events';
import { request } from '../test/unit/collector/client';
import { dropPgDatabase, freshPgDatabase, freshSqlitePath } from '../test/unit/collector/helpers';

const TOTAL = Number(process.env.LOOPWISE_BENCH_EVENTS ?? 1_000_000);
const BATCH = Number(process.env.LOOPWISE_BENCH_BATCH ?? 1000);
const CONCURRENCY = Number(process.env.LOOPWISE_BENCH_CONCURRENCY ?? 4);
const BASELINE_EVENTS = Math.min(TOTAL, 100_000);
const LANGS = ['python', 'typescript', 'javascript', 'go'];
const OUTCOMES = ['accepted', 'rejected', 'rejected', 'partial'] as const;
const START = Date.UTC(2026, 7, 1);

/** Batch b: suggestions of 50 users over 90 days as the extension uploads them at privacy level noCode. */
function batch(b: number): SuggestionEvent[] {
  const out: SuggestionEvent[] = [];
  for (let i = 0; out.length < BATCH; i++) {
    const n = b * BATCH + i;
    const sid = `s${b}-${i}`;
    const ts = START + Math.floor((n / TOTAL) * 90 * 86_400_000);
    const base = { v: 1 as const, user: `dev${n % 50}@example.com`, session: `sess${n % 500}`, kind: n % 20 === 0 ? 'fix' as const : 'completion' as const, sid };
    out.push({ ...base, id: `${sid}-shown`, ts, type: 'shown', ctx: { lang: LANGS[n % 4], docLen: 4000 + (n % 900), offset: 2000 + (n % 700) },
      sug: { chars: 20 + (n % 80), lines: 1 + (n % 3), tokens: 8 + (n % 30), meanLogProb: -0.2 - (n % 10) / 10 },
      gate: { stage: 2, score: (n % 100) / 100, threshold: 0.3, explore: n % 50 === 0, propensity: n % 50 === 0 ? 0.02 : 1 } });
    const outcome = OUTCOMES[n % 4];
    if (out.length < BATCH) out.push({ ...base, id: `${sid}-${outcome}`, ts: ts + 2000, type: outcome, ...(outcome === 'partial' && { accepted: { chars: 5 } }) });
    if (outcome === 'accepted' && out.length < BATCH) out.push({ ...base, id: `${sid}-r30`, ts: ts + 30_000, type: 'retained', retention: { afterMs: 30_000, survived: 0.8 } });
  }
  return out;
}

const pct = (xs: number[], p: number) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor(p * s.length))]; };
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

async function startCollector(db: string, extra: string[]): Promise<{ child: ChildProcess; url: string }> {
  const cli = existsSync('dist/cli.js') ? ['dist/cli.js'] : ['--import', 'tsx', 'server/src/cli.ts'];
  const child = spawn(process.execPath, [...cli, 'collector', '--db', db, '--port', '0', '--rate', '1000000', '--min-decisions', '1000000000', '--retrain-after', '1000000000', ...extra],
    { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (c: Buffer) => { const m = /"msg":"listening","url":"([^"]+)"/.exec(c.toString()); if (m) resolve(m[1]); });
    child.on('exit', (code) => reject(new Error(`collector exited with ${code}`)));
  });
  // keep the collector's error lines: they explain a failed request
  child.stdout!.on('data', (c: Buffer) => { for (const l of c.toString().split('\n')) if (l.includes('"level":"error"')) console.error(`collector: ${l}`); });
  return { child, url };
}

async function baseline(db: string, sync: 'full' | 'normal'): Promise<number> {
  const storage = await openStorage(db, { sqliteSynchronous: sync });
  const team = await storage.ensureTeam('baseline', 'k');
  const pseudonym = pseudonymizer(team.userSecret);
  const t0 = performance.now();
  for (let b = 0; b * BATCH < BASELINE_EVENTS; b++) await storage.insertEvents(team.id, batch(b).map((e) => toRow(e, pseudonym)), Date.now());
  const s = (performance.now() - t0) / 1000;
  await storage.close();
  return BASELINE_EVENTS / s;
}

async function run(name: string, db: string, sync: 'full' | 'normal' = 'full') {
  const direct = await baseline(db, sync);
  const setup = await openStorage(db);
  const { token } = await createToken(setup, 'bench');
  await setup.close();
  const { child, url } = await startCollector(db, ['--sqlite-synchronous', sync]);
  try {
    return await measure(name, url, token, direct, child.pid!);
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  }
}

/** CPU seconds (user + system) a process has used so far, from /proc (Linux). */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

async function measure(name: string, url: string, token: string, direct: number, pid: number) {
  const cpu0 = cpuSeconds(pid);
  const latencies: number[] = [];
  const batches = Math.ceil(TOTAL / BATCH);
  let next = 0;
  let acked = 0;
  const t0 = performance.now();
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    while (next < batches) {
      const body = JSON.stringify(batch(next++));
      const t = performance.now();
      const r = await request(`${url}/v1/events`, { method: 'POST', body, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' } });
      latencies.push(performance.now() - t);
      if (r.status !== 200) throw new Error(`ingest failed: ${r.status} ${r.text.slice(0, 300)}`);
      acked += r.json().accepted;
    }
  }));
  const seconds = (performance.now() - t0) / 1000;
  const cpu = cpuSeconds(pid) - cpu0;
  const dash: number[] = [];
  let totals = '';
  for (let i = 0; i < 3; i++) {
    const t = performance.now();
    const r = await request(`${url}/dashboard/data`, { headers: { authorization: `Bearer ${token}` } });
    dash.push(performance.now() - t);
    if (r.status !== 200) throw new Error(`dashboard failed: ${r.status} ${r.text.slice(0, 300)}`);
    totals = JSON.stringify(r.json().totals);
  }
  console.log(`${name}: ingest ${fmt(acked)} events in ${seconds.toFixed(1)} s = ${fmt(acked / seconds)} events/s over HTTP ` +
    `(batches of ${BATCH}, ${CONCURRENCY} concurrent); ack latency p50 ${pct(latencies, 0.5).toFixed(1)} ms, p99 ${pct(latencies, 0.99).toFixed(1)} ms`);
  console.log(`${name}: collector process CPU (excluding a PostgreSQL server) ${cpu.toFixed(1)} s for the ingest = ${fmt(acked / cpu)} events per CPU-second (load average now ${loadavg()[0].toFixed(1)} on ${cpus().length} cores)`);
  console.log(`${name}: baseline direct storage insert (no HTTP, ${fmt(BASELINE_EVENTS)} events) ${fmt(direct)} events/s; HTTP/direct = ${(acked / seconds / direct).toFixed(2)}`);
  console.log(`${name}: dashboard data at ${fmt(acked + BASELINE_EVENTS)} stored events: median ${pct(dash, 0.5).toFixed(0)} ms (runs: ${dash.map((d) => d.toFixed(0)).join(', ')}); totals ${totals}`);
  if (acked !== batches * BATCH) throw new Error(`expected ${batches * BATCH} accepted events, got ${acked}`);
}

async function main() {
  console.log(`collector ingest benchmark: ${fmt(TOTAL)} events per backend (LOOPWISE_BENCH_EVENTS to change)`);
  for (const sync of ['full', 'normal'] as const) {
    const sqlite = freshSqlitePath();
    try {
      await run(`sqlite (synchronous=${sync})`, sqlite, sync);
    } finally {
      rmSync(dirname(sqlite), { recursive: true, force: true });
    }
  }
  const pg = await freshPgDatabase();
  try {
    await run('postgres', pg);
  } finally {
    await dropPgDatabase(pg);
  }
}

main().catch((err: unknown) => {
  console.error(`collector benchmark failed: ${(err as Error).message}`);
  process.exit(1);
});
