// The gate's user history after a restart: the most recent events of the local store, read from the end of the
// newest files (bounded, so a large store does not hold up startup), put in time order. The server folds them
// with observe() and hands the same list to the client, which folds them too: both restart where they stopped.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { join } from 'node:path';
import type { SuggestionEvent } from '../../../common/events';
import { newHistory, observe, type GateHistory } from '../../../common/gate/index';
import { decodeEvents } from '../events/jsonl';
import { EventStore } from '../events/store';

/** Enough for every history feature (counts beyond this change little); a few MB to read at most. */
export const RESTORE_EVENTS = 2000;
const CHUNK = 256 * 1024;

/** The last `limit` completion events stored in `dir`, oldest first by time. A torn last record is skipped. */
export function recentEvents(dir: string, limit = RESTORE_EVENTS): SuggestionEvent[] {
  const newestFirst = new EventStore({ dir }).files().reverse();
  const lines: string[][] = [];
  let have = 0;
  for (const f of newestFirst) {
    if (have >= limit) break;
    const tail = tailLines(join(dir, f), limit - have);
    lines.unshift(tail);
    have += tail.length;
  }
  const events = decodeEvents(lines.flat().join('\n') + '\n').events.filter((e) => e.kind === 'completion');
  return events.sort((a, b) => a.ts - b.ts);
}

export function historyOf(events: readonly SuggestionEvent[]): GateHistory {
  const h = newHistory();
  for (const e of events) observe(h, e);
  return h;
}

/** Up to `n` last complete lines of a file, read backwards in chunks (a torn unterminated tail is left out). */
function tailLines(file: string, n: number): string[] {
  const fd = openSync(file, 'r');
  try {
    const chunks: Buffer[] = [];
    let pos = fstatSync(fd).size;
    let newlines = 0;
    // n + 1 line breaks: n whole lines after the first one, which may be cut
    while (pos > 0 && newlines <= n) {
      const size = Math.min(CHUNK, pos);
      pos -= size;
      const buf = Buffer.alloc(size);
      readSync(fd, buf, 0, size, pos);
      for (const b of buf) if (b === 0x0a) newlines++;
      chunks.unshift(buf);
    }
    const text = Buffer.concat(chunks).toString('utf8');
    const parts = text.slice(0, text.lastIndexOf('\n') + 1).split('\n');
    parts.pop();
    if (pos > 0) parts.shift();
    return parts.filter((l) => l.trim()).slice(-n);
  } finally {
    closeSync(fd);
  }
}
