// Fault and abuse tests against the real CLI process: kill -9 during sustained ingest loses no acknowledged
// event (both backends); 1,000 bad requests are refused with the right status while the service keeps serving;
// the token commands; the model retrained in a child process.
import assert from 'node:assert/strict';
import { openStorage } from '../../../server/src/collector/open';
import { cupsEvents, post, request } from './client';
import { BACKENDS, event } from './helpers';
import { cli, spawnCollector } from './spawn';

const made: [(db: string) => Promise<void>, string][] = [];
after(async () => { for (const [dispose, db] of made.splice(0)) await dispose(db); });

async function freshDb(backend: (typeof BACKENDS)[number]): Promise<string> {
  const db = await backend.db();
  made.push([backend.dispose, db]);
  return db;
}

function createTokenCli(db: string, team: string): string {
  const r = cli(['collector', 'token', 'create', '--db', db, '--team', team]);
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim().split('\n').pop()!;
}

const KILL_CASES = [...BACKENDS.map((backend) => ({ backend, label: backend.name, args: [] as string[] })),
  { backend: BACKENDS[0], label: 'sqlite, synchronous=normal', args: ['--sqlite-synchronous', 'normal'] }];

for (const { backend, label, args } of KILL_CASES) {
  describe(`collector under kill -9 (${label})`, function () {
    this.timeout(120000);

    it('keeps every acknowledged event of a sustained ingest killed mid-flight', async () => {
      const db = await freshDb(backend);
      const token = createTokenCli(db, 'alpha');
      const c = await spawnCollector(['--db', db, '--rate', '100000', ...args]);
      const acked: string[] = [];
      let sent = 0;
      let stop = false;
      const worker = async (w: number) => {
        for (let b = 0; !stop; b++) {
          const batch = Array.from({ length: 200 }, (_, i) => event({ id: `w${w}-b${b}-${i}`, sid: `w${w}-b${b}-${i}` }));
          sent += batch.length;
          try {
            const r = await post(c, token, batch);
            if (r.status === 200) acked.push(...batch.map((e) => e.id));
            else throw new Error(`unexpected status ${r.status}`);
          } catch (err) {
            if (!stop) throw err;
          }
        }
      };
      const workers = [0, 1, 2, 3].map(worker);
      while (acked.length < 4000) await new Promise((r) => setTimeout(r, 20));
      stop = true;
      c.child.kill('SIGKILL');
      await Promise.allSettled(workers);
      assert.equal(await c.exited, null, 'killed by the signal');
      const restarted = await spawnCollector(['--db', db]);
      assert.equal((await request(`${restarted.url}/health`)).status, 200);
      restarted.child.kill('SIGTERM');
      assert.equal(await restarted.exited, 0, 'graceful exit on SIGTERM');
      const storage = await openStorage(db);
      try {
        const stored = new Set((await storage.query<{ id: string }>('SELECT id FROM events', [])).map((r) => r.id));
        const lost = acked.filter((id) => !stored.has(id));
        assert.deepEqual(lost.slice(0, 5), [], `${lost.length} of ${acked.length} acknowledged events lost`);
        assert.ok(stored.size <= sent);
      } finally {
        await storage.close();
      }
    });
  });
}

