// The gate model file (JSON, shipped as models/gate-default.json and sent to the client over LSP) and its
// scoring: logistic regression or small gradient-boosted trees, one per stage. loadGateModel() checks a decoded
// file and compiles it for fast scoring (features mapped by name, standardization folded into the weights).
import { FEATURE_VERSION, featureNames, type Stage } from './features';

export const MODEL_FORMAT = 'loopwise-gate';
export const MODEL_VERSION = 1;

export interface LogRegParams { kind: 'logreg'; mean: number[]; scale: number[]; weights: number[]; bias: number; lambda: number }
/** Trees as parallel arrays: feature < 0 marks a leaf whose value is in `value`; x[feature] <= threshold goes left. */
export interface TreeParams { feature: number[]; threshold: number[]; left: number[]; right: number[]; value: number[] }
export interface GbtParams { kind: 'gbt'; base: number; learningRate: number; depth: number; trees: TreeParams[] }
/** The mean of a logistic regression's and a tree ensemble's probabilities: less variance than either alone. */
export interface BlendParams { kind: 'blend'; parts: [LogRegParams, GbtParams] }
export type ModelParams = LogRegParams | GbtParams | BlendParams;

export interface StageModel {
  stage: Stage;
  features: string[];
  params: ModelParams;
  /** Score thresholds by target keep-rate of accepted suggestions ("0.95" -> t: show when score >= t). */
  thresholds: Record<string, number>;
  /** Held-out figures measured when the model was chosen. */
  heldOut: { chosen: string; auc: number; hideAtKeep95: number; candidates: Record<string, number> };
}

export interface GateModel {
  format: typeof MODEL_FORMAT;
  version: typeof MODEL_VERSION;
  featureVersion: number;
  createdAt: string;
  /** withCode false: trained on events stored without code text (privacy level noCode, as team uploads are by
   * default); the client then scores in that form too. Absent in older files: with code. */
  trainedOn: { decisions: number; accepted: number; users: number; withCode?: boolean };
  stage1: StageModel;
  stage2: StageModel;
  /** Thresholds for both stages together (shown only when passing stage 1, then stage 2), chosen so a lower
   * confidence bound over held-out users of the cascade's kept share reaches each level. Absent in older files:
   * each stage's own table is used. */
  cascade?: { thresholds: CascadeTable; heldOut: { keptAccepted: number; keptAcceptedLow: number; hiddenRejected: number } };
}

/** Keep-rate level ("0.95") -> [stage 1 threshold, stage 2 threshold]; nested: a higher level never raises either. */
export type CascadeTable = Record<string, [number, number]>;
/** The levels a cascade table holds: 0.70 to 0.995 in steps of 0.005, and 1 (show everything). */
export const CASCADE_LEVELS: readonly number[] = [...Array.from({ length: 60 }, (_, i) => Math.round((0.7 + i * 0.005) * 1000) / 1000), 1];

/** A stage model ready to score: feature indices resolved, LR weights pre-divided by the scale. */
export interface CompiledStage {
  stage: Stage;
  model: StageModel;
  score(x: Float64Array): number;
  /** thresholdFor(model, keepRate), remembered for the last keep-rate asked (it rarely changes). */
  threshold(keepRate: number): number;
}
export interface CompiledGate {
  model: GateModel;
  stage1: CompiledStage;
  stage2: CompiledStage;
  /** The keep-rate levels the thresholds are stored for, ascending, ending with 1 (thresholds 0), and the
   * [stage 1, stage 2] thresholds at each. */
  levels: readonly number[];
  pairs: readonly (readonly [number, number])[];
}

export class GateModelError extends Error {}

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

function compileStage(m: StageModel, stage: Stage, cascade: CascadeTable | undefined): CompiledStage {
  const scorer = compileScorer(m, stage);
  let lastKeep = NaN, lastThreshold = 0;
  const lookup = cascade ? (k: number) => cascadeThreshold(cascade, k)[stage - 1] : (k: number) => thresholdFor(m, k);
  return {
    stage, model: m, score: scorer,
    threshold(keepRate) {
      if (keepRate !== lastKeep) { lastKeep = keepRate; lastThreshold = lookup(keepRate); }
      return lastThreshold;
    },
  };
}

