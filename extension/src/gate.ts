// The client's gate: the model the server sent (loopwise/gateModel), the user's history folded from every
// event this client logs, and the two decisions on the UI path (microseconds: common/gate scoring, no I/O).
// Scores the event in the privacy level's form, as stored, so training later sees what was scored here (a model
// trained on events without code is scored without code by the shared scorer). The
// history continues from the one the server folded from the stored events and sends with its first model (it
// survives restarts).
// Keeps this user's keep-rate correction (common/gate/correction.ts): the outcomes of shown suggestions, with the
// propensity they were shown with, move the level the thresholds are taken at. Exploration is decided once per
// suggestion: one that stage 1 explores is shown whatever stage 2 says.
// Keeps the last decisions for "Show Gate Decisions". No 'vscode' import: unit-tested in plain node.
import { redactEvent, type PrivacyLevel, type SuggestionEvent } from '../../common/events';
import { KeepCorrection, requiredLevel, type CorrectionState, type KeepEstimate } from '../../common/gate/correction';
import { decide, loadGateModel, MAX_TOKENS, newHistory, observe, outcomeOf, RECENT_DECIDED, RECENT_SHOWN, type CompiledGate, type GateDecision, type GateHistory } from '../../common/gate/index';
import type { GateDecisionRecord, GateHistoryState, GateModelNotification, GateSettings } from '../../common/protocol';

const KEEP_DECISIONS = 50;
/** Suggestions waiting for their outcome (the correction needs both scores and the propensity they were shown with). */
const PENDING = 64;

interface Pending { s1: number; s2: number; explore?: number; shown: boolean }
/** Events kept for refolding until the server's first model; past this the client's own history is kept. */
export const MAX_EARLY_EVENTS = 2000;

export interface GateState {
  enabled: boolean;
  keepRate: number;
  /** Undefined until the server sent a model. */
  source?: GateModelNotification['source'];
  trainedOn?: number;
  /** The keep-rate correction's estimate for this user (undefined before a model). */
  keep?: KeepEstimate;
}

export class ClientGate {
  private gate: CompiledGate | undefined;
  private source: GateModelNotification['source'] | undefined;
  private history: GateHistory = newHistory();
  /**
   * Events logged before the server's first model: folded again on top of the history it brings. Undefined once
   * a model arrived, or when more than MAX_EARLY_EVENTS were logged before it (the client's own history is then
   * nearly as complete, and keeps going).
   */
  private early: SuggestionEvent[] | undefined = [];
  private readonly recent: GateDecisionRecord[] = [];
  private correction: KeepCorrection | undefined;
  /** Saved correction state, applied when the first model arrives. */
  private savedCorrection: CorrectionState | undefined;
  private readonly pending = new Map<string, Pending>();

  constructor(
    private readonly settings: () => GateSettings & { privacy: PrivacyLevel },
    private readonly rng: () => number = Math.random,
    /** Called after an outcome changed the correction's state (the client saves it). */
    private readonly onCorrection: (s: CorrectionState) => void = () => {},
  ) {}

  /** The correction state saved by an earlier session; applied with the first model. */
  restoreCorrection(s: CorrectionState | undefined): void {
    if (this.correction) this.correction.restore(s);
    else this.savedCorrection = s;
  }

  /** A model from the server; a malformed one is refused and the current one kept. */
  setModel(note: GateModelNotification): void {
    this.gate = loadGateModel(note.model);
    this.source = note.source;
    // remembered outcomes carry the level that shows them, which means the same on the new model's levels
    const keepRate = this.settings().keepRate;
    if (this.correction) this.correction.reset(this.gate.levels, keepRate);
    else {
      this.correction = new KeepCorrection(this.gate.levels, keepRate);
      this.correction.restore(this.savedCorrection);
      this.savedCorrection = undefined;
    }
    this.pending.clear();
    if (!this.early) return;
    const stored = note.history && historyFromState(note.history);
    if (stored) this.restore(stored);
    this.early = undefined;
  }

  get ready(): boolean {
    return this.gate !== undefined;
  }

  state(): GateState {
    const s = this.settings();
    return { enabled: s.enabled, keepRate: s.keepRate, source: this.source, trainedOn: this.gate?.model.trainedOn.decisions, keep: this.corrected(s.keepRate)?.estimate() };
  }

  /** The correction for the keep-rate asked now (a changed setting starts it again from that keep-rate). */
  private corrected(keepRate: number): KeepCorrection | undefined {
    const c = this.correction;
    if (c && this.gate) c.ask(this.gate.levels, keepRate);
    return c;
  }

  /**
   * Stage 1 (context only, before the request) or stage 2 (with the suggestion). Undefined while no model has
   * arrived yet: then everything is shown and nothing is logged as a gate decision.
   */
  decide(stage: 1 | 2, event: SuggestionEvent, preview: string): GateDecision | undefined {
    if (!this.gate) return undefined;
    const s = this.settings();
    const keepRate = this.corrected(s.keepRate)?.level ?? s.keepRate;
    const p = this.pending.get(event.sid);
    const exploring = stage === 2 && p?.explore !== undefined ? p.explore : undefined;
    const d = decide(this.gate, stage, redactEvent(event, s.privacy), this.history, { enabled: s.enabled, keepRate, exploreRate: s.exploreRate, rng: this.rng, exploring });
    this.track(stage, event.sid, d, p);
    this.recent.push({ ts: event.ts, sid: event.sid, stage, show: d.show, score: d.score, threshold: d.threshold, explore: d.explore, preview });
    if (this.recent.length > KEEP_DECISIONS) this.recent.shift();
    return d;
  }

