// Code actions of the repair feature on a failing test's diagnostic or a suspicious line: "Apply verified
// fix" (a WorkspaceEdit, offered only while the sources are exactly what the search verified), "Preview
// verified fix" for clients with the diff preview, else "Find a verified fix". Test files are never edited.
import { isAbsolute, relative, resolve } from 'node:path';
import { CodeActionKind, type CodeAction, type Diagnostic, type TextEdit, type WorkspaceEdit } from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { PreviewFixArgs } from '../../../common/protocol';
import type { RepairFix } from '../../../common/repair';
import { pathToUri } from './folders';
import { localizeSource } from './localizeDiagnostics';
import { suspiciousAt, testsPhrase, type FolderRepair } from './repairView';

export const fixCommand = 'loopwise.server.fix';
export const previewFixCommand = 'loopwise.previewFix';

export interface ActionInput {
  folder: { uri: string; path: string };
  /** Absolute path of the document the action is asked for, and the 1-based lines of the range. */
  path: string;
  lines: [number, number];
  diagnostics: Diagnostic[];
  state?: FolderRepair;
  searching: boolean;
  /** The current text of a folder file: the open document's, else the file on disk. */
  currentText: (absolutePath: string) => string | undefined;
  canPreview: boolean;
}

/** Whether the request concerns a failure or a suspicious line, i.e. whether to offer anything. */
function relevant(input: ActionInput): boolean {
  const ours = input.diagnostics.some((d) => d.source === localizeSource || (d.source === 'loopwise' && hasTestId(d.data)));
  if (ours || !input.state) return ours;
  const file = relative(input.state.root, input.path).split('\\').join('/');
  for (let l = input.lines[0]; l <= input.lines[1]; l++) if (suspiciousAt(input.state, file, l)) return true;
  return false;
}

export function repairActions(input: ActionInput): CodeAction[] {
  if (!relevant(input)) return [];
  const fix = input.state?.result.fixes[0];
  const edit = fix && input.state ? fixEdit(input.state, fix, input.currentText) : undefined;
  if (fix && edit) {
    const title = testsPhrase(fix);
    const actions: CodeAction[] = [{
      title: `Apply verified fix (${title})`,
      kind: CodeActionKind.QuickFix,
      isPreferred: true,
      diagnostics: input.diagnostics.filter((d) => d.source === localizeSource || d.source === 'loopwise'),
      edit: edit.workspaceEdit,
    }];
    if (input.canPreview) {
      const args: PreviewFixArgs = { title: `Verified fix: ${title}`, files: edit.files, testsFixed: fix.testsFixed };
      actions.push({ title: `Preview verified fix (${title})`, kind: CodeActionKind.QuickFix, command: { title: 'Preview verified fix', command: previewFixCommand, arguments: [args] } });
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
