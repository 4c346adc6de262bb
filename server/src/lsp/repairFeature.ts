// The repair feature: a failing test run is localized in the background, and loopwise/repair requests and the
// loopwise.server.fix command search a verified fix for a folder (work-done progress, cancellable, logged in
// the output); the suspicious lines are published as low-severity diagnostics, with hovers (runtime values)
// and code actions that find, preview and apply the fix, whose outcome goes to the event log.
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import {
  LSPErrorCodes, MessageType, ResponseError, ShowMessageNotification, WorkDoneProgressReporter,
  type CancellationToken, type CodeAction, type CodeActionParams, type Connection, type Hover, type HoverParams,
  type ServerCapabilities, type WorkDoneProgressServerReporter,
} from 'vscode-languageserver/node';
import type { Localization } from '../../../common/localize';
import { FIX_EVENT_COMMAND, Methods, type RepairParams } from '../../../common/protocol';
import type { RepairResult } from '../../../common/repair';
import { localize } from '../localize/localize';
import { loadTask, TaskError, type RepairTask } from '../repair';
import type { EngineResult } from '../selfdebug/cli';
import { assertionSite, isFailure, userSite } from './diagnostics';
import type { EventsFeature } from './eventsFeature';
import type { Feature, ServerContext } from './features';
import { FixEvents } from './fixEvents';
import { FolderJobs } from './folderJobs';
import { pathToUri, uriToPath, type Folder } from './folders';
import { LayeredDiagnostics, suspiciousDiagnostics } from './localizeDiagnostics';
import { fixCommand, repairActions } from './repairActions';
import { searchFix, searchSummary, withValues } from './repairSearch';
import { effortPhrase, hoverFor, offeredFix, outcomeMessage, secondsText, suspiciousAt, type FolderRepair } from './repairView';

const progressIntervalMs = 200;
/** The localization after a failing run: coverage and ranking only, so it stays a few seconds. */
const afterRunBudgetMs = 15000;

export class RepairFeature implements Feature {
  readonly name = 'repair';
  private ctx!: ServerContext;
  private layers!: LayeredDiagnostics;
  private readonly states = new Map<string, FolderRepair>();
  /** URIs holding suspicious-line diagnostics, per folder. */
  private readonly published = new Map<string, string[]>();
  /** One job per folder, a search or a localization; a search replaces a localization, never the reverse. */
  private readonly jobs = new FolderJobs();
  /** Searches started and not ended, per folder (a newer one supersedes the running one): no localization then. */
  private readonly searches = new Map<string, number>();
  /** Localizations after failing runs, one at a time across folders: test runs of the others go on meanwhile. */
  private localizations: Promise<void> = Promise.resolve();
  private readonly queued = new Set<string>();
  /** Test runs seen per folder: a localization of an older run than the latest is dropped, not shown. */
  private readonly runsSeen = new Map<string, number>();
  private readonly fixEvents: FixEvents;

  constructor(events?: EventsFeature) {
    this.fixEvents = new FixEvents(events, () => this.ctx.connection.console);
  }

  capabilities(): ServerCapabilities {
    return { hoverProvider: true, codeActionProvider: { codeActionKinds: ['quickfix'] } };
  }

  register(connection: Connection, ctx: ServerContext): void {
    this.ctx = ctx;
    this.layers = new LayeredDiagnostics(connection);
    connection.onRequest(Methods.repair, (params: RepairParams, token: CancellationToken) => this.onRequest(params, token));
    ctx.commands.register(fixCommand, (args, token, progress) => this.onCommand(args, token, progress));
    ctx.commands.register(FIX_EVENT_COMMAND, async (args) => ({ recorded: this.fixEvents.record(args[0]) }));
    connection.onHover((params) => this.onHover(params));
    connection.onCodeAction((params) => this.onCodeAction(params));
    // A run in which every known test passes makes the localization moot; a failing one gets one.
    ctx.results.onDidUpdate((entry) => {
      this.runsSeen.set(entry.root, (this.runsSeen.get(entry.root) ?? 0) + 1);
      if ([...entry.tests.values()].some(isFailure)) this.queueLocalization(entry.root);
      else if (this.states.has(entry.root)) this.clear(entry.root);
    });
    // So does applying the offered fix (a partial one's next failing run is localized afresh).
    ctx.documents.onDidChange((doc) => this.clearIfFixApplied(doc.uri));
  }

