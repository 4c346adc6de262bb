// textDocument/inlineCompletion: the pipeline cursor context -> (stage-1 gate) -> cache or model (FIM, else
// chat) -> truncation at a syntax boundary -> log-probabilities of the shown part -> (stage-2 gate) -> one item. A client that declares
// experimental.loopwiseInline.gate (the VS Code extension) gates and logs display outcomes itself; for any other
// editor the server applies both gate stages and logs requested/skipped/shown/suppressed. Never an error per
// keystroke: problems (no model, endpoint down) go to loopwise/completionStatus when the state changes.
import { randomUUID } from 'node:crypto';
import type { CancellationToken, Connection, InlineCompletionItem, InlineCompletionList, InlineCompletionParams, ServerCapabilities, ClientCapabilities } from 'vscode-languageserver/node';
import type { EventGate } from '../../../common/events';
import { gateField } from '../../../common/gate/index';
import { Methods, type CompletionStatusNotification, type InlineClientCapability, type InlineSuggestionInfo } from '../../../common/protocol';
import { contextKey, LruCache } from '../completion/cache';
import { cursorContext } from '../completion/context';
import { Debouncer, signalOf } from '../completion/debounce';
import { generate } from '../completion/generate';
import { shownLogProbs, type SuggestionLogProbs } from '../completion/logprobs';
import { errorCounter } from '../completion/syntax';
import { truncateSuggestion } from '../completion/truncate';
import { isConfigured } from '../llm/config';
import { LlmError } from '../llm/errors';
import { lspLlmClient } from '../llm/lsp';
import type { EventsFeature } from './eventsFeature';
import type { Feature, ServerContext } from './features';
import type { GateFeature } from './gateFeature';

/** Client command an accepted item runs (the VS Code extension's acceptance hook). */
export const ACCEPT_COMMAND = 'loopwise.inlineAccepted';

/** What the VS Code client adds to the request: its own suggestion id and stage-1 decision, for the log. */
export interface LoopwiseInlineParams extends InlineCompletionParams {
  loopwise?: { sid?: string; gate?: EventGate };
}

/** A finished suggestion as cached: the shown text and what the gate knows of the model's confidence in it. */
interface Finished {
  text: string;
  logprobs?: SuggestionLogProbs;
}

const lineOf = (text: string, offset: number) => text.slice(text.lastIndexOf('\n', offset - 1) + 1, offset).trim().slice(0, 60);

export class InlineFeature implements Feature {
  readonly name = 'inlineCompletion';
  private readonly debouncer: Debouncer;
  private readonly cache = new LruCache<Finished>(64);
  private ctx: ServerContext | undefined;
  private connection: Connection | undefined;
  private status: CompletionStatusNotification['state'] | undefined;

  constructor(private readonly events: EventsFeature, private readonly gate: GateFeature, debounceMs = 60) {
    this.debouncer = new Debouncer(debounceMs);
  }

  capabilities(client: ClientCapabilities): ServerCapabilities {
    // A gating client registers its own provider and calls the request itself; advertising it would add a second one.
    return this.clientGates(client) ? {} : { inlineCompletionProvider: true };
  }

  register(connection: Connection, ctx: ServerContext): void {
    this.connection = connection;
    this.ctx = ctx;
    connection.onRequest('textDocument/inlineCompletion', (params: LoopwiseInlineParams, token: CancellationToken) => this.provide(params, token));
    ctx.documents.onDidClose((uri) => this.debouncer.forget(uri));
  }

  private clientGates(client: ClientCapabilities): boolean {
    return (client.experimental as { loopwiseInline?: InlineClientCapability } | undefined)?.loopwiseInline?.gate === true;
  }

