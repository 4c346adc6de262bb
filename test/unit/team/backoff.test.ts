// The uploader's failure handling without a network: exponential backoff with full jitter inside its bounds,
// Retry-After read as seconds or as an HTTP date, and the "queue full" drop said in the log.
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { retryAfterSeconds, type PostOutcome } from '../../../server/src/team/client';
import { UploadQueue } from '../../../server/src/team/queue';
import { backoffDelay, Uploader } from '../../../server/src/team/uploader';
import { codeEvents, tempDir } from './helpers';

describe('team uploader backoff and limits', () => {
  let dir: string;
  beforeEach(() => { dir = tempDir('backoff'); });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  function failing(random: () => number, maxBytes?: number) {
    const logs: string[] = [];
    let posts = 0;
    const queue = new UploadQueue({ dir, maxBytes, segmentBytes: 2000 });
    const uploader = new Uploader({
      queue, backoffBaseMs: 1000, backoffMaxMs: 8000, batchDelayMs: 3600_000, random,
      config: async () => ({ endpoint: 'http://collector.invalid', token: 'lwt_x', privacy: 'noCode' }),
      allowed: async () => ({ allowed: true }), log: (l, m) => logs.push(`${l}: ${m}`),
      post: async (): Promise<PostOutcome> => { posts++; return { kind: 'transient', message: 'HTTP 503: unavailable' }; },
    });
    return { uploader, queue, logs, posts: () => posts };
  }

  it('doubles the backoff ceiling per failure up to the maximum, with the delay drawn inside it', async () => {
    assert.deepEqual([1, 2, 3, 4, 5, 10].map((n) => backoffDelay(n, 1000, 8000, () => 1)), [2000, 4000, 8000, 8000, 8000, 8000]);
    assert.deepEqual([1, 2, 3].map((n) => backoffDelay(n, 1000, 8000, () => 0)), [1000, 1000, 1000]);
    assert.equal(backoffDelay(3, 1000, 8000, () => 0.5), 4500);

    const f = failing(() => 1);
    f.uploader.enqueue(codeEvents(2));
    const before = Date.now();
    const s = await f.uploader.uploadNow();
    f.uploader.stop();
    assert.equal(s.state, 'waiting');
    assert.ok(s.nextAttemptAt! >= before + 2000, 'the retry is planned after the backoff');
    assert.equal(f.posts(), 1, 'one request, then it waits');
    assert.match(f.logs[0], /^warn: upload to the team collector failed \(HTTP 503: unavailable\); 2 events stay queued, retry in 2 s$/);
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    const now = Date.UTC(2026, 10, 27, 12, 0, 0);
    assert.equal(retryAfterSeconds('7', now), 7);
    assert.equal(retryAfterSeconds(new Date(now + 90_000).toUTCString(), now), 90);
    assert.equal(retryAfterSeconds(null, now), 1);
    assert.equal(retryAfterSeconds('soon', now), 1);
  });

  it('logs how many of the oldest events it dropped when the queue is full', () => {
    const f = failing(() => 0, 10_000);
    for (let i = 0; i < 20; i++) f.uploader.enqueue(codeEvents(10));
    f.uploader.stop();
    assert.ok(f.queue.dropped > 0);
    const drops = f.logs.filter((l) => /^warn: team upload queue is full: dropped the \d+ oldest unsent events \(\d+ since start\)$/.test(l));
    assert.ok(drops.length > 0);
    assert.equal(f.posts(), 0);
  });
});
