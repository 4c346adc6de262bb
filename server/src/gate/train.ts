// trainGate(): events in, gate model out. For each stage it fits the candidate models (logistic regression, small
// boosted trees, their blend; with several users also variants that weight every user the same) on grouped folds
// — by user when there are several users, by time blocks otherwise — keeps the one with the best held-out AUC, sets
// the keep-rate thresholds from the held-out scores (per stage, and for the cascade of both: cascade.ts), and refits
// it on everything. Training runs in the server or the CLI, never in the extension host.
import type { SuggestionEvent } from '../../../common/events';
import { FEATURE_VERSION, featureNames, STAGE1_FEATURES, STAGE2_FEATURES, type Stage } from '../../../common/gate/features';
import { MODEL_FORMAT, MODEL_VERSION, type GateModel, type GbtParams, type LogRegParams, type StageModel } from '../../../common/gate/model';
import { fitCascade } from './cascade';
import { buildExamples, type Examples } from './examples';
import { fitGbt, predictGbt, type GbtOptions } from './gbt';
import { fitLogReg, predictLogReg } from './logreg';
import { auc, hideAtKeep, thresholdTable } from './metrics';

/** A model to try: `blend` fits both the logistic regression (lambda) and the trees (gbt) and averages them. */
export interface Candidate {
  name: string; kind: 'logreg' | 'gbt' | 'blend'; lambda?: number; gbt?: GbtOptions;
  /** Weight every user's rows by (mean rows per user / the user's rows)^userWeight: at 1 each user counts the same
   * however many suggestions they saw, so a few heavy users do not set the model for everyone. No effect with one user. */
  userWeight?: number;
}

export interface TrainOptions {
  /** Models to choose from (default: DEFAULT_CANDIDATES, or LARGE_CANDIDATES above LARGE_N decisions). */
  candidates?: Candidate[];
  /** Feature subsets by name (default: every feature of the stage). */
  stage1Features?: readonly string[];
  stage2Features?: readonly string[];
  /** Number of grouped folds used to choose the model and the thresholds (default 5). */
  folds?: number;
  /** Fixed clock for reproducible model files. */
  createdAt?: string;
}

const D1: GbtOptions = { depth: 1, trees: 200, learningRate: 0.05, minLeaf: 20 };
const D2: GbtOptions = { depth: 2, trees: 100, learningRate: 0.03, minLeaf: 30 };
export const DEFAULT_CANDIDATES: Candidate[] = [
  { name: 'blend-l0.3-d1', kind: 'blend', lambda: 0.3, gbt: D1 },
  { name: 'blend-l0.3-d2', kind: 'blend', lambda: 0.3, gbt: D2 },
  { name: 'logreg-l0.3', kind: 'logreg', lambda: 0.3 },
  { name: 'gbt-d2', kind: 'gbt', gbt: D2 },
  { name: 'blend-l0.3-d1-equsers', kind: 'blend', lambda: 0.3, gbt: D1, userWeight: 1 },
  { name: 'blend-l0.3-d2-equsers', kind: 'blend', lambda: 0.3, gbt: D2, userWeight: 1 },
  { name: 'gbt-d2-equsers', kind: 'gbt', gbt: D2, userWeight: 1 },
];
/** With plenty of data one held-out fold and one candidate of each kind suffice: training stays under about
 * 2 s of CPU at every store size (the full choice costs about 1.5 s at LARGE_N decisions and grows linearly).
 * No equal-user-weight variant here: one more fit would take 100,000 events past 2 s. */
export const LARGE_CANDIDATES: Candidate[] = [
  { name: 'logreg-l0.1', kind: 'logreg', lambda: 0.1 },
  { name: 'gbt-d2', kind: 'gbt', gbt: { depth: 2, trees: 40, learningRate: 0.1, minLeaf: 50, subsample: 0.3 } },
];
export const LARGE_N = 1_000;
/** Bound of the per-user factor of equal user weighting (and its inverse). */
const MAX_USER_FACTOR = 4;
const MIN_DECISIONS = 20;

export class TrainError extends Error {}

/** Columns `cols` of row-major x (width d). */
function columns(x: Float64Array, d: number, cols: readonly number[]): Float64Array {
  if (cols.length === d && cols.every((c, i) => c === i)) return x;
  const n = x.length / d, k = cols.length;
  const out = new Float64Array(n * k);
  for (let i = 0; i < n; i++) for (let c = 0; c < k; c++) out[i * k + c] = x[i * d + cols[c]];
  return out;
}

function rowsOf(x: Float64Array, d: number, idx: readonly number[]): Float64Array {
  const out = new Float64Array(idx.length * d);
  idx.forEach((i, k) => out.set(x.subarray(i * d, (i + 1) * d), k * d));
  return out;
}

