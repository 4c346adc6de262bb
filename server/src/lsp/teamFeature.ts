// Team telemetry behind LSP: every stored event is also queued (on disk, next to the local store) for the team
// collector while loopwise.team.enabled is on; the uploader asks the client before every request whether it may
// send (VS Code telemetry + the setting) and for the token (SecretStorage). With loopwise.team.useTeamModel the
// team's gate model is fetched periodically and handed to the gate. Commands: upload now, status.
import { join } from 'node:path';
import type { Connection } from 'vscode-languageserver/node';
import { redactEvent, type SuggestionEvent } from '../../../common/events';
import type { GateModel } from '../../../common/gate/index';
import { Methods, TeamCommands, type TeamSettings, type TeamStatus, type TeamTokenResponse, type TeamUploadAllowedResponse } from '../../../common/protocol';
import { TeamModelFetcher } from '../team/model';
import { UploadQueue } from '../team/queue';
import { Uploader, type TeamConfig } from '../team/uploader';
import type { EventsFeature } from './eventsFeature';
import type { Feature, ServerContext } from './features';

/** Timing knobs (tests shorten them). */
export interface TeamTiming { batchDelayMs: number; modelIntervalMs: number; enqueueDelayMs: number }
const DEFAULT_TIMING: TeamTiming = { batchDelayMs: 30_000, modelIntervalMs: 3600_000, enqueueDelayMs: 250 };

export class TeamFeature implements Feature {
  readonly name = 'team';
  private connection: Connection | undefined;
  private ctx: ServerContext | undefined;
  private uploader: Uploader | undefined;
  private fetcher: TeamModelFetcher | undefined;
  private settings: TeamSettings | undefined;
  private usingTeamModel = false;
  /** Endpoint the model fetcher runs for ('' when it is stopped). */
  private fetchingFrom = '';
  private buffer: SuggestionEvent[] = [];
  private bufferTimer: NodeJS.Timeout | undefined;

  /** applyModel: gate with the team model, or (undefined) go back to the local one. */
  constructor(private readonly events: EventsFeature, private readonly applyModel: (model: GateModel | undefined) => void,
    private readonly timing: TeamTiming = DEFAULT_TIMING) {}

  register(connection: Connection, ctx: ServerContext): void {
    this.connection = connection;
    this.ctx = ctx;
    const dir = this.events.dir;
    if (!dir) throw new Error('the team feature needs the event store (list it after the events feature)');
    const log = (level: 'info' | 'warn' | 'error', message: string) => connection.console[level](`team: ${message}`);
    this.uploader = new Uploader({ queue: new UploadQueue({ dir: join(dir, 'team-queue') }), config: () => this.config(), allowed: () => this.allowed(),
      log, batchDelayMs: this.timing.batchDelayMs });
    this.fetcher = new TeamModelFetcher({ dir: join(dir, 'team-queue'), config: () => this.config(true), log, intervalMs: this.timing.modelIntervalMs,
      onModel: (model) => {
        if (!this.settings?.useTeamModel) return;
        this.usingTeamModel = true;
        this.applyModel(model);
      } });
    this.events.onEvent((e) => this.onEvent(e));
    ctx.commands.register(TeamCommands.upload, async () => {
      this.flushBuffer();
      await this.refresh();
      if (this.fetchingFrom) void this.fetcher!.fetchNow();
      return this.status(await this.uploader!.uploadNow());
    });
    ctx.commands.register(TeamCommands.status, async () => this.status());
    ctx.settings.onDidChange(() => void this.refresh().then(() => this.uploader?.reconfigured()));
  }

  async initialized(): Promise<void> {
    await this.refresh();
    if (this.settings?.enabled) this.uploader?.reconfigured();
  }

  async shutdown(): Promise<void> {
    this.dispose();
  }

  /** Queued events go to disk first: the queue file outlives the process and is sent next session. */
  dispose(): void {
    this.flushBuffer();
    this.uploader?.stop();
    this.fetcher?.stop();
  }

  /** Queues a stored event in the store's redacted form (no code reaches the queue file at noCode). */
  private onEvent(e: SuggestionEvent): void {
    if (!this.settings?.enabled) return;
    this.buffer.push(redactEvent(e, this.events.privacy));
    // One append per burst of events rather than one per keystroke-driven event.
    this.bufferTimer ??= setTimeout(() => this.flushBuffer(), this.timing.enqueueDelayMs);
  }

  private flushBuffer(): void {
    if (this.bufferTimer) clearTimeout(this.bufferTimer);
    this.bufferTimer = undefined;
    if (!this.buffer.length || !this.uploader) return;
    const events = this.buffer;
    this.buffer = [];
    try {
      this.uploader.enqueue(events);
    } catch (err) {
      this.connection?.console.warn(`team: could not queue ${events.length} events for upload: ${(err as Error).message}`);
    }
  }

  /** Reads loopwise.team.*; starts or stops the model fetcher to match useTeamModel. */
  private async refresh(): Promise<void> {
    const raw = (await this.ctx!.settings.get()).team;
    this.settings = { ...raw, privacy: raw.privacy === 'all' ? 'all' : 'noCode', endpoint: raw.endpoint.trim() };
    const from = this.settings.useTeamModel ? this.settings.endpoint : '';
    if (from === this.fetchingFrom) return;
    this.fetcher!.stop();
    this.fetchingFrom = from;
    if (from) this.fetcher!.start();
    else if (this.usingTeamModel) {
      this.usingTeamModel = false;
      this.applyModel(undefined);
    }
  }

  /** The current endpoint, token and privacy; undefined while uploads are off (unless for the model). */
  private async config(forModel = false): Promise<TeamConfig | undefined> {
    const s = this.settings;
    if (!s || (!s.enabled && !forModel)) return undefined;
    let token: string | undefined;
    try {
      token = (await this.connection!.sendRequest<TeamTokenResponse | null>(Methods.teamToken))?.token || undefined;
    } catch {
      token = undefined; // an editor without SecretStorage: LOOPWISE_TEAM_TOKEN below
    }
    return { endpoint: s.endpoint, token: token ?? (process.env.LOOPWISE_TEAM_TOKEN || undefined), privacy: s.privacy };
  }

  /** Asked before every request: the setting here, VS Code telemetry (and the setting again) in the client. */
  private async allowed(): Promise<TeamUploadAllowedResponse> {
    await this.refresh();
    if (!this.settings?.enabled) return { allowed: false, reason: 'loopwise.team.enabled is off' };
    try {
      const r = await this.connection!.sendRequest<TeamUploadAllowedResponse | null>(Methods.teamUploadAllowed);
      return r && typeof r.allowed === 'boolean' ? r : { allowed: false, reason: 'the editor gave no answer about telemetry' };
    } catch (err) {
      return { allowed: false, reason: `the editor did not say whether telemetry is allowed (${(err as Error).message})` };
    }
  }

  private status(s = this.uploader!.current): TeamStatus {
    const state = this.settings?.enabled ? s.state : 'off';
    return { ...s, state, ...(this.fetcher && { model: { etag: this.fetcher.status.etag, message: this.fetcher.status.message } }) };
  }
}
