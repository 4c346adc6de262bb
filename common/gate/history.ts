// A user's suggestion history as the gate sees it: a small running state folded from the ordered event stream
// (DESIGN.md: history is derived, never stored). Training replays the stream through observe(); the client
// calls observe() on every event it logs, so both sides hold the same state when a suggestion is shown.
import type { EventSuggestion, SuggestionEvent } from '../events';

/** Prior acceptance rate used before a user has decisions (roughly the rate seen in real Copilot logs). */
export const PRIOR_RATE = 0.3;
const RECENT_SIDS = 16;
/** Decided suggestions remembered for similarity (the last RECENT_DECIDED, as token sets). */
export const RECENT_DECIDED = 8;
/** Tokens of a suggestion considered for similarity (the first MAX_TOKENS). */
export const MAX_TOKENS = 64;
/** Shown suggestions remembered until their outcome arrives. */
export const RECENT_SHOWN = 4;

/** What an outcome needs to know about its suggestion. */
export interface ShownSuggestion {
  sid: string;
  /** Document length when it was shown (-1 unknown) and its length in characters. */
  docLen: number;
  chars: number;
  /** Shape bucket (see shapeOf; -1 unknown). */
  shape: number;
  tokens: Int32Array;
}

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
  /** Time of the last accept (0 none) and the document length just after it (-1 unknown): typing since then. */
  lastAcceptTs: number;
  docLenAfterAccept: number;
  /** The last RECENT_SHOWN shown suggestions (ring at shownPos): an outcome often arrives after the next suggestion
   * is shown (the editor replaces one with the next), and still needs its suggestion's facts. */
  shown: ShownSuggestion[];
  shownPos: number;
  /** Decisions and acceptances per shape bucket: short one-line [0, 1], long one-line [2, 3], multi-line [4, 5]. */
  byShape: number[];
  /** Token sets (see fillTokens) of the last RECENT_DECIDED decided suggestions (ring at decidedTokensPos): a
   * suggestion much like one the user has just dealt with is a re-offer. */
  decidedTokens: Int32Array[];
  decidedTokensPos: number;
  /** Ring of recently decided suggestion ids, so a partial then an accept counts once. */
  decidedSids: string[];
  decidedPos: number;
}

export function newHistory(): GateHistory {
  return {
    decisions: 0, accepted: 0, lastOutcome: -1, lastOutcomeTs: 0,
    lastShownTs: 0, lastShownDocLen: -1, lastShownText: '', lastShownConfidence: NaN,
    lastAcceptTs: 0, docLenAfterAccept: -1, shown: [], shownPos: 0,
    byShape: [0, 0, 0, 0, 0, 0], decidedTokens: [], decidedTokensPos: 0,
    decidedSids: new Array<string>(RECENT_SIDS).fill(''), decidedPos: 0,
  };
}

/** The user's acceptance rate, shrunk towards PRIOR_RATE by 4 pseudo-decisions. */
export function rateWithPrior(h: GateHistory): number {
  return (h.accepted + 4 * PRIOR_RATE) / (h.decisions + 4);
}

/** Index into byShape of a suggestion's shape bucket: one line up to 32 characters (about a typical accepted
 * suggestion), a longer line, several lines; -1 empty. */
export function shapeOf(lines: number, chars: number): number {
  return lines <= 0 ? -1 : lines > 1 ? 4 : chars > 32 ? 2 : 0;
}

/** Mean token probability of the suggestion minus that of the alternatives (-1..1; NaN without log-probs).
 * Probabilities rather than log-probabilities: one near-impossible token does not swamp the mean. */
export function confidence(sug: EventSuggestion | null | undefined): number {
  const lp = sug?.meanLogProb, alt = sug?.meanAltLogProb;
  if (lp === null || lp === undefined) return NaN;
  return Math.exp(Math.min(lp, 0)) - (alt === null || alt === undefined ? 0 : Math.exp(Math.min(alt, 0)));
}

