// The gate on the server side: keeps the current model (the user's own once trained, else the shipped default),
// retrains it on the local events after every N new decisions and on command — in a worker thread, so requests
// keep being answered — and sends each model to the client (loopwise/gateModel), which scores locally. At
// startup it rebuilds the user's history from the most recent stored events, and sends it with the first model
// so the client continues from it too; a saved model this build cannot load (an upgrade changed the features) is
// replaced by a training at startup rather than after N new decisions. For clients that do not gate themselves
// it also decides here, with the same common/gate code (one exploration draw per suggestion, thresholds at the
// user's keep-rate correction, learnt from the outcomes of what it showed), and remembers the last decisions for
// the "show decisions" command.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Connection } from 'vscode-languageserver/node';
import { isDecision, redactEvent, type SuggestionEvent } from '../../../common/events';
import { KeepCorrection, requiredLevel } from '../../../common/gate/correction';
import { decide, loadGateModel, newHistory, observe, outcomeOf, type CompiledGate, type GateDecision, type GateHistory, type GateInput, type GateModel } from '../../../common/gate/index';
import { GateCommands, Methods, type GateDecisionRecord, type GateHistoryState, type GateModelNotification, type GateSettings, type GateTrainResult } from '../../../common/protocol';
import { loadDefaultGate } from '../gate/default';
import type { EventsFeature } from './eventsFeature';
import type { Feature, ServerContext } from './features';
import { historyOf, historyState, recentEvents } from './gateHistory';
import { trainInWorker } from './gateTraining';

const MODEL_FILE = 'gate-model.json';
const KEEP_DECISIONS = 50;
/** Suggestions decided here and waiting for their outcome (scores and the propensity they were shown with). */
const PENDING = 64;

export class GateFeature implements Feature {
  readonly name = 'gate';
  private gate: CompiledGate | undefined;
  private source: GateModelNotification['source'] = 'default';
  private history: GateHistory = newHistory();
  /** The saved model did not load (e.g. made by an older version): train once the client is connected. */
  private unloadable = false;
  private readonly decisions: GateDecisionRecord[] = [];
  private correction: KeepCorrection | undefined;
  private readonly pending = new Map<string, { s1: number; s2: number; explore?: number; shown: boolean }>();
  /** Decisions since the last training started. */
  private sinceTraining = 0;
  private training = false;
  private connection: Connection | undefined;
  private ctx: ServerContext | undefined;

  constructor(private readonly events: EventsFeature, private readonly rng: () => number = Math.random) {}

  register(connection: Connection, ctx: ServerContext): void {
    this.connection = connection;
    this.ctx = ctx;
    this.gate = this.loadModel();
    this.restoreHistory();
    this.events.onEvent((e) => this.onEvent(e));
    ctx.commands.register(GateCommands.train, async () => this.train());
    ctx.commands.register(GateCommands.decisions, async () => [...this.decisions].reverse());
  }

  initialized(): void {
    // the first model carries the history rebuilt from the stored events (no decision can have come yet)
    this.sendModel(historyState(this.history));
    if (this.unloadable) {
      this.unloadable = false;
      void this.train().then((r) => this.connection?.console.info(`gate training at startup (the saved model did not load): ${r.message}`));
    }
  }

  /** Decides one stage for a client that does not gate itself; records the decision. */
  async decide(stage: 1 | 2, event: SuggestionEvent, uri: string, preview: string): Promise<GateDecision> {
    const settings = await this.settings(uri);
    const input: GateInput = redactEvent(event, this.events.privacy);
    const gate = this.required();
    this.correction ??= new KeepCorrection(gate.levels, settings.keepRate);
    this.correction.ask(gate.levels, settings.keepRate);
    const p = this.pending.get(event.sid);
    const exploring = stage === 2 ? p?.explore : undefined;
    const d = decide(gate, stage, input, this.history, { enabled: settings.enabled, keepRate: this.correction.level, exploreRate: settings.exploreRate, rng: this.rng, exploring });
    if (stage === 1 && d.show) {
      this.pending.set(event.sid, { s1: d.score, s2: NaN, explore: d.explore ? d.propensity : undefined, shown: false });
      if (this.pending.size > PENDING) this.pending.delete(this.pending.keys().next().value!);
    } else if (stage === 2 && p) {
      if (d.show) Object.assign(p, { s2: d.score, explore: d.explore ? d.propensity : undefined, shown: true });
      else this.pending.delete(event.sid);
    }
    this.decisions.push({ ts: event.ts, sid: event.sid, stage, show: d.show, score: d.score, threshold: d.threshold, explore: d.explore, preview });
    if (this.decisions.length > KEEP_DECISIONS) this.decisions.shift();
    return d;
  }

