// A user's suggestion history as the gate sees it: a small running state folded from the ordered event stream
// (DESIGN.md: history is derived, never stored). Training replays the stream through observe(); the client
// calls observe() on every event it logs, so both sides hold the same state when a suggestion is shown.
import type { SuggestionEvent } from '../events';

/** Prior acceptance rate used before a user has decisions (roughly the rate seen in real Copilot logs). */
export const PRIOR_RATE = 0.3;
const RECENT_SHOWN = 8;
const RECENT_SIDS = 16;

export interface GateHistory {
  decisions: number;
  accepted: number;
  /** Exponentially weighted acceptance (alpha 0.3), starting at PRIOR_RATE. */
  ewma: number;
  /** 1 accepted, 0 rejected, -1 none yet. */
  lastOutcome: number;
  lastOutcomeTs: number;
  lastAcceptTs: number;
  rejectStreak: number;
  lastShownTs: number;
  lastShownSid: string;
  lastShownDecided: boolean;
  /** Document length and cursor offset at the last shown suggestion (-1 unknown): typing since then. */
  lastShownDocLen: number;
  lastShownOffset: number;
  /** Text of the last shown suggestion ('' unknown), to notice the same suggestion coming back. */
  lastShownText: string;
  /** Ring of the last RECENT_SHOWN shown timestamps (0 = empty slot). */
  shownTs: number[];
  shownPos: number;
  /** Ring of recently decided suggestion ids, so a partial then an accept counts once. */
  decidedSids: string[];
  decidedPos: number;
}

export function newHistory(): GateHistory {
  return {
    decisions: 0, accepted: 0, ewma: PRIOR_RATE, lastOutcome: -1, lastOutcomeTs: 0, lastAcceptTs: 0, rejectStreak: 0,
    lastShownTs: 0, lastShownSid: '', lastShownDecided: true, lastShownDocLen: -1, lastShownOffset: -1, lastShownText: '',
    shownTs: new Array<number>(RECENT_SHOWN).fill(0), shownPos: 0,
    decidedSids: new Array<string>(RECENT_SIDS).fill(''), decidedPos: 0,
  };
}

/** The label of an outcome event: 1 accepted (fully or partly), 0 rejected, -1 not an outcome. */
export function outcomeOf(type: SuggestionEvent['type']): number {
  return type === 'accepted' || type === 'partial' ? 1 : type === 'rejected' ? 0 : -1;
}

/** Folds one event into the history (mutates h). Only completion events matter to the completion gate. */
export function observe(h: GateHistory, e: Pick<SuggestionEvent, 'type' | 'ts' | 'sid' | 'kind' | 'ctx' | 'sug'>): void {
  if (e.kind !== 'completion') return;
  if (e.type === 'shown') {
    h.lastShownTs = e.ts;
    h.lastShownSid = e.sid;
    h.lastShownDecided = false;
    h.lastShownDocLen = e.ctx?.docLen ?? -1;
    h.lastShownOffset = e.ctx?.offset ?? -1;
    h.lastShownText = e.sug?.text ?? '';
    h.shownTs[h.shownPos] = e.ts;
    h.shownPos = (h.shownPos + 1) % RECENT_SHOWN;
    return;
  }
  const y = outcomeOf(e.type);
  if (y < 0 || h.decidedSids.includes(e.sid)) return;
  h.decidedSids[h.decidedPos] = e.sid;
  h.decidedPos = (h.decidedPos + 1) % RECENT_SIDS;
  h.decisions++;
  h.accepted += y;
  h.ewma = 0.7 * h.ewma + 0.3 * y;
  h.lastOutcome = y;
  h.lastOutcomeTs = e.ts;
  if (y === 1) { h.lastAcceptTs = e.ts; h.rejectStreak = 0; } else h.rejectStreak++;
  if (e.sid === h.lastShownSid) h.lastShownDecided = true;
}

/** How many suggestions were shown in the `windowMs` before `now`. */
export function shownWithin(h: GateHistory, now: number, windowMs: number): number {
  let n = 0;
  for (const t of h.shownTs) if (t > 0 && t <= now && now - t <= windowMs) n++;
  return n;
}
