// The palette commands: run the tests of the current file, or of every workspace folder (one TestRun in the
// Testing view). Both go through TestRunner, so they show progress with a cancel button. "The current file" is
// the project file last edited, also while a webview (the hint panel) or another panel has the focus.
import { homedir } from 'node:os';
import * as vscode from 'vscode';
import type { TestRunner } from './runner';
import type { TestingView } from './testing';

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

/** Remembers the last active editor of a file inside a workspace folder. */
export class ProjectEditors implements vscode.Disposable {
  private last: vscode.Uri | undefined;
  private readonly subscription: vscode.Disposable;

  constructor() {
    this.note(vscode.window.activeTextEditor);
    this.subscription = vscode.window.onDidChangeActiveTextEditor((e) => this.note(e));
  }

  /** The active editor's file when it is a project file, else the last one still open, else a visible one. */
  currentFile(): vscode.Uri | undefined {
    const active = vscode.window.activeTextEditor?.document.uri;
    if (active && isProjectFile(active)) return active;
    const open = (u: vscode.Uri) => vscode.workspace.textDocuments.some((d) => !d.isClosed && d.uri.toString() === u.toString());
    if (this.last && open(this.last)) return this.last;
    return vscode.window.visibleTextEditors.map((e) => e.document.uri).find(isProjectFile) ?? active;
  }

  private note(editor: vscode.TextEditor | undefined): void {
    if (editor && isProjectFile(editor.document.uri)) this.last = editor.document.uri;
  }

  dispose(): void {
    this.subscription.dispose();
  }
}

/** Where a file saved from a command goes by default: the first workspace folder, else the home folder
 *  (a bare file name resolves against the filesystem root). */
export function defaultSaveUri(fileName: string): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  return folder ? vscode.Uri.joinPath(folder.uri, fileName) : vscode.Uri.joinPath(vscode.Uri.file(homedir()), fileName);
}

function isProjectFile(uri: vscode.Uri): boolean {
  return uri.scheme === 'file' && vscode.workspace.getWorkspaceFolder(uri) !== undefined;
}

export function registerCommands(runner: TestRunner, testing: TestingView, editors: ProjectEditors, output: vscode.LogOutputChannel): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand(CommandIds.runFileTests, (uri?: vscode.Uri) => runFileTests(runner, uri instanceof vscode.Uri ? uri : editors.currentFile())),
    vscode.commands.registerCommand(CommandIds.runWorkspaceTests, () => runWorkspaceTests(testing)),
    vscode.commands.registerCommand(CommandIds.showOutput, () => output.show(true)),
  ];
}

async function runFileTests(runner: TestRunner, file: vscode.Uri | undefined) {
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

async function runWorkspaceTests(testing: TestingView) {
  if (!vscode.workspace.workspaceFolders?.length) {
    void vscode.window.showWarningMessage('Loopwise: open a folder with tests first (File > Open Folder).');
    return [];
  }
  return testing.runWorkspace();
}