  private clearIfFixApplied(uri: string): void {
    const folder = this.ctx.folders.folderFor(uri);
    const state = folder && this.states.get(folder.path);
    const fix = offeredFix(state?.result)?.fix;
    if (!state || !fix) return;
    const applied = fix.files.every((f) => {
      const path = join(state.root, f.path);
      return (this.ctx.documents.get(pathToUri(path))?.document.getText() ?? readText(path)) === f.newText;
    });
    if (applied) this.clear(state.root);
  }

  private async onRequest(params: RepairParams, token: CancellationToken): Promise<RepairResult> {
    const root = params && typeof params.folderUri === 'string' ? uriToPath(params.folderUri) : undefined;
    if (!root) throw new ResponseError(LSPErrorCodes.RequestFailed, `${Methods.repair} needs folderUri, a file:// URI of a folder (got ${JSON.stringify(params?.folderUri)})`);
    if (params.budgetS !== undefined && !(typeof params.budgetS === 'number' && params.budgetS > 0)) {
      throw new ResponseError(LSPErrorCodes.RequestFailed, `budgetS must be a positive number of seconds (got ${JSON.stringify(params.budgetS)})`);
    }
    const folder: Folder = this.ctx.folders.folderFor(params.folderUri) ?? { uri: params.folderUri, name: root, path: root };
    const progress = params.workDoneToken !== undefined
      ? this.ctx.connection.window.attachWorkDoneProgress(params.workDoneToken)
      : await this.ctx.connection.window.createWorkDoneProgress();
    return this.run({ ...folder, uri: params.folderUri, path: root }, params.budgetS, progress, token);
  }

  /** `loopwise.server.fix <folder or file URI> [budgetS]`: the folder holding the URI (default: the first). */
  private async onCommand(args: unknown[], token: CancellationToken, given: WorkDoneProgressReporter): Promise<RepairResult> {
    const target = typeof args[0] === 'string' ? args[0] : undefined;
    const folder = target ? await this.ctx.folders.resolve(target) : this.ctx.folders.all()[0];
    if (!folder) throw new ResponseError(LSPErrorCodes.RequestFailed, target ? `${target} is not inside a workspace folder of this session` : 'open a workspace folder first');
    const budgetS = typeof args[1] === 'number' && args[1] > 0 ? args[1] : undefined;
    const progress = WorkDoneProgressReporter.isNullInstance(given) ? await this.ctx.connection.window.createWorkDoneProgress() : given;
    return this.run(folder, budgetS, progress, token);
  }

  /** One search per folder: a newer one cancels the running one (or the folder's localization). */
  private async run(folder: Folder, budgetGiven: number | undefined, progress: WorkDoneProgressReporter, token: CancellationToken): Promise<RepairResult> {
    const progressToken = (progress as Partial<WorkDoneProgressServerReporter>).token;
    this.searches.set(folder.path, (this.searches.get(folder.path) ?? 0) + 1);
    return this.jobs.run(folder.path, undefined, [token, progressToken], async (signal) => {
      let begun = false;
      try {
        const settings = await this.ctx.settings.get(folder.uri);
        // Tutor mode: students get hints (loopwise/hint), never fix code.
        if (settings.mode === 'tutor') throw new ResponseError(LSPErrorCodes.RequestFailed, 'Loopwise is in tutor mode (loopwise.mode): it gives hints, not fixes; ask for a hint instead');
        const budgetS = budgetGiven ?? settings.repair.budgetSeconds;
        let task: RepairTask;
        try {
          task = loadTask(folder.path);
        } catch (err) {
          if (err instanceof TaskError) throw new ResponseError(LSPErrorCodes.RequestFailed, `Loopwise cannot repair ${folder.name}: ${err.message}`);
          throw err;
        }
        const originals = new Map(task.sources.map((f) => [f, readText(join(folder.path, f)) ?? '']));
        this.warnUnsaved(originals, folder.path);
        if (signal.aborted) throw cancelled();
        begun = true;
        progress.begin('Loopwise: finding a verified fix', 0, folder.name, true);
        const report = throttled(progress, budgetS);
        let result: RepairResult;
        const started = Date.now();
        const elapsed = () => (Date.now() - started) / 1000;
        const log = this.ctx.connection.console;
        try {
          result = await searchFix(this.ctx, task, settings, { budgetS, signal, name: folder.name, report: (seconds, message) => report(seconds, message) });
        } catch (err) {
          if (signal.aborted) {
            log.info(`fix search in ${folder.name}: cancelled after ${secondsText(elapsed())}`);
            throw cancelled();
          }
          log.error(`fix search in ${folder.name} failed after ${secondsText(elapsed())}: ${errorText(err)}`);
          throw new ResponseError(LSPErrorCodes.RequestFailed, `the repair search failed: ${errorText(err)}`);
        }
        const seconds = elapsed();
        log.info(`fix search in ${folder.name} ended ${effortPhrase(result, seconds)}: ${searchSummary(result)}`);
        const offered = offeredFix(result);
        const sid = offered && this.fixEvents.offer(offered.fix, task.language, `fix:${offered.partial ? 'partial:' : ''}${(result as Partial<EngineResult>).fixedBy ?? 'embedded'}`);
        const state: FolderRepair = { root: folder.path, folderUri: folder.uri, result, sid, localization: result.localization, originals, tests: new Set(task.tests) };
        // Lines and outcome first; the values for the hovers follow (a cold instrumented run of a few seconds).
        this.show(state);
        if (signal.aborted) throw cancelled();
        this.tell(result, seconds);
        if (state.localization?.status === 'ranked') {
          progress.report(99, 'recording runtime values at the suspicious lines');
          state.localization = await withValues(this.ctx, task, state.localization, result, signal);
          result = { ...result, localization: state.localization };
          state.result = result;
          if (signal.aborted) throw cancelled();
        }
        return result;
      } finally {
        if (begun) progress.done();
        const left = (this.searches.get(folder.path) ?? 1) - 1;
        if (left) this.searches.set(folder.path, left);
        else this.searches.delete(folder.path);
      }
    });
  }

