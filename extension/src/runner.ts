// Sends loopwise/runTests for a folder or a file with a work-done token, shows the server's progress
// reports in a cancellable notification, and turns cancellation into an LSP request cancellation. Every finished
// run, whoever started it, is logged in the Output channel (logRuns).
import { randomUUID } from 'node:crypto';
import * as vscode from 'vscode';
import { LSPErrorCodes, ResponseError, WorkDoneProgress, type LanguageClient, type WorkDoneProgressBegin, type WorkDoneProgressReport } from 'vscode-languageclient/node';
import { Methods, type RunProblem, type RunTestsParams, type TestRunResult } from '../../common/protocol';
import type { ResultsHub } from './results';

export class TestRunner {
  private warnedWeakSandbox = false;

  constructor(
    private readonly client: LanguageClient,
    private readonly ready: Promise<boolean>,
    private readonly hub: ResultsHub,
    private readonly output: vscode.LogOutputChannel,
  ) {}

  /** Runs the tests of `folder` (only those related to `file` when given). Undefined when cancelled or failed. */
  async run(folder: vscode.WorkspaceFolder, file?: vscode.Uri, cancel?: vscode.CancellationToken): Promise<TestRunResult | undefined> {
    if (!(await this.ready)) {
      void vscode.window.showErrorMessage('Loopwise: the language server is not running (see Output > Loopwise).');
      return undefined;
    }
    const what = file ? vscode.workspace.asRelativePath(file) : folder.name;
    const end = this.hub.begin();
    try {
      return await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `Loopwise: running tests (${what})`, cancellable: true },
        async (progress, token) => {
          const either = new vscode.CancellationTokenSource();
          const links = [token, cancel].map((t) => t?.onCancellationRequested(() => either.cancel()));
          if (token.isCancellationRequested || cancel?.isCancellationRequested) either.cancel();
          try {
            return await this.request(folder, file, progress, either.token);
          } finally {
            for (const l of links) l?.dispose();
            either.dispose();
          }
        },
      );
    } finally {
      end();
    }
  }

  private async request(
    folder: vscode.WorkspaceFolder,
    file: vscode.Uri | undefined,
    progress: vscode.Progress<{ message?: string; increment?: number }>,
    token: vscode.CancellationToken,
  ): Promise<TestRunResult | undefined> {
    const workDoneToken = `loopwise-run-${randomUUID()}`;
    let shown = 0;
    const onProgress = this.client.onProgress(WorkDoneProgress.type, workDoneToken, (value) => {
      if (value.kind === 'end') return;
      const { message, percentage } = value as WorkDoneProgressBegin | WorkDoneProgressReport;
      const increment = percentage !== undefined ? Math.max(0, percentage - shown) : undefined;
      if (percentage !== undefined) shown = Math.max(shown, percentage);
      progress.report({ message, increment });
    });
    const params: RunTestsParams = { folderUri: folder.uri.toString(), fileUri: file?.toString(), workDoneToken };
    try {
      const result = await this.client.sendRequest<TestRunResult>(Methods.runTests, params, token);
      this.hub.publish({ folderUri: params.folderUri, result });
      if (!file) this.hub.completeFolder({ folderUri: params.folderUri, result });
      this.reportProblems(result.problems);
      return result;
    } catch (err) {
      if (token.isCancellationRequested) {
        this.output.info(`${folder.name}: cancelled`);
        return undefined;
      }
      // The server cancels a run that a newer run of the same folder replaces (a save during a run): the
      // newer run reports the results, so this is no error to show.
      if (err instanceof ResponseError && err.code === LSPErrorCodes.RequestCancelled) {
        this.output.info(`${folder.name}: ${err.message}`);
        return undefined;
      }
      const message = err instanceof Error ? err.message : String(err);
      this.output.error(`${folder.name}: test run failed: ${message}`);
      void vscode.window.showErrorMessage(`Loopwise: running the tests failed: ${message}`);
      return undefined;
    } finally {
      onProgress.dispose();
    }
  }

  private reportProblems(problems: RunProblem[]): void {
    for (const p of problems) {
      this.output.warn(`${p.kind}: ${p.message}${p.location ? ` (${p.location.file}:${p.location.line})` : ''}`);
      if (p.kind === 'weakSandbox') {
        if (this.warnedWeakSandbox) continue;
        this.warnedWeakSandbox = true;
      }
      void vscode.window.showWarningMessage(`Loopwise: ${p.message}`);
    }
  }
}

/** Logs every finished run in the Output channel: ours, the Testing view's and the server's runs on save. */
export function logRuns(hub: ResultsHub, output: vscode.LogOutputChannel): vscode.Disposable {
  return hub.onDidReceive(({ folderUri, result }) => {
    const folder = vscode.workspace.getWorkspaceFolder(vscode.Uri.parse(folderUri))?.name ?? folderUri;
    const files = [...new Set(result.tests.map((t) => t.file))];
    const scope = files.length === 1 ? ` (${files[0]})` : '';
    output.info(`tests of ${folder}${scope}: ${summaryText(result)} in ${Math.round(result.durationMs)} ms`);
  });
}

export function summaryText(result: TestRunResult): string {
  const s = result.summary;
  const parts = [`${s.passed} passed`, `${s.failed} failed`];
  if (s.errors) parts.push(`${s.errors} errors`);
  if (s.timedOut) parts.push(`${s.timedOut} timed out`);
  if (s.skipped) parts.push(`${s.skipped} skipped`);
  return parts.join(', ');
}
