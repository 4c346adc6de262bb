// The gate's user history across restarts: the server reads the most recent stored completion events (newest
// files from their end, bounded, torn tail skipped) in time order and folds them; the client continues from that
// history (sent as JSON) plus what it logged before the server's first model arrived.
import * as assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SuggestionEvent } from '../../../common/events';
import { scoreStage1, scoreStage2 } from '../../../common/gate/index';
import { ClientGate, MAX_EARLY_EVENTS } from '../../../extension/src/gate';
import { EventStore } from '../../../server/src/events/store';
import { loadDefaultGate } from '../../../server/src/gate/default';
import { historyOf, historyState, recentEvents, RESTORE_EVENTS } from '../../../server/src/lsp/gateHistory';

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
    const expected = all.filter((e) => e.kind === 'completion').slice(-30).sort((a, b) => a.ts - b.ts);
    assert.deepEqual(recent.map((e) => e.id), expected.map((e) => e.id));
    assert.deepEqual(recent.slice(-2).map((e) => e.type), ['shown', 'accepted']);
    assert.deepEqual(recentEvents(join(dir, 'none')), []);
  });

  it('keeps events with the same timestamp in the order they were stored, as training reads them', () => {
    const store = new EventStore({ dir, maxBytes: 600, flushMs: -1 });
    const all: SuggestionEvent[] = [];
    // the editor logs the next suggestion and the previous one's rejection in the same millisecond
    for (let i = 0; i < 12; i++) {
      all.push({ ...base, id: `s${i}`, ts: 5000 * Math.floor(i / 2), type: 'shown', sid: `q${i}`, ctx, sug: { text: `x${i}`, chars: 2, lines: 1 } });
      if (i > 0) all.push({ ...base, id: `r${i}`, ts: 5000 * Math.floor(i / 2), type: 'rejected', sid: `q${i - 1}` });
    }
    for (const e of all) { store.append(e); store.flush(); }
    store.close();
    assert.ok(store.files().length > 2, 'fixture: the store rotated');
    const got = recentEvents(dir).map((e) => e.id);
    assert.ok(got.length >= 8, 'fixture: several files kept');
    assert.deepEqual(got, all.slice(-got.length).map((e) => e.id));
  });

  it('reads the last completion events of a large file, across read chunks', () => {
    const store = new EventStore({ dir, flushMs: -1 });
    const all: SuggestionEvent[] = [];
    const long = { ...ctx, prefix: 'é'.repeat(200) + ctx.prefix };
    for (let i = 0; i < RESTORE_EVENTS; i++) {
      all.push({ ...base, id: `s${i}`, ts: 1000 * i, type: 'shown', sid: `q${i}`, ctx: long, sug: { text: `x${i}`, chars: 2, lines: 1 } });
      all.push({ ...base, kind: 'hint', id: `h${i}`, ts: 1000 * i + 1, type: 'shown', sid: `h${i}` });
    }
    for (const e of all) store.append(e);
    store.close();
    assert.equal(store.files().length, 1, 'fixture: one file of several read chunks');
    const recent = recentEvents(dir, RESTORE_EVENTS - 1);
    assert.deepEqual(recent.map((e) => e.id), all.filter((e) => e.kind === 'completion').slice(1).map((e) => e.id));
    assert.deepEqual(recent[0], all[2]);
  });

  function clientGate(): ClientGate {
    return new ClientGate(() => ({ enabled: true, keepRate: 0.95, exploreRate: 0.02, retrainEvery: 200, privacy: 'all' }));
  }
  /** The history as the client receives it: folded by the server, then through JSON. */
  const sent = (events: SuggestionEvent[]) => JSON.parse(JSON.stringify(historyState(historyOf(events))));

  it('the client continues from the stored events\' history, then what it logged before the first model', () => {
    const compiled = loadDefaultGate();
    const stored = [...decided(1, 'rejected', 1000), ...decided(2, 'rejected', 5000), ...decided(3, 'rejected', 9000)];
    stored[4] = { ...stored[4], sug: { text: 'x3', chars: 2, lines: 1, meanLogProb: -0.1 } };
    const early = decided(4, 'accepted', 20_000);
    const g = clientGate();
    for (const e of early) g.observe(e);
    g.setModel({ model: compiled.model, source: 'default', history: sent(stored) });
    const req: SuggestionEvent = { ...base, id: 'r', ts: 25_000, type: 'requested', sid: 'q5', ctx };
    const d = g.decide(1, req, '')!;
    assert.equal(d.score, scoreStage1(compiled, req, historyOf([...stored, ...early])));
    assert.notEqual(d.score, scoreStage1(compiled, req, historyOf(early)), 'the restored history should change the score');
    // a later model (retraining, or a restarted server) does not replace the history the client has
    g.setModel({ model: compiled.model, source: 'trained', history: sent([]) });
    assert.equal(g.decide(1, req, '')!.score, d.score);
    // an unknown confidence travels as null and comes back as unknown
    const shownLast = [...stored, { ...base, id: 'n', ts: 10_000, type: 'shown' as const, sid: 'q9', ctx, sug: { text: 'y', chars: 1, lines: 1 } }];
    assert.equal(sent(shownLast).lastShownConfidence, null);
    const h = clientGate();
    h.setModel({ model: compiled.model, source: 'default', history: sent(shownLast) });
    assert.equal(h.decide(1, req, '')!.score, scoreStage1(compiled, req, historyOf(shownLast)));
  });

  it('the restored history carries the per-shape counts and the recent suggestions\' token sets (stage 2)', () => {
    const compiled = loadDefaultGate();
    const stored: SuggestionEvent[] = [];
    for (let i = 0; i < 12; i++) {
      const text = i % 3 ? `total_${i} = compute(values, ${i})` : `x${i}`;
      stored.push({ ...base, id: `s${i}`, ts: 10_000 * i, type: 'shown', sid: `q${i}`, ctx, sug: { text, chars: text.length, lines: 1, meanLogProb: -0.3 } });
      stored.push({ ...base, id: `o${i}`, ts: 10_000 * i + 1500, type: i % 2 ? 'rejected' : 'accepted', sid: `q${i}` });
    }
    const state = sent(stored);
    assert.equal(state.decidedTokens.length, 8);
    assert.ok(state.decidedTokens.every((t: unknown) => Array.isArray(t)), 'token sets travel as arrays');
    const g = clientGate();
    g.setModel({ model: compiled.model, source: 'default', history: state });
    const text = 'total_5 = compute(values, 5)';
    const next: SuggestionEvent = { ...base, id: 'n', ts: 200_000, type: 'shown', sid: 'q99', ctx, sug: { text, chars: text.length, lines: 1, meanLogProb: -0.3 } };
    const d = g.decide(2, next, '')!;
    assert.equal(d.score, scoreStage2(compiled, next, historyOf(stored)));
    assert.notEqual(d.score, scoreStage2(compiled, next, historyOf([])), 'the restored history should change the score');
    // a malformed token set or shape count leaves the client with its own history
    const entry = state.shown[0];
    const malformed = [
      { decidedTokens: [[1.5]] }, { decidedTokens: [[3, 2]] }, { byShape: [0, 0] }, { byShape: [1, 2, 0, 0, 0, 0] }, { decidedTokensPos: 9 },
      { decisions: -4 }, { accepted: state.decisions + 1 }, { lastOutcome: 2 },
      { shown: [{ ...entry, shape: 1 }] }, { shown: [{ ...entry, tokens: 'x' }] }, { shown: [{ ...entry, chars: -1 }] }, { shownPos: 7 },
    ];
    for (const bad of malformed) {
      const h = clientGate();
      h.setModel({ model: compiled.model, source: 'default', history: { ...state, ...bad } });
      assert.equal(h.decide(2, next, '')!.score, scoreStage2(compiled, next, historyOf([])), JSON.stringify(bad));
    }
  });

  it('keeps at most MAX_EARLY_EVENTS events for the first model: past that the client keeps its own history', () => {
    const compiled = loadDefaultGate();
    const stored = decided(0, 'accepted', 1000);
    const early: SuggestionEvent[] = [];
    for (let i = 1; early.length <= MAX_EARLY_EVENTS; i++) early.push(...decided(i, 'rejected', 10_000 * i));
    const g = clientGate();
    for (const e of early) g.observe(e);
    g.setModel({ model: compiled.model, source: 'default', history: sent(stored) });
    const req: SuggestionEvent = { ...base, id: 'r', ts: 10_000 * early.length, type: 'requested', sid: 'r', ctx };
    const own = scoreStage1(compiled, req, historyOf(early));
    assert.notEqual(own, scoreStage1(compiled, req, historyOf([...stored, ...early])), 'fixture: the stored history changes the score');
    assert.equal(g.decide(1, req, '')!.score, own);
  });
});
