import * as assert from 'node:assert';
import { decide, gateField } from '../../../common/gate/decide';
import { newHistory } from '../../../common/gate/history';
import { GateModelError, loadGateModel, thresholdFor, type GateModel } from '../../../common/gate/model';
import { loadDefaultGate } from '../../../server/src/gate/default';
import { scoreEvents } from '../../../server/src/gate/evaluate';
import { syntheticEvents } from '../../../server/src/gate/synthetic';
import { trainGate, TrainError } from '../../../server/src/gate/train';
import { atThreshold, auc, hideAtKeep, keepThreshold } from '../../../server/src/gate/metrics';
import type { SuggestionEvent } from '../../../common/events';

describe('gate model', () => {
  const train = syntheticEvents({ suggestions: 1500, users: 4, seed: 11 });
  const test = syntheticEvents({ suggestions: 800, users: 4, seed: 12 });
  const model = trainGate(train, { createdAt: 'test' });

  it('learns the planted signal and records what it was trained on', () => {
    assert.strictEqual(model.trainedOn.users, 4);
    assert.ok(model.trainedOn.decisions > 1300 && model.trainedOn.accepted > 100);
    const s = scoreEvents(loadGateModel(model), test);
    assert.ok(auc(s.stage2, s.y) > 0.75, `stage 2 AUC ${auc(s.stage2, s.y)}`);
    assert.ok(['logreg', 'gbt', 'blend'].includes(model.stage2.params.kind));
    assert.ok(model.stage2.heldOut.chosen in model.stage2.heldOut.candidates);
  });

  it('round-trips through JSON: the reloaded model scores identically', () => {
    const again = loadGateModel(JSON.parse(JSON.stringify(model)));
    const a = scoreEvents(loadGateModel(model), test), b = scoreEvents(again, test);
    assert.deepStrictEqual(a.stage1, b.stage1);
    assert.deepStrictEqual(a.stage2, b.stage2);
    assert.deepStrictEqual(JSON.parse(JSON.stringify(again.model)), JSON.parse(JSON.stringify(model)));
  });

  it('scores logistic regression, trees and their blend the same way after reloading', () => {
    for (const kind of ['logreg', 'gbt', 'blend'] as const) {
      const c = { name: kind, kind, lambda: 0.1, gbt: { depth: 3, trees: 30 } };
      const m = trainGate(train, { candidates: [c], createdAt: 'test' });
      assert.strictEqual(m.stage2.params.kind, kind);
      const s = scoreEvents(loadGateModel(JSON.parse(JSON.stringify(m))), test);
      assert.ok(auc(s.stage2, s.y) > 0.7, `${kind} AUC ${auc(s.stage2, s.y)}`);
    }
  });

  it('refuses other formats, versions and unknown features with a readable error', () => {
    const bad = (m: unknown, msg: RegExp) => assert.throws(() => loadGateModel(m), (e: Error) => e instanceof GateModelError && msg.test(e.message));
    bad({ ...model, version: 2 }, /unsupported gate model version 2/);
    bad({ ...model, format: 'x' }, /not a gate model/);
    bad({ ...model, stage2: { ...model.stage2, features: ['nope', ...model.stage2.features.slice(1)] } }, /unknown feature 'nope'/);
    bad(null, /JSON object/);
    // a model the client would choke on later is refused when it arrives
    bad({ ...model, trainedOn: undefined }, /trainedOn/);
    bad({ ...model, trainedOn: { ...model.trainedOn, withCode: 'no' } }, /trainedOn/);
    bad({ ...model, stage1: { ...model.stage1, thresholds: undefined } }, /thresholds/);
  });

  it('thresholds keep the target share of accepted suggestions on held-out data', () => {
    const gate = loadGateModel(model);
    const s = scoreEvents(gate, test);
    for (const keep of [0.9, 0.95]) {
      const r = atThreshold(s.stage2, s.y, gate.stage2.threshold(keep));
      assert.ok(r.keptAccepted >= keep - 0.04, `kept ${r.keptAccepted} at target ${keep}`);
      assert.ok(r.hiddenRejected > 0.1, `hid ${r.hiddenRejected}`);
    }
    assert.ok(thresholdFor(model.stage2, 0.9) >= thresholdFor(model.stage2, 0.95));
    assert.strictEqual(thresholdFor(model.stage2, 0.93), model.stage2.thresholds['0.95']);
    assert.strictEqual(thresholdFor(model.stage2, 1), 0);
  });

  it('explores with the configured probability and logs the propensity', () => {
    const gate = loadGateModel(model);
    const h = newHistory();
    const weak: SuggestionEvent = { v: 1, id: 'x', ts: 1, user: 'u', kind: 'completion', type: 'shown', sid: 'x',
      ctx: { lang: 'python', prefix: 'x = ', docLen: 4, offset: 4 }, sug: { text: 'r', chars: 1, lines: 1, meanLogProb: -3, meanAltLogProb: -0.1 } };
    const hidden = decide(gate, 2, weak, h, { rng: () => 0.5, keepRate: 0.95 });
    assert.ok(hidden.score < hidden.threshold, 'the weak suggestion falls below the threshold');
    assert.deepStrictEqual({ show: hidden.show, explore: hidden.explore, propensity: hidden.propensity }, { show: false, explore: false, propensity: 0.02 });
    const explored = decide(gate, 2, weak, h, { rng: () => 0.01 });
    assert.deepStrictEqual({ show: explored.show, explore: explored.explore, propensity: explored.propensity }, { show: true, explore: true, propensity: 0.02 });
    assert.deepStrictEqual(gateField(explored), { stage: 2, score: explored.score, threshold: explored.threshold, explore: true, propensity: 0.02 });
    assert.strictEqual(decide(gate, 2, weak, h, { rng: () => 0.01, exploreRate: 0 }).show, false);
    assert.deepStrictEqual(decide(gate, 2, weak, h, { enabled: false }).show, true);
    let shown = 0, calls = 0;
    const rng = () => ((calls++ * 0.6180339887) % 1);
    for (let i = 0; i < 5000; i++) if (decide(gate, 1, weak, h, { rng, keepRate: 0.99, exploreRate: 0.1 }).show) shown++;
    const d1 = decide(gate, 1, weak, h, { keepRate: 0.99 });
    if (d1.score < d1.threshold) assert.ok(Math.abs(shown / 5000 - 0.1) < 0.01, `explored ${shown / 5000}`);
  });

  it('weights exploration-shown suggestions by their inverse propensity', () => {
    const lr = { candidates: [{ name: 'lr', kind: 'logreg' as const, lambda: 0.1 }], createdAt: 'test' };
    const plain = trainGate(train, lr);
    const weighted = train.map((e) => (e.type === 'shown' && e.sid.endsWith('7') ? { ...e, gate: { stage: 2 as const, score: 0.1, threshold: 0.3, explore: true, propensity: 0.1 } } : e));
    assert.notDeepStrictEqual((trainGate(weighted, lr) as GateModel).stage2.params, plain.stage2.params);
  });

  it('can count every user the same, so one heavy user with the opposite habit does not set the model for the rest', () => {
    const flip = { accepted: 'rejected', partial: 'rejected', rejected: 'accepted' } as const;
    const light = syntheticEvents({ suggestions: 320, users: 4, seed: 21 });
    const heavy = syntheticEvents({ suggestions: 640, users: 1, seed: 22 })
      .map((e) => ({ ...e, user: 'heavy', ...(e.type in flip ? { type: flip[e.type as keyof typeof flip], accepted: undefined } : {}) }));
    const fresh = syntheticEvents({ suggestions: 600, users: 4, seed: 23 });
    const lightAuc = (userWeight?: number) => {
      const m = trainGate([...light, ...heavy], { candidates: [{ name: 'lr', kind: 'logreg', lambda: 0.1, userWeight }], createdAt: 'test' });
      const s = scoreEvents(loadGateModel(m), fresh);
      return auc(s.stage2, s.y);
    };
    const plain = lightAuc(), equal = lightAuc(1);
    assert.ok(plain < 0.6, `the heavy user's habit wins without weighting (AUC ${plain} on the other users)`);
    assert.ok(equal > plain + 0.1, `equal user weights: AUC ${equal} against ${plain}`);
  });

  it('refuses to train on too few or one-sided decisions', () => {
    assert.throws(() => trainGate(train.slice(0, 10)), TrainError);
    assert.throws(() => trainGate(train.filter((e) => e.type !== 'rejected')), /both outcomes/);
  });
});

