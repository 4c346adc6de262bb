// Keeps each team's gate model fresh: retrains from the team's stored events (see trainer.ts) on an interval,
// and early once N new decisions have arrived. Trainings run one at a time; a model that fails
// loadGateModel() (what the client runs) is never published.
import { createHash } from 'node:crypto';
import { loadGateModel } from '../../../common/gate/model';
import type { Storage } from './storage';
import type { TrainFn } from './trainer';

export interface RetrainOptions {
  train: TrainFn;
  /** Check every team this often (ms). */
  intervalMs: number;
  /** Retrain a team early once this many decision events arrived since its last model. */
  afterDecisions: number;
  /** No model is trained before a team has this many decisions. */
  minDecisions: number;
}

export type Log = (entry: Record<string, unknown>) => void;

export class Retrainer {
  private timer?: NodeJS.Timeout;
  private readonly pending = new Map<number, number>();
  private queue: Promise<void> = Promise.resolve();
  private readonly queued = new Set<number>();
  private stopped = false;
  private checking = false;
  private readonly abort = new AbortController();

  constructor(private readonly storage: Storage, private readonly opts: RetrainOptions, private readonly log: Log) {}

  start() {
    // setInterval treats delays beyond 2^31-1 ms (about 24.8 days) as 1 ms
    this.timer = setInterval(() => void this.checkAll(), Math.min(this.opts.intervalMs, 2 ** 31 - 1));
    this.timer.unref();
    void this.checkAll();
  }

  /** Called after an accepted upload; schedules an early retraining once enough decisions piled up. */
  noteDecisions(teamId: number, n: number) {
    const total = (this.pending.get(teamId) ?? 0) + n;
    this.pending.set(teamId, total);
    if (total >= this.opts.afterDecisions) this.schedule(teamId);
  }

  /** Retrains every team that has decisions its current model has not seen, or a model clients cannot load. */
  async checkAll() {
    if (this.checking) return;
    this.checking = true;
    try {
      for (const team of await this.storage.teams()) {
        const [decisions, model] = await Promise.all([this.storage.countDecisions(team.id), this.storage.model(team.id)]);
        // a model this version of the gate cannot load (trained for other features: an upgrade) is retrained too
        const stale = model !== undefined && !loads(model.model);
        if ((decisions > (model?.decisions ?? 0) || stale) && decisions >= this.opts.minDecisions) this.schedule(team.id);
      }
    } catch (err) {
      this.log({ level: 'error', msg: 'retrain check failed', error: (err as Error).message });
    } finally {
      this.checking = false;
    }
    await this.queue;
  }

  private schedule(teamId: number) {
    if (this.stopped || this.queued.has(teamId)) return;
    this.queued.add(teamId);
    this.pending.set(teamId, 0);
    this.queue = this.queue.then(async () => { await this.retrain(teamId); }).finally(() => { this.queued.delete(teamId); });
  }

  /** Trains one team's model now. Resolves true when a model was published. */
  async retrain(teamId: number): Promise<boolean> {
    if (this.stopped) return false;
    const started = Date.now();
    try {
      // Counted first: decisions arriving while training runs are not in this model, so they still count as new.
      const total = await this.storage.countDecisions(teamId);
      const team = (await this.storage.teams()).find((t) => t.id === teamId);
      if (!team || total < this.opts.minDecisions) {
        this.log({ level: 'info', msg: 'retrain skipped', teamId, decisions: total, minDecisions: this.opts.minDecisions });
        return false;
      }
      const model = await this.opts.train(team, this.abort.signal);
      loadGateModel(model);
      const text = JSON.stringify(model);
      const etag = '"' + createHash('sha256').update(text).digest('base64url').slice(0, 27) + '"';
      await this.storage.saveModel(teamId, { model: text, etag, trainedAt: Date.now(), decisions: total });
      this.log({ level: 'info', msg: 'model retrained', team: team.name, decisions: total, trainedOn: model.trainedOn, ms: Date.now() - started });
      return true;
    } catch (err) {
      this.log({ level: 'error', msg: 'retrain failed', teamId, error: (err as Error).message });
      return false;
    }
  }

  /** Stops scheduling, cancels a training in progress and waits for it to end. */
  async stop() {
    this.stopped = true;
    clearInterval(this.timer);
    this.abort.abort();
    await this.queue;
  }
}

function loads(text: string): boolean {
  try {
    loadGateModel(JSON.parse(text));
    return true;
  } catch {
    return false;
  }
}
