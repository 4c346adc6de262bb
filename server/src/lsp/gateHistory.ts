// The gate's user history after a restart: the most recent completion events of the local store, read from the
// end of the newest files (bounded, so a large store does not hold up startup), put in time order. The server
// folds them with observe() and sends the folded state to the client, which continues from it: both restart
// where they stopped.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { join } from 'node:path';
import type { SuggestionEvent } from '../../../common/events';
import { newHistory, observe, type GateHistory } from '../../../common/gate/index';
import type { GateHistoryState } from '../../../common/protocol';
import { decodeEvents } from '../events/jsonl';
import { EventStore } from '../events/store';

/** Enough for every history feature (counts beyond this change little). */
export const RESTORE_EVENTS = 2000;
/** At most this much of the store is read looking for them (a store of mostly other kinds stops here). */
const RESTORE_BYTES = 16 * 1024 * 1024;
const CHUNK = 256 * 1024;

/**
 * The last `limit` completion events stored in `dir` (other kinds are not counted), oldest first by time. A torn
 * last record is skipped.
 */
export function recentEvents(dir: string, limit = RESTORE_EVENTS): SuggestionEvent[] {
  const found: SuggestionEvent[] = [];
  const budget = { bytes: RESTORE_BYTES };
  for (const f of new EventStore({ dir }).files().reverse()) {
    for (const line of linesFromEnd(join(dir, f), budget)) {
      const e = decodeEvents(line + '\n').events[0];
      if (e?.kind === 'completion') found.push(e);
      if (found.length >= limit) break;
    }
    if (found.length >= limit || budget.bytes <= 0) break;
  }
  // found is newest first: reversed, a stable sort keeps equal timestamps in file order, as training reads them
  return found.reverse().sort((a, b) => a.ts - b.ts);
}

export function historyOf(events: readonly SuggestionEvent[]): GateHistory {
  const h = newHistory();
  for (const e of events) observe(h, e);
  return h;
}

/** The history as sent to the client (GateModelNotification.history): JSON has no NaN, so unknown is null. */
export function historyState(h: GateHistory): GateHistoryState {
  return {
    ...h,
    lastShownConfidence: Number.isNaN(h.lastShownConfidence) ? null : h.lastShownConfidence,
    decidedSids: [...h.decidedSids],
    byShape: [...h.byShape],
    shown: h.shown.map((x) => ({ ...x, tokens: Array.from(x.tokens) })),
    decidedTokens: h.decidedTokens.map((t) => Array.from(t)),
  };
}

/**
 * The complete lines of a file, last first, read backwards in chunks taken from `budget.bytes` (a torn
 * unterminated tail is left out). Stops at the file's start or when the budget is spent.
 */
function* linesFromEnd(file: string, budget: { bytes: number }): Generator<string> {
  const fd = openSync(file, 'r');
  try {
    let pos = fstatSync(fd).size;
    // the bytes from the start of the earliest line seen so far through its newline (that line starts before pos)
    let pending = Buffer.alloc(0);
    let torn = true;
    while (pos > 0 && budget.bytes > 0) {
      const size = Math.min(CHUNK, pos);
      pos -= size;
      budget.bytes -= size;
      const chunk = Buffer.alloc(size);
      readSync(fd, chunk, 0, size, pos);
      const data = Buffer.concat([chunk, pending]);
      let stop = data.length - 1;
      if (torn) {
        stop = data.lastIndexOf(0x0a);
        if (stop < 0) continue;
        torn = false;
      }
      for (let nl = newlineBefore(data, stop); nl >= 0; nl = newlineBefore(data, stop)) {
        const line = data.toString('utf8', nl + 1, stop);
        if (line.trim()) yield line;
        stop = nl;
      }
      pending = data.subarray(0, stop + 1);
    }
    const first = pos === 0 && !torn ? pending.toString('utf8', 0, pending.length - 1) : '';
    if (first.trim()) yield first;
  } finally {
    closeSync(fd);
  }
}

/** The last newline in `b` before index `end`, or -1 (lastIndexOf counts a negative offset from the end). */
function newlineBefore(b: Buffer, end: number): number {
  return end > 0 ? b.lastIndexOf(0x0a, end - 1) : -1;
}
