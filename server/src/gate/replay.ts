// What a user lives with: the cascade (stage 1, then stage 2) replayed over scored suggestions in time order per
// user, at the stored thresholds and with the per-user keep-rate correction (common/gate/correction.ts) learning
// from the exploration a live client would do. Exploration is random, so the replay is repeated with seeded
// draws and the shares averaged.
import { KeepCorrection, requiredLevel } from '../../../common/gate/correction';
import type { CompiledGate } from '../../../common/gate/model';
import type { Scored } from './evaluate';
import { seeded } from './gbt';

export interface CascadeOperating {
  /** Share of accepted suggestions the cascade shows by its thresholds (exploration not counted). */
  keptAccepted: number;
  /** Share of rejected suggestions it hides (at either stage), and of those already skipped at stage 1. */
  hiddenRejected: number;
  skippedAtStage1: number;
}
export interface OnlineOperating extends CascadeOperating {
  exploreRate: number;
  runs: number;
  /** Mean explored decisions per run, and the share of users whose level had moved by their last decision. */
  explored: number;
  usersMoved: number;
}

const pass = (s: number, t: number) => s >= t || Number.isNaN(s);

/** The cascade at fixed thresholds for a keep-rate (the stored table, no correction). */
export function cascadeAt(gate: CompiledGate, s: Scored, keepRate: number): CascadeOperating {
  const t1 = gate.stage1.threshold(keepRate), t2 = gate.stage2.threshold(keepRate);
  let acc = 0, kept = 0, rej = 0, hidden = 0, skipped = 0;
  for (let i = 0; i < s.y.length; i++) {
    const p1 = pass(s.stage1[i], t1), shown = p1 && pass(s.stage2[i], t2);
    if (s.y[i]) { acc++; if (shown) kept++; } else { rej++; if (!shown) hidden++; if (!p1) skipped++; }
  }
  return { keptAccepted: acc ? kept / acc : NaN, hiddenRejected: rej ? hidden / rej : NaN, skippedAtStage1: rej ? skipped / rej : NaN };
}

/** The cascade with each user's correction, replayed `runs` times with exploration share `exploreRate`. */
export function replayOnline(gate: CompiledGate, s: Scored, keepRate: number, exploreRate: number, runs = 20, minExplored?: number): OnlineOperating {
  let acc = 0, kept = 0, rej = 0, hidden = 0, skipped = 0, explored = 0, moved = 0, users = 0;
  const required = Array.from(s.y, (_, i) => requiredLevel(gate, s.stage1[i], s.stage2[i]));
  for (let run = 0; run < runs; run++) {
    const rng = seeded(1000 + run);
    const byUser = new Map<string, KeepCorrection>();
    for (let i = 0; i < s.y.length; i++) {
      let c = byUser.get(s.user[i]);
      if (!c) byUser.set(s.user[i], (c = new KeepCorrection(gate.levels, keepRate, { minExplored })));
      const level = c.level;
      const p1 = pass(s.stage1[i], gate.stage1.threshold(level)), ok = p1 && pass(s.stage2[i], gate.stage2.threshold(level));
      const y = s.y[i];
      if (y) { acc++; if (ok) kept++; } else { rej++; if (!ok) hidden++; if (!p1) skipped++; }
      // one draw per would-be-hidden suggestion, as the client explores at the first stage that would hide it
      const explore = !ok && exploreRate > 0 && rng() < exploreRate;
      if (explore) explored++;
      if (ok || explore) c.record({ required: required[i], propensity: ok ? 1 : exploreRate, accepted: y === 1 });
    }
    for (const c of byUser.values()) { users++; if (c.moved) moved++; }
  }
  const r = (a: number, b: number) => (b ? a / b : NaN);
  return {
    keptAccepted: r(kept, acc), hiddenRejected: r(hidden, rej), skippedAtStage1: r(skipped, rej),
    exploreRate, runs, explored: explored / runs, usersMoved: r(moved, users),
  };
}
