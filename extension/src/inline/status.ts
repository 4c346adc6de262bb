// Status bar entry of the gate: on/off, the keep-rate, which model (shipped or trained on N of your decisions),
// the keep rate the gate estimates it holds for this user, and a warning when inline suggestions cannot work (no
// model configured, endpoint failing). Click: the last gate decisions with their scores.
import * as vscode from 'vscode';
import type { CompletionStatusNotification } from '../../../common/protocol';
import { CommandIds } from '../commands';
import type { ClientGate } from '../gate';
import { keepRateText } from './gateCommands';

export class GateStatus implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('loopwise.gate', vscode.StatusBarAlignment.Right, 100);
  private completion: CompletionStatusNotification | undefined;

  constructor(private readonly gate: ClientGate) {
    this.item.name = 'Loopwise Gate';
    this.item.command = CommandIds.showGateDecisions;
    this.render();
    this.item.show();
  }

  setCompletion(note: CompletionStatusNotification): void {
    this.completion = note;
    this.render();
  }

  render(): void {
    const s = this.gate.state();
    const problem = this.completion && this.completion.state !== 'ready' ? this.completion : undefined;
    const gateText = s.enabled ? `gate ${Math.round(s.keepRate * 100)}%` : 'gate off';
    this.item.text = `${problem ? '$(warning)' : s.enabled ? '$(filter)' : '$(circle-slash)'} ${gateText}`;
    const model = s.source === undefined ? 'no model yet (everything is shown)'
      : s.source === 'default' ? `shipped model (trained on ${s.trainedOn} decisions of a public study)`
        : `${s.source} model trained on ${s.trainedOn} decisions`;
    this.item.tooltip = [
      `Loopwise gate: ${s.enabled ? `on, keeps ${Math.round(s.keepRate * 100)}% of suggestions you would accept` : 'off, every suggestion is shown'}`,
      `Model: ${model}`,
      ...(s.keep && s.enabled ? [keepRateText(s.keep).label.replace('$(graph) ', '')] : []),
      problem ? problem.message : 'Click to see the last gate decisions.',
    ].join('\n');
  }

  dispose(): void {
    this.item.dispose();
  }
}
