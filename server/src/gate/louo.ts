// Leave-one-user-out evaluation: for each user, train the full gate (model choice and thresholds included) on
// the other users and score the held-out user's suggestions in time order. A baseline — logistic regression on
// suggestion length and log-probabilities alone (stage 2), the user's running acceptance rate (stage 1) — is
// trained and scored in the same folds so the comparison shares every source of noise.
import type { SuggestionEvent } from '../../../common/events';
import { loadGateModel } from '../../../common/gate/model';
import { scoreEvents } from './evaluate';
import { seeded } from './gbt';
import { auc, hideAtKeep } from './metrics';
import { cascadeAt, replayOnline, type CascadeOperating } from './replay';
import { DEFAULT_EXPLORE_RATE } from '../../../common/gate/decide';
import { trainGate, type TrainOptions } from './train';

export const BASELINE: TrainOptions = {
  candidates: [{ name: 'logreg-l0.003', kind: 'logreg', lambda: 0.003 }],
  stage1Features: ['rateWithPrior'],
  stage2Features: ['logChars', 'lines', 'logTokens', 'hasLogProb', 'meanLogProb', 'meanAltLogProb'],
};

export interface Figures { auc: number; hideAtKeep95: number; hideAtKeep90: number; stage1: { auc: number; skipAtKeep95: number } }
export interface Fold extends Figures { user: string; decisions: number; accepted: number; chosen: { stage1: string; stage2: string }; baseline: Figures }
export interface LouoReport {
  users: number;
  decisions: number;
  accepted: number;
  folds: Fold[];
  /** All held-out scores pooled (each user's scores come from a model that never saw that user). */
  pooled: Figures & {
    baseline: Figures; atTrainedThreshold95: { keptAccepted: number; hiddenRejected: number; skippedAtStage1: number };
    /** Both stages one after the other at the trained cascade thresholds for 0.95, and with the per-user
     * correction replayed at the default exploration share (replay.ts). */
    cascade95: CascadeOperating; online95: CascadeOperating & { explored: number; usersMoved: number };
  };
  /** Mean over folds with both outcomes. */
  meanFoldAuc: { stage2: number; stage1: number; baseline: number };
  /** 95% intervals from resampling whole users (1000 draws): how much of a difference is noise. */
  userBootstrap95: { stage2Auc: [number, number]; stage1Auc: [number, number]; stage2MinusBaselineAuc: [number, number]; hideAtKeep95: [number, number] };
}

const r4 = (v: number) => (Number.isFinite(v) ? Math.round(v * 1e4) / 1e4 : v);

function figures(s1: ArrayLike<number>, s2: ArrayLike<number>, y: ArrayLike<number>): Figures {
  return {
    auc: r4(auc(s2, y)), hideAtKeep95: r4(hideAtKeep(s2, y, 0.95)), hideAtKeep90: r4(hideAtKeep(s2, y, 0.9)),
    stage1: { auc: r4(auc(s1, y)), skipAtKeep95: r4(hideAtKeep(s1, y, 0.95)) },
  };
}

const mean = (v: number[]) => { const f = v.filter(Number.isFinite); return r4(f.reduce((a, b) => a + b, 0) / (f.length || 1)); };