const isWordChar = (c: number) => (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c > 127;
const isSpace = (c: number) => c === 32 || c === 9 || c === 10 || c === 13;

/** Writes the distinct hashed tokens of `text` (identifiers / numbers, and each other non-space character) into
 * `buf`, sorted, and returns how many there are. Only the first buf.length tokens are read. No allocation. */
export function fillTokens(text: string, buf: Int32Array): number {
  let n = 0, h = 0, inWord = false;
  for (let i = 0; i <= text.length && n < buf.length; i++) {
    const c = i < text.length ? text.charCodeAt(i) : 32;
    if (isWordChar(c)) {
      h = inWord ? Math.imul(h ^ c, 16777619) : Math.imul(2166136261 ^ c, 16777619);
      inWord = true;
      continue;
    }
    if (inWord) { buf[n++] = h; inWord = false; }
    if (!isSpace(c) && n < buf.length) buf[n++] = c;
  }
  // insertion sort (a few dozen entries), then drop repeats
  for (let i = 1; i < n; i++) {
    const v = buf[i];
    let j = i - 1;
    while (j >= 0 && buf[j] > v) { buf[j + 1] = buf[j]; j--; }
    buf[j + 1] = v;
  }
  let m = 0;
  for (let i = 0; i < n; i++) if (i === 0 || buf[i] !== buf[m - 1]) buf[m++] = buf[i];
  return m;
}

/** Jaccard similarity of two sorted distinct token lists (`a` holds na entries); 0 when both are empty. */
export function jaccard(a: Int32Array, na: number, b: ArrayLike<number>): number {
  let i = 0, j = 0, common = 0;
  while (i < na && j < b.length) {
    if (a[i] === b[j]) { common++; i++; j++; } else if (a[i] < b[j]) i++; else j++;
  }
  const union = na + b.length - common;
  return union ? common / union : 0;
}

const scratch = new Int32Array(MAX_TOKENS);
/** The token set of a suggestion's text as a new sorted array (see fillTokens). */
export function tokenSet(text: string): Int32Array {
  return scratch.slice(0, fillTokens(text, scratch));
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
    h.shown[h.shownPos] = {
      sid: e.sid, docLen: h.lastShownDocLen, chars: e.sug?.chars ?? 0,
      shape: e.sug ? shapeOf(e.sug.lines, e.sug.chars) : -1, tokens: tokenSet(h.lastShownText),
    };
    h.shownPos = (h.shownPos + 1) % RECENT_SHOWN;
    return;
  }
  const y = outcomeOf(e.type);
  if (y < 0) return;
  const s = shownEntry(h, e.sid);
  if (h.decidedSids.includes(e.sid)) {
    // counted already (a partial accept); a full accept after it still lands the rest of the text
    if (y === 1) landAccept(h, e, s);
    return;
  }
  h.decidedSids[h.decidedPos] = e.sid;
  h.decidedPos = (h.decidedPos + 1) % RECENT_SIDS;
  h.decisions++;
  h.accepted += y;
  h.lastOutcome = y;
  h.lastOutcomeTs = e.ts;
  if (s) {
    h.decidedTokens[h.decidedTokensPos] = s.tokens;
    h.decidedTokensPos = (h.decidedTokensPos + 1) % RECENT_DECIDED;
    if (s.shape >= 0) {
      h.byShape[s.shape]++;
      h.byShape[s.shape + 1] += y;
    }
  }
  if (y === 1) landAccept(h, e, s);
}

/** The newest remembered shown suggestion with this id (undefined when it is older than the ring). */
function shownEntry(h: GateHistory, sid: string): ShownSuggestion | undefined {
  for (let k = 1; k <= h.shown.length; k++) {
    const x = h.shown[(h.shownPos - k + RECENT_SHOWN) % RECENT_SHOWN];
    if (x?.sid === sid) return x;
  }
  return undefined;
}

/** An accept: the accepted text lands where the suggestion was shown, so the document grows by its length (a
 * partial accept by the characters it took). */
function landAccept(h: GateHistory, e: Pick<SuggestionEvent, 'ts'> & { accepted?: SuggestionEvent['accepted'] }, s: ShownSuggestion | undefined): void {
  h.lastAcceptTs = e.ts;
  h.docLenAfterAccept = s && s.docLen >= 0 ? s.docLen + (e.accepted?.chars ?? s.chars) : -1;
}
