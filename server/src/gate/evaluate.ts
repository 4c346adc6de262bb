// Evaluates a gate model on events: every decided suggestion is scored in time order with history built only
// from earlier events of the same user, through the same compiled scorer the client uses. Reports the issue's
// figures (AUC, share of rejected hidden at 95%/90% keep), what the model's own thresholds achieve per stage, and
// what the cascade of both stages does at them, alone and with the per-user correction replayed.
import { redactEvent, type SuggestionEvent } from '../../../common/events';
import { DEFAULT_EXPLORE_RATE } from '../../../common/gate/decide';
import { STAGE1_FEATURES, STAGE2_FEATURES } from '../../../common/gate/features';
import { trainedWithoutCode, type CompiledGate } from '../../../common/gate/model';
import { buildExamples } from './examples';
import { atThreshold, auc, hideAtKeep } from './metrics';
import { cascadeAt, replayOnline, type CascadeOperating, type OnlineOperating } from './replay';

export interface EvalReport {
  decisions: number;
  accepted: number;
  users: number;
  auc: number;
  hideAtKeep95: number;
  hideAtKeep90: number;
  stage1: { auc: number; skipAtKeep95: number; skipAtKeep90: number; atModelThreshold95: Operating };
  /** What the thresholds stored in the model (chosen on its own held-out data) do on these events. */
  atModelThreshold95: Operating;
  /** Both stages one after the other, as a user sees them: at the stored thresholds for keep-rate 0.95, and with
   * each user's keep-rate correction learning from exploration in time order (replay.ts). */
  cascade: { atModelThreshold95: CascadeOperating; online95: OnlineOperating };
  model: { stage1: string; stage2: string; trainedOn: number };
}
export interface Operating { threshold: number; keptAccepted: number; hiddenRejected: number }

export interface Scored { stage1: Float64Array; stage2: Float64Array; y: Uint8Array; user: string[] }

/** Scores every decided suggestion in time order, in the form the client scores it (without code for a model
 * trained without code). */
export function scoreEvents(gate: CompiledGate, events: readonly SuggestionEvent[]): Scored {
  const ex = buildExamples(trainedWithoutCode(gate.model) ? events.map((e) => redactEvent(e, 'noCode')) : events);
  const d1 = STAGE1_FEATURES.length, d2 = STAGE2_FEATURES.length;
  const s1 = new Float64Array(ex.n), s2 = new Float64Array(ex.n);
  for (let i = 0; i < ex.n; i++) {
    s1[i] = gate.stage1.score(ex.x1.subarray(i * d1, (i + 1) * d1));
    s2[i] = gate.stage2.score(ex.x2.subarray(i * d2, (i + 1) * d2));
  }
  return { stage1: s1, stage2: s2, y: ex.y, user: ex.user };
}

const r4 = (v: number) => (Number.isFinite(v) ? Math.round(v * 1e4) / 1e4 : v);
const op = (o: Operating): Operating => ({ threshold: r4(o.threshold), keptAccepted: r4(o.keptAccepted), hiddenRejected: r4(o.hiddenRejected) });

const opR = <T extends object>(o: T): T => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, typeof v === 'number' ? r4(v) : v])) as T;

export interface EvalOptions { exploreRate?: number }

export function evaluateGate(gate: CompiledGate, events: readonly SuggestionEvent[], opts: EvalOptions = {}): EvalReport {
  const s = scoreEvents(gate, events);
  const accepted = s.y.reduce((a, v) => a + v, 0);
  return {
    decisions: s.y.length,
    accepted,
    users: new Set(s.user).size,
    auc: r4(auc(s.stage2, s.y)),
    hideAtKeep95: r4(hideAtKeep(s.stage2, s.y, 0.95)),
    hideAtKeep90: r4(hideAtKeep(s.stage2, s.y, 0.9)),
    stage1: {
      auc: r4(auc(s.stage1, s.y)),
      skipAtKeep95: r4(hideAtKeep(s.stage1, s.y, 0.95)),
      skipAtKeep90: r4(hideAtKeep(s.stage1, s.y, 0.9)),
      atModelThreshold95: op(atThreshold(s.stage1, s.y, gate.stage1.threshold(0.95))),
    },
    atModelThreshold95: op(atThreshold(s.stage2, s.y, gate.stage2.threshold(0.95))),
    cascade: { atModelThreshold95: opR(cascadeAt(gate, s, 0.95)), online95: opR(replayOnline(gate, s, 0.95, opts.exploreRate ?? DEFAULT_EXPLORE_RATE)) },
    model: { stage1: gate.model.stage1.params.kind, stage2: gate.model.stage2.params.kind, trainedOn: gate.model.trainedOn.decisions },
  };
}
