// The tutor feature: loopwise/hint answers a folder's hint at a help level (nudge, location, concept) with the
// hint pipeline (LLM when a tutor and a student model are configured, else embedded), and loopwise/hintFeedback
// stores what the student did with it as `hint` events. The response carries the hint only: never the fix,
// the reference or the analysis. The analysis is reused while the sources are unchanged ("more help").
// Notes for the developer or teacher (no tutor model configured) go to the log once, never into the hint.
import { createHash, randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LSPErrorCodes, ResponseError, type CancellationToken, type Connection } from 'vscode-languageserver/node';
import type { EventType } from '../../../common/events';
import { HintMethods, type HintFeedbackParams, type HintParams, type HintResponse } from '../../../common/protocol';
import { analyse, loadExercise, type Analysis } from '../hints/analyse';
import { AssignmentError, assignmentPath } from '../hints/assignment';
import { hintFromAnalysis } from '../hints/pipeline';
import { clientSecretProvider } from '../llm/lsp';
import { TaskError } from '../repair/task';
import type { EventsFeature } from './eventsFeature';
import type { Feature, ServerContext } from './features';
import { uriToPath } from './folders';

const feedbackType: Record<HintFeedbackParams['action'], EventType> = { shown: 'shown', helpful: 'accepted', notHelpful: 'rejected', moreHelp: 'requested' };

export class HintFeature implements Feature {
  readonly name = 'hints';
  private ctx!: ServerContext;
  private readonly analyses = new Map<string, { key: string; analysis: Promise<Analysis> }>();
  private readonly notesLogged = new Set<string>();

  constructor(private readonly events?: EventsFeature) {}

  register(connection: Connection, ctx: ServerContext): void {
    this.ctx = ctx;
    connection.onRequest(HintMethods.hint, (p: HintParams, token: CancellationToken) => this.onHint(p, token));
    connection.onNotification(HintMethods.hintFeedback, (p: HintFeedbackParams) => this.onFeedback(p));
  }

  /** Sources' text (and the assignment) as a cache key: an edit means a new analysis. */
  private key(root: string, sources: string[]): string {
    const h = createHash('sha256');
    for (const f of [...sources, '.loopwise/assignment.json']) {
      try { h.update(f).update(readFileSync(join(root, f))); } catch { h.update(`${f}:absent`); }
    }
    return h.digest('hex');
  }

  private async onHint(p: HintParams, token: CancellationToken): Promise<HintResponse> {
    const root = p && typeof p.folderUri === 'string' ? uriToPath(p.folderUri) : undefined;
    if (!root) throw new ResponseError(LSPErrorCodes.RequestFailed, `${HintMethods.hint} needs folderUri, a file:// URI of a folder`);
    const level = p.level === 2 || p.level === 3 ? p.level : 1;
    const settings = await this.ctx.settings.get(p.folderUri);
    const abort = new AbortController();
    const sub = token.onCancellationRequested(() => abort.abort());
    try {
      let exercise;
      try { exercise = loadExercise(root); } catch (e) {
        if (e instanceof TaskError || e instanceof AssignmentError) return { status: 'error', message: e.message };
        throw e;
      }
      // The settings' precision knob applies unless the teacher's assignment file sets one.
      if (!existsSync(assignmentPath(exercise.task.root))) exercise.policy = { ...exercise.policy, alpha: settings.hints.alpha, beta: settings.hints.beta };
      const key = this.key(exercise.task.root, exercise.task.sources);
      let cached = this.analyses.get(root);
      if (!cached || cached.key !== key) {
        cached = { key, analysis: analyse(exercise, { budgetS: settings.repair.budgetSeconds, signal: abort.signal }) };
        this.analyses.set(root, cached);
        cached.analysis.catch(() => this.analyses.delete(root));
      }
      const analysis = await cached.analysis;
      const r = await hintFromAnalysis(analysis, { level, settings: settings.llm, secrets: clientSecretProvider(this.ctx.connection), signal: abort.signal });
      const hint = r.hint && { ...r.hint, id: randomUUID() };
      if (hint) this.record({ folderUri: p.folderUri, hintId: hint.id, action: 'shown', level: hint.level, source: hint.source, file: hint.location?.file, line: hint.location?.line }, hint.text);
      if (r.engineNote && !this.notesLogged.has(r.engineNote)) {
        this.notesLogged.add(r.engineNote);
        this.ctx.connection.console.info(`tutor hints: ${r.engineNote}`);
      }
      return { status: r.status, hint, message: r.message };
    } finally {
      sub.dispose();
    }
  }

  private onFeedback(p: HintFeedbackParams): void {
    if (!p || typeof p.hintId !== 'string' || !(p.action in feedbackType)) {
      this.ctx.connection.console.warn(`${HintMethods.hintFeedback}: ignored malformed feedback`);
      return;
    }
    this.record(p);
  }

  private record(p: HintFeedbackParams, text?: string): void {
    if (!this.events) return;
    this.events.append(this.events.make({
      kind: 'hint', type: feedbackType[p.action], sid: p.hintId, source: `hint:${p.source}:level${p.level}`,
      ctx: { lang: p.file?.endsWith('.js') ? 'javascript' : 'python' },
      sug: text === undefined ? undefined : { text, chars: text.length, lines: text.split('\n').length },
    }));
  }
}
