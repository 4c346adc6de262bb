// Thresholds for the two gate stages chosen together: a suggestion is shown only when it passes stage 1 and then
// stage 2, so each keep-rate level gets the pair (t1, t2) that hides the most rejected suggestions while a lower
// confidence bound over users (or time blocks) of the cascade's kept share of accepted ones still reaches the level.
// Works on the grouped folds' held-out scores, so the bound speaks for users the thresholds were not fitted on.
import { CASCADE_LEVELS, type CascadeTable } from '../../../common/gate/model';

/** One-sided 95%: the kept share is at or above the level for at least 19 of 20 new users' pools. */
const Z = 1.645;
/** Candidate thresholds per stage: the accepted held-out scores at these kept shares (and 0: the stage off). */
const GRID = Array.from({ length: 61 }, (_, i) => 0.7 + i * 0.005);

/** Candidate thresholds, highest first: the score of the accepted suggestion at each kept share. */
function candidates(s: ArrayLike<number>, y: ArrayLike<number>): number[] {
  const acc: number[] = [];
  for (let i = 0; i < s.length; i++) if (y[i]) acc.push(s[i]);
  acc.sort((a, b) => b - a);
  const out = GRID.map((q) => acc[Math.min(acc.length - 1, Math.max(0, Math.ceil(q * acc.length - 1e-9) - 1))]);
  out.push(0);
  return [...new Set(out)].sort((a, b) => b - a);
}

/** Index of the first (highest) candidate that `v` passes (v >= t), or -1 for none. */
function firstPassed(t: number[], v: number): number {
  for (let i = 0; i < t.length; i++) if (v >= t[i]) return i;
  return Number.isNaN(v) ? 0 : -1; // the gate shows what it cannot score
}

export interface CascadeFit { table: CascadeTable; heldOut: { keptAccepted: number; keptAcceptedLow: number; hiddenRejected: number } }

/**
 * The cascade table from held-out scores of both stages (same rows), their labels and a group per row (the user,
 * or a time block). Levels come out nested: a higher level never has a higher threshold at either stage, so a
 * suggestion shown at one level is shown at every higher one (the per-user correction relies on it).
 */
export function fitCascade(s1: ArrayLike<number>, s2: ArrayLike<number>, y: ArrayLike<number>, group: readonly string[]): CascadeFit {
  const t1 = candidates(s1, y), t2 = candidates(s2, y);
  const m1 = t1.length, m2 = t2.length;
  const names = [...new Set(group)];
  const gi = new Map(names.map((g, i) => [g, i]));
  const G = names.length;
  // per group, counts of accepted / rejected rows by (first passed at stage 1, first passed at stage 2), then
  // cumulated so cell [i][j] counts the rows passing candidate i at stage 1 and j at stage 2
  const acc = new Float64Array(G * m1 * m2), rej = new Float64Array(G * m1 * m2);
  const totAcc = new Float64Array(G), totRej = new Float64Array(G);
  for (let r = 0; r < y.length; r++) {
    const g = gi.get(group[r])!;
    const a = firstPassed(t1, s1[r]), b = firstPassed(t2, s2[r]);
    if (y[r]) totAcc[g]++; else totRej[g]++;
    if (a < 0 || b < 0) continue;
    (y[r] ? acc : rej)[(g * m1 + a) * m2 + b]++;
  }
  for (const c of [acc, rej]) {
    for (let g = 0; g < G; g++) {
      for (let i = 0; i < m1; i++) {
        for (let j = 0; j < m2; j++) {
          const k = (g * m1 + i) * m2 + j;
          c[k] += (i ? c[k - m2] : 0) + (j ? c[k - 1] : 0) - (i && j ? c[k - m2 - 1] : 0);
        }
      }
    }
  }
  const A = totAcc.reduce((s, v) => s + v, 0), R = totRej.reduce((s, v) => s + v, 0);
  const keep = new Float64Array(m1 * m2), low = new Float64Array(m1 * m2), hide = new Float64Array(m1 * m2);
  for (let i = 0; i < m1; i++) {
    for (let j = 0; j < m2; j++) {
      let kept = 0, shownRej = 0;
      for (let g = 0; g < G; g++) { kept += acc[(g * m1 + i) * m2 + j]; shownRej += rej[(g * m1 + i) * m2 + j]; }
      const p = A ? kept / A : 1;
      // the pooled kept share is a ratio over groups: its variance from the groups' residuals (cluster-robust)
      let v = 0;
      for (let g = 0; g < G; g++) { const e = acc[(g * m1 + i) * m2 + j] - p * totAcc[g]; v += e * e; }
      const se = G > 1 && A ? Math.sqrt((G / (G - 1)) * v) / A : 1;
      keep[i * m2 + j] = p;
      low[i * m2 + j] = p - Z * se;
      hide[i * m2 + j] = R ? (R - shownRej) / R : 0;
    }
  }
  // the feasible pair hiding most within a box of candidate indices (higher index: lower threshold)
  const best = (level: number, iLo: number, iHi: number, jLo: number, jHi: number) => {
    let h = -1, bi = iHi, bj = jHi;
    for (let i = iLo; i <= iHi; i++) {
      for (let j = jLo; j <= jHi; j++) {
        const k = i * m2 + j;
        if (low[k] < level - 1e-12) continue;
        if (hide[k] > h + 1e-12 || (Math.abs(hide[k] - h) <= 1e-12 && keep[k] > keep[bi * m2 + bj])) { h = hide[k]; bi = i; bj = j; }
      }
    }
    return { i: bi, j: bj };
  };
  // the default keep-rate gets its best pair; levels above it may only lower thresholds from their neighbour
  // below, levels under it only raise them from their neighbour above (so levels are nested, and the pair a
  // level above would use is always feasible)
  const levels = [...CASCADE_LEVELS];
  const anchor = levels.indexOf(0.95);
  const chosen = new Array<{ i: number; j: number }>(levels.length);
  chosen[anchor] = best(0.95, 0, m1 - 1, 0, m2 - 1);
  for (let l = anchor + 1; l < levels.length; l++) {
    chosen[l] = levels[l] >= 1 ? { i: m1 - 1, j: m2 - 1 } : best(levels[l], chosen[l - 1].i, m1 - 1, chosen[l - 1].j, m2 - 1);
  }
  for (let l = anchor - 1; l >= 0; l--) chosen[l] = best(levels[l], 0, chosen[l + 1].i, 0, chosen[l + 1].j);
  const table: CascadeTable = {};
  levels.forEach((level, l) => { table[String(level)] = [t1[chosen[l].i], t2[chosen[l].j]]; });
  const at95 = chosen[anchor];
  const k95 = at95.i * m2 + at95.j;
  return { table, heldOut: { keptAccepted: keep[k95], keptAcceptedLow: low[k95], hiddenRejected: hide[k95] } };
}
