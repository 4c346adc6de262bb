// The repair feature: loopwise/repair requests and the loopwise.server.fix command localize the fault and
// search a verified fix for a folder (work-done progress, cancellable), publish the suspicious lines as
// low-severity diagnostics, and serve hovers (with runtime values) and code actions that apply the fix.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  LSPErrorCodes, MessageType, ResponseError, ShowMessageNotification, WorkDoneProgressReporter,
  type CancellationToken, type CodeAction, type CodeActionParams, type Connection, type Hover, type HoverParams,
  type ServerCapabilities, type WorkDoneProgressServerReporter,
} from 'vscode-languageserver/node';
import type { Localization } from '../../../common/localize';
import { Methods, type LoopwiseSettings, type RepairParams } from '../../../common/protocol';
import type { RepairResult } from '../../../common/repair';
import { configFromSettings, isConfigured } from '../llm/config';
import { lspLlmClient, reportedBudget } from '../llm/lsp';
import { localize } from '../localize/localize';
import { loadTask, repair, TaskError, type RepairTask } from '../repair';
import { runLlmEngine, type EngineResult } from '../selfdebug/cli';
import type { Feature, ServerContext } from './features';
import { FolderJobs } from './folderJobs';
import { pathToUri, uriToPath, type Folder } from './folders';
import { LayeredDiagnostics, suspiciousDiagnostics } from './localizeDiagnostics';
import { fixCommand, repairActions } from './repairActions';
import { hoverFor, suspiciousAt, testsPhrase, type FolderRepair } from './repairView';

const progressIntervalMs = 200;
/** Top lines that get the failing tests' runtime values, and the time allowed to record them. */
const valueLines = 5;
// The recording takes what it is given (a cold instrumented run, then the values run): keep it short.
const valuesBudgetMs = 6000;

export class RepairFeature implements Feature {
  readonly name = 'repair';
  private ctx!: ServerContext;
  private layers!: LayeredDiagnostics;
  private readonly states = new Map<string, FolderRepair>();
  /** URIs holding suspicious-line diagnostics, per folder. */
  private readonly published = new Map<string, string[]>();
  private readonly jobs = new FolderJobs();

  capabilities(): ServerCapabilities {
    return { hoverProvider: true, codeActionProvider: { codeActionKinds: ['quickfix'] } };
  }

  register(connection: Connection, ctx: ServerContext): void {
    this.ctx = ctx;
    this.layers = new LayeredDiagnostics(connection);
    connection.onRequest(Methods.repair, (params: RepairParams, token: CancellationToken) => this.onRequest(params, token));
    ctx.commands.register(fixCommand, (args, token, progress) => this.onCommand(args, token, progress));
    connection.onHover((params) => this.onHover(params));
    connection.onCodeAction((params) => this.onCodeAction(params));
    // A run in which every known test passes makes the localization moot.
    ctx.results.onDidUpdate((entry) => {
      if (this.states.has(entry.root) && ![...entry.tests.values()].some((t) => t.status === 'failed' || t.status === 'error' || t.status === 'timedOut')) this.clear(entry.root);
    });
    // So does applying the verified fix: it makes every test pass (that is what verified means).
    ctx.documents.onDidChange((doc) => this.clearIfFixApplied(doc.uri));
  }

  private clearIfFixApplied(uri: string): void {
    const folder = this.ctx.folders.folderFor(uri);
    const state = folder && this.states.get(folder.path);
    const fix = state?.result.fixes[0];
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
    const folder = target ? this.ctx.folders.folderFor(target) : this.ctx.folders.all()[0];
    if (!folder) throw new ResponseError(LSPErrorCodes.RequestFailed, target ? `${target} is not inside a workspace folder of this session` : 'open a workspace folder first');
    const budgetS = typeof args[1] === 'number' && args[1] > 0 ? args[1] : undefined;
    const progress = WorkDoneProgressReporter.isNullInstance(given) ? await this.ctx.connection.window.createWorkDoneProgress() : given;
    return this.run(folder, budgetS, progress, token);
  }

