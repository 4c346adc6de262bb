// VS Code's Testing view for Loopwise: a TestController whose items (file > test, with ranges) come from
// finished runs, each run shown as a TestRun with pass/fail states, expected/actual diffs and locations.
// Its Run profile and "Run All Tests" ask the server to run the selected files or folders, in one TestRun.
import * as vscode from 'vscode';
import type { SourceLocation, TestResult, TestResultsNotification, TestRunResult } from '../../common/protocol';
import { testsByFile, type ResultsHub } from './results';
import type { TestRunner } from './runner';

interface ItemOrigin {
  folderUri: string;
  file: string;
}

export type ShownStatus = TestResult['status'];

export class TestingView implements vscode.Disposable {
  readonly controller = vscode.tests.createTestController('loopwise', 'Loopwise');
  private readonly origins = new WeakMap<vscode.TestItem, ItemOrigin>();
  /** TestRuns started by the Run profile, waiting for their folder's result. */
  private readonly claims = new Map<string, vscode.TestRun>();
  /** What each folder's latest run showed, by test item id (read by the e2e tests through the API). */
  readonly shown = new Map<string, Map<string, ShownStatus>>();
  private readonly disposables: vscode.Disposable[] = [];

  constructor(hub: ResultsHub, private readonly runner: TestRunner) {
    this.disposables.push(
      this.controller,
      hub.onDidReceive((run) => this.onResult(run)),
      hub.onDidCompleteFolder(({ folderUri, result }) => this.prune(folderUri, result)),
    );
    this.controller.createRunProfile('Run tests', vscode.TestRunProfileKind.Run, (request, token) => this.runProfile(request, token), true);
  }

  private onResult({ folderUri, result }: TestResultsNotification): void {
    const items = this.updateItems(folderUri, result);
    const claimed = this.claims.get(folderUri);
    this.claims.delete(folderUri);
    const run = claimed ?? this.controller.createTestRun(new vscode.TestRunRequest(items), `Loopwise: ${folderName(folderUri)}`, true);
    this.report(run, folderUri, result);
    if (!claimed) run.end();
  }

  /** "Run All Tests": every folder in one TestRun, so the view's header and badge count the whole workspace. */
  runWorkspace(token?: vscode.CancellationToken): Promise<(TestRunResult | undefined)[]> {
    return this.runTargets(new vscode.TestRunRequest(), token);
  }

  private async runProfile(request: vscode.TestRunRequest, token: vscode.CancellationToken): Promise<void> {
    await this.runTargets(request, token);
  }

  /** One TestRun for the whole request; the folders' results are claimed into it as they arrive. */
  private async runTargets(request: vscode.TestRunRequest, token?: vscode.CancellationToken): Promise<(TestRunResult | undefined)[]> {
    const run = this.controller.createTestRun(request, 'Loopwise', true);
    const results: (TestRunResult | undefined)[] = [];
    try {
      // One folder after the other: test runs are CPU-heavy and each shows its own progress.
      for (const { folder, files } of this.targets(request)) {
        if (token?.isCancellationRequested) break;
        const key = folder.uri.toString();
        for (const file of files.length ? files : [undefined]) {
          this.claims.set(key, run);
          results.push(await this.runner.run(folder, file, token));
          this.claims.delete(key);
        }
      }
    } finally {
      run.end();
    }
    return results;
  }

  /** Folders (and files in them) that a request selects; no selection means every folder. */
  private targets(request: vscode.TestRunRequest): { folder: vscode.WorkspaceFolder; files: vscode.Uri[] }[] {
    const folders = vscode.workspace.workspaceFolders ?? [];
    if (!request.include?.length) return folders.map((folder) => ({ folder, files: [] }));
    const byFolder = new Map<string, { folder: vscode.WorkspaceFolder; files: vscode.Uri[] }>();
    for (const item of request.include) {
      const origin = this.origins.get(item);
      const folder = origin && folders.find((f) => f.uri.toString() === origin.folderUri);
      if (!origin || !folder) continue;
      const entry = byFolder.get(origin.folderUri) ?? { folder, files: [] };
      const uri = vscode.Uri.joinPath(folder.uri, origin.file);
      if (!entry.files.some((f) => f.toString() === uri.toString())) entry.files.push(uri);
      byFolder.set(origin.folderUri, entry);
    }
    return [...byFolder.values()];
  }

