// The gate's user history across restarts: the server reads the most recent stored events (newest files from
// their end, bounded, torn tail skipped) in time order, and the client rebuilds the same history from them plus
// what it logged before the server's first model arrived.
import * as assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SuggestionEvent } from '../../../common/events';
import { scoreStage1 } from '../../../common/gate/index';
import { ClientGate } from '../../../extension/src/gate';
import { EventStore } from '../../../server/src/events/store';
import { loadDefaultGate } from '../../../server/src/gate/default';
import { historyOf, recentEvents } from '../../../server/src/lsp/gateHistory';

const base = { v: 1 as const, user: 'u', kind: 'completion' as const };
const ctx = { lang: 'python', docLen: 40, offset: 26, prefix: 'def add(a, b):\n    return ', suffix: '\n' };

function decided(i: number, outcome: 'accepted' | 'rejected', ts: number): SuggestionEvent[] {
  return [
    { ...base, id: `s${i}`, ts, type: 'shown', sid: `q${i}`, ctx, sug: { text: `x${i}`, chars: 2, lines: 1 } },
    { ...base, id: `o${i}`, ts: ts + 1500, type: outcome, sid: `q${i}` },
  ];
}

describe('gate history after a restart', () => {
  let dir = '';
  beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'loopwise history-')); });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('reads the most recent events across rotated files, in time order, without a torn tail or other kinds', () => {
    const store = new EventStore({ dir, maxBytes: 2000, flushMs: -1 });
    const all: SuggestionEvent[] = [];
    for (let i = 0; i < 40; i++) {
      all.push(...decided(i, i % 3 ? 'rejected' : 'accepted', 10_000 * i));
      all.push({ ...base, kind: 'hint', id: `h${i}`, ts: 10_000 * i + 100, type: 'shown', sid: `h${i}` });
    }
    // the client's outcome can reach the store after the server's next event: the store is not in time order
    const n = all.length;
    [all[n - 3], all[n - 2]] = [all[n - 2], all[n - 3]];
    for (const e of all) { store.append(e); store.flush(); }
    store.close();
    assert.ok(store.files().length > 1, 'fixture: the store rotated');
    appendFileSync(join(dir, 'events.jsonl'), '{"v":1,"id":"torn"');

    const recent = recentEvents(dir, 30);
    const expected = all.slice(-30).filter((e) => e.kind === 'completion').sort((a, b) => a.ts - b.ts);
    assert.deepEqual(recent.map((e) => e.id), expected.map((e) => e.id));
    assert.deepEqual(recent.slice(-2).map((e) => e.type), ['shown', 'accepted']);
    assert.deepEqual(recentEvents(join(dir, 'none')), []);
  });

  it('the client continues from the stored events, then what it logged before the first model', () => {
    const compiled = loadDefaultGate();
    const stored = [...decided(1, 'rejected', 1000), ...decided(2, 'rejected', 5000), ...decided(3, 'rejected', 9000)];
    const early = decided(4, 'accepted', 20_000);
    const g = new ClientGate(() => ({ enabled: true, keepRate: 0.95, exploreRate: 0.02, retrainEvery: 200, privacy: 'all' }));
    for (const e of early) g.observe(e);
    g.setModel({ model: compiled.model, source: 'default', history: stored });
    const req: SuggestionEvent = { ...base, id: 'r', ts: 25_000, type: 'requested', sid: 'q5', ctx };
    const d = g.decide(1, req, '')!;
    assert.equal(d.score, scoreStage1(compiled, req, historyOf([...stored, ...early])));
    assert.notEqual(d.score, scoreStage1(compiled, req, historyOf(early)), 'the restored history should change the score');
    // a later model (retraining, or a restarted server) does not replace the history the client has
    g.setModel({ model: compiled.model, source: 'trained', history: [] });
    assert.equal(g.decide(1, req, '')!.score, d.score);
  });
});
