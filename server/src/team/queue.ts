// The durable upload queue: events waiting for the team collector, kept on disk so they survive restarts.
// Append-only JSONL segment files plus a cursor file (segment, byte offset) saved after each acknowledged batch:
// a crash between the collector's 2xx and the cursor save resends that batch, which the collector counts as
// duplicates (at-least-once). The queue has a byte cap: past it the oldest segments are dropped and counted.
import { appendFileSync, closeSync, existsSync, fstatSync, mkdirSync, openSync, readSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SuggestionEvent } from '../../../common/events';

export interface QueueOptions {
  dir: string;
  /** Bytes on disk past which the oldest segments are dropped (default 64 MiB). */
  maxBytes?: number;
  /** Size at which a new segment file is started (default 1 MiB). */
  segmentBytes?: number;
}

/** Where a peeked batch ends: pass it to ack() once the collector stored the batch. */
export interface QueuePosition { segment: number; offset: number }

/** `lines`: records consumed up to `end`, unreadable ones included (what ack() takes off the pending count). */
export interface QueueBatch { events: SuggestionEvent[]; end: QueuePosition; lines: number }

/** An event the collector (or the local check) refused, kept with the reason instead of being resent. */
export interface ParkedEvent { at: number; reason: string; event: unknown }

const SEGMENT = /^q-(\d{8})\.jsonl$/;
const segmentName = (n: number) => `q-${String(n).padStart(8, '0')}.jsonl`;
const CURSOR = 'cursor.json';
const PARKED = 'parked.jsonl';

export class UploadQueue {
  readonly dir: string;
  private readonly maxBytes: number;
  private readonly segmentBytes: number;
  private segments: number[] = [];
  private cursor: QueuePosition = { segment: 0, offset: 0 };
  private pendingCount = 0;
  /** Events dropped because the queue was over its cap, since this queue was opened. */
  dropped = 0;

  constructor(opts: QueueOptions) {
    this.dir = opts.dir;
    this.maxBytes = opts.maxBytes ?? 64 * 1024 * 1024;
    this.segmentBytes = opts.segmentBytes ?? 1024 * 1024;
    // The folder is made on the first write: an editor with team uploads off gets no empty folder.
    this.segments = (existsSync(this.dir) ? readdirSync(this.dir) : []).map((f) => SEGMENT.exec(f)).filter((m) => m !== null).map((m) => Number(m[1])).sort((a, b) => a - b);
    this.cursor = this.readCursor();
    this.pendingCount = this.countPending();
  }

  /** Events waiting to be sent. */
  get pending(): number {
    return this.pendingCount;
  }

  /** Appends events (one write); drops the oldest segments when the cap is passed. Returns how many were dropped. */
  push(events: SuggestionEvent[]): number {
    if (!events.length) return 0;
    const data = events.map((e) => JSON.stringify(e) + '\n').join('');
    let last = this.segments[this.segments.length - 1];
    if (last === undefined || this.size(last) >= this.segmentBytes) {
      last = (last ?? this.cursor.segment) + 1;
      this.segments.push(last);
    }
    // A torn last line (crash mid-append) would swallow the next record: start on a fresh line.
    mkdirSync(this.dir, { recursive: true });
    const file = this.path(last);
    const prefix = existsSync(file) && !endsWithNewline(file) ? '\n' : '';
    appendFileSync(file, prefix + data);
    this.pendingCount += events.length;
    return this.enforceCap();
  }

  /** The oldest unsent events, at most `max` of them and about `maxBytes` of JSON (at least one). */
  peek(max: number, maxBytes = Infinity): QueueBatch {
    const events: SuggestionEvent[] = [];
    let end = { ...this.cursor };
    let bytes = 0;
    let lines = 0;
    for (const seg of this.segments) {
      if (seg < this.cursor.segment) continue;
      const buf = readFileSync(this.path(seg));
      let off = seg === this.cursor.segment ? this.cursor.offset : 0;
      while (off < buf.length && events.length < max) {
        const nl = buf.indexOf(0x0a, off);
        if (nl < 0) break; // a torn tail: not a record yet
        const line = buf.toString('utf8', off, nl);
        if (events.length && bytes + line.length > maxBytes) return { events, end, lines };
        off = nl + 1;
        end = { segment: seg, offset: off };
        lines++;
        const e = parse(line);
        if (e) { events.push(e); bytes += line.length; }
      }
      if (events.length >= max) break;
    }
    return { events, end, lines };
  }

