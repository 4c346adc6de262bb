// Status bar entry: the summary of the latest run of each folder (a spinner while one of ours is running).
// Clicking it runs every folder's tests.
import * as vscode from 'vscode';
import type { TestResultsNotification, TestRunResult } from '../../common/protocol';
import { CommandIds } from './commands';
import type { ResultsHub } from './results';
import { summaryText } from './runner';

export class StatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('loopwise.status', vscode.StatusBarAlignment.Left, 10);
  private readonly latest = new Map<string, TestRunResult>();
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly hub: ResultsHub) {
    this.item.name = 'Loopwise';
    this.item.command = CommandIds.runWorkspaceTests;
    this.disposables.push(
      this.item,
      hub.onDidReceive((run) => this.onResult(run)),
      hub.onDidChangeBusy(() => this.render()),
    );
    this.render();
    this.item.show();
  }

  private onResult({ folderUri, result }: TestResultsNotification): void {
    this.latest.set(folderUri, result);
    this.render();
  }

  private render(): void {
    const results = [...this.latest.values()];
    const total = { passed: 0, failing: 0 };
    for (const r of results) {
      total.passed += r.summary.passed;
      total.failing += r.summary.failed + r.summary.errors + r.summary.timedOut;
    }
    if (this.hub.busy) {
      this.item.text = '$(sync~spin) Loopwise: running tests';
    } else if (results.length === 0) {
      this.item.text = '$(beaker) Loopwise';
    } else {
      this.item.text = total.failing ? `$(error) ${total.failing} failing, ${total.passed} passed` : `$(pass) ${total.passed} passed`;
    }
    this.item.backgroundColor = !this.hub.busy && total.failing ? new vscode.ThemeColor('statusBarItem.errorBackground') : undefined;
    const lines = [...this.latest].map(([folderUri, r]) => `${folderLabel(folderUri)}: ${summaryText(r)}`);
    this.item.tooltip = `${lines.length ? lines.join('\n') : 'No test run yet.'}\nClick to run all tests.`;
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}

function folderLabel(folderUri: string): string {
  return vscode.workspace.getWorkspaceFolder(vscode.Uri.parse(folderUri))?.name ?? folderUri;
}