  /** Replaces the children of every file the result covers with the tests it reports. */
  private updateItems(folderUri: string, result: TestRunResult): vscode.TestItem[] {
    const root = vscode.Uri.parse(folderUri);
    const files: vscode.TestItem[] = [];
    for (const [file, tests] of testsByFile(result)) {
      const uri = vscode.Uri.joinPath(root, file);
      const fileItem = this.controller.createTestItem(`${folderUri}/${file}`, file, uri);
      this.origins.set(fileItem, { folderUri, file });
      fileItem.children.replace(tests.map((t) => {
        const item = this.controller.createTestItem(`${folderUri}::${t.id}`, t.name, uri);
        if (t.line) item.range = lineRange(t.line);
        this.origins.set(item, { folderUri, file });
        return item;
      }));
      this.controller.items.add(fileItem);
      files.push(fileItem);
    }
    return files;
  }

  /** Drops the items of test files that a complete run of their folder no longer reports (deleted, renamed). */
  private prune(folderUri: string, result: TestRunResult): void {
    const reported = new Set(result.tests.map((t) => t.file));
    const stale: string[] = [];
    this.controller.items.forEach((item) => {
      const origin = this.origins.get(item);
      if (origin?.folderUri === folderUri && !reported.has(origin.file)) stale.push(item.id);
    });
    for (const id of stale) this.controller.items.delete(id);
  }

  private report(run: vscode.TestRun, folderUri: string, result: TestRunResult): void {
    const root = vscode.Uri.parse(folderUri);
    const shown = new Map<string, ShownStatus>();
    for (const t of result.tests) {
      const item = this.controller.items.get(`${folderUri}/${t.file}`)?.children.get(`${folderUri}::${t.id}`);
      if (!item) continue;
      shown.set(item.id, t.status);
      switch (t.status) {
        case 'passed': run.passed(item, t.durationMs); break;
        case 'skipped': run.skipped(item); break;
        case 'failed': run.failed(item, messagesFor(root, t), t.durationMs); break;
        case 'error':
        case 'timedOut': run.errored(item, messagesFor(root, t), t.durationMs); break;
      }
    }
    for (const p of result.problems) run.appendOutput(`Loopwise: ${p.message}\r\n`);
    this.shown.set(folderUri, shown);
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}

/** The failure message (a diff when the framework gave expected and actual) at the assertion, plus one
 *  at the deepest frame in user code when that is elsewhere. */
export function messagesFor(root: vscode.Uri, t: TestResult): vscode.TestMessage[] {
  const text = t.message ?? (t.status === 'timedOut' ? 'Test timed out' : `Test ${t.status}`);
  const main = t.expected !== undefined && t.actual !== undefined
    ? vscode.TestMessage.diff(text, t.expected, t.actual)
    : new vscode.TestMessage(text);
  const at = t.assertion ?? (t.line ? { file: t.file, line: t.line } : undefined);
  if (at) main.location = location(root, at);
  const messages = [main];
  const deepest = t.traceback?.at(-1);
  if (deepest && !(at && deepest.file === at.file && deepest.line === at.line)) {
    const where = deepest.function ? ` in ${deepest.function}` : '';
    const raised = new vscode.TestMessage(`Raised here${where}: ${text}`);
    raised.location = location(root, deepest);
    messages.push(raised);
  }
  return messages;
}

function location(root: vscode.Uri, at: SourceLocation): vscode.Location {
  return new vscode.Location(vscode.Uri.joinPath(root, at.file), lineRange(at.line));
}

function lineRange(line: number): vscode.Range {
  return new vscode.Range(Math.max(0, line - 1), 0, Math.max(0, line - 1), 0);
}

function folderName(folderUri: string): string {
  return vscode.workspace.getWorkspaceFolder(vscode.Uri.parse(folderUri))?.name ?? folderUri;
}
