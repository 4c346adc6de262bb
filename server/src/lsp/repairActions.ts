// Code actions of the repair feature where the bug is (a suspicious line, a line the fix edits) and on a
// failing test's lines: "Apply verified fix" (a WorkspaceEdit, offered only while the sources are exactly
// what the search verified, whose command logs the acceptance), "Preview verified fix" for clients with the
// diff preview, else "Find a verified fix". Test files are never edited.
import { isAbsolute, relative, resolve } from 'node:path';
import { CodeActionKind, type CodeAction, type Diagnostic, type TextEdit, type WorkspaceEdit } from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { FIX_EVENT_COMMAND, type FixEventArgs, type PreviewFixArgs } from '../../../common/protocol';
import type { RepairFix } from '../../../common/repair';
import { pathToUri } from './folders';
import { localizeSource } from './localizeDiagnostics';
import { offeredDetail, offeredFix, offeredPhrase, suspiciousAt, type FolderRepair } from './repairView';

export const fixCommand = 'loopwise.server.fix';
export const previewFixCommand = 'loopwise.previewFix';

export interface ActionInput {
  folder: { uri: string; path: string };
  /** Absolute path of the document the action is asked for, and the 1-based lines of the range. */
  path: string;
  lines: [number, number];
  diagnostics: Diagnostic[];
  state?: FolderRepair;
  /** "file:line" (relative, 1-based) of the failing tests' own lines: definition, assertion, where they raised. */
  failureLines: Set<string>;
  searching: boolean;
  /** The current text of a folder file: the open document's, else the file on disk. */
  currentText: (absolutePath: string) => string | undefined;
  canPreview: boolean;
}

/**
 * Whether the request concerns a failure or a suspicious line, i.e. whether to offer anything. By line, not
 * only by the diagnostics in the context: Ctrl+. left of a diagnostic's range sends none.
 */
function relevant(input: ActionInput): boolean {
  if (input.diagnostics.some((d) => d.source === localizeSource || (d.source === 'loopwise' && hasTestId(d.data)))) return true;
  const file = relative(input.folder.path, input.path).split('\\').join('/');
  const state = input.state;
  const edits = offeredFix(state?.result)?.fix.edits ?? [];
  for (let l = input.lines[0]; l <= input.lines[1]; l++) {
    if (input.failureLines.has(`${file}:${l}`)) return true;
    if (state && (suspiciousAt(state, file, l) || edits.some((e) => e.file === file && e.line === l))) return true;
  }
  return false;
}

export function repairActions(input: ActionInput): CodeAction[] {
  if (!relevant(input)) return [];
  const offered = offeredFix(input.state?.result);
  const fix = offered?.fix;
  const edit = fix && input.state ? fixEdit(input.state, fix, input.currentText) : undefined;
  if (offered && fix && edit) {
    const title = offeredPhrase(offered);
    const what = offered.partial ? 'partial fix' : 'verified fix';
    const actions: CodeAction[] = [{
      title: `Apply ${what} (${title})`,
      kind: CodeActionKind.QuickFix,
      isPreferred: true,
      diagnostics: input.diagnostics.filter((d) => d.source === localizeSource || d.source === 'loopwise'),
      edit: edit.workspaceEdit,
    }];
    const sid = input.state?.sid;
    if (sid) {
      // The editor runs the command after applying the edit: the only moment the server learns of it.
      const accepted: FixEventArgs = { sid, type: 'accepted' };
      actions[0].command = { title: 'Record the applied fix', command: FIX_EVENT_COMMAND, arguments: [accepted] };
    }
    if (input.canPreview && sid && input.state?.result) {
      const args: PreviewFixArgs = {
        title: `${offered.partial ? 'Partial' : 'Verified'} fix: ${title}`, files: edit.files, testsFixed: fix.testsFixed, sid,
        detail: offeredDetail(offered, input.state.result),
      };
      actions.push({ title: `Preview ${what} (${title})`, kind: CodeActionKind.QuickFix, command: { title: `Preview ${what}`, command: previewFixCommand, arguments: [args] } });
    }
    return actions;
  }
  if (input.searching) return [];
  return [{
    title: 'Find a verified fix (Loopwise)',
    kind: CodeActionKind.QuickFix,
    command: { title: 'Find a verified fix', command: fixCommand, arguments: [input.folder.uri] },
  }];
}

/**
 * The fix as one minimal TextEdit per file, or undefined when a file changed since the search (the fix
 * was verified against that text only) or the fix would touch a test file.
 */
function fixEdit(state: FolderRepair, fix: RepairFix, currentText: ActionInput['currentText']): { workspaceEdit: WorkspaceEdit; files: PreviewFixArgs['files'] } | undefined {
  const changes: Record<string, TextEdit[]> = {};
  const files: PreviewFixArgs['files'] = [];
  for (const f of fix.files) {
    if (state.tests.has(f.path)) return undefined;
    const original = state.originals.get(f.path);
    const path = isAbsolute(f.path) ? f.path : resolve(state.root, f.path);
    if (original === undefined || currentText(path) !== original) return undefined;
    const uri = pathToUri(path);
    changes[uri] = [minimalEdit(original, f.newText)];
    files.push({ uri, originalText: original, newText: f.newText });
  }
  return files.length ? { workspaceEdit: { changes }, files } : undefined;
}

/** Replaces only the span between the texts' common prefix and suffix. */
export function minimalEdit(before: string, after: string): TextEdit {
  let start = 0;
  while (start < before.length && start < after.length && before[start] === after[start]) start++;
  let end = 0;
  while (end < before.length - start && end < after.length - start && before[before.length - 1 - end] === after[after.length - 1 - end]) end++;
  const doc = TextDocument.create('file:///x', 'plaintext', 0, before);
  return { range: { start: doc.positionAt(start), end: doc.positionAt(before.length - end) }, newText: after.slice(start, after.length - end) };
}

function hasTestId(data: unknown): boolean {
  return typeof data === 'object' && data !== null && typeof (data as { testId?: unknown }).testId === 'string';
}