describe('gate metrics', () => {
  it('computes AUC with ties and the keep-rate operating point', () => {
    assert.strictEqual(auc([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1]), 0.75);
    assert.strictEqual(auc([0.5, 0.5], [0, 1]), 0.5);
    assert.ok(Number.isNaN(auc([1, 2], [1, 1])));
    const s = [0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2, 0.1, 0.05];
    const y = [1, 0, 1, 1, 0, 1, 0, 0, 0, 0];
    assert.strictEqual(keepThreshold(s, y, 0.75), 0.6);
    assert.strictEqual(keepThreshold(s, y, 1), 0.4);
    assert.strictEqual(hideAtKeep(s, y, 1), 4 / 6);
    assert.strictEqual(hideAtKeep(s, y, 0.75), 5 / 6);
    assert.deepStrictEqual(atThreshold(s, y, 0.65), { threshold: 0.65, keptAccepted: 0.5, hiddenRejected: 5 / 6 });
  });
});

describe('shipped default gate model', () => {
  it('loads, and scores a confident suggestion above a doubtful one', () => {
    const gate = loadDefaultGate();
    assert.ok(gate.model.trainedOn.decisions >= 600, 'trained on the CUPS dev events');
    assert.ok(gate.model.stage2.thresholds['0.95'] > 0 && gate.model.stage2.thresholds['0.95'] < 1);
    const h = newHistory();
    const base: SuggestionEvent = { v: 1, id: 'x', ts: 1, user: 'u', kind: 'completion', type: 'shown', sid: 'x',
      ctx: { lang: 'python', prefix: 'import numpy as np\n\ndef mean(values):\n    ', docLen: 40, offset: 40 },
      sug: { text: 'return np.mean(values)', chars: 22, lines: 1, tokens: 6, meanLogProb: -0.05, meanAltLogProb: -6 } };
    const doubtful = { ...base, sug: { ...base.sug!, meanLogProb: -2.5, meanAltLogProb: -1.0 } };
    assert.ok(decide(gate, 2, base, h).score > decide(gate, 2, doubtful, h).score);
  });
});
