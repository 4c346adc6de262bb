// The VS Code inline suggestion provider: stage 1 of the gate before asking the server (skipped: no request),
// the server's textDocument/inlineCompletion (model, cache, truncation), stage 2 before showing (hidden:
// nothing shown), and the shown suggestion handed to the lifecycle tracker. Every decision is logged as an event.
import { randomUUID } from 'node:crypto';
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { gateField } from '../../../common/gate/index';
import { eventContext, type InlineSuggestionInfo } from '../../../common/protocol';
import { CommandIds } from '../commands';
import type { ClientGate } from '../gate';
import type { SuggestionTracker } from './tracker';

interface ServerItem { insertText: string | { value: string }; command?: { arguments?: unknown[] } }

export class GatedInlineProvider implements vscode.InlineCompletionItemProvider {
  constructor(
    private readonly client: LanguageClient,
    private readonly gate: ClientGate,
    private readonly tracker: SuggestionTracker,
    private readonly enabled: () => boolean,
  ) {}

  async provideInlineCompletionItems(document: vscode.TextDocument, position: vscode.Position, context: vscode.InlineCompletionContext, token: vscode.CancellationToken): Promise<vscode.InlineCompletionItem[]> {
    if (!this.enabled() || !this.client.isRunning()) return [];
    const offset = document.offsetAt(position);
    const uri = document.uri.toString();
    const along = this.tracker.continuation(uri, offset);
    if (along) return [this.item(along.rest, position, along.info)];
    const text = document.getText();
    const ctx = eventContext(text, offset, document.languageId);
    const sid = randomUUID();
    const line = document.lineAt(position.line).text.slice(0, position.character).trim().slice(0, 60);

    const d1 = this.gate.decide(1, this.tracker.event({ type: 'requested', sid, ctx }), line);
    if (d1 && !d1.show) {
      this.tracker.log({ type: 'skipped', sid, ctx, gate: gateField(d1) });
      return [];
    }
    let result: { items?: ServerItem[] } | ServerItem[] | null;
    try {
      result = await this.client.sendRequest('textDocument/inlineCompletion', {
        textDocument: { uri: document.uri.toString() },
        position: { line: position.line, character: position.character },
        context: { triggerKind: context.triggerKind === vscode.InlineCompletionTriggerKind.Invoke ? 1 : 2 },
        loopwise: { sid, gate: d1 ? gateField(d1) : undefined },
      }, token);
    } catch {
      return []; // cancelled or the server is restarting; problems reach the status bar through loopwise/completionStatus
    }
    const item = (Array.isArray(result) ? result : result?.items ?? [])[0];
    const info = item?.command?.arguments?.[0] as InlineSuggestionInfo | undefined;
    if (!item || !info || token.isCancellationRequested) return [];
    const insert = typeof item.insertText === 'string' ? item.insertText : item.insertText.value;

    const shown = this.tracker.event({ type: 'shown', sid, ctx: info.ctx, sug: info.sug });
    const d2 = this.gate.decide(2, shown, insert.split('\n')[0].slice(0, 60));
    if (d2 && !d2.show) {
      this.tracker.log({ ...shown, type: 'suppressed', gate: gateField(d2) });
      return [];
    }
    this.tracker.log({ ...shown, gate: d2 ? gateField(d2) : undefined });
    this.tracker.shown({ ...info, sid }, uri, offset, insert);
    return [this.item(insert, position, { ...info, sid })];
  }

  private item(text: string, position: vscode.Position, info: InlineSuggestionInfo): vscode.InlineCompletionItem {
    return new vscode.InlineCompletionItem(text, new vscode.Range(position, position), { title: 'Loopwise: suggestion accepted', command: CommandIds.inlineAccepted, arguments: [info] });
  }
}
