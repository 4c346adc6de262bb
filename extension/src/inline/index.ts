// Wires inline suggestions into VS Code: declares experimental.loopwiseInline (this client gates and keeps the
// events in its globalStorage), receives gate models and the completion status from the server, registers the
// gated provider and the acceptance hook, and the gate's status bar entry and commands. The gate's per-user
// keep-rate correction is saved in globalState (a few seconds after it changes) and restored at start.
import * as vscode from 'vscode';
import type { FeatureState, LanguageClient, StaticFeature } from 'vscode-languageclient/node';
import type { CorrectionState } from '../../../common/gate/correction';
import { Methods, type CompletionStatusNotification, type GateModelNotification, type InlineClientCapability, type InlineSuggestionInfo } from '../../../common/protocol';
import { CommandIds } from '../commands';
import { ClientGate } from '../gate';
import { registerGateCommands } from './gateCommands';
import { GatedInlineProvider } from './provider';
import { GateStatus } from './status';
import { SuggestionTracker } from './tracker';

const languages = ['python', 'javascript', 'typescript'];
const CORRECTION_KEY = 'loopwise.gate.correction';
const SAVE_AFTER_MS = 3000;

/** Must run before client.start(): the capability goes into the initialize request. */
export function registerInline(context: vscode.ExtensionContext, client: LanguageClient, output: vscode.LogOutputChannel): vscode.Disposable[] {
  client.registerFeature(new InlineCapability(context.globalStorageUri.fsPath));
  const config = () => vscode.workspace.getConfiguration('loopwise');
  let saveTimer: NodeJS.Timeout | undefined;
  let toSave: CorrectionState | undefined;
  const save = () => { clearTimeout(saveTimer); saveTimer = undefined; if (toSave) void context.globalState.update(CORRECTION_KEY, toSave); toSave = undefined; };
  const gate = new ClientGate(() => ({
    enabled: config().get<boolean>('gate.enabled', true),
    keepRate: config().get<number>('gate.keepRate', 0.95),
    exploreRate: config().get<number>('gate.exploreRate', 0.02),
    retrainEvery: config().get<number>('gate.retrainEvery', 200),
    privacy: config().get<string>('events.privacy', 'all') === 'noCode' ? 'noCode' : 'all',
  }), Math.random, (state) => { toSave = state; saveTimer ??= setTimeout(save, SAVE_AFTER_MS); });
  gate.restoreCorrection(context.globalState.get<CorrectionState>(CORRECTION_KEY));
  const tracker = new SuggestionTracker(client, gate);
  const status = new GateStatus(gate);
  client.onNotification(Methods.gateModel, (note: GateModelNotification) => {
    try {
      gate.setModel(note);
      output.info(`gate model received (${note.source}, trained on ${note.model.trainedOn.decisions} decisions)`);
    } catch (err) {
      output.warn(`gate model refused: ${err instanceof Error ? err.message : String(err)}`);
    }
    status.render();
  });
  client.onNotification(Methods.completionStatus, (note: CompletionStatusNotification) => status.setCompletion(note));
  const provider = new GatedInlineProvider(client, gate, tracker, () => config().get<boolean>('completions.enabled', true));
  return [
    { dispose: save },
    tracker,
    status,
    vscode.languages.registerInlineCompletionItemProvider(languages.map((language) => ({ scheme: 'file', language })), provider),
    vscode.commands.registerCommand(CommandIds.inlineAccepted, (info: InlineSuggestionInfo) => tracker.accepted(info.sid)),
    vscode.workspace.onDidChangeConfiguration((e) => { if (e.affectsConfiguration('loopwise.gate')) status.render(); }),
    ...registerGateCommands(client, gate),
  ];
}

class InlineCapability implements StaticFeature {
  constructor(private readonly storageDir: string) {}
  fillClientCapabilities(capabilities: { experimental?: unknown }): void {
    const loopwiseInline: InlineClientCapability = { gate: true, storageDir: this.storageDir };
    capabilities.experimental = { ...(capabilities.experimental as object | undefined), loopwiseInline };
  }
  initialize(): void {}
  getState(): FeatureState {
    return { kind: 'static' };
  }
  clear(): void {}
}