  /** Localizes a folder's failing run in the background (queued), unless its lines are still those of these sources. */
  private queueLocalization(root: string): void {
    if (this.queued.has(root)) return;
    this.queued.add(root);
    this.localizations = this.localizations.then(() => {
      this.queued.delete(root);
      return this.localizeAfterRun(root);
    }).catch((err) => this.ctx.connection.console.warn(`localizing the failing tests of ${root} failed: ${errorText(err)}`));
  }

  private async localizeAfterRun(root: string): Promise<void> {
    // A folder the client ran without naming it a workspace folder (loopwise/runTests takes any) is localized too.
    const folder = this.ctx.folders.all().find((f) => f.path === root) ?? { uri: pathToUri(root), name: basename(root), path: root };
    if (this.searches.has(root)) return;
    const run = this.runsSeen.get(root);
    const settings = await this.ctx.settings.get(folder.uri);
    if (settings.mode === 'tutor') return;
    let task: RepairTask;
    try {
      task = loadTask(root);
    } catch {
      return; // nothing this engine can localize (no tests by its conventions): the test diagnostics remain
    }
    const originals = new Map(task.sources.map((f) => [f, readText(join(root, f)) ?? '']));
    const current = this.states.get(root);
    if (current && sameTexts(current.originals, originals)) return;
    // Checked again right before taking the folder's job slot: that would cancel a search started meanwhile.
    if (this.searches.has(root)) return;
    const started = Date.now();
    await this.jobs.run(root, undefined, [], async (signal) => {
      let loc: Localization;
      try {
        loc = await localize({ ...task, signal, mutation: false, valueLines: 0, budgetMs: afterRunBudgetMs, testTimeoutMs: settings.testTimeoutSeconds * 1000 });
      } catch (err) {
        if (signal.aborted) return; // a search took over the folder
        throw err;
      }
      // A newer run (passing, or to be localized itself) or a search makes these lines stale.
      if (signal.aborted || this.searches.has(root) || this.runsSeen.get(root) !== run || loc.status !== 'ranked') return;
      const top = loc.lines.slice(0, 3).map((l) => `${l.file}:${l.line}`).join(', ');
      this.ctx.connection.console.info(`localized the failing tests of ${folder.name} in ${secondsText((Date.now() - started) / 1000)}: suspicious lines ${top}`);
      this.show({ root, folderUri: folder.uri, localization: loc, originals, tests: new Set(task.tests) });
    });
  }

  /** Publishes the suspicious lines (replacing the folder's previous ones) and keeps the state. */
  private show(state: FolderRepair): void {
    this.states.set(state.root, state);
    const byUri = state.localization ? suspiciousDiagnostics(state.root, state.localization, readText) : new Map();
    for (const uri of this.published.get(state.root) ?? []) if (!byUri.has(uri)) this.layers.set(uri, []);
    for (const [uri, list] of byUri) this.layers.set(uri, list);
    this.published.set(state.root, [...byUri.keys()]);
  }

