// Per-user keep-rate correction, shared by the client (live) and the server's replay (gate eval). The model's
// thresholds were calibrated on other users; this user may accept suggestions the model scores lower. Exploration
// shows some would-be-hidden suggestions with a logged propensity, so the accepted ones among them, weighted by
// 1/propensity, estimate how many accepted suggestions the gate hides from this user. When a confidence bound says
// the kept share misses the asked keep-rate, the user's level moves along the model's nested threshold levels.
// Without exploration data (fewer than minExplored explored decisions) it never moves.
import { DEFAULT_EXPLORE_RATE } from './decide';
import type { CompiledGate } from './model';

export interface CorrectionOptions {
  /** Explored decisions (accepted or rejected) needed before the level may move (default 10). */
  minExplored?: number;
  /** About how many decisions are remembered (accepted ones and explored rejected ones; default 20,000): each new
   * one fades the older ones by 1/window, so behaviour that has changed ages out. */
  window?: number;
}

/** One decision: the lowest level that shows it, the propensity it was shown with, and its outcome. */
export interface CorrectionEntry { required: number; propensity: number; accepted: boolean }

export interface KeepEstimate {
  /** Level (a stored keep-rate) the thresholds are taken at now, and the keep-rate asked for. */
  level: number;
  target: number;
  /** Estimated share of this user's accepted suggestions the gate shows at that level, with a 90% interval;
   * NaN before any accepted outcome. */
  keep: number;
  low: number;
  high: number;
  /** Explored decisions behind the estimate (faded counts, rounded), how many are needed before the level may
   * move, and the accepted decisions seen. */
  explored: number;
  minExplored: number;
  accepted: number;
}

/** State as JSON (kept by the client across restarts): faded counts by required level. */
export interface CorrectionState {
  target: number; levels: number[];
  /** Per level: accepted shown without exploring; accepted explored (count and summed 1/propensity). */
  exact: number[]; exploredN: number[]; exploredW: number[];
  /** Explored decisions of either outcome, and accepted ones. */
  explored: number; accepted: number;
}

const Z = 1.645; // one-sided 95% for each side of the 90% interval
// Poisson bounds on a count (square-root approximation, within a few % of the exact ones from n = 0 up)
const poisHigh = (n: number) => (Math.sqrt(n + 1) + Z / 2) ** 2;
const poisLow = (n: number) => (Math.sqrt(n) > Z / 2 ? (Math.sqrt(n) - Z / 2) ** 2 : 0);
const valid = (e: CorrectionEntry) => e.required >= 0 && e.required <= 1 && e.propensity > 0 && e.propensity <= 1 && typeof e.accepted === 'boolean';

/** The lowest level of the gate whose thresholds both scores pass (levels are nested); a score the gate cannot
 * read (NaN) is shown at every level. */
export function requiredLevel(gate: CompiledGate, s1: number, s2: number): number {
  const a = Number.isNaN(s1) ? Infinity : s1, b = Number.isNaN(s2) ? Infinity : s2;
  for (let i = 0; i < gate.levels.length; i++) if (a >= gate.pairs[i][0] && b >= gate.pairs[i][1]) return gate.levels[i];
  return 1;
}

/** Accepted decisions by how they were shown and whether the thresholds evaluated show them. */
export interface KeepCounts {
  /** Shown without exploring (propensity 1): shown / hidden at the thresholds evaluated. */
  kept: number; hidden: number;
  /** Shown by exploration: counts and summed 1/propensity, shown / hidden at the thresholds evaluated. */
  exploredKept: number; exploredKeptWeight: number; exploredHidden: number; exploredHiddenWeight: number;
  /** Mean 1/propensity of explored decisions, standing in for a side with none (its bound still counts a few). */
  meanWeight: number;
}

/** The inverse-propensity estimate of the kept share of accepted suggestions and its 90% interval (Poisson
 * bounds on each explored count, the propensity-1 counts taken as exact). NaN without accepted decisions. */