  /** Remembers a suggestion's scores until its outcome: stage 1 opens the entry, stage 2 completes it. */
  private track(stage: 1 | 2, sid: string, d: GateDecision, p: Pending | undefined): void {
    if (stage === 1) {
      if (!d.show) return;
      this.pending.set(sid, { s1: d.score, s2: NaN, explore: d.explore ? d.propensity : undefined, shown: false });
      if (this.pending.size > PENDING) this.pending.delete(this.pending.keys().next().value!);
      return;
    }
    if (!p) return; // stage 2 without stage 1 (not this client's flow): no cascade to learn from
    if (!d.show) { this.pending.delete(sid); return; }
    p.s2 = d.score;
    p.explore = d.explore ? d.propensity : undefined;
    p.shown = true;
  }

  /** Every event this client logs goes through here, in order, so the history matches the stored stream. */
  observe(event: SuggestionEvent): void {
    const e = redactEvent(event, this.settings().privacy);
    observe(this.history, e);
    const p = e.kind === 'completion' && outcomeOf(e.type) >= 0 ? this.pending.get(e.sid) : undefined;
    if (p?.shown && this.gate && this.correction) {
      this.pending.delete(e.sid);
      this.correction.record({ required: requiredLevel(this.gate, p.s1, p.s2), propensity: p.explore ?? 1, accepted: outcomeOf(e.type) === 1 });
      this.onCorrection(this.correction.toJSON());
    }
    this.early?.push(e);
    if (this.early && this.early.length > MAX_EARLY_EVENTS) this.early = undefined;
  }

  /** The history folded from the stored events, then what this client logged since it started. */
  private restore(stored: GateHistory): void {
    for (const e of this.early ?? []) observe(stored, e);
    this.history = stored;
  }

  /** The last decisions, newest first. */
  decisions(): readonly GateDecisionRecord[] {
    return [...this.recent].reverse();
  }
}

/** The server's folded history as a GateHistory, or undefined when it is malformed (then the client's own is kept).
 * Checked field by field, values included: a bad count would otherwise turn every score into NaN. */
function historyFromState(s: GateHistoryState): GateHistory | undefined {
  const count = (n: unknown): n is number => Number.isInteger(n) && (n as number) >= 0;
  const num = (n: unknown): n is number => typeof n === 'number' && Number.isFinite(n);
  const int32 = (n: unknown) => Number.isInteger(n) && (n as number) >= -0x80000000 && (n as number) <= 0x7fffffff;
  // a token set: at most MAX_TOKENS distinct 32-bit integers in increasing order
  const tokens = (t: unknown): t is number[] => Array.isArray(t) && t.length <= MAX_TOKENS && t.every((n, i) => int32(n) && (i === 0 || n > t[i - 1]));
  const fresh = newHistory();
  if (!count(s.decisions) || !count(s.accepted) || s.accepted > s.decisions || ![-1, 0, 1].includes(s.lastOutcome)) return undefined;
  if (![s.lastOutcomeTs, s.lastShownTs, s.lastShownDocLen, s.lastAcceptTs, s.docLenAfterAccept].every(num) || typeof s.lastShownText !== 'string') return undefined;
  if (s.lastShownConfidence !== null && !num(s.lastShownConfidence)) return undefined;
  if (!Array.isArray(s.decidedSids) || s.decidedSids.length !== fresh.decidedSids.length || !s.decidedSids.every((x) => typeof x === 'string')) return undefined;
  if (!count(s.decidedPos) || s.decidedPos >= fresh.decidedSids.length) return undefined;
  // per-shape counts: six counts, each bucket's acceptances at most its decisions
  if (!Array.isArray(s.byShape) || s.byShape.length !== fresh.byShape.length || !s.byShape.every(count) || s.byShape.some((n, i) => i % 2 === 1 && n > s.byShape[i - 1])) return undefined;
  const shownOk = (x: GateHistoryState['shown'][number]) =>
    typeof x === 'object' && x !== null && typeof x.sid === 'string' && num(x.docLen) && count(x.chars) && [-1, 0, 2, 4].includes(x.shape) && tokens(x.tokens);
  if (!Array.isArray(s.shown) || s.shown.length > RECENT_SHOWN || !s.shown.every(shownOk) || !count(s.shownPos) || s.shownPos >= RECENT_SHOWN || s.shownPos > s.shown.length) return undefined;
  if (!Array.isArray(s.decidedTokens) || s.decidedTokens.length > RECENT_DECIDED || !s.decidedTokens.every(tokens)) return undefined;
  if (!count(s.decidedTokensPos) || s.decidedTokensPos >= RECENT_DECIDED || s.decidedTokensPos > s.decidedTokens.length) return undefined;
  return {
    decisions: s.decisions, accepted: s.accepted, lastOutcome: s.lastOutcome, lastOutcomeTs: s.lastOutcomeTs,
    lastShownTs: s.lastShownTs, lastShownDocLen: s.lastShownDocLen, lastShownText: s.lastShownText,
    lastShownConfidence: s.lastShownConfidence ?? NaN, lastAcceptTs: s.lastAcceptTs, docLenAfterAccept: s.docLenAfterAccept,
    shown: s.shown.map((x) => ({ sid: x.sid, docLen: x.docLen, chars: x.chars, shape: x.shape, tokens: Int32Array.from(x.tokens) })),
    shownPos: s.shownPos,
    byShape: [...s.byShape],
    decidedTokens: s.decidedTokens.map((t) => Int32Array.from(t)),
    decidedTokensPos: s.decidedTokensPos,
    decidedSids: [...s.decidedSids],
    decidedPos: s.decidedPos,
  };
}