describe('collector under abuse (sqlite)', function () {
  this.timeout(120000);

  it('refuses 1,000 malformed, oversized, replayed and unauthenticated requests with the right status and keeps serving', async () => {
    const [backend] = BACKENDS;
    const db = await freshDb(backend);
    const token = createTokenCli(db, 'alpha');
    const c = await spawnCollector(['--db', db, '--max-body-mb', '0.25', '--rate', '1000000']);
    const good = [event({ id: 'keep-1' }), event({ id: 'keep-2' })];
    assert.equal((await post(c, token, good)).status, 200);
    const big = Buffer.alloc(300 * 1024, 0x20);
    const kinds: [string, number, () => Promise<{ status: number; text: string }>][] = [
      ['malformed JSON', 400, () => request(`${c.url}/v1/events`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: '[{"v":1,' })],
      ['invalid event', 400, () => post(c, token, [{ ...event(), ts: 'yesterday' }])],
      ['oversized', 413, () => request(`${c.url}/v1/events`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: big })],
      ['unauthenticated', 401, () => post(c, 'lwt_0123456789abcdef_' + 'A'.repeat(43), good)],
      ['no token', 401, () => request(`${c.url}/v1/events`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '[]' })],
      ['wrong type', 415, () => request(`${c.url}/v1/events`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv' }, body: 'a,b' })],
      ['replayed', 200, () => post(c, token, good)],
    ];
    const counts = new Map<string, number>();
    for (let i = 0; i < 1000; i += 10) {
      await Promise.all(Array.from({ length: 10 }, async (_, j) => {
        const [name, want, send] = kinds[(i + j) % kinds.length];
        const r = await send();
        assert.equal(r.status, want, `${name}: ${r.text.slice(0, 200)}`);
        if (name === 'replayed') assert.deepEqual(JSON.parse(r.text), { received: 2, accepted: 0, duplicates: 2 });
        counts.set(name, (counts.get(name) ?? 0) + 1);
      }));
    }
    assert.equal([...counts.values()].reduce((a, b) => a + b), 1000);
    assert.equal((await request(`${c.url}/health`)).status, 200);
    assert.deepEqual((await post(c, token, [event({ id: 'after' })])).json(), { received: 1, accepted: 1, duplicates: 0 });
    c.child.kill('SIGTERM');
    assert.equal(await c.exited, 0);
    const storage = await openStorage(db);
    try {
      assert.deepEqual((await storage.query<{ id: string }>('SELECT id FROM events ORDER BY id', [])).map((r) => r.id), ['after', 'keep-1', 'keep-2']);
    } finally {
      await storage.close();
    }
  });
});

describe('collector CLI', function () {
  this.timeout(120000);

  it('creates, lists and revokes tokens; refuses bad arguments with exit 2 and a message', async () => {
    const [backend] = BACKENDS;
    const db = await freshDb(backend);
    const token = createTokenCli(db, 'alpha');
    const id = token.split('_')[1];
    const list = cli(['collector', 'token', 'list', '--db', db]);
    assert.equal(list.status, 0);
    assert.match(list.stdout, new RegExp(`${id}\\s+alpha\\s+\\S+\\s+active`));
    assert.ok(!list.stdout.includes(token), 'list never shows the secret');
    assert.match(cli(['collector', 'token', 'revoke', '--db', db, token]).stdout, new RegExp(`Revoked token ${id} of team 'alpha'`));
    assert.match(cli(['collector', 'token', 'list', '--db', db, '--team', 'alpha']).stdout, /revoked \d{4}-/);
    const bad = cli(['collector', 'token', 'create', '--db', db]);
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /needs --team/);
    const noDb = cli(['collector', '--port', '0']);
    assert.equal(noDb.status, 2);
    assert.match(noDb.stderr, /--db is required/);
    const badPg = cli(['collector', 'token', 'list', '--db', 'postgres://u:secret@127.0.0.1:1/x']);
    assert.equal(badPg.status, 2);
    assert.match(badPg.stderr, /cannot open the collector database postgres:\/\/u:\*\*\*@127\.0\.0\.1:1\/x/);
    assert.ok(!badPg.stderr.includes('secret'));
  });

  it('retrains the team model in a child process after N decisions, while serving', async () => {
    const [backend] = BACKENDS;
    const db = await freshDb(backend);
    const token = createTokenCli(db, 'alpha');
    const c = await spawnCollector(['--db', db, '--retrain-after', '100', '--min-decisions', '50']);
    try {
      const events = cupsEvents();
      for (let i = 0; i < events.length; i += 400) assert.equal((await post(c, token, events.slice(i, i + 400))).status, 200);
      let status = 0;
      for (let i = 0; i < 600 && status !== 200; i++) {
        status = (await request(`${c.url}/v1/model`, { headers: { authorization: `Bearer ${token}` } })).status;
        if (status !== 200) await new Promise((r) => setTimeout(r, 100));
      }
      assert.equal(status, 200, c.logs.filter((l) => l.includes('retrain')).join('\n'));
      assert.ok(c.logs.some((l) => /"msg":"model retrained","team":"alpha"/.test(l)));
    } finally {
      c.child.kill('SIGTERM');
      await c.exited;
    }
  });
});
