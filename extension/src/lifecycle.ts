// The label state machine of one editor's inline suggestions (DESIGN.md, labels v1), pure and clock-injected so
// it is tested without VS Code. A shown suggestion ends as: accepted (the accept command, or the whole rest
// inserted at once), partial (a word/line accept: a multi-character insertion matching the next part of it),
// rejected (visible >= 750 ms, then typed over, dismissed, or left by a cursor move or editor switch), or nothing
// when it was visible for less than 750 ms. Typing the suggestion's next character keeps it alive. Accepted text
// is followed through later edits and its survival is reported 30 s, 2 min and 5 min after acceptance.
import { diffChars } from 'diff';

export const MIN_VISIBLE_MS = 750;
export const RETENTION_CHECKS_MS = [30_000, 120_000, 300_000] as const;

export interface LifecycleEvent {
  type: 'accepted' | 'partial' | 'rejected' | 'retained';
  sid: string;
  ts: number;
  accepted?: { chars: number };
  retention?: { afterMs: number; survived: number };
}

/** One document edit in offsets of the text before it (LSP/VS Code content change). */
export interface TextChange {
  offset: number;
  deleteCount: number;
  text: string;
}

interface Visible {
  sid: string;
  uri: string;
  /** Where the suggestion starts in the document, and how much of it is already in the document. */
  start: number;
  text: string;
  consumed: number;
  acceptedChars: number;
  shownAt: number;
}

interface Kept {
  sid: string;
  uri: string;
  start: number;
  end: number;
  text: string;
  acceptedAt: number;
  checksDone: number;
}

export class SuggestionLifecycle {
  private visible: Visible | undefined;
  /** A suggestion whose last character was just typed: the accept command may still follow (Tab on it). */
  private typedToEnd: Visible | undefined;
  private readonly kept: Kept[] = [];

  constructor(private readonly emit: (e: LifecycleEvent) => void) {}

  get current(): string | undefined {
    return this.visible?.sid;
  }

  /**
   * The rest of the visible suggestion when the cursor is where typing along left it: the provider offers this
   * rest again (same suggestion) instead of asking for a new one, so typing along does not end it.
   */
  continuation(uri: string, offset: number): { sid: string; rest: string } | undefined {
    const v = this.visible;
    if (!v || v.uri !== uri || offset !== v.start + v.consumed || v.consumed >= v.text.length) return undefined;
    return { sid: v.sid, rest: v.text.slice(v.consumed) };
  }

  /** A suggestion appeared at `offset` of `uri`. A previous one still visible is left. */
  shown(sid: string, uri: string, offset: number, text: string, ts: number): void {
    if (this.visible && this.visible.sid !== sid) this.end(ts);
    if (this.visible?.sid === sid) return;
    this.visible = { sid, uri, start: offset, text, consumed: 0, acceptedChars: 0, shownAt: ts };
  }

  /** The item's accept command ran (after VS Code inserted the text). */
  acceptedCommand(sid: string, ts: number): void {
    const v = this.visible?.sid === sid ? this.visible : this.typedToEnd?.sid === sid ? this.typedToEnd : undefined;
    this.typedToEnd = undefined;
    if (v) this.accept(v, ts); // else: already labelled from the insertion itself
  }

  /** A document edit: typing along, a partial or full accept, typing over, or an edit elsewhere. */
  change(uri: string, c: TextChange, ts: number): void {
    this.track(uri, c);
    this.typedToEnd = undefined;
    const v = this.visible;
    if (!v || v.uri !== uri) return;
    const at = v.start + v.consumed;
    const rest = v.text.slice(v.consumed);
    if (c.offset === at && c.deleteCount === 0 && c.text.length > 0 && rest.startsWith(c.text)) {
      if (c.text === rest && (c.text.length > 1 || v.acceptedChars > 0)) return this.accept(v, ts);
      v.consumed += c.text.length;
      if (c.text.length > 1) {
        v.acceptedChars += c.text.length;
        this.emit({ type: 'partial', sid: v.sid, ts, accepted: { chars: v.acceptedChars } });
      }
      if (v.consumed >= v.text.length) { // typed to the end: nothing left to label unless the accept command follows
        this.visible = undefined;
        this.typedToEnd = v;
      }
      return;
    }
    this.end(ts); // typed over (or an edit elsewhere in the document while it was showing)
  }

  /** The cursor moved; where the suggestion expects it (after typed text) keeps it visible. */
  cursor(uri: string, offset: number, ts: number): void {
    const v = this.visible;
    if (v && (v.uri !== uri || offset !== v.start + v.consumed)) this.end(ts);
  }

  /** Another editor (or none) became active. */
  editorChanged(uri: string | undefined, ts: number): void {
    if (this.visible && this.visible.uri !== uri) this.end(ts);
  }

  /** The suggestion was dismissed (Escape) or the provider learned it is gone. */
  dismissed(ts: number): void {
    this.end(ts);
  }

  /** Retention checks that are due: `textAt` returns the document text of a range, undefined when closed. */
  tick(ts: number, textAt: (uri: string, start: number, end: number) => string | undefined): void {
    for (const k of [...this.kept]) {
      while (k.checksDone < RETENTION_CHECKS_MS.length && ts - k.acceptedAt >= RETENTION_CHECKS_MS[k.checksDone]) {
        const now = textAt(k.uri, k.start, k.end);
        const afterMs = RETENTION_CHECKS_MS[k.checksDone++];
        if (now !== undefined) this.emit({ type: 'retained', sid: k.sid, ts, retention: { afterMs, survived: survivedShare(k.text, now) } });
      }
      if (k.checksDone >= RETENTION_CHECKS_MS.length) this.kept.splice(this.kept.indexOf(k), 1);
    }
  }

  /** Accepted texts still waiting for a retention check. */
  get watching(): number {
    return this.kept.length;
  }

  private accept(v: Visible, ts: number): void {
    this.visible = undefined;
    this.emit({ type: 'accepted', sid: v.sid, ts });
    this.kept.push({ sid: v.sid, uri: v.uri, start: v.start, end: v.start + v.text.length, text: v.text, acceptedAt: ts, checksDone: 0 });
  }

  /** Typed over, dismissed or left: a rejection when it was visible long enough. */
  private end(ts: number): void {
    const v = this.visible;
    if (!v) return;
    this.visible = undefined;
    if (v.acceptedChars > 0) return; // partly accepted: already labelled
    if (ts - v.shownAt >= MIN_VISIBLE_MS) this.emit({ type: 'rejected', sid: v.sid, ts });
  }

  /** Keeps the ranges of accepted texts on the same characters through later edits. */
  private track(uri: string, c: TextChange): void {
    const delta = c.text.length - c.deleteCount;
    for (const k of this.kept) {
      if (k.uri !== uri) continue;
      if (c.offset + c.deleteCount <= k.start) {
        k.start += delta;
        k.end += delta;
      } else if (c.offset <= k.end) {
        if (c.offset < k.start) k.start = c.offset; // a deletion ate into its start
        k.end = Math.max(k.start, k.end + delta);
      }
    }
  }
}

/** Share of the accepted text's characters still present, in order, in what the range holds now. */
export function survivedShare(accepted: string, now: string): number {
  if (accepted.length === 0) return 1;
  let kept = 0;
  for (const part of diffChars(accepted, now)) if (!part.added && !part.removed) kept += part.value.length;
  return Math.min(1, kept / accepted.length);
}
