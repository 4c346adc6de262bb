// The uploader against the REAL collector (in-process, SQLite): delivery, the telemetry check before every
// request, noCode redaction, an outage with a restart in between, 413 splitting, 400 parking, 429 Retry-After,
// 401 stop, and the token never appearing in a log line.
import assert from 'node:assert/strict';
import { cpSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { codeEvent, codeEvents, collector, recordedUploader, stored, storedCount, teamToken, tempDir, until, type Collector } from './helpers';

describe('team uploader against the real collector', function () {
  this.timeout(60000);
  let dir: string;
  let c: Collector | undefined;
  beforeEach(() => { dir = tempDir('up'); });
  afterEach(async () => {
    await c?.running.close();
    c = undefined;
    rmSync(dir, { recursive: true, force: true });
  });
  const open = async (limits = {}, port = 0) => (c = await collector(join(dir, 'collector.db'), port, limits));

  it('uploads queued events once: a resend of the same events is counted as duplicates, not stored again', async () => {
    await open();
    const { token, teamId } = await teamToken(c!);
    const r = recordedUploader(join(dir, 'queue'), c!.url, token, { batchSize: 4 });
    const events = codeEvents(10);
    r.uploader.enqueue(events);
    const s = await r.uploader.uploadNow();
    assert.equal(s.state, 'idle', s.message);
    assert.equal(s.sent, 10);
    assert.equal(s.pending, 0);
    assert.equal(r.posts.length, 3, 'batches of 4, 4 and 2');
    assert.deepEqual((await stored(c!, teamId)).map((e) => e.id).sort(), events.map((e) => e.id).sort());

    r.uploader.enqueue(events.slice(0, 3));
    const again = await r.uploader.uploadNow();
    assert.equal(again.duplicates, 3);
    assert.equal(await storedCount(c!), 10);
  });

  it('asks whether telemetry is on before every request and sends nothing while it is off', async () => {
    await open();
    const { token } = await teamToken(c!);
    const r = recordedUploader(join(dir, 'queue'), c!.url, token, { batchSize: 2 });
    r.telemetry.on = false;
    r.uploader.enqueue(codeEvents(6));
    const off = await r.uploader.uploadNow();
    assert.equal(off.state, 'notAllowed');
    assert.match(off.message, /telemetry is disabled/);
    assert.equal(r.posts.length, 0);
    assert.equal(await storedCount(c!), 0);
    assert.equal(off.pending, 6, 'events stay queued');

    // Switched off between two sends of one upload: the second request is not made.
    let calls = 0;
    const flipAfterFirst = recordedUploader(join(dir, 'queue'), c!.url, token, {
      batchSize: 2,
      allowed: async () => { calls++; return calls === 1 ? { allowed: true } : { allowed: false, reason: 'VS Code telemetry is disabled' }; },
    });
    const s = await flipAfterFirst.uploader.uploadNow();
    assert.equal(calls, 2, 'asked again before the second request');
    assert.equal(s.state, 'notAllowed');
    assert.equal(await storedCount(c!), 2);
    assert.equal(s.pending, 4);
    assert.equal(flipAfterFirst.posts.length, 1);
  });

  it('noCode (the default) sends no prefix, suffix or suggestion text; all sends them', async () => {
    await open();
    const { token, teamId } = await teamToken(c!);
    const r = recordedUploader(join(dir, 'queue'), c!.url, token);
    assert.equal(r.cfg.privacy, 'noCode');
    r.uploader.enqueue(codeEvents(5));
    await r.uploader.uploadNow();
    const got = await stored(c!, teamId);
    assert.equal(got.length, 5);
    assert.doesNotMatch(JSON.stringify(got), /SECRET|prefix|suffix|"text"/);
    assert.ok(got.every((e) => e.ctx?.lang === 'python' && e.sug?.chars === 12), 'the code-free fields still arrive');

    r.cfg.privacy = 'all';
    const withCode = codeEvent();
    r.uploader.enqueue([withCode]);
    await r.uploader.uploadNow();
    const all = (await stored(c!, teamId)).find((e) => e.id === withCode.id);
    assert.equal(all?.ctx?.prefix, withCode.ctx!.prefix);
  });

  it('keeps events on disk while the collector is down and delivers them after a restart of both, without loss', async () => {
    await open();
    const { token, teamId } = await teamToken(c!);
    const port = c!.port;
    const first = recordedUploader(join(dir, 'queue'), c!.url, token, { batchSize: 7 });
    first.uploader.enqueue(codeEvents(5));
    await first.uploader.uploadNow();
    await c!.running.close();
    c = undefined;

    const during = codeEvents(23);
    first.uploader.enqueue(during);
    const down = await first.uploader.uploadNow();
    assert.equal(down.state, 'waiting');
    assert.match(down.message, /failed \(ECONNREFUSED\).*23 events stay queued/);
    assert.equal(down.pending, 23);
    first.uploader.stop();

    // The language server restarts: a new uploader over the same queue folder finds the events.
    const second = recordedUploader(join(dir, 'queue'), '', token, { batchSize: 7 });
    assert.equal(second.queue.pending, 23);
    await open({}, port);
    second.cfg.endpoint = c!.url;
    const s = await second.uploader.uploadNow();
    assert.equal(s.state, 'idle', s.message);
    assert.equal(s.sent, 23);
    assert.equal(s.duplicates, 0);
    const ids = (await stored(c!, teamId)).map((e) => e.id);
    assert.equal(ids.length, 28);
    for (const e of during) assert.ok(ids.includes(e.id), `${e.id} was lost`);
  });

  it('a crash after the collector stored a batch but before the queue noted it resends it as duplicates, not new events', async () => {
    await open();
    const { token } = await teamToken(c!);
    const queueDir = join(dir, 'queue');
    const r = recordedUploader(queueDir, c!.url, token);
    r.uploader.enqueue(codeEvents(12));
    r.uploader.stop();
    cpSync(queueDir, join(dir, 'before-ack'), { recursive: true });
    const again = recordedUploader(queueDir, c!.url, token);
    assert.equal((await again.uploader.uploadNow()).sent, 12);
    // The disk as it was before the acknowledgement was saved:
    rmSync(queueDir, { recursive: true });
    cpSync(join(dir, 'before-ack'), queueDir, { recursive: true });
    const restarted = recordedUploader(queueDir, c!.url, token);
    assert.equal(restarted.queue.pending, 12);
    const s = await restarted.uploader.uploadNow();
    assert.equal(s.sent, 0);
    assert.equal(s.duplicates, 12);
    assert.equal(await storedCount(c!), 12);
  });

  it('retries with backoff by itself once the collector is back', async () => {
    await open();
    const { token } = await teamToken(c!);
    const port = c!.port;
    await c!.running.close();
    c = undefined;
    const r = recordedUploader(join(dir, 'queue'), `http://127.0.0.1:${port}`, token);
    r.uploader.enqueue(codeEvents(3));
    await r.uploader.uploadNow();
    await until('two failed attempts', () => r.posts.length >= 2);
    assert.ok(r.posts.every((p) => p.kind === 'transient'));
    await open({}, port);
    await until('delivery after the collector came back', async () => (await storedCount(c!)) === 3);
    await until('queue empty', () => r.queue.pending === 0);
    r.uploader.stop();
  });

  it('splits a batch the collector refuses as too large (413) and parks a single event that can never fit', async () => {
    await open({ maxBodyBytes: 6000 });
    const { token, teamId } = await teamToken(c!);
    const r = recordedUploader(join(dir, 'queue'), c!.url, token, { batchSize: 200 });
    const events = codeEvents(120);
    const huge = codeEvent({ session: 'x'.repeat(20000) });
    r.uploader.enqueue([...events.slice(0, 60), huge, ...events.slice(60)]);
    const s = await r.uploader.uploadNow();
    assert.equal(s.state, 'idle', s.message);
    assert.ok(r.posts.some((p) => p.kind === 'tooLarge'), 'the collector did refuse the first batch');
    assert.equal(s.sent, 120);
    assert.equal((await stored(c!, teamId)).length, 120);
    const parked = r.queue.parked();
    assert.equal(parked.length, 1);
    assert.equal((parked[0].event as { id: string }).id, huge.id);
    assert.match(parked[0].reason, /request limit of 6000 bytes/);
  });

  it('parks the events the collector refuses (400) with its reason and delivers the rest of the batch', async () => {
    await open();
    const { token, teamId } = await teamToken(c!);
    const r = recordedUploader(join(dir, 'queue'), c!.url, token);
    const good = codeEvents(4);
    const bad = codeEvent({ id: 'bad\u0000id' });
    r.uploader.enqueue([good[0], good[1], bad, good[2], good[3]]);
    const s = await r.uploader.uploadNow();
    assert.equal(s.state, 'idle', s.message);
    assert.equal(s.parked, 1);
    assert.equal(s.pending, 0, 'the bad event is not resent');
    assert.deepEqual((await stored(c!, teamId)).map((e) => e.id).sort(), good.map((e) => e.id).sort());
    const [p] = r.queue.parked();
    assert.equal((p.event as { id: string }).id, 'bad\u0000id');
    assert.match(p.reason, /refused by the collector: field id must not contain NUL/);
    assert.equal(r.posts.filter((x) => x.kind === 'invalid').length, 1);
  });

  it('waits out Retry-After on 429 (one refused request, no hot loop) and then delivers', async () => {
    await open({ rate: 1, burst: 1 });
    const { token, teamId } = await teamToken(c!);
    const r = recordedUploader(join(dir, 'queue'), c!.url, token, { batchSize: 2 });
    r.uploader.enqueue(codeEvents(4));
    const before = Date.now();
    const s = await r.uploader.uploadNow();
    assert.equal(s.state, 'waiting');
    assert.match(s.message, /rate limited by the collector: retrying in 1 s/);
    assert.ok(s.nextAttemptAt! >= before + 1000, 'the next attempt is planned after Retry-After');
    assert.deepEqual(r.posts.map((p) => p.kind), ['ok', 'rateLimited']);
    await until('delivery after Retry-After', async () => (await stored(c!, teamId)).length === 4);
    assert.equal(r.posts.filter((p) => p.kind === 'rateLimited').length, 1, 'no request before Retry-After passed');
    r.uploader.stop();
  });

  it('stops on 401 and says so (no retries until the token changes), never logging the token', async () => {
    await open();
    const { token, id } = await teamToken(c!);
    await c!.storage.revokeToken(id, Date.now());
    const r = recordedUploader(join(dir, 'queue'), c!.url, token);
    r.uploader.enqueue(codeEvents(3));
    const s = await r.uploader.uploadNow();
    assert.equal(s.state, 'unauthorized');
    assert.match(s.message, /refused the team token \(invalid or revoked token\).*Set Team Token.*events stay queued/);
    r.uploader.enqueue(codeEvents(600));
    await new Promise((res) => setTimeout(res, 300));
    assert.equal(r.posts.length, 1, 'no request after the 401');
    assert.equal(r.queue.pending, 603);

    r.cfg.token = (await teamToken(c!)).token;
    const after = await r.uploader.uploadNow();
    assert.equal(after.state, 'idle', after.message);
    assert.equal(await storedCount(c!), 603);
    const logged = [...r.logs, ...c!.logs].join('\n');
    assert.ok(r.logs.some((l) => /^error: .*refused the team token/.test(l)));
    assert.ok(!logged.includes(token) && !logged.includes(r.cfg.token!), 'a token appears in a log line');
    assert.ok(!logged.includes(token.slice(token.indexOf('_', 4) + 1)), 'a token secret appears in a log line');
  });
});
