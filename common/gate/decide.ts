// The gate decision the client makes on the UI path: score (features + model), compare with the threshold for
// the user's keep-rate, and explore — show a would-be-hidden suggestion with a small probability and record
// that probability (the propensity) so later training and evaluation can undo the gate's selection bias.
import { redactEvent, type EventGate } from '../events';
import { extractFeatures, STAGE1_FEATURES, STAGE2_FEATURES, type GateInput, type Stage } from './features';
import type { GateHistory } from './history';
import { trainedWithoutCode, type CompiledGate } from './model';

export interface GateOptions {
  /** false: always show (the score is still computed so the user can see it). */
  enabled?: boolean;
  /** Share of would-be-accepted suggestions to keep (default 0.95). */
  keepRate?: number;
  /** Probability of showing a suggestion the gate would hide (default 0.02). */
  exploreRate?: number;
  /** Uniform [0,1) source; injectable for tests. */
  rng?: () => number;
  /** Stage 2 of a suggestion stage 1 already chose to explore (shown below its threshold), with that propensity:
   * it is shown whatever stage 2 says, so every shown suggestion has one propensity, 1 or the exploration share. */
  exploring?: number;
}

export interface GateDecision {
  stage: Stage;
  show: boolean;
  /** Predicted probability that the user accepts. */
  score: number;
  threshold: number;
  /** True when the score was below the threshold and the suggestion is shown anyway. */
  explore: boolean;
  /** Probability that this policy shows this suggestion: 1 above the threshold, exploreRate below it. */
  propensity: number;
}

export const DEFAULT_KEEP_RATE = 0.95;
export const DEFAULT_EXPLORE_RATE = 0.02;

const scratch1 = new Float64Array(STAGE1_FEATURES.length);
const scratch2 = new Float64Array(STAGE2_FEATURES.length);

/** The input as the model saw its training events: a model trained without code (a team model from noCode
 * uploads) is scored without code, or the features it only ever saw absent would be made up. The history's
 * text-derived features are read only when the suggestion has text, so the history needs no such step. */
function asTrained(gate: CompiledGate, input: GateInput): GateInput {
  return trainedWithoutCode(gate.model) ? redactEvent(input, 'noCode') : input;
}

/** Stage 1: the context before any model call. Probability of acceptance. */
export function scoreStage1(gate: CompiledGate, input: GateInput, h: GateHistory): number {
  return gate.stage1.score(extractFeatures(1, asTrained(gate, input), h, scratch1));
}

/** Stage 2: context plus the generated suggestion. Probability of acceptance. */
export function scoreStage2(gate: CompiledGate, input: GateInput, h: GateHistory): number {
  return gate.stage2.score(extractFeatures(2, asTrained(gate, input), h, scratch2));
}

export function decide(gate: CompiledGate, stage: Stage, input: GateInput, h: GateHistory, opts: GateOptions = {}): GateDecision {
  const score = stage === 1 ? scoreStage1(gate, input, h) : scoreStage2(gate, input, h);
  if (opts.enabled === false) return { stage, show: true, score, threshold: 0, explore: false, propensity: 1 };
  const threshold = (stage === 1 ? gate.stage1 : gate.stage2).threshold(opts.keepRate ?? DEFAULT_KEEP_RATE);
  if (opts.exploring !== undefined) return { stage, show: true, score, threshold, explore: true, propensity: opts.exploring };
  // a score that cannot be computed (a poisoned event) hides nothing: the gate fails open
  if (score >= threshold || Number.isNaN(score)) return { stage, show: true, score, threshold, explore: false, propensity: 1 };
  const rate = opts.exploreRate ?? DEFAULT_EXPLORE_RATE;
  const explore = rate > 0 && (opts.rng ?? Math.random)() < rate;
  return { stage, show: explore, score, threshold, explore, propensity: rate };
}

/** The `gate` field of the event that logs this decision. */
export function gateField(d: GateDecision): EventGate {
  return { stage: d.stage, score: d.score, threshold: d.threshold, explore: d.explore, propensity: d.propensity };
}