/** Fold number per row: whole users per fold when there are >= 3 users, else contiguous time blocks. */
export function groupFolds(ex: Examples, k: number): number[] {
  const users = [...new Set(ex.user)];
  const fold = new Array<number>(ex.n);
  if (users.length >= 3) {
    const count = new Map<string, number>();
    for (const u of ex.user) count.set(u, (count.get(u) ?? 0) + 1);
    const nf = Math.min(k, users.length);
    const size = new Array<number>(nf).fill(0);
    const assign = new Map<string, number>();
    for (const u of users.sort((a, b) => count.get(b)! - count.get(a)! || (a < b ? -1 : 1))) {
      const f = size.indexOf(Math.min(...size));
      assign.set(u, f);
      size[f] += count.get(u)!;
    }
    for (let i = 0; i < ex.n; i++) fold[i] = assign.get(ex.user[i])!;
  } else {
    const order = Array.from({ length: ex.n }, (_, i) => i).sort((a, b) => ex.ts[a] - ex.ts[b]);
    order.forEach((i, r) => { fold[i] = Math.floor((r * k) / ex.n); });
  }
  return fold;
}

type Fitted = StageModel['params'];
type Part = LogRegParams | GbtParams;

function fitPart(kind: 'logreg' | 'gbt', c: Candidate, x: Float64Array, d: number, y: ArrayLike<number>, w: ArrayLike<number>): Part {
  return kind === 'logreg' ? fitLogReg(x, d, y, w, { lambda: c.lambda }) : fitGbt(x, d, y, w, c.gbt);
}
function fit(c: Candidate, x: Float64Array, d: number, y: ArrayLike<number>, w: ArrayLike<number>): Fitted {
  if (c.kind !== 'blend') return fitPart(c.kind, c, x, d, y, w);
  return { kind: 'blend', parts: [fitLogReg(x, d, y, w, { lambda: c.lambda }), fitGbt(x, d, y, w, c.gbt)] };
}
function predictPart(p: Part, x: Float64Array, d: number): Float64Array {
  return p.kind === 'logreg' ? predictLogReg(p, x, d) : predictGbt(p, x, d);
}

interface StageFit { model: StageModel; oof: Float64Array; testRows: number[] }

function trainStage(stage: Stage, ex: Examples, names: readonly string[], candidates: Candidate[], fold: number[], oneFold: boolean): StageFit {
  const all = featureNames(stage);
  const cols = names.map((nm) => {
    const i = all.indexOf(nm);
    if (i < 0) throw new TrainError(`unknown stage ${stage} feature '${nm}'`);
    return i;
  });
  const d = cols.length;
  const x = columns(stage === 1 ? ex.x1 : ex.x2, all.length, cols);
  const nf = Math.max(...fold) + 1;
  const byFold = Array.from({ length: nf }, () => ({ train: [] as number[], test: [] as number[] }));
  for (let i = 0; i < ex.n; i++) for (let f = 0; f < nf; f++) (fold[i] === f ? byFold[f].test : byFold[f].train).push(i);
  const usable = byFold.filter((b) => b.test.length && hasBoth(ex.y, b.train)).slice(0, oneFold ? 1 : nf);
  if (!usable.length) throw new TrainError('too few decisions of one outcome to hold any fold out');
  const testRows = usable.flatMap((b) => b.test);
  const yTest = testRows.map((i) => ex.y[i]);
  const perUser = new Map<string, number>();
  for (const u of ex.user) perUser.set(u, (perUser.get(u) ?? 0) + 1);
  const userWeight = (c: Candidate) => (perUser.size > 1 ? c.userWeight ?? 0 : 0);
  // the factor is bounded so a newcomer with two decisions does not get the weight of dozens of rows
  const weightsOf = (c: Candidate): ArrayLike<number> => {
    const p = userWeight(c), meanRows = ex.n / perUser.size;
    const factor = (u: string) => Math.min(Math.max((meanRows / perUser.get(u)!) ** p, 1 / MAX_USER_FACTOR), MAX_USER_FACTOR);
    return p ? Float64Array.from(ex.w, (v, i) => v * factor(ex.user[i])) : ex.w;
  };
  // candidates share their parts (a blend is its regression and its trees): each part is fitted once per fold
  const parts = new Map<string, { oof: Float64Array; last: Part }>();
  const part = (kind: 'logreg' | 'gbt', c: Candidate) => {
    const key = JSON.stringify([kind, kind === 'logreg' ? c.lambda : c.gbt, userWeight(c)]);
    let p = parts.get(key);
    if (!p) {
      const w = weightsOf(c);
      const oof = new Float64Array(testRows.length);
      let at = 0, last: Part | undefined;
      for (const b of usable) {
        last = fitPart(kind, c, rowsOf(x, d, b.train), d, b.train.map((i) => ex.y[i]), b.train.map((i) => w[i]));
        oof.set(predictPart(last, rowsOf(x, d, b.test), d), at);
        at += b.test.length;
      }
      p = { oof, last: last! };
      parts.set(key, p);
    }
    return p;
  };
  const scored: { c: Candidate; oof: Float64Array; auc: number; last: Fitted }[] = [];
  for (const c of candidates) {
    let oof: Float64Array, last: Fitted;
    if (c.kind === 'blend') {
      const a = part('logreg', c), b = part('gbt', c);
      oof = a.oof.map((v, i) => (v + b.oof[i]) / 2);
      last = { kind: 'blend', parts: [a.last as LogRegParams, b.last as GbtParams] };
    } else {
      ({ oof, last } = part(c.kind, c));
    }
    scored.push({ c, oof, auc: auc(oof, yTest), last });
  }
  // ties (within noise of a few decisions) go to the earlier, simpler candidate
  const best = scored.reduce((a, b) => (b.auc > a.auc + 1e-3 ? b : a));
  // with one large held-out fold the model fitted on the other four fifths is kept: refitting would cost a
  // second fit for little gain, and its thresholds are exactly calibrated on the held-out scores
  const params = oneFold ? best.last : fit(best.c, x, d, ex.y, weightsOf(best.c));
  const model: StageModel = {
    stage,
    features: [...names],
    params,
    thresholds: thresholdTable(best.oof, yTest),
    heldOut: {
      chosen: best.c.name, auc: round(best.auc), hideAtKeep95: round(hideAtKeep(best.oof, yTest, 0.95)),
      candidates: Object.fromEntries(scored.map((s) => [s.c.name, round(s.auc)])),
    },
  };
  return { model, oof: best.oof, testRows };
}

