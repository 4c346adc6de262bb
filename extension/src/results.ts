// One place where finished test runs arrive: the server's testResults notifications and the responses
// to our own runTests requests. The same run reaches us both ways, so it is delivered to listeners once.
import { createHash } from 'node:crypto';
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { Methods, type TestResult, type TestResultsNotification, type TestRunResult } from '../../common/protocol';

const REMEMBERED_RUNS = 16;

export class ResultsHub implements vscode.Disposable {
  private readonly received = new vscode.EventEmitter<TestResultsNotification>();
  private readonly busyChanged = new vscode.EventEmitter<boolean>();
  private readonly folderCompleted = new vscode.EventEmitter<TestResultsNotification>();
  readonly onDidReceive = this.received.event;
  /** A run of a whole folder ended normally: test files it did not report have no tests any more. */
  readonly onDidCompleteFolder = this.folderCompleted.event;
  readonly onDidChangeBusy = this.busyChanged.event;
  private readonly seen: string[] = [];
  private running = 0;

  listen(client: LanguageClient): vscode.Disposable {
    return client.onNotification(Methods.testResults, (params: TestResultsNotification) => this.publish(params));
  }

  publish(run: TestResultsNotification): void {
    // A digest, not the text: a run carries up to 64 KB of output per test, and 16 of them stay remembered.
    const key = createHash('sha1').update(JSON.stringify(run)).digest('hex');
    if (this.seen.includes(key)) return;
    this.seen.push(key);
    if (this.seen.length > REMEMBERED_RUNS) this.seen.shift();
    this.received.fire(run);
  }

  /** Called for our own whole-folder runs (runs on save cover only some files, so they never prune). */
  completeFolder(run: TestResultsNotification): void {
    const partial = run.result.problems.some((p) => p.kind === 'runTimedOut' || p.kind === 'runnerCrashed' || p.kind === 'syntaxError');
    if (!partial) this.folderCompleted.fire(run);
  }

  get busy(): boolean {
    return this.running > 0;
  }

  /** Marks a run we requested as in progress until the returned function is called. */
  begin(): () => void {
    this.running++;
    if (this.running === 1) this.busyChanged.fire(true);
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      this.running--;
      if (this.running === 0) this.busyChanged.fire(false);
    };
  }

  dispose(): void {
    this.received.dispose();
    this.busyChanged.dispose();
    this.folderCompleted.dispose();
  }
}

/** A run's tests grouped by test file (both the Testing view and the status bar keep results per file). */
export function testsByFile(result: TestRunResult): Map<string, TestResult[]> {
  const byFile = new Map<string, TestResult[]>();
  for (const t of result.tests) byFile.set(t.file, [...(byFile.get(t.file) ?? []), t]);
  return byFile;
}
