// The test-run feature: loopwise/runTests requests and runs on save, with work-done progress and
// cancellation (request cancellation or the progress's cancel button abort the runner, which kills the
// sandboxed processes). After each run: diagnostics are republished and loopwise/testResults is sent.
// With runOnSave on, a save runs only the tests its changed lines concern (testImpact.ts).
import { readFileSync } from 'node:fs';
import { relative, sep } from 'node:path';
import {
  LSPErrorCodes, MessageType, ResponseError, ShowMessageNotification, WorkDoneProgressReporter,
  type CancellationToken, type Connection, type WorkDoneProgressServerReporter,
} from 'vscode-languageserver/node';
import { Methods, type RunProblem, type RunTestsParams, type TestResultsNotification, type TestRunResult } from '../../../common/protocol';
import type { RunOptions } from '../run';
import type { Feature, ServerContext } from './features';
import { FolderJobs } from './folderJobs';
import { uriToPath, type Folder } from './folders';
import { DiagnosticsPublisher } from './publisher';
import { TestImpact } from './testImpact';

/** The runner's entry point (server/src/run): injected so the feature can be exercised with any runner. */
export type RunTestsFn = (options: RunOptions) => Promise<TestRunResult>;

type ProblemMessages = 'never' | 'always' | 'whenChanged';

/** Problems that are told as a message rather than as a diagnostic, and how loudly. */
const messageType: Partial<Record<RunProblem['kind'], MessageType>> = {
  frameworkMissing: MessageType.Error,
  runnerCrashed: MessageType.Error,
  unsupportedLanguage: MessageType.Warning,
  noTests: MessageType.Warning,
  runTimedOut: MessageType.Warning,
  outputTruncated: MessageType.Info,
  weakSandbox: MessageType.Warning,
};

const progressIntervalMs = 100;

/** The executeCommand id (distinct from the VS Code extension's command ids, which the client registers itself). */
export const runTestsCommand = 'loopwise.server.runTests';

export class TestRunsFeature implements Feature {
  readonly name = 'testRuns';
  private ctx!: ServerContext;
  private publisher!: DiagnosticsPublisher;
  private readonly jobs = new FolderJobs();
  /** Messages last shown per folder for runs on save, so repeated saves do not repeat them. */
  private readonly shown = new Map<string, string>();
  private readonly impact = new TestImpact();

  constructor(private readonly runTests: RunTestsFn) {}

  register(connection: Connection, ctx: ServerContext): void {
    this.ctx = ctx;
    this.publisher = new DiagnosticsPublisher(connection);
    connection.onRequest(Methods.runTests, (params: RunTestsParams, token: CancellationToken) => this.onRunTests(params, token));
    ctx.commands.register(runTestsCommand, (args, token, progress) => this.onCommand(args, token, progress));
    ctx.documents.onDidSave((doc) => void this.onSave(doc.uri, doc.grammar !== undefined));
  }

  private async onRunTests(params: RunTestsParams, token: CancellationToken): Promise<TestRunResult> {
    const root = params && typeof params.folderUri === 'string' ? uriToPath(params.folderUri) : undefined;
    if (!root) throw new ResponseError(LSPErrorCodes.RequestFailed, `loopwise/runTests needs folderUri, a file:// URI of a folder (got ${JSON.stringify(params?.folderUri)})`);
    const folder: Folder = this.ctx.folders.folderFor(params.folderUri) ?? { uri: params.folderUri, name: root, path: root };
    const progress = params.workDoneToken !== undefined
      ? this.ctx.connection.window.attachWorkDoneProgress(params.workDoneToken)
      : await this.ctx.connection.window.createWorkDoneProgress();
    return this.run({ ...folder, uri: params.folderUri, path: root }, params.fileUri, progress, token, 'never');
  }

  /**
   * `loopwise.server.runTests [uri]`: a file URI runs the tests related to it in its folder, a folder URI
   * that folder; without one, every workspace folder in turn.
   */
  private async onCommand(args: unknown[], token: CancellationToken, given: WorkDoneProgressReporter): Promise<TestRunResult[]> {
    const target = typeof args[0] === 'string' ? args[0] : undefined;
    const progress = WorkDoneProgressReporter.isNullInstance(given) ? await this.ctx.connection.window.createWorkDoneProgress() : given;
    if (target === undefined) {
      const results: TestRunResult[] = [];
      for (const [i, folder] of this.ctx.folders.all().entries()) {
        if (token.isCancellationRequested) throw cancelled();
        // A progress token ends with its run: each further folder gets its own.
        const folderProgress = i === 0 ? progress : await this.ctx.connection.window.createWorkDoneProgress();
        results.push(await this.run(folder, undefined, folderProgress, token, 'always'));
      }
      return results;
    }
    const folder = await this.ctx.folders.resolve(target);
    if (!folder) throw new ResponseError(LSPErrorCodes.RequestFailed, `${target} is not inside a workspace folder of this session`);
    const isFolder = uriToPath(target) === folder.path;
    return [await this.run(folder, isFolder ? undefined : target, progress, token, 'always')];
  }

