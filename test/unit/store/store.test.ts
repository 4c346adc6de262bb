import * as assert from 'node:assert';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SuggestionEvent } from '../../../common/events';
import { UnsupportedVersionError } from '../../../server/src/events/jsonl';
import { EventStore, EventStoreError } from '../../../server/src/events/store';

const ev = (i: number): SuggestionEvent => ({
  v: 1, id: `e${i}`, ts: 1000 + i, user: 'u', kind: 'completion', type: 'shown', sid: `s${i}`,
  ctx: { lang: 'python', docLen: 10, offset: 5, prefix: 'secret_code = ', suffix: 'tail' },
  sug: { text: 'compute_secret()', chars: 16, lines: 1, meanLogProb: -0.3 },
});

describe('event store', () => {
  let dir = '';
  beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'lw-store-')); });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('appends in batches and reads back every event in order', () => {
    const s = new EventStore({ dir });
    for (let i = 0; i < 1000; i++) s.append(ev(i));
    s.close();
    const again = new EventStore({ dir });
    const r = again.read();
    assert.strictEqual(r.events.length, 1000);
    assert.deepStrictEqual(r.events[999], ev(999));
    assert.deepStrictEqual([r.malformedLines, r.tornLines], [0, 0]);
  });

  it('ignores and counts a torn last line, and cuts it off before appending again', () => {
    const s = new EventStore({ dir });
    s.append(ev(1)); s.append(ev(2)); s.close();
    const file = join(dir, 'events.jsonl');
    appendFileSync(file, JSON.stringify(ev(3)).slice(0, 40)); // a crash in the middle of a write
    const reader = new EventStore({ dir });
    const r = reader.read();
    assert.deepStrictEqual([r.events.length, r.tornLines, r.malformedLines], [2, 1, 0]);
    reader.append(ev(4));
    reader.close();
    assert.strictEqual(reader.recoveredTornBytes, 40);
    const after = new EventStore({ dir }).read();
    assert.deepStrictEqual(after.events.map((e) => e.id), ['e1', 'e2', 'e4']);
    assert.deepStrictEqual([after.tornLines, after.malformedLines], [0, 0]);
  });

  it('skips and counts malformed lines in the middle', () => {
    writeFileSync(join(dir, 'events.jsonl'), `${JSON.stringify(ev(1))}\n{oops\n${JSON.stringify({ ...ev(2), ts: -5 })}\n${JSON.stringify(ev(3))}\n`);
    const r = new EventStore({ dir }).read();
    assert.deepStrictEqual([r.events.length, r.malformedLines, r.tornLines], [2, 2, 0]);
    assert.match(r.problems[0], /line 2: not valid JSON/);
    assert.match(r.problems[1], /line 3: ts/);
  });

  it('refuses a file with an unknown schema version, naming it', () => {
    writeFileSync(join(dir, 'events.jsonl'), `${JSON.stringify(ev(1))}\n${JSON.stringify({ ...ev(2), v: 2 })}\n`);
    assert.throws(() => new EventStore({ dir }).read(), (e: Error) => e instanceof UnsupportedVersionError && /line 2: unsupported schema version 2/.test(e.message));
  });

  it('rotates at the size cap and keeps only the configured number of old files', () => {
    const line = JSON.stringify(ev(999)).length + 1; // the longest line: a file holds two batches of 50
    const s = new EventStore({ dir, maxBytes: line * 100, keepFiles: 2 });
    for (let i = 0; i < 1000; i++) { s.append(ev(i)); if (i % 50 === 49) s.flush(); }
    s.close();
    assert.deepStrictEqual(s.files(), ['events.2.jsonl', 'events.1.jsonl', 'events.jsonl']);
    for (const f of s.files()) assert.ok(statSync(join(dir, f)).size <= line * 100);
    const ids = s.read().events.map((e) => Number(e.id.slice(1)));
    assert.deepStrictEqual(ids, Array.from({ length: 300 }, (_, k) => 700 + k), 'the newest 300 events survive, in order');
  });

  it('stores no code text at privacy level noCode', () => {
    const s = new EventStore({ dir, privacy: 'noCode' });
    s.append(ev(1));
    s.close();
    const raw = readFileSync(join(dir, 'events.jsonl'), 'utf8');
    assert.ok(!raw.includes('secret'), raw);
    assert.ok(!raw.includes('tail'), raw);
    const [e] = s.read().events;
    assert.deepStrictEqual(e.ctx, { lang: 'python', docLen: 10, offset: 5 });
    assert.deepStrictEqual(e.sug, { chars: 16, lines: 1, meanLogProb: -0.3 });
  });

  it('exports everything to one file and deletes everything', () => {
    const s = new EventStore({ dir, maxBytes: 2000 });
    for (let i = 0; i < 50; i++) s.append(ev(i));
    s.flush();
    for (let i = 50; i < 60; i++) s.append(ev(i));
    const out = join(dir, 'export.jsonl');
    assert.strictEqual(s.exportTo(out), 60);
    assert.strictEqual(readFileSync(out, 'utf8').trim().split('\n').length, 60);
    s.append(ev(99));
    s.deleteAll();
    assert.deepStrictEqual(s.files(), []);
    assert.strictEqual(s.read().events.length, 0);
  });

  it('rejects an invalid event with the field name', () => {
    const s = new EventStore({ dir });
    assert.throws(() => s.append({ ...ev(1), kind: 'lint' as 'fix' }), (e: Error) => e instanceof EventStoreError && /kind/.test(e.message));
  });
});
