// The team model fetcher against the real collector: 404 before a model exists, the model handed over once
// it does (checked by loadGateModel), 304 on unchanged ETag, a broken model refused, the cached model reused.
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { GateModel } from '../../../common/gate/index';
import { defaultModelPath } from '../../../server/src/gate/default';
import { getModel } from '../../../server/src/team/client';
import { TeamModelFetcher } from '../../../server/src/team/model';
import { collector, teamToken, tempDir, type Collector } from './helpers';

describe('team model fetch against the real collector', function () {
  this.timeout(60000);
  let dir: string;
  let c: Collector;
  afterEach(async () => {
    await c?.running.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('fetches the team model with its ETag, asks with If-None-Match after, and refuses an unusable model', async () => {
    dir = tempDir('model');
    c = await collector(join(dir, 'collector.db'));
    const { token, teamId } = await teamToken(c);
    const got: { model: GateModel; etag?: string }[] = [];
    const logs: string[] = [];
    const statuses: number[] = [];
    const fetcher = () => new TeamModelFetcher({
      dir: join(dir, 'client'), config: async () => ({ endpoint: c.url, token, privacy: 'noCode' }),
      onModel: (model, etag) => got.push({ model, etag }), log: (l, m) => logs.push(`${l}: ${m}`),
      get: async (...args) => { const r = await getModel(...args); statuses.push(r.kind === 'model' ? 200 : r.kind === 'notModified' ? 304 : 404); return r; },
    });
    const f = fetcher();

    const none = await f.fetchNow();
    assert.match(none.message, /no gate model for team 'alpha' yet/);
    assert.equal(got.length, 0);

    const model = readFileSync(defaultModelPath(), 'utf8');
    const trainedOn = (JSON.parse(model) as GateModel).trainedOn.decisions;
    await c.storage.saveModel(teamId, { model, etag: '"m1"', trainedAt: Date.now(), decisions: trainedOn });
    await f.fetchNow();
    assert.equal(got.length, 1);
    assert.equal(got[0].etag, '"m1"');
    assert.equal(got[0].model.trainedOn.decisions, trainedOn);
    assert.ok(logs.some((l) => l.includes(`team gate model trained on ${trainedOn} decisions`)));

    const same = await f.fetchNow();
    assert.equal(same.message, 'the team model is unchanged');
    assert.deepEqual(statuses, [404, 200, 304]);
    assert.equal(got.length, 1);

    await c.storage.saveModel(teamId, { model: JSON.stringify({ format: 'loopwise-gate', version: 99 }), etag: '"m2"', trainedAt: Date.now(), decisions: 1 });
    const broken = await f.fetchNow();
    assert.match(broken.message, /not usable: unsupported gate model version 99/);
    assert.equal(got.length, 1, 'the broken model is not handed over');

    // A restart starts from the cached good model and its ETag.
    const restarted = fetcher();
    restarted.start();
    restarted.stop();
    await restarted.fetchNow();
    assert.equal(got.length, 2);
    assert.equal(got[1].etag, '"m1"');
  });
});
