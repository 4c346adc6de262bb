// Cascade thresholds (server/src/gate/cascade.ts, stored by trainGate as model.cascade): both stages chosen
// together, nested across keep-rate levels, and conservative — on users the model never saw, the cascade of
// both stages keeps at least the asked share of accepted suggestions, where per-stage thresholds chained keep less.
import * as assert from 'node:assert/strict';
import { CASCADE_LEVELS, GateModelError, loadGateModel } from '../../../common/gate/model';
import { fitCascade } from '../../../server/src/gate/cascade';
import { scoreEvents } from '../../../server/src/gate/evaluate';
import { seeded } from '../../../server/src/gate/gbt';
import { cascadeAt } from '../../../server/src/gate/replay';
import { syntheticEvents } from '../../../server/src/gate/synthetic';
import { trainGate } from '../../../server/src/gate/train';

describe('gate cascade thresholds', () => {
  // under 1,000 decisions, so every grouped fold is held out (whole users each)
  const model = trainGate(syntheticEvents({ suggestions: 900, users: 8, seed: 31 }), { createdAt: 'test' });

  it('stores a nested pair for every level, and the compiled stages use it', () => {
    const t = model.cascade!.thresholds;
    assert.deepEqual(Object.keys(t).map(Number).sort((a, b) => a - b), [...CASCADE_LEVELS]);
    for (let i = 1; i < CASCADE_LEVELS.length; i++) {
      const [a, b] = [t[String(CASCADE_LEVELS[i - 1])], t[String(CASCADE_LEVELS[i])]];
      assert.ok(b[0] <= a[0] && b[1] <= a[1], `level ${CASCADE_LEVELS[i]} raises a threshold`);
    }
    assert.deepEqual(t['1'], [0, 0]);
    const g = loadGateModel(model);
    assert.deepEqual([g.stage1.threshold(0.95), g.stage2.threshold(0.95)], t['0.95']);
    assert.deepEqual([g.stage1.threshold(0.951), g.stage2.threshold(0.951)], t['0.955'], 'a keep-rate between levels takes the next one up');
    assert.ok(model.cascade!.heldOut.keptAcceptedLow >= 0.95 && model.cascade!.heldOut.keptAccepted >= model.cascade!.heldOut.keptAcceptedLow);
  });

  it('keeps the asked share of accepted suggestions for new users, where per-stage thresholds chained do not', () => {
    const g = loadGateModel(model);
    const s = scoreEvents(g, syntheticEvents({ suggestions: 3000, users: 6, seed: 32 }));
    const cascade = cascadeAt(g, s, 0.95);
    assert.ok(cascade.keptAccepted >= 0.94, JSON.stringify(cascade));
    assert.ok(cascade.hiddenRejected > 0.1, JSON.stringify(cascade));
    const perStage = loadGateModel({ ...model, cascade: undefined });
    assert.ok(cascadeAt(perStage, s, 0.95).keptAccepted < cascade.keptAccepted, 'each stage at its own 95% keeps less together');
  });

  it('holds the bound over groups: a group whose accepted suggestions score low pulls the thresholds down', () => {
    const rng = seeded(3);
    const s1: number[] = [], s2: number[] = [], y: number[] = [], g: string[] = [];
    for (let u = 0; u < 10; u++) {
      for (let i = 0; i < 100; i++) {
        const acc = rng() < 0.4 ? 1 : 0;
        // user 9's accepted suggestions score like everyone's rejected ones
        const shift = acc && u !== 9 ? 0.3 : 0;
        s1.push(rng() * 0.7 + shift); s2.push(rng() * 0.7 + shift); y.push(acc); g.push(`u${u}`);
      }
    }
    // every row its own group: the bound of independent decisions, blind to one user being different
    const pooled = fitCascade(s1, s2, y, g.map((_, i) => String(i)));
    const grouped = fitCascade(s1, s2, y, g);
    assert.ok(grouped.table['0.95'][1] <= pooled.table['0.95'][1] && grouped.table['0.95'][0] <= pooled.table['0.95'][0]);
    assert.ok(grouped.heldOut.keptAccepted > pooled.heldOut.keptAccepted, `${grouped.heldOut.keptAccepted} vs ${pooled.heldOut.keptAccepted}`);
  });

  it('refuses a model whose cascade levels are not nested', () => {
    const t = { ...model.cascade!.thresholds, '0.96': [0.99, 0.99] as [number, number] };
    assert.throws(() => loadGateModel({ ...model, cascade: { ...model.cascade!, thresholds: t } }), (e: Error) => e instanceof GateModelError && /not nested/.test(e.message));
  });
});
