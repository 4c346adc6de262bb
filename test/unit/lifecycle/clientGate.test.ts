// The client's gate (extension/src/gate.ts): nothing decided before the server's model arrives; scores equal
// what the shared code computes from the same ordered events (what training replays); scoring uses the
// event as stored at the privacy level; thresholds follow the keep-rate; decisions are listed newest first.
import * as assert from 'node:assert/strict';
import { redactEvent, type PrivacyLevel, type SuggestionEvent } from '../../../common/events';
import { extractFeatures, loadGateModel, newHistory, observe, scoreStage1, scoreStage2 } from '../../../common/gate/index';
import { historyOf, historyState } from '../../../server/src/lsp/gateHistory';
import { scoreEvents } from '../../../server/src/gate/evaluate';
import { trainGate } from '../../../server/src/gate/train';
import { loadDefaultGate } from '../../../server/src/gate/default';
import { ClientGate } from '../../../extension/src/gate';

const compiled = loadDefaultGate();
const base = { v: 1 as const, user: 'u', kind: 'completion' as const };
const ctx = { lang: 'python', docLen: 40, offset: 26, prefix: 'def add(a, b):\n    return ', suffix: '\n' };

function gateWith(privacy: PrivacyLevel, keepRate = 0.95, exploreRate = 0.02) {
  const g = new ClientGate(() => ({ enabled: true, keepRate, exploreRate, retrainEvery: 200, privacy }), () => 0.99);
  g.setModel({ model: compiled.model, source: 'default' });
  return g;
}

describe('client gate', () => {
  it('decides nothing until a model arrives', () => {
    const g = new ClientGate(() => ({ enabled: true, keepRate: 0.95, exploreRate: 0.02, retrainEvery: 200, privacy: 'all' }));
    assert.equal(g.ready, false);
    assert.equal(g.decide(1, { ...base, id: '1', ts: 1, type: 'requested', sid: 's' }, ''), undefined);
    assert.equal(g.state().source, undefined);
  });

  it('scores like the shared code replaying the same events, and lists decisions newest first', () => {
    const g = gateWith('all');
    const h = newHistory();
    const history: SuggestionEvent[] = [
      { ...base, id: 'a', ts: 1000, type: 'shown', sid: 'p', ctx, sug: { text: 'a - b', chars: 5, lines: 1 } },
      { ...base, id: 'b', ts: 3000, type: 'rejected', sid: 'p' },
    ];
    for (const e of history) { g.observe(e); observe(h, e); }
    const req: SuggestionEvent = { ...base, id: 'c', ts: 9000, type: 'requested', sid: 'q', ctx };
    const shown: SuggestionEvent = { ...req, id: 'd', type: 'shown', sug: { text: 'a + b', chars: 5, lines: 1 } };
    const d1 = g.decide(1, req, 'return')!;
    const d2 = g.decide(2, shown, 'a + b')!;
    assert.equal(d1.score, scoreStage1(compiled, req, h));
    assert.equal(d2.score, scoreStage2(compiled, shown, h));
    assert.equal(d2.threshold, compiled.stage2.threshold(0.95));
    assert.deepEqual(g.decisions().map((d) => d.stage), [2, 1]);
    assert.equal(g.state().trainedOn, compiled.model.trainedOn.decisions);
  });

  it('scores the event as stored: without code text at privacy level noCode', () => {
    const shown: SuggestionEvent = { ...base, id: 'd', ts: 9000, type: 'shown', sid: 'q', ctx, sug: { text: 'a + b', chars: 5, lines: 1 } };
    const d = gateWith('noCode').decide(2, shown, '')!;
    assert.equal(d.score, scoreStage2(compiled, redactEvent(shown, 'noCode'), newHistory()));
    assert.notEqual(d.score, scoreStage2(compiled, shown, newHistory()), 'the code text should matter to the score');
  });

  it('scores without code when the model was trained on events without code (a team model), live and restored', () => {
    const stream: SuggestionEvent[] = [];
    // accepted at the end of the document, rejected in the middle: without code, "at the end of a line" is only
    // known at the end of the document
    for (let i = 0; i < 40; i++) {
      const text = i % 3 ? `total_${i % 5} = compute(values)` : 'pass';
      const at = i % 2 ? ctx : { ...ctx, offset: ctx.docLen, suffix: '' };
      stream.push({ ...base, id: `s${i}`, ts: 10_000 * i, type: 'shown', sid: `p${i}`, ctx: at, sug: { text, chars: text.length, lines: 1, meanLogProb: -0.2 - (i % 4) / 4 } });
      stream.push({ ...base, id: `o${i}`, ts: 10_000 * i + 900, type: i % 2 && i % 7 ? 'rejected' : 'accepted', sid: `p${i}` });
    }
    const redacted = stream.map((e) => redactEvent(e, 'noCode'));
    const team = trainGate(redacted, { createdAt: 'test' });
    assert.equal(team.trainedOn.withCode, false);
    assert.equal(trainGate(stream, { createdAt: 'test' }).trainedOn.withCode, true);
    const model = loadGateModel(team);
    // in the middle of the document, at the end of a line: only the code shows the line end
    const next: SuggestionEvent = { ...base, id: 'n', ts: 500_000, type: 'shown', sid: 'q', ctx: { ...ctx, suffix: '' }, sug: { text: 'total_1 = compute(values)', chars: 25, lines: 1, meanLogProb: -0.3 } };
    const expected = scoreStage2(model, redactEvent(next, 'noCode'), historyOf(redacted));
    assert.notEqual(model.stage2.score(extractFeatures(2, next, historyOf(stream))), expected, 'fixture: with its code the event would score otherwise');
    // live: the user's own events carry code, the team model is scored without it
    const live = gateWith('all');
    live.setModel({ model: team, source: 'team' });
    for (const e of stream) live.observe(e);
    assert.equal(live.decide(2, next, '')!.score, expected);
    // restored: the server folded the stored events (with code) and sent that history with the model
    const restored = new ClientGate(() => ({ enabled: true, keepRate: 0.95, exploreRate: 0.02, retrainEvery: 200, privacy: 'all' }), () => 0.99);
    restored.setModel({ model: team, source: 'team', history: historyState(historyOf(stream)) });
    assert.equal(restored.decide(2, next, '')!.score, expected);
    // gate eval and LOUO score such a model the same way
    assert.deepEqual(scoreEvents(model, stream).stage2, scoreEvents(model, redacted).stage2);
  });

  it('hides below the keep-rate threshold unless exploring, and shows everything when keeping all', () => {
    const poor: SuggestionEvent = { ...base, id: 'e', ts: 9000, type: 'shown', sid: 'r', ctx, sug: { text: ')', chars: 1, lines: 1 } };
    const strict = gateWith('all', 0.8).decide(2, poor, '')!;
    assert.ok(strict.score < strict.threshold, 'fixture: this suggestion scores below the keep-0.8 threshold');
    assert.equal(strict.show, false);
    assert.equal(strict.propensity, 0.02);
    const explore = new ClientGate(() => ({ enabled: true, keepRate: 0.8, exploreRate: 0.5, retrainEvery: 200, privacy: 'all' }), () => 0.1);
    explore.setModel({ model: compiled.model, source: 'default' });
    const e = explore.decide(2, poor, '')!;
    assert.deepEqual([e.show, e.explore, e.propensity], [true, true, 0.5]);
    assert.equal(gateWith('all', 1).decide(2, poor, '')!.show, true);
  });
});