  async provide(params: LoopwiseInlineParams, token: CancellationToken): Promise<InlineCompletionList | null> {
    const ctx = this.ctx!;
    const uri = params.textDocument.uri;
    const settings = await ctx.settings.get(uri);
    if (!settings.completions.enabled) return this.setStatus('disabled', 'Inline suggestions are off (loopwise.completions.enabled).');
    if (!isConfigured(settings.llm, 'completion')) {
      return this.setStatus('noModel', 'Inline suggestions need a model: set loopwise.llm.models.completion (and loopwise.llm.baseUrl).');
    }
    const ticket = this.debouncer.begin(uri);
    if (!(await this.debouncer.settle(uri, ticket, token))) return null;
    const doc = ctx.documents.get(uri);
    if (!doc) return null;
    const text = doc.document.getText();
    const offset = doc.document.offsetAt(params.position);
    const cc = cursorContext(text, offset, doc.document.languageId);
    const serverGates = !this.clientGates(ctx.client());
    const sid = params.loopwise?.sid || randomUUID();
    const preview = lineOf(text, offset);

    let stage1 = params.loopwise?.gate ?? undefined;
    if (serverGates) {
      const d1 = await this.gate.decide(1, this.events.make({ type: 'requested', sid, ctx: cc.event }), uri, preview);
      stage1 = gateField(d1);
      if (!d1.show) {
        this.events.append(this.events.make({ type: 'skipped', sid, ctx: cc.event, gate: stage1 }));
        return null;
      }
    }
    this.events.append(this.events.make({ type: 'requested', sid, ctx: cc.event, gate: stage1 }));

    const key = contextKey(cc.lang, cc.prefix, cc.suffix, cc.multiline);
    let finished = this.cache.get(key);
    let tokens: number | undefined;
    if (finished === undefined) {
      const abort = signalOf(token);
      try {
        const g = await generate(lspLlmClient(this.connection!, settings.llm), cc.prefix, cc.suffix, cc.multiline, abort.signal);
        tokens = g.tokens;
        const errors = doc.grammar ? await errorCounter(doc.grammar) : undefined;
        const text = truncateSuggestion({ text: g.text, prefix: cc.prefix, suffix: cc.suffix, multiline: cc.multiline, errors });
        finished = { text, logprobs: shownLogProbs(g.logprobs, text) };
        this.cache.set(key, finished);
        this.setStatus('ready', 'Inline suggestions are on.');
      } catch (err) {
        if (err instanceof LlmError && err.kind === 'cancelled') return null;
        return this.setStatus('error', `Inline suggestions failed: ${err instanceof Error ? err.message : String(err)}`);
      } finally {
        abort.dispose();
      }
    }
    const suggestion = finished.text;
    if (!suggestion.trim() || !this.debouncer.current(uri, ticket, token)) return null;

    const sug = { text: suggestion, chars: suggestion.length, lines: suggestion.split('\n').length, tokens, ...finished.logprobs };
    if (serverGates) {
      const shown = this.events.make({ type: 'shown', sid, ctx: cc.event, sug });
      const d2 = await this.gate.decide(2, shown, uri, suggestion.split('\n')[0].slice(0, 60));
      if (!d2.show) {
        this.events.append({ ...shown, type: 'suppressed', gate: gateField(d2) });
        return null;
      }
      this.events.append({ ...shown, gate: gateField(d2) });
    }
    const info: InlineSuggestionInfo = { sid, ts: Date.now(), ctx: cc.event, sug };
    const item: InlineCompletionItem = {
      insertText: suggestion,
      range: { start: params.position, end: params.position },
      ...(serverGates ? {} : { command: { title: 'Loopwise: suggestion accepted', command: ACCEPT_COMMAND, arguments: [info] } }),
    };
    return { items: [item] };
  }

  /** Tells the client when inline suggestions change between working, off, unconfigured and failing. */
  private setStatus(state: CompletionStatusNotification['state'], message: string): null {
    if (state !== this.status) {
      this.status = state;
      if (state === 'error') this.connection?.console.warn(message);
      void this.connection?.sendNotification(Methods.completionStatus, { state, message } satisfies CompletionStatusNotification);
    }
    return null;
  }
}