  /** One search per folder: a newer one cancels the running one. */
  private async run(folder: Folder, budgetGiven: number | undefined, progress: WorkDoneProgressReporter, token: CancellationToken): Promise<RepairResult> {
    const progressToken = (progress as Partial<WorkDoneProgressServerReporter>).token;
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
        try {
          result = await this.search(task, settings, budgetS, signal, (seconds, message) => report(seconds, message));
        } catch (err) {
          if (signal.aborted) throw cancelled();
          this.ctx.connection.console.error(`repair in ${folder.path} failed: ${errorText(err)}`);
          throw new ResponseError(LSPErrorCodes.RequestFailed, `the repair search failed: ${errorText(err)}`);
        }
        const state: FolderRepair = { root: folder.path, folderUri: folder.uri, result, localization: result.localization, originals, tests: new Set(task.tests), budgetS };
        // Lines and outcome first; the values for the hovers follow (a cold instrumented run of a few seconds).
        this.show(state);
        if (signal.aborted) throw cancelled();
        this.tell(state);
        if (state.localization?.status === 'ranked') {
          progress.report(99, 'recording runtime values at the suspicious lines');
          state.localization = await this.withValues(task, state.localization, result, signal);
          state.result = { ...result, localization: state.localization };
          if (signal.aborted) throw cancelled();
        }
        return state.result;
      } finally {
        if (begun) progress.done();
      }
    });
  }

  /**
   * The embedded search, or with a fixer model the LLM self-debugging loop (alone or raced against the search):
   * whichever engine proposes a fix, it is verified by the same workers before it is offered.
   */
  private async search(task: RepairTask, settings: LoopwiseSettings, budgetS: number, signal: AbortSignal, report: (seconds: number, message: string) => void): Promise<RepairResult> {
    const configured = isConfigured(configFromSettings(settings.llm), 'fixer');
    const engine = settings.repair.engine === 'auto' ? (configured ? 'both' : 'embedded') : settings.repair.engine;
    if (engine === 'embedded') return repair({ ...task, budgetS, signal, onProgress: (p) => report(p.seconds, p.message) });
    if (!configured) {
      throw new ResponseError(LSPErrorCodes.RequestFailed, `loopwise.repair.engine is '${engine}' but no fixer model is configured: set loopwise.llm.models.fixer (and loopwise.llm.baseUrl for a non-OpenAI endpoint), or choose the 'embedded' engine`);
    }
    report(0, engine === 'llm' ? 'asking the fixer model (explain, fix, verify)' : 'embedded search and fixer model in parallel');
    const client = lspLlmClient(this.ctx.connection, settings.llm);
    const budget = reportedBudget(this.ctx.connection, settings.llm.tokenBudget, 'fix');
    const result = await runLlmEngine(task, engine, { client, budgetS, signal, budget });
    if (result.explanation && result.fixes.length) this.ctx.connection.console.info(`LLM explanation of the fix in ${task.root}:\n${result.explanation}`);
    if (!result.fixes.length && result.bestAttempt) {
      // Viewable, never applied: the attempt did not pass every test.
      this.ctx.connection.console.info(`Best unverified LLM attempt for ${task.root} (still failing: ${result.bestAttempt.failing.join(', ')}; not applied):\n${result.bestAttempt.diff}`);
    }
    return result;
  }

  /** The search's localization records no values: record them at its top lines (the fix's lines first). */
  private async withValues(task: RepairTask, loc: Localization, result: RepairResult, signal: AbortSignal): Promise<Localization> {
    const extraScores: Record<string, number> = {};
    for (const l of loc.lines.slice(0, valueLines)) extraScores[`${l.file}:${l.line}`] = 100 - l.rank;
    for (const e of result.fixes[0]?.edits ?? []) extraScores[`${e.file}:${e.line}`] = 1000;
    try {
      const withValues = await localize({ ...task, signal, mutation: false, valueLines, budgetMs: valuesBudgetMs, extraScores });
      return { ...loc, values: withValues.values };
    } catch (err) {
      if (!signal.aborted) this.ctx.connection.console.warn(`recording runtime values failed: ${errorText(err)}`);
      return loc;
    }
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

  /** The outcome as a message: found, not found (calmly: the localization stays), or why no search ran. */
  private tell(state: FolderRepair): void {
    const r = state.result;
    const fix = r.fixes[0];
    let type: MessageType = MessageType.Info;
    let message: string;
    const llm = r as Partial<EngineResult>;
    if (fix) {
      const by = llm.fixedBy === 'llm' ? ' by the LLM' : '';
      const why = llm.fixedBy === 'llm' && llm.explanation ? ` ${firstSentences(llm.explanation)}` : '';
      message = `Loopwise: found a verified fix${by} (${testsPhrase(fix)}); apply or preview it from the light bulb on a suspicious line.${why}`;
    }
    else if (r.status === 'noFix') {
      const attempt = llm.bestAttempt ? ' The best unverified LLM attempt is in Output > Loopwise (not applied).' : '';
      message = `No verified fix found within ${state.budgetS} s; the suspicious lines are still shown.${attempt}`;
    }
    else if (r.status === 'alreadyPassing') message = `Loopwise: ${r.message ?? 'all tests pass: nothing to repair.'}`;
    else {
      type = MessageType.Warning;
      message = `Loopwise: ${r.message ?? 'no repair was searched.'}`;
    }
    void this.ctx.connection.sendNotification(ShowMessageNotification.type, { type, message });
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
      searching: this.jobs.has(folder.path),
      currentText: (p) => this.ctx.documents.get(pathToUri(p))?.document.getText() ?? readText(p),
      canPreview: experimental?.loopwisePreviewFix === true,
    });
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

/** The model's explanation, shortened for a notification (the whole text goes to the output). */
function firstSentences(text: string, max = 240): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= max ? flat : `${flat.slice(0, max - 1)}…`;
}
