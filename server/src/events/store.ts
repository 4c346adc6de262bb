// The local suggestion-event store: append-only JSONL files in one folder with one writer (the server), written
// in batches through one fd. Records are whole lines written by single write calls, so a crash can only tear the
// last line: opening cuts such a tail off (and reports it), reading ignores it (and counts it). The current file
// rotates at a size cap, keeping a few older ones. At privacy level noCode no code text is ever written.
import { closeSync, existsSync, fstatSync, ftruncateSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, renameSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { redactEvent, validateEvent, type PrivacyLevel, type SuggestionEvent } from '../../../common/events';
import { decodeEvents, type DecodedEvents } from './jsonl';

export interface StoreOptions {
  dir: string;
  privacy?: PrivacyLevel;
  /** Size at which the current file rotates (default 16 MiB). */
  maxBytes?: number;
  /** Rotated files kept besides the current one (default 3); older ones are deleted. */
  keepFiles?: number;
  /** Buffered events are written after this delay (default 250 ms) or when the buffer fills. */
  flushMs?: number;
}

export class EventStoreError extends Error {}

const CURRENT = 'events.jsonl';
const rotated = (k: number) => `events.${k}.jsonl`;
const ROTATED = /^events\.(\d+)\.jsonl$/;
const BATCH_BYTES = 256 * 1024;

export class EventStore {
  readonly dir: string;
  privacy: PrivacyLevel;
  private readonly maxBytes: number;
  private readonly keepFiles: number;
  private readonly flushMs: number;
  private fd = -1;
  private size = 0;
  private buffer: string[] = [];
  private bufferBytes = 0;
  private timer: NodeJS.Timeout | undefined;
  /** Bytes of a torn final record cut off when the store was opened (0 when the file was clean). */
  recoveredTornBytes = 0;

  constructor(opts: StoreOptions) {
    this.dir = opts.dir;
    this.privacy = opts.privacy ?? 'all';
    this.maxBytes = opts.maxBytes ?? 16 * 1024 * 1024;
    this.keepFiles = opts.keepFiles ?? 3;
    this.flushMs = opts.flushMs ?? 250;
  }

  /** Validates, redacts to the privacy level and buffers one event. Throws EventStoreError on an invalid event. */
  append(e: SuggestionEvent): void {
    const v = validateEvent(e);
    if (!v.ok) throw new EventStoreError(`invalid event ${v.field ? `(${v.field}) ` : ''}${v.error}`);
    const line = JSON.stringify(redactEvent(e, this.privacy)) + '\n';
    this.buffer.push(line);
    this.bufferBytes += Buffer.byteLength(line);
    if (this.bufferBytes >= BATCH_BYTES) this.flush();
    else if (!this.timer && this.flushMs >= 0) {
      this.timer = setTimeout(() => this.flush(), this.flushMs);
      this.timer.unref();
    }
  }

  /** Writes buffered events now (one write per batch; rotates first when the cap would be passed). */
  flush(): void {
    if (this.timer) { clearTimeout(this.timer); this.timer = undefined; }
    if (!this.buffer.length) return;
    this.open();
    if (this.size > 0 && this.size + this.bufferBytes > this.maxBytes) this.rotate();
    const data = Buffer.from(this.buffer.join(''));
    this.buffer = [];
    this.bufferBytes = 0;
    let off = 0;
    while (off < data.length) off += writeSync(this.fd, data, off, data.length - off);
    this.size += data.length;
  }

  /** Every stored event, oldest file first. Torn and malformed lines are counted, not returned. */
  read(): DecodedEvents {
    this.flush();
    const all: DecodedEvents = { events: [], malformedLines: 0, tornLines: 0, problems: [] };
    for (const f of this.files()) {
      const d = decodeEvents(readFileSync(join(this.dir, f), 'utf8'), f);
      all.events.push(...d.events);
      all.malformedLines += d.malformedLines;
      all.tornLines += d.tornLines;
      all.problems.push(...d.problems.map((p) => `${f} ${p}`));
    }
    return all;
  }

  /** Writes every stored event to `file` as one JSONL file. Returns the number of events. */
  exportTo(file: string): number {
    const { events } = this.read();
    writeFileSync(file, events.map((e) => JSON.stringify(e) + '\n').join(''));
    return events.length;
  }

  /** Deletes every stored event (all files, buffered events included). */
  deleteAll(): void {
    this.buffer = [];
    this.bufferBytes = 0;
    this.close();
    for (const f of this.files()) rmSync(join(this.dir, f), { force: true });
  }

  close(): void {
    this.flush();
    if (this.fd >= 0) { closeSync(this.fd); this.fd = -1; }
  }

  /** Event files, oldest first (highest rotation number first, the current file last). */
  files(): string[] {
    if (!existsSync(this.dir)) return [];
    const names = readdirSync(this.dir);
    const old = names.map((f) => ROTATED.exec(f)).filter((m) => m !== null).sort((a, b) => Number(b[1]) - Number(a[1])).map((m) => m[0]);
    return names.includes(CURRENT) ? [...old, CURRENT] : old;
  }

  private open(): void {
    if (this.fd >= 0) return;
    mkdirSync(this.dir, { recursive: true });
    this.fd = openSync(join(this.dir, CURRENT), 'a+');
    this.size = fstatSync(this.fd).size;
    this.cutTornTail();
  }

  /** A crash mid-write leaves a last line without its newline: cut it so new records start on a fresh line. */
  private cutTornTail(): void {
    if (this.size === 0) return;
    const tail = Buffer.alloc(Math.min(this.size, 64 * 1024));
    readSync(this.fd, tail, 0, tail.length, this.size - tail.length);
    if (tail[tail.length - 1] === 0x0a) return;
    const nl = tail.lastIndexOf(0x0a);
    const keep = nl >= 0 ? this.size - tail.length + nl + 1 : this.size > tail.length ? this.size : 0;
    if (keep === this.size) { writeSync(this.fd, '\n'); this.size++; return; }
    this.recoveredTornBytes += this.size - keep;
    ftruncateSync(this.fd, keep);
    this.size = keep;
  }

  private rotate(): void {
    closeSync(this.fd);
    this.fd = -1;
    const dropFrom = this.keepFiles;
    for (const f of readdirSync(this.dir)) {
      const m = ROTATED.exec(f);
      if (m && Number(m[1]) >= dropFrom) rmSync(join(this.dir, f), { force: true });
    }
    for (let k = dropFrom - 1; k >= 1; k--) if (existsSync(join(this.dir, rotated(k)))) renameSync(join(this.dir, rotated(k)), join(this.dir, rotated(k + 1)));
    if (this.keepFiles > 0) renameSync(join(this.dir, CURRENT), join(this.dir, rotated(1)));
    else rmSync(join(this.dir, CURRENT), { force: true });
    this.open();
  }
}
