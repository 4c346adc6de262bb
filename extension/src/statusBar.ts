// Status bar entry: how many tests pass and fail, by the latest result of each test file in each folder
// (a run of one file updates only that file's counts); a spinner while one of our runs is going.
// Clicking it runs every folder's tests.
import * as vscode from 'vscode';
import type { TestResult, TestResultsNotification } from '../../common/protocol';
import { CommandIds } from './commands';
import { testsByFile, type ResultsHub } from './results';

export class StatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('loopwise.status', vscode.StatusBarAlignment.Left, 10);
  /** folder URI -> test file -> that file's tests in its latest run */
  private readonly latest = new Map<string, Map<string, TestResult[]>>();
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly hub: ResultsHub) {
    this.item.name = 'Loopwise';
    this.item.command = CommandIds.runWorkspaceTests;
    this.disposables.push(
      this.item,
      hub.onDidReceive((run) => this.onResult(run)),
      hub.onDidChangeBusy(() => this.render()),
      hub.onDidCompleteFolder(({ folderUri, result }) => this.prune(folderUri, new Set(result.tests.map((t) => t.file)))),
    );
    this.render();
    this.item.show();
  }

  private onResult({ folderUri, result }: TestResultsNotification): void {
    const files = this.latest.get(folderUri) ?? new Map<string, TestResult[]>();
    for (const [file, tests] of testsByFile(result)) files.set(file, tests);
    this.latest.set(folderUri, files);
    this.render();
  }

  private prune(folderUri: string, reported: Set<string>): void {
    const files = this.latest.get(folderUri);
    for (const file of files?.keys() ?? []) if (!reported.has(file)) files?.delete(file);
    this.render();
  }

  private render(): void {
    const total = { passed: 0, failing: 0 };
    const lines: string[] = [];
    for (const [folderUri, files] of this.latest) {
      const tests = [...files.values()].flat();
      const passed = tests.filter((t) => t.status === 'passed').length;
      const failing = tests.filter((t) => t.status === 'failed' || t.status === 'error' || t.status === 'timedOut').length;
      total.passed += passed;
      total.failing += failing;
      lines.push(`${folderLabel(folderUri)}: ${passed} passed, ${failing} failing`);
    }
    if (this.hub.busy) {
      this.item.text = '$(sync~spin) Loopwise: running tests';
    } else if (this.latest.size === 0) {
      this.item.text = '$(beaker) Loopwise';
    } else {
      this.item.text = total.failing ? `$(error) ${total.failing} failing, ${total.passed} passed` : `$(pass) ${total.passed} passed`;
    }
    this.item.backgroundColor = !this.hub.busy && total.failing ? new vscode.ThemeColor('statusBarItem.errorBackground') : undefined;
    this.item.tooltip = `${lines.length ? lines.join('\n') : 'No test run yet.'}\nClick to run all tests.`;
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}

function folderLabel(folderUri: string): string {
  return vscode.workspace.getWorkspaceFolder(vscode.Uri.parse(folderUri))?.name ?? folderUri;
}
