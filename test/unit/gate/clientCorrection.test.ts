// The client gate's keep-rate correction (extension/src/gate.ts with common/gate/correction.ts): exploration is
// decided once per suggestion (stage 1's exploration shows it at stage 2 too, with one propensity), outcomes of
// explored suggestions move the user's thresholds down, nothing moves without exploration, and a poisoned event
// stream (all accepted, all rejected, the clock going backwards, NaN log-probabilities) leaves every threshold
// on one of the model's stored levels.
import * as assert from 'node:assert/strict';
import type { SuggestionEvent } from '../../../common/events';
import { loadDefaultGate } from '../../../server/src/gate/default';
import { seeded } from '../../../server/src/gate/gbt';
import { syntheticEvents } from '../../../server/src/gate/synthetic';
import { ClientGate } from '../../../extension/src/gate';

const model = loadDefaultGate().model;

function clientGate(exploreRate: number, rng: () => number, keepRate = 0.95) {
  const g = new ClientGate(() => ({ enabled: true, keepRate, exploreRate, retrainEvery: 200, privacy: 'all' }), rng);
  g.setModel({ model, source: 'default' });
  return g;
}

/** Runs the provider's flow for each shown event of `stream`: stage 1, stage 2, the shown or suppressed log and,
 * when shown, the outcome `outcome(e)` gives. Returns the thresholds used. */
function run(g: ClientGate, stream: SuggestionEvent[], outcome: (e: SuggestionEvent, i: number) => 'accepted' | 'rejected', ts?: (i: number) => number) {
  const used: number[][] = [];
  stream.filter((e) => e.type === 'shown').forEach((e0, i) => {
    const e = { ...e0, ts: ts ? ts(i) : e0.ts };
    const d1 = g.decide(1, { ...e, type: 'requested', sug: undefined }, '')!;
    if (!d1.show) { g.observe({ ...e, type: 'skipped', sug: undefined }); used.push([d1.threshold]); return; }
    const d2 = g.decide(2, e, '')!;
    used.push([d1.threshold, d2.threshold]);
    if (!d2.show) { g.observe({ ...e, type: 'suppressed' }); return; }
    g.observe(e);
    g.observe({ ...e, id: e.id + 'o', ts: e.ts + 1000, type: outcome(e, i), sug: undefined, ctx: undefined });
  });
  return used;
}

describe('client gate keep-rate correction', () => {
  const stream = syntheticEvents({ suggestions: 3000, users: 1, seed: 21 });
  const stored = new Set(loadDefaultGate().pairs.flat());

  it('explores a suggestion once: stage 1 exploring shows it at stage 2 too, with the same propensity', () => {
    let draw = 0.99;
    const g = clientGate(0.02, () => draw, 0.7);
    const weak: SuggestionEvent = { v: 1, id: 'w', ts: 0, user: 'u', kind: 'completion', type: 'shown', sid: 'w',
      ctx: { lang: 'python', prefix: 'x = ', docLen: 4, offset: 4 }, sug: { text: 'r', chars: 1, lines: 1, meanLogProb: -3, meanAltLogProb: -0.1 } };
    // a user who has just rejected many suggestions: stage 1 expects the next one rejected too
    for (let i = 0; i < 30; i++) {
      g.observe({ ...weak, id: `s${i}`, sid: `r${i}`, ts: i * 2000 });
      g.observe({ ...weak, id: `o${i}`, sid: `r${i}`, ts: i * 2000 + 900, type: 'rejected' });
    }
    const at = { ...weak, ts: 70_000 };
    const probe = g.decide(1, { ...at, sid: 'probe', type: 'requested' }, '')!;
    const hidden2 = g.decide(2, { ...at, sid: 'probe2' }, '')!;
    assert.ok(probe.score < probe.threshold && hidden2.score < hidden2.threshold, `weak at both stages: ${JSON.stringify([probe, hidden2])}`);
    assert.equal(hidden2.show, false, 'not exploring: hidden at stage 2');
    draw = 0.001;
    const d1 = g.decide(1, { ...at, type: 'requested' }, '')!;
    assert.deepEqual([d1.show, d1.explore], [true, true]);
    draw = 0.99; // stage 2 draws nothing of its own: the suggestion is already being explored
    const d2 = g.decide(2, at, '')!;
    assert.deepEqual([d2.show, d2.explore, d2.propensity], [true, true, 0.02]);
  });

  it('moves the thresholds down once accepted suggestions keep turning up among the explored ones', () => {
    const g = clientGate(0.2, seeded(1));
    const before = g.decide(2, stream[0], '')!.threshold;
    run(g, stream, () => 'accepted');
    const k = g.state().keep!;
    assert.ok(k.explored >= k.minExplored, JSON.stringify(k));
    assert.ok(k.level > 0.95, `level ${k.level}`);
    assert.ok(g.decide(2, stream[0], '')!.threshold < before, 'stage 2 shows more to this user');
  });

  it('never moves without exploration, and stays on stored thresholds through a poisoned stream', () => {
    const quiet = clientGate(0, seeded(2));
    for (const t of run(quiet, stream, () => 'accepted').flat()) assert.ok(stored.has(t));
    assert.equal(quiet.state().keep!.level, 0.95);
    assert.equal(quiet.state().keep!.explored, 0);

    const nan = stream.map((e) => (e.sug ? { ...e, sug: { ...e.sug, meanLogProb: NaN, meanAltLogProb: NaN } } : e));
    const poisoned: [string, SuggestionEvent[], (e: SuggestionEvent, i: number) => 'accepted' | 'rejected', ((i: number) => number) | undefined][] = [
      ['all accepted', stream, () => 'accepted', undefined],
      ['all rejected', stream, () => 'rejected', undefined],
      ['clock going backwards', stream, (_, i) => (i % 3 ? 'rejected' : 'accepted'), (i) => 2_000_000_000_000 - i * 5000],
      ['NaN log-probabilities', nan, (_, i) => (i % 2 ? 'rejected' : 'accepted'), undefined],
    ];
    for (const [name, events, outcome, ts] of poisoned) {
      const g = clientGate(0.3, seeded(3));
      for (const t of run(g, events, outcome, ts).flat()) assert.ok(stored.has(t) && t >= 0 && t <= 1, `${name}: threshold ${t}`);
      const k = g.state().keep!;
      assert.ok(loadDefaultGate().levels.includes(k.level), `${name}: level ${k.level}`);
      for (const v of [k.keep, k.low, k.high]) assert.ok(Number.isNaN(v) || (v >= 0 && v <= 1), `${name}: ${JSON.stringify(k)}`);
    }
  });
});