export function keepInterval(c: KeepCounts): { keep: number; low: number; high: number } {
  const mK = c.exploredKept > 0 ? c.exploredKeptWeight / c.exploredKept : c.meanWeight;
  const mH = c.exploredHidden > 0 ? c.exploredHiddenWeight / c.exploredHidden : c.meanWeight;
  const ratio = (kept: number, hidden: number) => (kept + hidden > 0 ? kept / (kept + hidden) : NaN);
  const any = c.kept + c.hidden + c.exploredKept + c.exploredHidden > 0;
  return {
    keep: ratio(c.kept + c.exploredKeptWeight, c.hidden + c.exploredHiddenWeight),
    low: any ? ratio(c.kept + poisLow(c.exploredKept) * mK, c.hidden + poisHigh(c.exploredHidden) * mH) : NaN,
    high: any ? ratio(c.kept + poisHigh(c.exploredKept) * mK, c.hidden + poisLow(c.exploredHidden) * mH) : NaN,
  };
}

export class KeepCorrection {
  private exact: Float64Array;
  private expN: Float64Array;
  private expW: Float64Array;
  private explored = 0;
  private accepted = 0;
  private current: number;
  private readonly minExplored: number;
  private readonly fade: number;

  constructor(private levels: readonly number[], private target: number, opts: CorrectionOptions = {}) {
    this.minExplored = Math.max(1, opts.minExplored ?? 10);
    this.fade = 1 - 1 / Math.max(1, opts.window ?? 20_000);
    if (!levels.length) this.levels = [1];
    this.target = clampTarget(target);
    this.exact = new Float64Array(this.levels.length);
    this.expN = new Float64Array(this.levels.length);
    this.expW = new Float64Array(this.levels.length);
    this.current = this.snap(this.target);
  }

  /** The keep-rate level to take thresholds at for this user. */
  get level(): number {
    return this.current;
  }

  /** The keep-rate asked for. */
  get asked(): number {
    return this.target;
  }

  /** Whether the level has moved away from the asked keep-rate's own level. */
  get moved(): boolean {
    return this.current !== this.snap(this.target);
  }

  /** A new keep-rate asked for, or a new model with its own levels: the counts are carried over by level value
   * (a required level means the same on any model), the level starts again from the target and moves at once
   * if the counts say so. */
  reset(levels: readonly number[], target: number): void {
    const old = this.toJSON();
    this.levels = levels.length ? levels : [1];
    this.target = clampTarget(target);
    this.load(old);
  }

  /** The keep-rate the user asks for now: starts again from it only when it differs from the one held (a
   * setting outside 0..1 is clamped first, so it does not reset the correction on every decision). */
  ask(levels: readonly number[], keepRate: number): void {
    if (clampTarget(keepRate) !== this.target) this.reset(levels, keepRate);
  }

  /** An outcome of a shown suggestion. Rejected ones matter only when explored (they count toward minExplored). */
  record(e: CorrectionEntry): void {
    if (!valid(e) || (!e.accepted && e.propensity >= 1)) return;
    const f = this.fade;
    for (const a of [this.exact, this.expN, this.expW]) for (let i = 0; i < a.length; i++) a[i] *= f;
    this.explored *= f;
    this.accepted *= f;
    const k = this.index(e.required);
    if (e.propensity < 1) this.explored++;
    if (e.accepted) {
      this.accepted++;
      if (e.propensity >= 1) this.exact[k]++;
      else { this.expN[k]++; this.expW[k] += 1 / e.propensity; }
    }
    this.update();
  }