export function leaveOneUserOut(events: SuggestionEvent[], opts: TrainOptions = {}, onFold?: (f: Fold) => void): LouoReport {
  const users = [...new Set(events.filter((e) => e.kind === 'completion').map((e) => e.user))].sort();
  const folds: Fold[] = [];
  const all = { s1: [] as number[], s2: [] as number[], b1: [] as number[], b2: [] as number[], y: [] as number[], u: [] as number[] };
  let kept = 0, acc = 0, hidden = 0, rej = 0, skipped = 0;
  // cascade counts: at the stored thresholds [kept, hidden, skipped], and replayed online, plus explored and moved
  const cas = [0, 0, 0], onl = [0, 0, 0, 0, 0];
  for (const user of users) {
    const train = events.filter((e) => e.user !== user);
    const test = events.filter((e) => e.user === user);
    const gate = loadGateModel(trainGate(train, opts));
    const base = loadGateModel(trainGate(train, { ...opts, ...BASELINE }));
    const s = scoreEvents(gate, test);
    const b = scoreEvents(base, test);
    if (!s.y.length) continue;
    const fold: Fold = {
      user, decisions: s.y.length, accepted: s.y.reduce((a, v) => a + v, 0),
      ...figures(s.stage1, s.stage2, s.y),
      chosen: { stage1: gate.model.stage1.heldOut.chosen, stage2: gate.model.stage2.heldOut.chosen },
      baseline: figures(b.stage1, b.stage2, b.y),
    };
    folds.push(fold);
    onFold?.(fold);
    const fa = fold.accepted, fr = fold.decisions - fold.accepted;
    const c = cascadeAt(gate, s, 0.95), o = replayOnline(gate, s, 0.95, DEFAULT_EXPLORE_RATE);
    [c.keptAccepted * fa, c.hiddenRejected * fr, c.skippedAtStage1 * fr].forEach((v, k) => { cas[k] += v || 0; });
    [o.keptAccepted * fa, o.hiddenRejected * fr, o.skippedAtStage1 * fr, o.explored, o.usersMoved].forEach((v, k) => { onl[k] += v || 0; });
    const t2 = gate.stage2.threshold(0.95), t1 = gate.stage1.threshold(0.95);
    for (let i = 0; i < s.y.length; i++) {
      all.s1.push(s.stage1[i]); all.s2.push(s.stage2[i]); all.b1.push(b.stage1[i]); all.b2.push(b.stage2[i]); all.y.push(s.y[i]); all.u.push(folds.length - 1);
      if (s.y[i]) { acc++; if (s.stage2[i] >= t2) kept++; } else { rej++; if (s.stage2[i] < t2) hidden++; if (s.stage1[i] < t1) skipped++; }
    }
  }
  return {
    users: folds.length,
    decisions: all.y.length,
    accepted: acc,
    folds,
    pooled: {
      ...figures(all.s1, all.s2, all.y),
      baseline: figures(all.b1, all.b2, all.y),
      atTrainedThreshold95: { keptAccepted: r4(kept / (acc || 1)), hiddenRejected: r4(hidden / (rej || 1)), skippedAtStage1: r4(skipped / (rej || 1)) },
      cascade95: { keptAccepted: r4(cas[0] / (acc || 1)), hiddenRejected: r4(cas[1] / (rej || 1)), skippedAtStage1: r4(cas[2] / (rej || 1)) },
      online95: {
        keptAccepted: r4(onl[0] / (acc || 1)), hiddenRejected: r4(onl[1] / (rej || 1)), skippedAtStage1: r4(onl[2] / (rej || 1)),
        explored: r4(onl[3]), usersMoved: r4(onl[4] / (folds.length || 1)),
      },
    },
    meanFoldAuc: { stage2: mean(folds.map((f) => f.auc)), stage1: mean(folds.map((f) => f.stage1.auc)), baseline: mean(folds.map((f) => f.baseline.auc)) },
    userBootstrap95: bootstrap(all, folds.length),
  };
}

function bootstrap(all: { s1: number[]; s2: number[]; b2: number[]; y: number[]; u: number[] }, nUsers: number): LouoReport['userBootstrap95'] {
  const rng = seeded(5);
  const rows = Array.from({ length: nUsers }, () => [] as number[]);
  all.u.forEach((u, i) => rows[u].push(i));
  const draws = { s2: [] as number[], s1: [] as number[], diff: [] as number[], hide: [] as number[] };
  for (let b = 0; b < 1000; b++) {
    const idx: number[] = [];
    for (let k = 0; k < nUsers; k++) idx.push(...rows[Math.floor(rng() * nUsers)]);
    const y = idx.map((i) => all.y[i]), s2 = idx.map((i) => all.s2[i]);
    const a2 = auc(s2, y);
    if (!Number.isFinite(a2)) continue;
    draws.s2.push(a2);
    draws.s1.push(auc(idx.map((i) => all.s1[i]), y));
    draws.diff.push(a2 - auc(idx.map((i) => all.b2[i]), y));
    draws.hide.push(hideAtKeep(s2, y, 0.95));
  }
  const ci = (v: number[]): [number, number] => {
    const sorted = [...v].sort((a, b) => a - b);
    return [r4(sorted[Math.floor(0.025 * sorted.length)]), r4(sorted[Math.floor(0.975 * sorted.length)])];
  };
  return { stage2Auc: ci(draws.s2), stage1Auc: ci(draws.s1), stage2MinusBaselineAuc: ci(draws.diff), hideAtKeep95: ci(draws.hide) };
}