  private async onSave(uri: string, parsed: boolean): Promise<void> {
    if (!parsed) return;
    const folder = this.ctx.folders.folderFor(uri);
    if (!folder || !(await this.ctx.settings.get(uri)).runOnSave) return;
    const tests = this.impactedTests(folder, uri);
    if (tests?.length === 0) return;
    const progress = await this.ctx.connection.window.createWorkDoneProgress();
    try {
      await this.run(folder, uri, progress, undefined, 'whenChanged', tests);
    } catch (err) {
      if (!(err instanceof ResponseError && err.code === LSPErrorCodes.RequestCancelled)) {
        this.ctx.connection.window.showErrorMessage(`Loopwise: running the tests failed: ${errorText(err)}`);
      }
    }
  }

  /**
   * The test files a save of `uri` has to run by the recorded coverage (possibly none), or undefined for
   * the tests related to the file (nothing recorded, a test file saved, a line run at import changed).
   */
  private impactedTests(folder: Folder, uri: string): string[] | undefined {
    const path = uriToPath(uri);
    if (!path) return undefined;
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch {
      return undefined;
    }
    const file = relative(folder.path, path).split(sep).join('/');
    const plan = this.impact.plan(folder.path, file, text);
    const log = (m: string) => this.ctx.connection.console.log(`${folder.name}: test impact: ${m}`);
    if (plan.kind === 'related') {
      log(`running the tests related to ${file} (${plan.reason})`);
      return undefined;
    }
    log(`${file}: ${plan.impacted.length} test files ran the changed lines [${plan.impacted.join(', ')}], ${plan.unrecorded.length} never recorded [${plan.unrecorded.join(', ')}]`);
    return plan.files;
  }

  /**
   * Runs one folder's tests (all, those related to `fileUri`, or the given test files); a newer run of the
   * same folder cancels this one (one sandbox per folder). Runs on save then record per-test coverage.
   */
  private async run(folder: Folder, fileUri: string | undefined, progress: WorkDoneProgressReporter, token: CancellationToken | undefined, messages: ProblemMessages, tests?: string[]): Promise<TestRunResult> {
    const result = await this.runJob(folder, fileUri, progress, token, messages, tests);
    if ((await this.ctx.settings.get(fileUri ?? folder.uri)).runOnSave) void this.recordImpact(folder, result, fileUri === undefined);
    return result;
  }

  /**
   * Records per-test coverage of the test files a run ran (all of them after a full run or when nothing is
   * recorded yet), as the folder's job: a newer run cancels the recording, it never delays results.
   */
  private async recordImpact(folder: Folder, result: TestRunResult, full: boolean): Promise<void> {
    if (!TestImpact.supports(result.framework) || result.problems.some((p) => p.kind === 'runnerCrashed')) return;
    const testFiles = full || !this.impact.hasRecord(folder.path) ? undefined : [...new Set(result.tests.map((t) => t.file))];
    if (testFiles?.length === 0) return;
    const settings = await this.ctx.settings.get(folder.uri);
    try {
      const recorded = await this.jobs.run(folder.path, superseded, [], (signal) => this.impact.record({
        root: folder.path, framework: result.framework, testFiles,
        testTimeoutMs: settings.testTimeoutSeconds * 1000, budgetMs: settings.runTimeoutSeconds * 1000, signal,
      }));
      this.ctx.connection.console.log(`${folder.name}: test impact: recorded the coverage of ${recorded} tests (${testFiles ? testFiles.join(', ') : 'all test files'})`);
    } catch (err) {
      this.ctx.connection.console.warn(`${folder.name}: test impact: recording coverage failed: ${errorText(err)}`);
    }
  }

