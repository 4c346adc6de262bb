// Feeds the editor's changes, cursor moves and editor switches into the label state machine (lifecycle.ts),
// runs the retention checks, and logs every event: to the gate's history first, then to the server's store
// (loopwise/events, batched for a moment so a burst of typing sends one notification).
import { randomUUID } from 'node:crypto';
import { userInfo } from 'node:os';
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import type { SuggestionEvent } from '../../../common/events';
import { Methods, type EventsNotification, type InlineSuggestionInfo } from '../../../common/protocol';
import type { ClientGate } from '../gate';
import { SuggestionLifecycle, type LifecycleEvent } from '../lifecycle';

const SEND_AFTER_MS = 500;
const TICK_MS = 5_000;

export class SuggestionTracker implements vscode.Disposable {
  private readonly lifecycle = new SuggestionLifecycle((e) => this.onLabel(e));
  private readonly session = randomUUID();
  private readonly user = userName();
  private queue: SuggestionEvent[] = [];
  private visibleInfo: InlineSuggestionInfo | undefined;
  private timer: NodeJS.Timeout | undefined;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly client: LanguageClient, private readonly gate: ClientGate) {
    const tick = setInterval(() => this.lifecycle.tick(Date.now(), (uri, s, e) => textAt(uri, s, e)), TICK_MS);
    this.disposables.push(
      { dispose: () => clearInterval(tick) },
      vscode.workspace.onDidChangeTextDocument((ev) => {
        const uri = ev.document.uri.toString();
        // VS Code lists one event's changes from the end of the document backwards: offsets stay valid in order
        for (const c of ev.contentChanges) this.lifecycle.change(uri, { offset: c.rangeOffset, deleteCount: c.rangeLength, text: c.text }, Date.now());
      }),
      vscode.window.onDidChangeTextEditorSelection((ev) => {
        const s = ev.selections[0];
        if (s) this.lifecycle.cursor(ev.textEditor.document.uri.toString(), ev.textEditor.document.offsetAt(s.active), Date.now());
      }),
      vscode.window.onDidChangeActiveTextEditor((ed) => this.lifecycle.editorChanged(ed?.document.uri.toString(), Date.now())),
    );
  }

  /** A new event of this client with id, time, user and session filled in. */
  event(fields: Pick<SuggestionEvent, 'type' | 'sid'> & Partial<SuggestionEvent>): SuggestionEvent {
    return { v: 1, id: randomUUID(), ts: Date.now(), user: this.user, session: this.session, kind: 'completion', source: 'vscode', ...fields };
  }

  log(fields: Pick<SuggestionEvent, 'type' | 'sid'> & Partial<SuggestionEvent>): void {
    const e = this.event(fields);
    this.gate.observe(e);
    this.queue.push(e);
    this.timer ??= setTimeout(() => this.send(), SEND_AFTER_MS);
  }

  shown(info: InlineSuggestionInfo, uri: string, offset: number, text: string): void {
    this.visibleInfo = info;
    this.lifecycle.shown(info.sid, uri, offset, text, Date.now());
  }

  /** The visible suggestion's rest when the user is typing along it (offered again instead of a new request). */
  continuation(uri: string, offset: number): { rest: string; info: InlineSuggestionInfo } | undefined {
    const c = this.lifecycle.continuation(uri, offset);
    return c && this.visibleInfo?.sid === c.sid ? { rest: c.rest, info: this.visibleInfo } : undefined;
  }

  /** The accept command of an item ran. */
  accepted(sid: string): void {
    this.lifecycle.acceptedCommand(sid, Date.now());
  }

  dispose(): void {
    this.send();
    for (const d of this.disposables) d.dispose();
  }

  private onLabel(e: LifecycleEvent): void {
    this.log({ type: e.type, sid: e.sid, ts: e.ts, accepted: e.accepted, retention: e.retention });
  }

  private send(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.queue.length || !this.client.isRunning()) return;
    const note: EventsNotification = { events: this.queue };
    this.queue = [];
    void this.client.sendNotification(Methods.events, note);
  }
}

function textAt(uri: string, start: number, end: number): string | undefined {
  const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri);
  return doc?.getText(new vscode.Range(doc.positionAt(start), doc.positionAt(end)));
}

function userName(): string {
  try {
    return userInfo().username || 'local';
  } catch {
    return 'local';
  }
}
