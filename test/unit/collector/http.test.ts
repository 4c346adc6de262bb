// The collector's HTTP API on both backends: auth, validation messages, JSON/JSONL/gzip, idempotent replays,
// size and rate limits, the team model, cross-team isolation, request logs and graceful shutdown.
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { createToken } from '../../../server/src/collector/tokens';
import { auth, cupsEvents, post, request, testCollector, type TestCollector } from './client';
import { BACKENDS, event, suggestion } from './helpers';

for (const backend of BACKENDS) {
  describe(`collector HTTP API (${backend.name})`, function () {
    this.timeout(60000);
    let c: TestCollector;
    let alpha: string;
    let beta: string;
    let db: string | undefined;
    const open = async (o: Parameters<typeof testCollector>[1] = {}) => {
      c = await testCollector((db = await backend.db()), o);
      alpha = (await createToken(c.storage, 'alpha')).token;
      beta = (await createToken(c.storage, 'beta')).token;
    };
    afterEach(async () => {
      await c?.close();
      if (db) await backend.dispose(db);
      db = undefined;
    });

    it('answers /health and refuses unknown routes and methods', async () => {
      await open();
      assert.deepEqual((await request(`${c.url}/health`)).json(), { status: 'ok', storage: backend.name });
      assert.equal((await request(`${c.url}/nope`)).status, 404);
      const r = await request(`${c.url}/v1/events`);
      assert.equal(r.status, 405);
      assert.equal(r.headers.allow, 'POST');
    });

    it('refuses missing, malformed and revoked tokens with 401', async () => {
      await open();
      const noAuth = await request(`${c.url}/v1/events`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '[]' });
      assert.equal(noAuth.status, 401);
      assert.match(noAuth.json().error, /missing bearer token/);
      assert.match(String(noAuth.headers['www-authenticate']), /^Bearer/);
      assert.equal((await post(c, 'lwt_0000000000000000_' + 'x'.repeat(43), [event()])).status, 401);
      assert.equal((await post(c, alpha.slice(0, -2) + 'zz', [event()])).status, 401, 'right id, wrong secret');
      const t = await createToken(c.storage, 'alpha');
      assert.equal((await post(c, t.token, [event()])).status, 200);
      await c.storage.revokeToken(t.id, Date.now());
      const revoked = await post(c, t.token, [event()]);
      assert.equal(revoked.status, 401);
      assert.match(revoked.json().error, /invalid or revoked/);
    });

    it('names the event, its id and the field of every invalid event, and stores nothing from that batch', async () => {
      await open();
      const bad = await post(c, alpha, [event({ id: 'good' }), { ...event({ id: 'bad-1' }), kind: 'poem' }, { ...event({ id: 'bad-2' }), sug: { chars: -1, lines: 1 } }, 7]);
      assert.equal(bad.status, 400);
      const body = bad.json();
      assert.match(body.error, /^event 1 \(id "bad-1"\): field kind must be one of completion, fix, hint \(and 2 more invalid events\); nothing was stored$/);
      assert.deepEqual(body.errors.map((e: { index: number; id?: string; field: string }) => [e.index, e.id, e.field]),
        [[1, 'bad-1', 'kind'], [2, 'bad-2', 'sug.chars'], [3, undefined, '']]);
      const nul = await post(c, alpha, [event({ id: 'a\u0000b' })]);
      assert.equal(nul.status, 400);
      assert.match(nul.json().error, /field id must not contain NUL/);
      const line = await request(`${c.url}/v1/events`, { method: 'POST', headers: auth(alpha, 'application/x-ndjson'), body: `${JSON.stringify(event())}\n{oops\n` });
      assert.equal(line.status, 400);
      assert.match(line.json().error, /^line 2: not valid JSON/);
      const notArray = await request(`${c.url}/v1/events`, { method: 'POST', headers: auth(alpha), body: JSON.stringify(event()) });
      assert.match(notArray.json().error, /must be a JSON array/);
      assert.match((await post(c, alpha, [])).json().error, /no events/);
      const stored = await c.storage.query<{ n: number }>('SELECT COUNT(*) AS n FROM events', []);
      assert.equal(stored[0].n, 0);
    });

    it('accepts JSON, JSONL and gzip, and reports replays as duplicates', async () => {
      await open();
      const batch = [...suggestion('s1', 'accepted'), ...suggestion('s2', 'rejected')];
      assert.deepEqual((await post(c, alpha, batch)).json(), { received: 4, accepted: 4, duplicates: 0 });
      assert.deepEqual((await post(c, alpha, batch, { ndjson: true })).json(), { received: 4, accepted: 0, duplicates: 4 });
      const more = [...suggestion('s3', 'partial'), ...batch.slice(0, 1)];
      assert.deepEqual((await post(c, alpha, more, { ndjson: true, gzip: true })).json(), { received: 3, accepted: 2, duplicates: 1 });
      const charset = await request(`${c.url}/v1/events`, { method: 'POST', headers: auth(alpha, 'application/json; charset=utf-8'), body: JSON.stringify([event()]) });
      assert.equal(charset.status, 200);
    });

    it('refuses wrong content types and encodings with 415', async () => {
      await open();
      const text = await request(`${c.url}/v1/events`, { method: 'POST', headers: auth(alpha, 'text/plain'), body: '[]' });
      assert.equal(text.status, 415);
      assert.match(text.json().error, /unsupported content-type 'text\/plain'/);
      const br = await request(`${c.url}/v1/events`, { method: 'POST', headers: auth(alpha, 'application/json', { 'content-encoding': 'br' }), body: '[]' });
      assert.equal(br.status, 415);
      const notGzip = await request(`${c.url}/v1/events`, { method: 'POST', headers: auth(alpha, 'application/json', { 'content-encoding': 'gzip' }), body: '[]' });
      assert.equal(notGzip.status, 400);
      assert.match(notGzip.json().error, /not valid gzip/);
    });

    it('refuses oversized bodies and gzip bombs with 413, then keeps serving', async () => {
      await open({ maxBodyBytes: 64 * 1024 });
      const big = await request(`${c.url}/v1/events`, { method: 'POST', headers: auth(alpha), body: Buffer.alloc(200 * 1024, 0x20) });
      assert.equal(big.status, 413);
      assert.match(big.json().error, /request body exceeds the collector's limit of 65536 bytes/);
      const bomb = gzipSync(Buffer.alloc(50 * 1024 * 1024, 0x20));
      assert.ok(bomb.length < 64 * 1024, 'the bomb itself is small');
      const r = await request(`${c.url}/v1/events`, { method: 'POST', headers: auth(alpha, 'application/json', { 'content-encoding': 'gzip' }), body: bomb });
      assert.equal(r.status, 413);
      assert.match(r.json().error, /decompressed request body exceeds/);
      assert.equal((await post(c, alpha, [event()])).status, 200);
    });

    it('rate-limits per token with 429 and Retry-After, without slowing other tokens', async () => {
      await open({ rate: 0.5, burst: 3 });
      const statuses = [];
      for (let i = 0; i < 5; i++) statuses.push((await post(c, alpha, [event()])).status);
      assert.deepEqual(statuses, [200, 200, 200, 429, 429]);
      const limited = await post(c, alpha, [event()]);
      assert.equal(limited.headers['retry-after'], '2');
      assert.match(limited.json().error, /rate limit exceeded/);
      assert.equal((await post(c, beta, [event()])).status, 200);
    });

    it('serves each team only its own model, retrained after N new decisions with the gate trainer', async () => {
      await open({ afterDecisions: 200 });
      const none = await request(`${c.url}/v1/model`, { headers: auth(alpha) });
      assert.equal(none.status, 404);
      assert.match(none.json().error, /no gate model for team 'alpha' yet: .* at least 50 decisions \(it has 0\)/);
      const events = cupsEvents();
      for (let i = 0; i < events.length; i += 500) assert.equal((await post(c, alpha, events.slice(i, i + 500))).status, 200);
      let model;
      for (let i = 0; i < 300 && !model; i++) {
        const r = await request(`${c.url}/v1/model`, { headers: auth(alpha) });
        if (r.status === 200) model = r;
        else await new Promise((res) => setTimeout(res, 100));
      }
      assert.ok(model, 'a model was trained after the upload');
      const m = model.json();
      assert.equal(m.format, 'loopwise-gate');
      // trained as soon as 200 decisions had arrived (after the second batch), on everything stored by then
      assert.ok(m.trainedOn.decisions >= 200 && m.trainedOn.users > 1, JSON.stringify(m.trainedOn));
      assert.ok(Number(model.headers['x-loopwise-decisions']) >= 200);
      assert.equal((await request(`${c.url}/v1/model`, { headers: auth(alpha, 'application/json', { 'if-none-match': String(model.headers.etag) }) })).status, 304);
      const other = await request(`${c.url}/v1/model`, { headers: auth(beta) });
      assert.equal(other.status, 404, 'team beta never sees alpha\'s model');
      assert.match(other.json().error, /team 'beta'.*it has 0/);
    });

    it('retrains a team model made for other gate features (after an upgrade) at the next check', async () => {
      await open();
      const events = cupsEvents();
      for (let i = 0; i < events.length; i += 500) assert.equal((await post(c, alpha, events.slice(i, i + 500))).status, 200);
      await c.retrainer.checkAll();
      const teamId = (await c.storage.teams()).find((t) => t.name === 'alpha')!.id;
      const fresh = (await c.storage.model(teamId))!;
      const old = { ...JSON.parse(fresh.model), featureVersion: 1 };
      await c.storage.saveModel(teamId, { ...fresh, model: JSON.stringify(old), etag: '"old"' });
      await c.retrainer.checkAll();
      const served = await request(`${c.url}/v1/model`, { headers: auth(alpha) });
      assert.equal(served.status, 200);
      assert.notEqual(served.headers.etag, '"old"');
      assert.equal(served.json().featureVersion, JSON.parse(fresh.model).featureVersion);
    });

    it('keeps teams apart: same ids stored separately, dashboard data only from the own team', async () => {
      await open();
      const batch = [...suggestion('x', 'accepted', { lang: 'python' }), ...suggestion('y', 'rejected', { lang: 'python' })];
      assert.equal((await post(c, alpha, batch)).json().accepted, 4);
      assert.equal((await post(c, beta, batch.slice(0, 2).map((e) => ({ ...e, ctx: e.ctx && { ...e.ctx, lang: 'go' } })))).json().accepted, 2);
      const a = (await request(`${c.url}/dashboard/data`, { headers: { authorization: `Bearer ${alpha}` } })).json();
      const b = (await request(`${c.url}/dashboard/data`, { headers: { authorization: `Bearer ${beta}` } })).json();
      assert.equal(a.team, 'alpha');
      assert.deepEqual(a.byLanguage, [{ lang: 'python', shown: 2, accepted: 1, rejected: 1 }]);
      assert.equal(b.team, 'beta');
      assert.deepEqual(b.byLanguage, [{ lang: 'go', shown: 1, accepted: 1, rejected: 0 }]);
      assert.equal(b.totals.events, 2);
    });

    it('logs one JSON line per request with status and team, never a token', async () => {
      await open();
      await post(c, alpha, [event()]);
      await post(c, 'lwt_nonsense', [event()]);
      const lines = c.logs.filter((l) => l.msg === 'request');
      assert.deepEqual(lines.map((l) => [l.method, l.path, l.status, l.team]), [['POST', '/v1/events', 200, 'alpha'], ['POST', '/v1/events', 401, undefined]]);
      assert.ok(lines.every((l) => typeof l.ms === 'number'));
      assert.ok(!JSON.stringify(c.logs).includes('lwt_'), 'no token in the log');
    });

    it('finishes an in-flight upload on shutdown, then refuses new connections', async () => {
      await open();
      const { request: raw } = await import('node:http');
      const body = JSON.stringify([event({ id: 'in-flight' })]);
      const done = new Promise<number>((resolve, reject) => {
        const req = raw(`${c.url}/v1/events`, { method: 'POST', headers: { ...auth(alpha), 'content-length': String(body.length) } }, (res) => { res.resume(); resolve(res.statusCode ?? 0); });
        req.on('error', reject);
        req.write(body.slice(0, 10));
        setTimeout(() => req.end(body.slice(10)), 300);
      });
      await new Promise((r) => setTimeout(r, 100));
      const closing = c.close();
      assert.equal(await done, 200);
      await closing;
      await assert.rejects(request(`${c.url}/health`), /ECONNREFUSED/);
    });
  });
}
