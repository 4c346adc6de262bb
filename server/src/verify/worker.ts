// One warm worker process speaking JSON lines: requests carry an id, replies echo it. A reply that does not
// come within the hard deadline (the worker itself hung, e.g. user code swallowed its alarm) kills the
// worker and rejects; the Verifier then starts a fresh one.
import type { ChildProcess } from 'node:child_process';
import { killTree, whenGone } from '../run/sandbox';
import { spawnWorker, type WorkerPlace, type WorkerSpawn } from './spawn';

export interface WorkerReady {
  tests: string[];
  collectErrors: { id: string; message: string }[];
  /** Python: the tests the worker calls directly, without pytest's per-test protocol. */
  direct?: string[];
  /** Jest and Vitest: what one run of the runner costs beyond its tests' own time (its start-up), in ms. */
  runOverheadMs?: number;
  /** Python as root: whether candidates run as nobody, and why not when they do not. */
  privileges?: Privileges;
}

export interface Privileges {
  dropped: boolean;
  note?: string | null;
}

type Pending = { resolve: (v: Record<string, unknown>) => void; reject: (e: Error) => void; timer: NodeJS.Timeout };

export class WorkerDied extends Error {}

export class WorkerProcess {
  readonly sandbox: WorkerSpawn['sandbox'];
  private readonly child: ChildProcess;
  private buffer = '';
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readyWaiter?: Pending;
  private stderr = '';
  private dead = false;
  /** Everything kill() signalled (see exited). */
  private readonly victims: number[] = [];

  constructor(place: WorkerPlace, command: string, args: string[], env: NodeJS.ProcessEnv) {
    const s = spawnWorker(place, command, args, env);
    this.child = s.child;
    this.sandbox = s.sandbox;
    this.child.stdout!.setEncoding('utf8');
    this.child.stdout!.on('data', (chunk: string) => this.onData(chunk));
    this.child.stderr!.setEncoding('utf8');
    this.child.stderr!.on('data', (chunk: string) => { this.stderr = (this.stderr + chunk).slice(-4000); });
    this.child.stdin!.on('error', () => undefined);
    this.child.on('exit', () => this.fail(new WorkerDied(`verification worker exited${this.stderr ? ': ' + this.stderr.trim().split('\n').slice(-3).join(' | ') : ''}`)));
    this.child.on('error', (e) => this.fail(new WorkerDied(`cannot start verification worker: ${e.message}`)));
  }

  get alive(): boolean { return !this.dead; }

  /** Resolves with the worker's first message (the collected tests) or rejects when it fails to start. */
  ready(timeoutMs: number): Promise<WorkerReady> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => { this.kill(); reject(new WorkerDied('verification worker did not start in time')); }, timeoutMs);
      this.readyWaiter = { resolve: (v) => resolve(v as unknown as WorkerReady), reject, timer };
    });
  }

  request(body: Record<string, unknown>, hardTimeoutMs: number): Promise<Record<string, unknown>> {
    if (this.dead) return Promise.reject(new WorkerDied('verification worker is not running'));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => { this.kill(); }, hardTimeoutMs);
      this.pending.set(id, { resolve, reject, timer });
      this.child.stdin!.write(JSON.stringify({ ...body, id }) + '\n');
    });
  }

  close(): void {
    if (this.dead) return;
    this.child.stdin!.end(JSON.stringify({ close: true }) + '\n');
    const t = setTimeout(() => this.kill(), 2000);
    t.unref();
  }

  kill(): void {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      // The whole tree, not only the group: bubblewrap's inner processes start new sessions, and one killed
      // before it armed its parent-death signal would live on.
      if (this.child.pid) this.victims.push(...killTree(this.child.pid));
    }
    this.fail(new WorkerDied('verification worker was stopped'));
  }

  /** Resolves once the process has exited (for callers that must leave no process behind). */
  async exited(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) await new Promise((resolve) => this.child.once('exit', resolve));
    // The sandbox's inner processes die after it: a pid namespace's last process can take a while to exit.
    await whenGone(this.victims);
  }

  private onData(chunk: string): void {
    this.buffer += chunk;
    let nl: number;
    while ((nl = this.buffer.indexOf('\n')) >= 0) {
      const line = this.buffer.slice(0, nl);
      this.buffer = this.buffer.slice(nl + 1);
      if (!line.trim()) continue;
      let msg: Record<string, unknown>;
      try { msg = JSON.parse(line); } catch { continue; }
      if (msg.fatal !== undefined) { this.fail(new WorkerDied(`verification worker failed: ${String(msg.fatal)}`)); continue; }
      if (msg.ready && this.readyWaiter) {
        clearTimeout(this.readyWaiter.timer);
        this.readyWaiter.resolve(msg);
        this.readyWaiter = undefined;
        continue;
      }
      const p = this.pending.get(msg.id as number);
      if (p) {
        clearTimeout(p.timer);
        this.pending.delete(msg.id as number);
        p.resolve(msg);
      }
    }
  }

  private fail(err: Error): void {
    this.dead = true;
    if (this.readyWaiter) { clearTimeout(this.readyWaiter.timer); this.readyWaiter.reject(err); this.readyWaiter = undefined; }
    for (const p of this.pending.values()) { clearTimeout(p.timer); p.reject(err); }
    this.pending.clear();
  }
}
