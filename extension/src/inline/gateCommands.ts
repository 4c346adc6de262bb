// The gate's palette commands: show the last decisions (why a suggestion was skipped or hidden), turn the gate
// on or off, train it now, export or delete the stored events. Training and the store live in the server.
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { GateCommands, type GateTrainResult } from '../../../common/protocol';
import { CommandIds, defaultSaveUri } from '../commands';
import type { KeepEstimate } from '../../../common/gate/correction';
import type { ClientGate } from '../gate';

export function registerGateCommands(client: LanguageClient, gate: ClientGate): vscode.Disposable[] {
  const server = <T>(command: string, args: unknown[] = []) => client.sendRequest<T>('workspace/executeCommand', { command, arguments: args });
  return [
    vscode.commands.registerCommand(CommandIds.showGateDecisions, () => showDecisions(gate)),
    vscode.commands.registerCommand(CommandIds.toggleGate, async () => {
      const config = vscode.workspace.getConfiguration('loopwise');
      const next = !config.get<boolean>('gate.enabled', true);
      await config.update('gate.enabled', next, vscode.ConfigurationTarget.Global);
      void vscode.window.showInformationMessage(`Loopwise: the suggestion gate is ${next ? 'on' : 'off'}.`);
    }),
    vscode.commands.registerCommand(CommandIds.trainGate, async () => {
      const r = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'Loopwise: training the gate' }, () => server<GateTrainResult>(GateCommands.train));
      void (r.trained ? vscode.window.showInformationMessage(`Loopwise: gate ${r.message}`) : vscode.window.showWarningMessage(`Loopwise: gate ${r.message}`));
    }),
    vscode.commands.registerCommand(CommandIds.exportEvents, async () => {
      const target = await vscode.window.showSaveDialog({ filters: { 'JSON Lines': ['jsonl'] }, saveLabel: 'Export events', defaultUri: defaultSaveUri('loopwise-events.jsonl') });
      if (!target) return;
      const r = await server<{ events: number }>(GateCommands.exportEvents, [target.fsPath]);
      void vscode.window.showInformationMessage(`Loopwise: exported ${r.events} events to ${target.fsPath}.`);
    }),
    vscode.commands.registerCommand(CommandIds.deleteEvents, async () => {
      const yes = 'Delete';
      const pick = await vscode.window.showWarningMessage('Delete every stored suggestion event? The gate keeps its current model.', { modal: true }, yes);
      if (pick !== yes) return;
      await server(GateCommands.deleteEvents);
      void vscode.window.showInformationMessage('Loopwise: all suggestion events were deleted.');
    }),
  ];
}

/** How much of what this user would accept the gate keeps, as the correction estimates it from exploration. */
export function keepRateText(k: KeepEstimate): { label: string; detail: string } {
  const pct = (v: number) => `${(v * 100).toFixed(1)}%`;
  const asked = `asked ${pct(k.target)}`;
  const level = Math.abs(k.level - k.target) < 1e-9 ? 'thresholds at the keep-rate asked' : `thresholds moved to the level for ${pct(k.level)}`;
  if (k.explored < k.minExplored || !Number.isFinite(k.keep)) {
    return { label: `$(graph) keep rate: not estimated yet (${asked})`, detail: `${k.explored} of ${k.minExplored} explored decisions needed before the gate adjusts to you; ${level}` };
  }
  return {
    label: `$(graph) keep rate: about ${pct(k.keep)} of the suggestions you accept are shown (${asked})`,
    detail: `90% sure it is between ${pct(k.low)} and ${pct(k.high)}; from ${k.explored} explored and ${k.accepted} accepted decisions; ${level}`,
  };
}

async function showDecisions(gate: ClientGate): Promise<void> {
  const list = gate.decisions();
  const keep = gate.state().keep;
  if (!list.length) {
    void vscode.window.showInformationMessage(gate.ready ? `Loopwise: the gate has not decided on any suggestion yet.${keep ? ` ${keepRateText(keep).detail}.` : ''}` : 'Loopwise: no gate model yet; every suggestion is shown.');
    return;
  }
  const head = keep ? [{ ...keepRateText(keep), description: '' }, { label: 'decisions', kind: vscode.QuickPickItemKind.Separator, description: '', detail: '' }] : [];
  const items = list.map((d) => ({
    label: `${d.show ? (d.explore ? '$(beaker) shown (exploring)' : '$(eye) shown') : d.stage === 1 ? '$(debug-step-over) skipped' : '$(eye-closed) hidden'}  ${d.preview || '(empty line)'}`,
    description: `stage ${d.stage}: score ${d.score.toFixed(3)} ${d.score >= d.threshold ? '>=' : '<'} threshold ${d.threshold.toFixed(3)}`,
    detail: new Date(d.ts).toLocaleTimeString(),
  }));
  await vscode.window.showQuickPick([...head, ...items], { title: 'Loopwise: last gate decisions (newest first)', matchOnDescription: true });
}
