// The team's gate model: fetched from the collector (GET /v1/model) on a schedule with If-None-Match, checked
// with loadGateModel before it is used, and cached next to the upload queue (with its ETag) so a restart starts
// from the last good team model and asks only for changes.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadGateModel, type GateModel } from '../../../common/gate/index';
import { getModel } from './client';
import type { TeamConfig } from './uploader';

export interface TeamModelOptions {
  /** Folder of the cache file team-model.json. */
  dir: string;
  config(): Promise<TeamConfig | undefined>;
  /** Called with every new valid model (and the cached one at start). */
  onModel(model: GateModel, etag: string | undefined): void;
  log(level: 'info' | 'warn' | 'error', message: string): void;
  /** Between fetches (default 1 h). */
  intervalMs?: number;
  get?: typeof getModel;
}

export interface TeamModelStatus { etag?: string; fetchedAt?: number; message: string }

const CACHE = 'team-model.json';

export class TeamModelFetcher {
  private timer: NodeJS.Timeout | undefined;
  private etag: string | undefined;
  private fetching: Promise<TeamModelStatus> | undefined;
  readonly status: TeamModelStatus = { message: 'not fetched yet' };

  constructor(private readonly o: TeamModelOptions) {}

  /** Hands over the cached model, then fetches now and every intervalMs. */
  start(): void {
    this.loadCache();
    void this.fetchNow();
    this.timer = setInterval(() => void this.fetchNow(), this.o.intervalMs ?? 3600_000);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  fetchNow(): Promise<TeamModelStatus> {
    this.fetching ??= this.fetch().finally(() => { this.fetching = undefined; });
    return this.fetching;
  }

  private async fetch(): Promise<TeamModelStatus> {
    const cfg = await this.o.config();
    if (!cfg?.endpoint || !cfg.token) return this.note('no team endpoint or token: keeping the local gate model');
    const r = await (this.o.get ?? getModel)(cfg.endpoint, cfg.token, this.etag);
    switch (r.kind) {
      case 'notModified':
        this.status.fetchedAt = Date.now();
        return this.note('the team model is unchanged');
      case 'none':
        return this.note(r.message);
      case 'model': {
        let model: GateModel;
        try {
          model = loadGateModel(r.json).model;
        } catch (err) {
          this.o.log('warn', `ignoring the team model from the collector: ${(err as Error).message}`);
          return this.note(`the collector's model is not usable: ${(err as Error).message}`);
        }
        this.etag = r.etag;
        this.status.etag = r.etag;
        this.status.fetchedAt = Date.now();
        this.saveCache(model, r.etag);
        this.o.onModel(model, r.etag);
        this.o.log('info', `using the team gate model trained on ${model.trainedOn.decisions} decisions`);
        return this.note(`team model ${r.etag ?? ''} in use`.replace('  ', ' '));
      }
      case 'unauthorized':
        this.o.log('error', `the collector refused the team token when fetching the model (${r.message})`);
        return this.note(`token refused: ${r.message}`);
      case 'rateLimited':
        return this.note(`rate limited; next fetch at the next interval`);
      default:
        this.o.log('warn', `could not fetch the team model (${r.message}); next try at the next interval`);
        return this.note(r.message);
    }
  }

  private note(message: string): TeamModelStatus {
    this.status.message = message;
    return { ...this.status };
  }

  private loadCache(): void {
    const file = join(this.o.dir, CACHE);
    if (!existsSync(file)) return;
    try {
      const cached = JSON.parse(readFileSync(file, 'utf8')) as { etag?: string; model: unknown };
      const model = loadGateModel(cached.model).model;
      this.etag = cached.etag;
      this.status.etag = cached.etag;
      this.o.onModel(model, cached.etag);
    } catch (err) {
      this.o.log('warn', `ignoring the cached team model ${file}: ${(err as Error).message}`);
    }
  }

  private saveCache(model: GateModel, etag: string | undefined): void {
    mkdirSync(this.o.dir, { recursive: true });
    const file = join(this.o.dir, CACHE);
    writeFileSync(file + '.tmp', JSON.stringify({ etag, model }));
    renameSync(file + '.tmp', file);
  }
}