  estimate(level = this.current): KeepEstimate {
    let k1 = 0, h1 = 0, nK = 0, wK = 0, nH = 0, wH = 0;
    for (let i = 0; i < this.levels.length; i++) {
      if (this.levels[i] <= level + 1e-9) { k1 += this.exact[i]; nK += this.expN[i]; wK += this.expW[i]; }
      else { h1 += this.exact[i]; nH += this.expN[i]; wH += this.expW[i]; }
    }
    const wMean = nK + nH > 0 ? (wK + wH) / (nK + nH) : 1 / DEFAULT_EXPLORE_RATE;
    return {
      level, target: this.target, ...keepInterval({ kept: k1, hidden: h1, exploredKept: nK, exploredKeptWeight: wK, exploredHidden: nH, exploredHiddenWeight: wH, meanWeight: wMean }),
      explored: Math.round(this.explored), minExplored: this.minExplored, accepted: Math.round(this.accepted),
    };
  }

  toJSON(): CorrectionState {
    return {
      target: this.target, levels: [...this.levels], exact: Array.from(this.exact), exploredN: Array.from(this.expN),
      exploredW: Array.from(this.expW), explored: this.explored, accepted: this.accepted,
    };
  }

  /** Restores saved state onto the current levels (and target); malformed state is ignored. */
  restore(s: CorrectionState | undefined): void {
    this.load(s);
  }

  private load(s: CorrectionState | undefined): void {
    const m = this.levels.length;
    this.exact = new Float64Array(m); this.expN = new Float64Array(m); this.expW = new Float64Array(m);
    this.explored = 0; this.accepted = 0;
    if (wellFormed(s)) {
      s.levels.forEach((level, i) => {
        const k = this.index(level);
        this.exact[k] += s.exact[i]; this.expN[k] += s.exploredN[i]; this.expW[k] += s.exploredW[i];
      });
      this.explored = s.explored;
      this.accepted = s.accepted;
    }
    this.current = this.snap(this.target);
    this.update();
  }

  /** Moves the level when the bound says the kept share misses the target: up (lower thresholds) to the level
   * whose estimate is nearest it, or down to the lowest level whose lower bound still reaches it. Worked out
   * from the counts each time, so the level follows them both ways as old decisions fade. */
  private update(): void {
    this.current = this.snap(this.target);
    if (this.explored < this.minExplored - 1e-9 || !(this.accepted > 0)) return;
    const now = this.estimate();
    if (now.high < this.target) {
      // the level whose estimate is nearest the target: the first reaching it, or the one just before when that
      // is nearer (taking the first reaching it would keep more than asked on average)
      const up = this.levels.filter((l) => l > this.current);
      const i = up.findIndex((l) => this.estimate(l).keep >= this.target);
      if (i < 0) this.current = up[up.length - 1] ?? this.current;
      else if (i === 0 || this.estimate(up[i]).keep - this.target <= this.target - this.estimate(up[i - 1]).keep) this.current = up[i];
      else this.current = up[i - 1];
    } else if (now.low > this.target) {
      this.current = this.levels.find((l) => l < this.current && this.estimate(l).low >= this.target) ?? this.current;
    }
  }

  /** The index of the lowest level at or above `level` (the last for anything above every level). */
  private index(level: number): number {
    const i = this.levels.findIndex((l) => l >= level - 1e-9);
    return i < 0 ? this.levels.length - 1 : i;
  }

  private snap(keep: number): number {
    return this.levels[this.index(keep)];
  }
}

const clampTarget = (t: number) => (Number.isFinite(t) ? Math.min(Math.max(t, 0), 1) : 0.95);

function wellFormed(s: CorrectionState | undefined): s is CorrectionState {
  if (typeof s !== 'object' || s === null || !Array.isArray(s.levels)) return false;
  const n = s.levels.length;
  const counts = (a: unknown) => Array.isArray(a) && a.length === n && a.every((v) => typeof v === 'number' && Number.isFinite(v) && v >= 0);
  const count = (v: unknown) => typeof v === 'number' && Number.isFinite(v) && v >= 0;
  return s.levels.every((l) => typeof l === 'number' && l >= 0 && l <= 1) && counts(s.exact) && counts(s.exploredN) && counts(s.exploredW) && count(s.explored) && count(s.accepted);
}
