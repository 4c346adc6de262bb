// A user's suggestion history as the gate sees it: a small running state folded from the ordered event stream
// (DESIGN.md: history is derived, never stored). Training replays the stream through observe(); the client
// calls observe() on every event it logs, so both sides hold the same state when a suggestion is shown.
import type { EventSuggestion, SuggestionEvent } from '../events';

/** Prior acceptance rate used before a user has decisions (roughly the rate seen in real Copilot logs). */
export const PRIOR_RATE = 0.3;
const RECENT_SIDS = 16;

export interface GateHistory {
  decisions: number;
  accepted: number;
  /** 1 accepted, 0 rejected, -1 none yet. */
  lastOutcome: number;
  lastOutcomeTs: number;
  lastShownTs: number;
  /** Document length at the last shown suggestion (-1 unknown): typing since then. */
  lastShownDocLen: number;
  /** Text of the last shown suggestion ('' unknown), to notice the same suggestion coming back. */
  lastShownText: string;
  /** The model's confidence in the last shown suggestion (see confidence(); NaN unknown): how predictable the
   * code around the cursor has just been, known before the next request. */
  lastShownConfidence: number;
  /** Id and length of the last shown suggestion, to know where the document ends once it is accepted. */
  lastShownSid: string;
  lastShownChars: number;
  /** Time of the last accept (0 none) and the document length just after it (-1 unknown): typing since then. */
  lastAcceptTs: number;
  docLenAfterAccept: number;
  /** Ring of recently decided suggestion ids, so a partial then an accept counts once. */
  decidedSids: string[];
  decidedPos: number;
}

export function newHistory(): GateHistory {
  return {
    decisions: 0, accepted: 0, lastOutcome: -1, lastOutcomeTs: 0,
    lastShownTs: 0, lastShownDocLen: -1, lastShownText: '', lastShownConfidence: NaN,
    lastShownSid: '', lastShownChars: 0, lastAcceptTs: 0, docLenAfterAccept: -1,
    decidedSids: new Array<string>(RECENT_SIDS).fill(''), decidedPos: 0,
  };
}

/** Mean token probability of the suggestion minus that of the alternatives (-1..1; NaN without log-probs).
 * Probabilities rather than log-probabilities: one near-impossible token does not swamp the mean. */
export function confidence(sug: EventSuggestion | null | undefined): number {
  const lp = sug?.meanLogProb, alt = sug?.meanAltLogProb;
  if (lp === null || lp === undefined) return NaN;
  return Math.exp(Math.min(lp, 0)) - (alt === null || alt === undefined ? 0 : Math.exp(Math.min(alt, 0)));
}

/** The label of an outcome event: 1 accepted (fully or partly), 0 rejected, -1 not an outcome. */
export function outcomeOf(type: SuggestionEvent['type']): number {
  return type === 'accepted' || type === 'partial' ? 1 : type === 'rejected' ? 0 : -1;
}

/** Folds one event into the history (mutates h). Only completion events matter to the completion gate. */
export function observe(h: GateHistory, e: Pick<SuggestionEvent, 'type' | 'ts' | 'sid' | 'kind' | 'ctx' | 'sug'> & { accepted?: SuggestionEvent['accepted'] }): void {
  if (e.kind !== 'completion') return;
  if (e.type === 'shown') {
    h.lastShownTs = e.ts;
    h.lastShownDocLen = e.ctx?.docLen ?? -1;
    h.lastShownText = e.sug?.text ?? '';
    h.lastShownConfidence = confidence(e.sug);
    h.lastShownSid = e.sid;
    h.lastShownChars = e.sug?.chars ?? 0;
    return;
  }
  const y = outcomeOf(e.type);
  if (y < 0 || h.decidedSids.includes(e.sid)) return;
  h.decidedSids[h.decidedPos] = e.sid;
  h.decidedPos = (h.decidedPos + 1) % RECENT_SIDS;
  h.decisions++;
  h.accepted += y;
  h.lastOutcome = y;
  h.lastOutcomeTs = e.ts;
  if (y === 1) {
    h.lastAcceptTs = e.ts;
    // the accepted text lands at the cursor: the document grows by its length (partial accepts by their share)
    const chars = e.accepted?.chars ?? h.lastShownChars;
    h.docLenAfterAccept = e.sid === h.lastShownSid && h.lastShownDocLen >= 0 ? h.lastShownDocLen + chars : -1;
  }
}