function compileScorer(m: StageModel, stage: Stage): (x: Float64Array) => number {
  if (!m || m.stage !== stage) throw new GateModelError(`stage${stage}: missing or has the wrong stage number`);
  const known = featureNames(stage);
  const index = m.features.map((name) => {
    const i = known.indexOf(name);
    if (i < 0) throw new GateModelError(`stage${stage}: unknown feature '${name}' (model made by another version?)`);
    return i;
  });
  return compileParams(m.params, index, stage);
}

function compileParams(p: ModelParams, index: number[], stage: Stage): (x: Float64Array) => number {
  if (p.kind === 'blend') {
    if (!Array.isArray(p.parts) || p.parts.length !== 2) throw new GateModelError(`stage${stage}: a blend has two parts`);
    const [a, b] = p.parts.map((q) => compileParams(q, index, stage));
    return (x) => (a(x) + b(x)) / 2;
  }
  if (p.kind === 'logreg') {
    if (p.weights.length !== index.length || p.mean.length !== index.length || p.scale.length !== index.length) {
      throw new GateModelError(`stage${stage}: logistic regression has ${p.weights.length} weights for ${index.length} features`);
    }
    const w = Float64Array.from(p.weights, (wi, i) => (p.scale[i] > 0 ? wi / p.scale[i] : 0));
    let b = p.bias;
    for (let i = 0; i < w.length; i++) b -= w[i] * p.mean[i];
    const idx = Int32Array.from(index);
    return (x) => { let z = b; for (let i = 0; i < idx.length; i++) z += w[i] * x[idx[i]]; return sigmoid(z); };
  }
  if (p.kind === 'gbt') {
    const trees = p.trees.map((t) => {
      const n = t.feature.length;
      if (!n || [t.threshold, t.left, t.right, t.value].some((a) => a.length !== n)) throw new GateModelError(`stage${stage}: malformed tree`);
      for (let i = 0; i < n; i++) {
        if (t.feature[i] >= index.length) throw new GateModelError(`stage${stage}: tree uses feature ${t.feature[i]} of ${index.length}`);
        if (t.feature[i] >= 0 && !(t.left[i] > i && t.right[i] > i && t.left[i] < n && t.right[i] < n)) throw new GateModelError(`stage${stage}: tree child out of range`);
      }
      return {
        feature: Int32Array.from(t.feature, (f) => (f < 0 ? -1 : index[f])),
        threshold: Float64Array.from(t.threshold), left: Int32Array.from(t.left), right: Int32Array.from(t.right),
        value: Float64Array.from(t.value, (v) => v * p.learningRate),
      };
    });
    return (x) => {
      let z = p.base;
      for (const t of trees) {
        let i = 0;
        while (t.feature[i] >= 0) i = x[t.feature[i]] <= t.threshold[i] ? t.left[i] : t.right[i];
        z += t.value[i];
      }
      return sigmoid(z);
    };
  }
  throw new GateModelError(`stage${stage}: unknown model kind '${(p as { kind?: unknown }).kind}'`);
}

/** Whether the model was trained on events without code (then it is scored on events without code too). */
export function trainedWithoutCode(m: GateModel): boolean {
  return m.trainedOn.withCode === false;
}

const count = (n: unknown) => Number.isInteger(n) && (n as number) >= 0;

