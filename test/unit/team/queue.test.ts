// The on-disk upload queue: survives reopening (a restart), acknowledges by position, recovers from a torn
// last record, drops the oldest events past its cap (and counts them), and keeps parked events with reasons.
import assert from 'node:assert/strict';
import { appendFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { UploadQueue } from '../../../server/src/team/queue';
import { codeEvent, codeEvents, tempDir } from './helpers';

describe('team upload queue', () => {
  let dir: string;
  beforeEach(() => { dir = tempDir('queue'); });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps unacknowledged events across a reopen and never returns acknowledged ones again', () => {
    const q = new UploadQueue({ dir, segmentBytes: 2000 });
    const events = codeEvents(40);
    q.push(events.slice(0, 25));
    q.push(events.slice(25));
    assert.equal(q.pending, 40);
    const first = q.peek(15);
    assert.deepEqual(first.events.map((e) => e.id), events.slice(0, 15).map((e) => e.id));
    q.ack(first.end, first.lines);
    assert.ok(readdirSync(dir).filter((f) => f.startsWith('q-')).length > 1, 'several segments were written');

    const reopened = new UploadQueue({ dir, segmentBytes: 2000 });
    assert.equal(reopened.pending, 25);
    const rest = reopened.peek(100);
    assert.deepEqual(rest.events.map((e) => e.id), events.slice(15).map((e) => e.id));
    reopened.ack(rest.end, rest.lines);
    assert.equal(reopened.pending, 0);
    assert.equal(readdirSync(dir).filter((f) => f.startsWith('q-')).length, 1, 'sent segments are deleted');
    assert.equal(new UploadQueue({ dir }).peek(100).events.length, 0);
  });

  it('limits a batch by bytes but always returns at least one event', () => {
    const q = new UploadQueue({ dir });
    q.push([codeEvent({ session: 'x'.repeat(5000) }), ...codeEvents(3)]);
    assert.equal(q.peek(10, 1000).events.length, 1);
    assert.equal(q.peek(10, 100_000).events.length, 4);
  });

  it('skips a record torn by a crash and keeps the events appended after it', () => {
    const q = new UploadQueue({ dir });
    const [a, b] = codeEvents(2);
    q.push([a]);
    const seg = readdirSync(dir).find((f) => f.startsWith('q-'))!;
    appendFileSync(join(dir, seg), '{"v":1,"id":"torn","ts":');
    const after = new UploadQueue({ dir });
    after.push([b]);
    const batch = after.peek(10);
    assert.deepEqual(batch.events.map((e) => e.id), [a.id, b.id]);
    after.ack(batch.end, batch.lines);
    assert.equal(after.pending, 0);
  });

  it('drops the oldest events past its byte cap and counts them', () => {
    const q = new UploadQueue({ dir, maxBytes: 20_000, segmentBytes: 4000 });
    const events = codeEvents(400);
    let dropped = 0;
    for (let i = 0; i < events.length; i += 10) dropped += q.push(events.slice(i, i + 10));
    assert.ok(dropped > 0);
    assert.equal(q.dropped, dropped);
    assert.equal(q.pending, 400 - dropped);
    const left = q.peek(1000).events;
    assert.equal(left.length, 400 - dropped);
    assert.deepEqual(left.map((e) => e.id), events.slice(dropped).map((e) => e.id), 'the newest events are kept, in order');
  });

  it('keeps parked events with their reason', () => {
    const q = new UploadQueue({ dir });
    const e = codeEvent();
    q.park([e], 'refused by the collector: field id must not contain NUL');
    assert.deepEqual(new UploadQueue({ dir }).parked().map((p) => [(p.event as { id: string }).id, p.reason]),
      [[e.id, 'refused by the collector: field id must not contain NUL']]);
  });
});
