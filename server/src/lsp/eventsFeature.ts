// The local suggestion-event store behind LSP: the client's events (loopwise/events) and the server's own
// (requested/skipped/...) are appended to one EventStore — this server is its only writer — in the folder the
// client names (VS Code: the extension's globalStorage) or under the OS cache folder for other editors.
// Commands export and delete everything. Listeners see each stored event (the gate folds them into history).
import { randomUUID } from 'node:crypto';
import { homedir, userInfo } from 'node:os';
import { join } from 'node:path';
import type { Connection } from 'vscode-languageserver/node';
import { validateEvent, type PrivacyLevel, type SuggestionEvent } from '../../../common/events';
import { GateCommands, Methods, type EventsNotification, type InlineClientCapability } from '../../../common/protocol';
import { EventStore } from '../events/store';
import type { Feature, ServerContext } from './features';

/** Where editors other than VS Code keep events: the per-user cache folder of the OS. */
export function defaultEventsDir(env: NodeJS.ProcessEnv = process.env, platform = process.platform): string {
  if (platform === 'win32') return join(env.LOCALAPPDATA ?? join(homedir(), 'AppData', 'Local'), 'loopwise', 'events');
  if (platform === 'darwin') return join(homedir(), 'Library', 'Caches', 'loopwise', 'events');
  return join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'loopwise', 'events');
}

/** How long events wait for the privacy setting before they are stored without code. */
const privacyWaitMs = 10_000;
const maxWaiting = 10_000;

export const privacyOf = (raw: unknown): PrivacyLevel => (raw === 'noCode' ? 'noCode' : 'all');

export class EventsFeature implements Feature {
  readonly name = 'events';
  /** One id per server run: the `session` of the events it writes. */
  readonly session = randomUUID();
  readonly user = safeUser();
  private store: EventStore | undefined;
  private connection: Connection | undefined;
  private readonly listeners: Array<(e: SuggestionEvent) => void> = [];
  /** Events held until the privacy setting is first read; undefined once it has been. */
  private waiting: SuggestionEvent[] | undefined = [];

  register(connection: Connection, ctx: ServerContext): void {
    this.connection = connection;
    const cap = (ctx.client().experimental as { loopwiseInline?: InlineClientCapability } | undefined)?.loopwiseInline;
    // Code text is never stored before the user's choice is known: events wait for the first read of the
    // setting (which comes after 'initialized'), and are stored without code if it never comes.
    this.store = new EventStore({ dir: cap?.storageDir || defaultEventsDir(), privacy: 'noCode' });
    const refreshPrivacy = () => ctx.settings.get().then((s) => { if (this.store) this.store.privacy = privacyOf(s.events.privacy); });
    const known = () => { this.writeWaiting(); clearTimeout(giveUp); };
    const giveUp = setTimeout(known, privacyWaitMs).unref();
    refreshPrivacy().then(known, known);
    ctx.settings.onDidChange(refreshPrivacy);
    connection.onNotification(Methods.events, (p: EventsNotification) => {
      for (const raw of Array.isArray(p?.events) ? p.events : []) {
        const v = validateEvent(raw);
        if (v.ok) this.append(v.event);
        else connection.console.warn(`loopwise/events: dropped an invalid event (${v.field}: ${v.error})`);
      }
    });
    ctx.commands.register(GateCommands.exportEvents, async (args) => {
      const file = args[0];
      if (typeof file !== 'string' || !file) throw new Error(`${GateCommands.exportEvents} needs the path of the file to write`);
      return { events: this.required().exportTo(file) };
    });
    ctx.commands.register(GateCommands.deleteEvents, async () => {
      this.required().deleteAll();
      return { deleted: true };
    });
  }

  get privacy(): PrivacyLevel {
    return this.store?.privacy ?? 'all';
  }

  get dir(): string | undefined {
    return this.store?.dir;
  }

  /** Stores one event (validated and redacted by the store) and tells the listeners. */
  append(e: SuggestionEvent): void {
    const store = this.required();
    if (this.waiting) {
      if (this.waiting.length < maxWaiting) this.waiting.push(e);
      else this.connection?.console.warn('event not stored: too many events before the privacy setting was read');
    } else if (!this.storeOne(store, e)) return;
    for (const l of this.listeners) l(e);
  }

  private storeOne(store: EventStore, e: SuggestionEvent): boolean {
    try {
      store.append(e);
      return true;
    } catch (err) {
      this.connection?.console.warn(`event not stored: ${err instanceof Error ? err.message : String(err)}`);
      return false;
    }
  }

  /** Stores the events that arrived before the privacy setting was known, at the level now in force. */
  private writeWaiting(): void {
    const waiting = this.waiting;
    this.waiting = undefined;
    if (this.store) for (const e of waiting ?? []) this.storeOne(this.store, e);
  }

  /** A new event of this server's own, with the id, time, user and session filled in. */
  make(fields: Pick<SuggestionEvent, 'type' | 'sid'> & Partial<SuggestionEvent>): SuggestionEvent {
    return { v: 1, id: randomUUID(), ts: Date.now(), user: this.user, session: this.session, kind: 'completion', source: 'loopwise-server', ...fields };
  }

  onEvent(listener: (e: SuggestionEvent) => void): void {
    this.listeners.push(listener);
  }

  read(): SuggestionEvent[] {
    return this.required().read().events;
  }

  /** Writes buffered events now, before another reader (the gate's training thread) reads the files. */
  flush(): void {
    this.store?.flush();
  }

  dispose(): void {
    this.writeWaiting();
    this.store?.close();
  }

  async shutdown(): Promise<void> {
    this.writeWaiting();
    this.store?.flush();
  }

  private required(): EventStore {
    if (!this.store) throw new Error('the event store is not open yet (the server was not initialized)');
    return this.store;
  }
}

function safeUser(): string {
  try {
    return userInfo().username || 'local';
  } catch {
    return 'local';
  }
}