  private async runJob(folder: Folder, fileUri: string | undefined, progress: WorkDoneProgressReporter, token: CancellationToken | undefined, messages: ProblemMessages, tests?: string[]): Promise<TestRunResult> {
    const progressToken = (progress as Partial<WorkDoneProgressServerReporter>).token;
    return this.jobs.run(folder.path, superseded, [token, progressToken], async (signal) => {
      let begun = false;
      try {
        const filePath = fileUri ? uriToPath(fileUri) : undefined;
        const scopeFile = filePath ? relative(folder.path, filePath) : undefined;
        const settings = await this.ctx.settings.get(fileUri ?? folder.uri);
        if (signal.aborted) throw cancelled(signal);
        begun = true;
        const scope = tests ? `${tests.length} test files concerned by ${scopeFile}` : scopeFile ? `tests related to ${scopeFile}` : folder.name;
        progress.begin('Loopwise: running tests', 0, scope, true);
        let result: TestRunResult;
        try {
          result = await this.runTests({
            root: folder.path,
            files: tests ?? (scopeFile ? [scopeFile] : undefined),
            testTimeoutS: settings.testTimeoutSeconds,
            runTimeoutS: settings.runTimeoutSeconds,
            signal,
            onProgress: throttledReporter(progress),
          });
        } catch (err) {
          if (signal.aborted) throw cancelled(signal);
          this.ctx.connection.console.error(`test run in ${folder.path} failed: ${errorText(err)}`);
          throw new ResponseError(LSPErrorCodes.RequestFailed, `running the tests failed: ${errorText(err)}`);
        }
        if (signal.aborted) throw cancelled(signal);
        this.ctx.results.update(folder.path, result, scopeFile);
        this.publisher.update(folder.path, result, cachedReader(), scopeFile);
        const notification: TestResultsNotification = { folderUri: folder.uri, result };
        void this.ctx.connection.sendNotification(Methods.testResults, notification);
        this.tellProblems(folder, result.problems, messages);
        return result;
      } finally {
        if (begun) progress.done();
      }
    });
  }

  /**
   * Problems without a line become messages. The loopwise/runTests requester shows them itself ('never');
   * generic editors running the command get them told ('always'); runs on save, unrequested, only when
   * they changed since the last one ('whenChanged'), so saving repeatedly does not repeat a warning.
   */
  private tellProblems(folder: Folder, problems: RunProblem[], messages: ProblemMessages): void {
    for (const p of problems) this.ctx.connection.console.warn(`${folder.name}: ${p.kind}: ${p.message}`);
    if (messages === 'never') return;
    const told = problems.filter((p) => !p.location && messageType[p.kind] !== undefined);
    const key = told.map((p) => `${p.kind}:${p.message}`).join('\n');
    if (messages === 'whenChanged' && key === this.shown.get(folder.path)) return;
    this.shown.set(folder.path, key);
    for (const p of told) void this.ctx.connection.sendNotification(ShowMessageNotification.type, { type: messageType[p.kind]!, message: `Loopwise: ${p.message}` });
  }

  dispose(): void {
    this.jobs.abortAll();
  }

  shutdown(): Promise<void> {
    return this.jobs.shutdown();
  }
}

/** Abort reason of a run replaced by a newer run of the same folder. */
const superseded = 'a newer run of this folder started';

function cancelled(signal?: AbortSignal): ResponseError<void> {
  const why = signal?.reason === superseded ? `: ${superseded}` : '';
  return new ResponseError(LSPErrorCodes.RequestCancelled, `test run cancelled${why}`);
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Progress reports at most every 100 ms (a run of thousands of tests would otherwise flood the client). */
function throttledReporter(progress: WorkDoneProgressReporter): (message: string, done?: number, total?: number) => void {
  let last = 0;
  return (message, done, total) => {
    const now = Date.now();
    const finalReport = done !== undefined && total !== undefined && done >= total;
    if (now - last < progressIntervalMs && !finalReport) return;
    last = now;
    const text = total ? `${message} (${done ?? 0}/${total})` : message;
    if (total && done !== undefined) progress.report(Math.min(100, Math.round((done / total) * 100)), text);
    else progress.report(text);
  };
}

/** Reads each file once per run; diagnostics need the text of the lines they point at. */
function cachedReader(): (path: string) => string | undefined {
  const cache = new Map<string, string | undefined>();
  return (path) => {
    if (!cache.has(path)) {
      try {
        cache.set(path, readFileSync(path, 'utf8'));
      } catch {
        cache.set(path, undefined);
      }
    }
    return cache.get(path);
  };
}