  /** Marks everything up to `end` as delivered: saves the cursor and deletes fully sent segments. */
  ack(end: QueuePosition, lines: number): void {
    this.cursor = { ...end };
    const tmp = join(this.dir, CURSOR + '.tmp');
    writeFileSync(tmp, JSON.stringify(this.cursor));
    renameSync(tmp, join(this.dir, CURSOR));
    const last = this.segments[this.segments.length - 1];
    for (const seg of [...this.segments]) {
      const done = seg < end.segment || (seg === end.segment && seg !== last && end.offset >= this.size(seg));
      if (done) this.removeSegment(seg);
    }
    this.pendingCount = Math.max(0, this.pendingCount - lines);
  }

  /** Keeps refused events with the reason in parked.jsonl (never resent automatically). */
  park(events: unknown[], reason: string): void {
    if (!events.length) return;
    const at = Date.now();
    mkdirSync(this.dir, { recursive: true });
    appendFileSync(join(this.dir, PARKED), events.map((event) => JSON.stringify({ at, reason, event } satisfies ParkedEvent) + '\n').join(''));
  }

  parked(): ParkedEvent[] {
    const file = join(this.dir, PARKED);
    if (!existsSync(file)) return [];
    return readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as ParkedEvent);
  }

  /** Drops whole segments, oldest first, until the queue fits its cap (the newest segment always stays). */
  private enforceCap(): number {
    let total = this.segments.reduce((n, s) => n + this.size(s), 0);
    let dropped = 0;
    while (total > this.maxBytes && this.segments.length > 1) {
      const seg = this.segments[0];
      const from = seg === this.cursor.segment ? this.cursor.offset : 0;
      const n = countLines(readFileSync(this.path(seg)), from);
      total -= this.size(seg);
      this.removeSegment(seg);
      dropped += n;
    }
    if (dropped) {
      this.pendingCount = Math.max(0, this.pendingCount - dropped);
      this.dropped += dropped;
      if (this.cursor.segment < this.segments[0]) this.cursor = { segment: this.segments[0], offset: 0 };
    }
    return dropped;
  }

  private removeSegment(seg: number): void {
    rmSync(this.path(seg), { force: true });
    this.segments = this.segments.filter((s) => s !== seg);
  }

  private countPending(): number {
    let n = 0;
    for (const seg of this.segments) {
      if (seg < this.cursor.segment) continue;
      n += countLines(readFileSync(this.path(seg)), seg === this.cursor.segment ? this.cursor.offset : 0);
    }
    return n;
  }

  private readCursor(): QueuePosition {
    try {
      const c = JSON.parse(readFileSync(join(this.dir, CURSOR), 'utf8')) as QueuePosition;
      if (Number.isInteger(c.segment) && Number.isInteger(c.offset) && c.offset >= 0) return c;
    } catch {
      // no cursor yet (or an unreadable one): start at the oldest segment
    }
    return { segment: this.segments[0] ?? 0, offset: 0 };
  }

  private path(seg: number): string {
    return join(this.dir, segmentName(seg));
  }

  private size(seg: number): number {
    try {
      return statSync(this.path(seg)).size;
    } catch {
      return 0;
    }
  }
}

function parse(line: string): SuggestionEvent | undefined {
  if (!line.trim()) return undefined;
  try {
    return JSON.parse(line) as SuggestionEvent;
  } catch {
    return undefined; // a record torn by a crash and completed by a later append's newline
  }
}

function countLines(buf: Buffer, from: number): number {
  let n = 0;
  for (let i = buf.indexOf(0x0a, from); i >= 0; i = buf.indexOf(0x0a, i + 1)) n++;
  return n;
}

function endsWithNewline(file: string): boolean {
  const fd = openSync(file, 'r');
  try {
    const size = fstatSync(fd).size;
    if (size === 0) return true;
    const last = Buffer.alloc(1);
    readSync(fd, last, 0, 1, size - 1);
    return last[0] === 0x0a;
  } finally {
    closeSync(fd);
  }
}
