// The palette commands: run the tests of the current file, or of every workspace folder.
// Both go through TestRunner, so they show progress with a cancel button.
import * as vscode from 'vscode';
import type { TestRunner } from './runner';

export const CommandIds = {
  runFileTests: 'loopwise.runFileTests',
  runWorkspaceTests: 'loopwise.runWorkspaceTests',
  showOutput: 'loopwise.showOutput',
  /** Registered by fixes.ts: diff preview of a verified fix offered by the server's code action. */
  previewFix: 'loopwise.previewFix',
  /** Registered by llm.ts: the API key goes to SecretStorage. */
  setLlmApiKey: 'loopwise.setLlmApiKey',
  clearLlmApiKey: 'loopwise.clearLlmApiKey',
  /** Registered by inline/: the inline item's acceptance hook (hidden from the palette). */
  inlineAccepted: 'loopwise.inlineAccepted',
  showGateDecisions: 'loopwise.showGateDecisions',
  toggleGate: 'loopwise.toggleGate',
  trainGate: 'loopwise.trainGate',
  exportEvents: 'loopwise.exportEvents',
  deleteEvents: 'loopwise.deleteEvents',
  /** Registered by team.ts: the team token goes to SecretStorage; upload the queued events now. */
  setTeamToken: 'loopwise.setTeamToken',
  uploadEventsNow: 'loopwise.uploadEventsNow',
  /** Registered by hintPanel.ts: the tutor hint panel for the active file's folder. */
  showHint: 'loopwise.showHint',
} as const;

export function registerCommands(runner: TestRunner, output: vscode.LogOutputChannel): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand(CommandIds.runFileTests, (uri?: vscode.Uri) => runFileTests(runner, uri)),
    vscode.commands.registerCommand(CommandIds.runWorkspaceTests, () => runWorkspaceTests(runner)),
    vscode.commands.registerCommand(CommandIds.showOutput, () => output.show(true)),
  ];
}

async function runFileTests(runner: TestRunner, uri?: vscode.Uri) {
  const file = uri instanceof vscode.Uri ? uri : vscode.window.activeTextEditor?.document.uri;
  if (!file) {
    void vscode.window.showWarningMessage('Loopwise: open a file of your project first, then run its tests.');
    return undefined;
  }
  const folder = vscode.workspace.getWorkspaceFolder(file);
  if (!folder) {
    void vscode.window.showWarningMessage(`Loopwise: ${file.fsPath} is not inside an open workspace folder, so there are no tests to run for it.`);
    return undefined;
  }
  return runner.run(folder, file);
}

async function runWorkspaceTests(runner: TestRunner) {
  const folders = vscode.workspace.workspaceFolders ?? [];
  if (folders.length === 0) {
    void vscode.window.showWarningMessage('Loopwise: open a folder with tests first (File > Open Folder).');
    return [];
  }
  const results = [];
  // One folder after the other: test runs are CPU-heavy and each shows its own progress.
  for (const folder of folders) results.push(await runner.run(folder));
  return results;
}
