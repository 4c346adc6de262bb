// Sends the queued events to the team collector in the background: batches by size and time, asks the client
// before EVERY request whether uploading is allowed (VS Code telemetry + the team setting), redacts to the team
// privacy level, and reacts to each reply: ack (200), park refused events (400), split (413), wait Retry-After
// (429), stop until reconfigured (401), exponential backoff with jitter (network errors, 5xx).
import { redactEvent, validateEvent, type PrivacyLevel, type SuggestionEvent } from '../../../common/events';
import type { TeamStatus } from '../../../common/protocol';
import { postEvents, type PostOutcome } from './client';
import type { QueueBatch, UploadQueue } from './queue';

export interface TeamConfig { endpoint: string; token: string | undefined; privacy: PrivacyLevel }

export interface UploaderOptions {
  queue: UploadQueue;
  /** Current settings and token; asked before every request (the token is never logged). */
  config(): Promise<TeamConfig | undefined>;
  /** Whether sending is allowed right now (telemetry on and team uploads enabled); asked before every request. */
  allowed(): Promise<{ allowed: boolean; reason?: string }>;
  log(level: 'info' | 'warn' | 'error', message: string): void;
  batchSize?: number;
  /** Wait for more events before sending a partial batch (default 30 s). */
  batchDelayMs?: number;
  /** JSON bytes per request before gzip (default 512 KiB); 413 replies split further. */
  batchBytes?: number;
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  /** Longest Retry-After honoured as given (default 1 h); longer ones are capped. */
  maxRetryAfterMs?: number;
  random?: () => number;
  post?: typeof postEvents;
}

export type UploadState = Exclude<TeamStatus['state'], 'off'>;

/** The uploader's own part of TeamStatus: the model fetch and 'off' belong to the feature around it. */
export type UploadStatus = Omit<TeamStatus, 'state' | 'model'> & { state: UploadState };

export class Uploader {
  private readonly o: Required<Omit<UploaderOptions, 'queue' | 'config' | 'allowed' | 'log'>> & UploaderOptions;
  private status: UploadStatus;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<UploadStatus> | undefined;
  private failures = 0;
  private stopped = false;

  constructor(opts: UploaderOptions) {
    this.o = { batchSize: 500, batchDelayMs: 30_000, batchBytes: 512 * 1024, backoffBaseMs: 1000, backoffMaxMs: 300_000,
      maxRetryAfterMs: 3600_000, random: Math.random, post: postEvents, ...opts };
    this.status = { state: 'idle', message: '', pending: opts.queue.pending, sent: 0, duplicates: 0, parked: 0, dropped: 0 };
  }

  get current(): UploadStatus {
    return { ...this.status, pending: this.o.queue.pending, dropped: this.o.queue.dropped };
  }

  /** Queues events (already redacted to the local store's level) and plans a send. Never waits on the network. */
  enqueue(events: SuggestionEvent[]): void {
    const dropped = this.o.queue.push(events);
    if (dropped) this.o.log('warn', `team upload queue is full: dropped the ${dropped} oldest unsent events (${this.o.queue.dropped} since start)`);
    if (this.stopped || this.status.state === 'unauthorized' || this.status.state === 'waiting') return;
    this.plan(this.o.queue.pending >= this.o.batchSize ? 0 : this.o.batchDelayMs, false);
  }

  /** Sends everything now (clears a 401 stop or a backoff: the user asked). Resolves with the status after it. */
  uploadNow(): Promise<UploadStatus> {
    this.failures = 0;
    if (this.status.state === 'unauthorized' || this.status.state === 'misconfigured') this.status.state = 'idle';
    this.clearTimer();
    return this.drain();
  }

  /** Settings or token changed: leave a stop caused by the old ones and try again soon. */
  reconfigured(): void {
    if (this.stopped) return;
    this.failures = 0;
    if (this.status.state !== 'sending') this.status.state = 'idle';
    if (this.o.queue.pending) this.plan(0, true);
  }

  stop(): void {
    this.stopped = true;
    this.clearTimer();
    this.status.state = 'stopped';
  }

  /** Resolves once the current send (if any) finished. */
  async idle(): Promise<void> {
    await this.running;
  }

  private plan(delayMs: number, replace: boolean): void {
    if (this.stopped) return;
    if (this.timer && !replace) return;
    this.clearTimer();
    this.status.nextAttemptAt = Date.now() + delayMs;
    // A timer firing while a send still runs starts its own pass after that one (not merged into it).
    this.timer = setTimeout(() => { this.timer = undefined; void (this.running ?? Promise.resolve()).then(() => this.drain()); }, delayMs);
    this.timer.unref();
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.status.nextAttemptAt = undefined;
  }

  private drain(): Promise<UploadStatus> {
    if (this.running) return this.running;
    this.running = this.sendAll().finally(() => { this.running = undefined; });
    return this.running;
  }