  private clear(root: string): void {
    this.states.delete(root);
    for (const uri of this.published.get(root) ?? []) this.layers.set(uri, []);
    this.published.delete(root);
  }

  private tell(result: RepairResult, seconds: number): void {
    const { warning, message } = outcomeMessage(result, seconds);
    void this.ctx.connection.sendNotification(ShowMessageNotification.type, { type: warning ? MessageType.Warning : MessageType.Info, message });
  }

  /** The search verifies the saved files: a fix for them cannot be applied over unsaved edits. */
  private warnUnsaved(originals: Map<string, string>, root: string): void {
    const unsaved = [...originals].filter(([file, text]) => {
      const open = this.ctx.documents.get(pathToUri(join(root, file)))?.document.getText();
      return open !== undefined && open !== text;
    }).map(([file]) => file);
    if (!unsaved.length) return;
    const message = `Loopwise: ${unsaved.join(', ')} ${unsaved.length === 1 ? 'has' : 'have'} unsaved changes; the search uses the saved files, so save and search again to get a fix you can apply.`;
    void this.ctx.connection.sendNotification(ShowMessageNotification.type, { type: MessageType.Warning, message });
  }

  private onHover(params: HoverParams): Hover | null {
    const path = uriToPath(params.textDocument.uri);
    const folder = this.ctx.folders.folderFor(params.textDocument.uri);
    const state = folder && this.states.get(folder.path);
    if (!path || !state?.localization) return null;
    const file = relativeFile(state.root, path);
    const line = suspiciousAt(state, file, params.position.line + 1);
    return line ? { contents: hoverFor(state, line) } : null;
  }

  private async onCodeAction(params: CodeActionParams): Promise<CodeAction[]> {
    const path = uriToPath(params.textDocument.uri);
    const folder = this.ctx.folders.folderFor(params.textDocument.uri);
    if (!path || !folder) return [];
    // Tutor mode gives hints, never fixes: no fix actions at all (hints come from loopwise/hint, not code actions).
    if ((await this.ctx.settings.get(params.textDocument.uri)).mode === 'tutor') return [];
    const experimental = this.ctx.client().experimental as { loopwisePreviewFix?: boolean } | undefined;
    return repairActions({
      folder,
      path,
      lines: [params.range.start.line + 1, params.range.end.line + 1],
      diagnostics: params.context.diagnostics,
      state: this.states.get(folder.path),
      failureLines: this.failureLines(folder.path),
      searching: this.searches.has(folder.path),
      currentText: (p) => this.ctx.documents.get(pathToUri(p))?.document.getText() ?? readText(p),
      canPreview: experimental?.loopwisePreviewFix === true,
    });
  }

  /** The failing tests' own lines in the latest results (where they are defined, assert and raise), and syntax errors. */
  private failureLines(root: string): Set<string> {
    const out = new Set<string>();
    const results = this.ctx.results.get(root);
    for (const t of results?.tests.values() ?? []) {
      if (!isFailure(t)) continue;
      for (const at of [t.line ? { file: t.file, line: t.line } : undefined, assertionSite(t), userSite(t)]) if (at) out.add(`${at.file}:${at.line}`);
    }
    // The search repairs those too.
    for (const p of results?.problems ?? []) if (p.kind === 'syntaxError' && p.location) out.add(`${p.location.file}:${p.location.line}`);
    return out;
  }

  dispose(): void {
    this.jobs.abortAll();
  }

  shutdown(): Promise<void> {
    return this.jobs.shutdown();
  }
}

function relativeFile(root: string, path: string): string {
  return path.slice(root.length).replace(/^[\\/]+/, '').split('\\').join('/');
}

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

function cancelled(): ResponseError<void> {
  return new ResponseError(LSPErrorCodes.RequestCancelled, 'repair cancelled');
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Progress as the share of the budget spent, at most every 200 ms. */
function throttled(progress: WorkDoneProgressReporter, budgetS: number): (seconds: number, message: string) => void {
  let last = 0;
  return (seconds, message) => {
    const now = Date.now();
    if (now - last < progressIntervalMs) return;
    last = now;
    progress.report(Math.min(98, Math.round((seconds / budgetS) * 100)), message);
  };
}

function sameTexts(a: Map<string, string>, b: Map<string, string>): boolean {
  return a.size === b.size && [...a].every(([file, text]) => b.get(file) === text);
}