/** Checks a decoded model file and compiles it. Throws GateModelError with a readable message. */
export function loadGateModel(json: unknown): CompiledGate {
  const m = json as GateModel;
  if (typeof m !== 'object' || m === null) throw new GateModelError('gate model must be a JSON object');
  if (m.format !== MODEL_FORMAT) throw new GateModelError(`not a gate model (format ${JSON.stringify(m.format)})`);
  if (m.version !== MODEL_VERSION) throw new GateModelError(`unsupported gate model version ${JSON.stringify(m.version)} (this build reads ${MODEL_VERSION})`);
  if (m.featureVersion !== FEATURE_VERSION) throw new GateModelError(`model features are version ${m.featureVersion}, this build computes version ${FEATURE_VERSION}`);
  const t = m.trainedOn as Partial<GateModel['trainedOn']> | undefined;
  if (typeof t !== 'object' || t === null || !count(t.decisions) || !count(t.accepted) || !count(t.users) || (t.withCode !== undefined && typeof t.withCode !== 'boolean')) {
    throw new GateModelError('gate model has no valid trainedOn (decisions, accepted, users, withCode)');
  }
  for (const stage of [m.stage1, m.stage2]) {
    const th = (stage as Partial<StageModel> | undefined)?.thresholds;
    if (typeof th !== 'object' || th === null || !Object.entries(th).every(([k, v]) => Number.isFinite(Number(k)) && typeof v === 'number' && Number.isFinite(v))) {
      throw new GateModelError('gate model has no valid keep-rate thresholds');
    }
  }
  const cascade = m.cascade === undefined ? undefined : checkCascade(m.cascade?.thresholds);
  const stored = cascade ? Object.keys(cascade).map(Number) : [...Object.keys(m.stage1.thresholds), ...Object.keys(m.stage2.thresholds)].map(Number);
  const levels = [...new Set([...stored.filter((k) => k > 0 && k < 1), 1])].sort((a, b) => a - b);
  const pairs = levels.map((k) => (cascade ? cascadeThreshold(cascade, k) : [thresholdFor(m.stage1, k), thresholdFor(m.stage2, k)] as [number, number]));
  return { model: m, stage1: compileStage(m.stage1, 1, cascade), stage2: compileStage(m.stage2, 2, cascade), levels, pairs };
}

/** A cascade table that holds valid, nested pairs (the per-user correction moves along its levels). */
function checkCascade(t: unknown): CascadeTable {
  if (typeof t !== 'object' || t === null) throw new GateModelError('gate model has a cascade without thresholds');
  const rows = Object.entries(t as Record<string, unknown>).map(([k, v]) => [Number(k), v] as const).sort((a, b) => a[0] - b[0]);
  const pair = (v: unknown): v is [number, number] => Array.isArray(v) && v.length === 2 && v.every((x) => typeof x === 'number' && Number.isFinite(x) && x >= 0 && x <= 1);
  if (!rows.length || !rows.every(([k, v]) => k > 0 && k <= 1 && pair(v))) throw new GateModelError('gate model has invalid cascade thresholds (keep-rate -> [stage 1, stage 2], each in 0..1)');
  for (let i = 1; i < rows.length; i++) {
    const [a, b] = [rows[i - 1][1] as number[], rows[i][1] as number[]];
    if (b[0] > a[0] || b[1] > a[1]) throw new GateModelError(`gate model's cascade thresholds are not nested at keep-rate ${rows[i][0]}`);
  }
  return t as CascadeTable;
}

/** The cascade's pair for a keep-rate: the smallest stored level at or above the request (never keep fewer). */
export function cascadeThreshold(t: CascadeTable, keepRate: number): [number, number] {
  if (keepRate >= 1) return [0, 0];
  let best = Infinity, pair: [number, number] = [0, 0];
  for (const [k, v] of Object.entries(t)) {
    const keep = Number(k);
    if (keep >= keepRate - 1e-9 && keep < best) { best = keep; pair = v; }
  }
  return pair;
}

/** The threshold for a keep-rate: the smallest stored keep-rate at or above the request (never keep fewer). */
export function thresholdFor(m: StageModel, keepRate: number): number {
  if (keepRate >= 1) return 0;
  let best = Infinity, t = 0;
  for (const [k, v] of Object.entries(m.thresholds)) {
    const keep = Number(k);
    if (keep >= keepRate - 1e-9 && keep < best) { best = keep; t = v; }
  }
  return best === Infinity ? 0 : t;
}