  /**
   * Trains on every stored event in a worker thread, saves the model next to the events and sends it to the
   * client. A failure (the thread threw or died) is logged and returned as the result, never thrown.
   */
  async train(): Promise<GateTrainResult> {
    if (this.training) return { trained: false, message: 'training is already running' };
    const dir = this.events.dir;
    if (!dir) return { trained: false, message: 'not trained: the event store is not open' };
    this.training = true;
    const startedWith = this.source;
    // decisions arriving while the thread trains are not in its model: they count toward the next training
    const counted = this.sinceTraining;
    try {
      this.events.flush();
      const outcome = await trainInWorker({ dir });
      if ('notTrained' in outcome) return { trained: false, message: `not trained: ${outcome.notTrained}` };
      const model = outcome.model;
      const compiled = loadGateModel(model);
      this.save(model);
      this.sinceTraining -= counted;
      const s2 = model.stage2.heldOut;
      const message = `trained on ${model.trainedOn.decisions} decisions (${model.trainedOn.accepted} accepted); held-out stage 2 AUC ${s2.auc.toFixed(3)} (${s2.chosen})`;
      // the team's model arrived meanwhile: it stays in use (the saved model returns when it is turned off)
      if (this.source === 'team' && startedWith !== 'team') return { trained: true, decisions: model.trainedOn.decisions, message: `${message}; the team model stays in use` };
      this.gate = compiled;
      this.modelChanged();
      this.source = 'trained';
      this.sendModel();
      return { trained: true, decisions: model.trainedOn.decisions, message };
    } catch (err) {
      const message = `training failed: ${err instanceof Error ? err.message : String(err)}`;
      this.connection?.console.error(`gate ${message}`);
      return { trained: false, message };
    } finally {
      this.training = false;
    }
  }

  /** Gates with the team collector's model, or (undefined) with the local one again. Sent to the client. */
  useTeamModel(model: GateModel | undefined): void {
    this.source = 'default';
    this.gate = model ? loadGateModel(model) : this.loadModel();
    this.modelChanged();
    if (model) this.source = 'team';
    this.sendModel();
  }

  get model(): GateModel {
    return this.required().model;
  }

  private onEvent(e: SuggestionEvent): void {
    observe(this.history, redactEvent(e, this.events.privacy));
    const p = e.kind === 'completion' && outcomeOf(e.type) >= 0 ? this.pending.get(e.sid) : undefined;
    if (p?.shown && this.gate && this.correction) {
      this.pending.delete(e.sid);
      this.correction.record({ required: requiredLevel(this.gate, p.s1, p.s2), propensity: p.explore ?? 1, accepted: outcomeOf(e.type) === 1 });
    }
    if (e.kind !== 'completion' || !isDecision(e)) return;
    this.sinceTraining++;
    void this.settings().then(async (s) => {
      // while the team model is in use, local retraining would silently replace it
      if (this.sinceTraining < s.retrainEvery || this.training || this.source === 'team') return;
      const counted = this.sinceTraining;
      const r = await this.train();
      this.connection?.console.info(`gate retrained after ${s.retrainEvery} decisions: ${r.message}`);
      // too little data yet (or a failure): try again after the next N decisions rather than on every one
      if (!r.trained) this.sinceTraining -= counted;
    });
  }

  /** A new model: the correction moves to its levels (remembered outcomes keep their level), pending scores go. */
  private modelChanged(): void {
    if (this.gate && this.correction) this.correction.reset(this.gate.levels, this.correction.asked);
    this.pending.clear();
  }

  private async settings(uri?: string): Promise<GateSettings> {
    const s = (await this.ctx?.settings.get(uri))?.gate;
    return { enabled: s?.enabled ?? true, keepRate: s?.keepRate ?? 0.95, exploreRate: s?.exploreRate ?? 0.02, retrainEvery: Math.max(1, Math.round(s?.retrainEvery ?? 200)) };
  }

  /** The user's history as of the last stored events: the gate's features continue across restarts. */
  private restoreHistory(): void {
    const dir = this.events.dir;
    if (!dir) return;
    try {
      this.history = historyOf(recentEvents(dir));
    } catch (err) {
      this.connection?.console.warn(`the gate starts without the user's history: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  private sendModel(history?: GateHistoryState): void {
    const note: GateModelNotification = { model: this.required().model, source: this.source, ...(history ? { history } : {}) };
    void this.connection?.sendNotification(Methods.gateModel, note);
  }

  /** The user's trained model when one was saved (and still loads), else the shipped default. */
  private loadModel(): CompiledGate {
    const file = this.events.dir ? join(this.events.dir, MODEL_FILE) : undefined;
    if (file && existsSync(file)) {
      try {
        const g = loadGateModel(JSON.parse(readFileSync(file, 'utf8')));
        this.source = 'trained';
        return g;
      } catch (err) {
        this.unloadable = true;
        this.connection?.console.warn(`ignoring the saved gate model ${file}: ${err instanceof Error ? err.message : String(err)}; using the shipped one until it is trained again`);
      }
    }
    return loadDefaultGate();
  }

  private save(model: GateModel): void {
    if (!this.events.dir) return;
    const file = join(this.events.dir, MODEL_FILE);
    mkdirSync(this.events.dir, { recursive: true });
    writeFileSync(file + '.tmp', JSON.stringify(model));
    renameSync(file + '.tmp', file);
  }

  private required(): CompiledGate {
    if (!this.gate) throw new Error('the gate model is not loaded yet (the server was not initialized)');
    return this.gate;
  }
}