  private async sendAll(): Promise<UploadStatus> {
    while (!this.stopped && this.o.queue.pending > 0) {
      const batch = this.o.queue.peek(this.o.batchSize, this.o.batchBytes);
      if (!batch.events.length) { this.o.queue.ack(batch.end, batch.lines); continue; }
      const next = await this.sendBatch(batch);
      if (next === 'stop') {
        // Not allowed or not configured: look again later (telemetry may be switched back on).
        if (this.status.state === 'notAllowed' || this.status.state === 'notConfigured') this.plan(this.o.batchDelayMs, true);
        return this.current;
      }
      this.o.queue.ack(batch.end, batch.lines);
      this.failures = 0;
    }
    if (!this.stopped && this.status.state === 'sending') this.set('idle', this.status.sent ? `${this.status.sent} events uploaded` : 'nothing to upload');
    return this.current;
  }

  /** Sends one queued batch (split as needed). 'done': the whole batch is stored or parked. */
  private async sendBatch(batch: QueueBatch): Promise<'done' | 'stop'> {
    const valid: SuggestionEvent[] = [];
    for (const e of batch.events) {
      const v = validateEvent(e);
      if (v.ok) valid.push(e);
      else this.parkEvents([e], `invalid locally: ${v.field ? `field ${v.field} ` : ''}${v.error}`);
    }
    const pieces: SuggestionEvent[][] = valid.length ? [valid] : [];
    while (pieces.length) {
      const piece = pieces[0];
      const cfg = await this.o.config();
      if (!cfg || !cfg.endpoint || !cfg.token) {
        this.set('notConfigured', !cfg ? 'team uploads are off' : !cfg.endpoint ? 'no team endpoint is set (loopwise.team.endpoint)' : 'no team token is set (command "Loopwise: Set Team Token")');
        return 'stop';
      }
      const allowed = await this.o.allowed();
      if (!allowed.allowed) {
        this.set('notAllowed', `not uploading: ${allowed.reason ?? 'uploads are not allowed'}`);
        return 'stop';
      }
      this.set('sending', `sending ${piece.length} events`);
      const r: PostOutcome = await this.o.post(cfg.endpoint, cfg.token, piece.map((e) => redactEvent(e, cfg.privacy)));
      switch (r.kind) {
        case 'ok':
          this.status.sent += r.accepted;
          this.status.duplicates += r.duplicates;
          pieces.shift();
          break;
        case 'invalid': {
          // The collector stores nothing from a refused batch: park the events it named, resend the rest.
          const bad = new Map(r.errors.filter((x) => Number.isInteger(x.index) && x.index >= 0 && x.index < piece.length).map((x) => [x.index, x]));
          pieces.shift();
          if (!bad.size) { this.parkEvents(piece, `refused by the collector: ${r.message}`); break; }
          for (const [i, x] of bad) this.parkEvents([piece[i]], `refused by the collector: ${x.field ? `field ${x.field} ` : ''}${x.message}`);
          const rest = piece.filter((_, i) => !bad.has(i));
          if (rest.length) pieces.unshift(rest);
          break;
        }
        case 'tooLarge':
          pieces.shift();
          if (piece.length === 1) { this.parkEvents(piece, `larger than the collector's request limit${r.limit ? ` of ${r.limit} bytes` : ''}`); break; }
          pieces.unshift(piece.slice(0, piece.length >> 1), piece.slice(piece.length >> 1));
          break;
        case 'rateLimited': {
          const wait = Math.min(r.retryAfterS * 1000, this.o.maxRetryAfterMs);
          this.set('waiting', `rate limited by the collector: retrying in ${Math.ceil(wait / 1000)} s`);
          this.o.log('info', this.status.message);
          this.plan(wait, true);
          return 'stop';
        }
        case 'unauthorized':
          this.set('unauthorized', `the collector refused the team token (${r.message}): uploads stop until the token or settings change ` +
            '(command "Loopwise: Set Team Token"); events stay queued');
          this.o.log('error', this.status.message);
          return 'stop';
        case 'misconfigured':
        case 'transient': {
          this.failures++;
          const delay = this.backoff();
          this.set(r.kind === 'transient' ? 'waiting' : 'misconfigured',
            `upload to the team collector failed (${r.message}); ${this.o.queue.pending} events stay queued, retry in ${Math.ceil(delay / 1000)} s`);
          this.o.log('warn', this.status.message);
          this.plan(delay, true);
          return 'stop';
        }
      }
    }
    return 'done';
  }

  private backoff(): number {
    return backoffDelay(this.failures, this.o.backoffBaseMs, this.o.backoffMaxMs, this.o.random);
  }

  private parkEvents(events: unknown[], reason: string): void {
    this.o.queue.park(events, reason);
    this.status.parked += events.length;
    this.o.log('warn', `parked ${events.length} event${events.length > 1 ? 's' : ''} the collector will not take: ${reason} (kept in ${this.o.queue.dir}/parked.jsonl)`);
  }

  private set(state: UploadState, message: string): void {
    this.status.state = state;
    this.status.message = message;
  }
}

/** Full-jitter exponential backoff after `failures` failures in a row: uniform in [base, min(max, base * 2^failures)]. */
export function backoffDelay(failures: number, baseMs: number, maxMs: number, random: () => number): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.min(failures, 30));
  return Math.round(baseMs + random() * Math.max(0, ceiling - baseMs));
}