/** Groups for the cascade's confidence bound: the held-out rows' users when there are at least 3 of them, else
 * 10 blocks of consecutive time (one user: how much the kept share moves from one stretch of work to the next). */
function boundGroups(ex: Examples, rows: number[]): string[] {
  if (new Set(rows.map((i) => ex.user[i])).size >= 3) return rows.map((i) => ex.user[i]);
  const order = rows.map((_, k) => k).sort((a, b) => ex.ts[rows[a]] - ex.ts[rows[b]]);
  const out = new Array<string>(rows.length);
  order.forEach((k, r) => { out[k] = String(Math.floor((r * 10) / rows.length)); });
  return out;
}

const round = (v: number) => (Number.isFinite(v) ? Math.round(v * 1e4) / 1e4 : v);

function hasBoth(y: Uint8Array, rows: number[]): boolean {
  let pos = 0;
  for (const i of rows) pos += y[i];
  return pos > 0 && pos < rows.length;
}

/** Trains both gate stages from schema-v1 events (any order, any users). Throws TrainError on too little data. */
export function trainGate(events: SuggestionEvent[], opts: TrainOptions = {}): GateModel {
  const ex = buildExamples(events);
  const accepted = ex.y.reduce((s, v) => s + v, 0);
  if (ex.n < MIN_DECISIONS || accepted === 0 || accepted === ex.n) {
    throw new TrainError(`need at least ${MIN_DECISIONS} decided completion suggestions with both outcomes (have ${ex.n}, ${accepted} accepted)`);
  }
  // with much data one held-out fold (a fifth) is enough to choose the model and set its thresholds
  const large = ex.n > LARGE_N;
  const candidates = opts.candidates ?? (large ? LARGE_CANDIDATES : DEFAULT_CANDIDATES);
  const fold = groupFolds(ex, opts.folds ?? 5);
  const s1 = trainStage(1, ex, opts.stage1Features ?? STAGE1_FEATURES, candidates, fold, large);
  const s2 = trainStage(2, ex, opts.stage2Features ?? STAGE2_FEATURES, candidates, fold, large);
  // both stages hold out the same rows in the same order (the folds and their usable subset depend on labels only)
  const cascade = fitCascade(s1.oof, s2.oof, s1.testRows.map((i) => ex.y[i]), boundGroups(ex, s1.testRows));
  return {
    format: MODEL_FORMAT,
    version: MODEL_VERSION,
    featureVersion: FEATURE_VERSION,
    createdAt: opts.createdAt ?? new Date().toISOString(),
    trainedOn: { decisions: ex.n, accepted, users: new Set(ex.user).size, withCode: mostlyWithCode(events) },
    stage1: s1.model,
    stage2: s2.model,
    cascade: { thresholds: cascade.table, heldOut: { keptAccepted: round(cascade.heldOut.keptAccepted), keptAcceptedLow: round(cascade.heldOut.keptAcceptedLow), hiddenRejected: round(cascade.heldOut.hiddenRejected) } },
  };
}

/** Whether most shown completions carry code (a prefix or the suggestion's text), or were stored without it. */
function mostlyWithCode(events: readonly SuggestionEvent[]): boolean {
  let shown = 0, withCode = 0;
  for (const e of events) {
    if (e.kind !== 'completion' || e.type !== 'shown') continue;
    shown++;
    if (e.ctx?.prefix || e.sug?.text) withCode++;
  }
  return withCode * 2 >= shown;
}
