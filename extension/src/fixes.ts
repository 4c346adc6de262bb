// Client side of verified fixes: tells the server this client can preview a fix (experimental capability
// loopwisePreviewFix, so the light bulb offers "Preview verified fix"), and the loopwise.previewFix command
// it calls: a diff of each file against its fixed text (read-only virtual documents, scheme 'loopwise-fix'),
// titled with the tests the fix makes pass, then "Apply" (only while the files are still as verified), which
// closes the diff. The preview and its outcome go to the event log as fix events (shown, accepted, rejected).
import * as vscode from 'vscode';
import type { FeatureState, LanguageClient, StaticFeature } from 'vscode-languageclient/node';
import { FIX_EVENT_COMMAND, type FixEventArgs, type PreviewFixArgs } from '../../common/protocol';
import { CommandIds } from './commands';

export const fixScheme = 'loopwise-fix';

/** Must run before client.start(): the capability goes into the initialize request. */
export function registerFixes(client: LanguageClient): vscode.Disposable[] {
  client.registerFeature(new PreviewCapability());
  const contents = new FixContents();
  return [
    vscode.workspace.registerTextDocumentContentProvider(fixScheme, contents),
    contents,
    vscode.commands.registerCommand(CommandIds.previewFix, (args: PreviewFixArgs) => previewFix(contents, args)),
  ];
}

class PreviewCapability implements StaticFeature {
  fillClientCapabilities(capabilities: { experimental?: unknown }): void {
    capabilities.experimental = { ...(capabilities.experimental as object | undefined), loopwisePreviewFix: true };
  }
  initialize(): void {}
  getState(): FeatureState {
    return { kind: 'static' };
  }
  clear(): void {}
}

/** The fixed texts shown on the right of the diffs; each preview gets fresh URIs so the editor never shows a stale one. */
class FixContents implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly texts = new Map<string, string>();
  private previews = 0;

  add(original: vscode.Uri, text: string): vscode.Uri {
    const uri = original.with({ scheme: fixScheme, query: `preview=${++this.previews}` });
    this.texts.set(uri.toString(), text);
    return uri;
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.texts.get(uri.toString()) ?? '';
  }

  dispose(): void {
    this.texts.clear();
  }
}

async function previewFix(contents: FixContents, args: PreviewFixArgs | undefined): Promise<boolean> {
  if (!args?.files?.length) {
    void vscode.window.showWarningMessage('Loopwise: this fix preview has nothing to show; ask for a verified fix again from the light bulb.');
    return false;
  }
  const shown = args.files.map((f) => contents.add(vscode.Uri.parse(f.uri), f.newText));
  // One outcome per preview: applied (here, or from the light bulb, whose command logs it) or dismissed
  // (the message closed, or every diff of the preview closed without applying).
  let decided = false;
  let opened = false;
  const reject = () => {
    if (decided) return;
    decided = true;
    void logFixEvent(args.sid, 'rejected');
  };
  // The server's URI strings, in VS Code's form: encodings of the same path may differ.
  const targets = args.files.map((f) => ({ uri: vscode.Uri.parse(f.uri).toString(), newText: f.newText }));
  const isApplied = () => targets.every((f) => vscode.workspace.textDocuments.find((d) => d.uri.toString() === f.uri)?.getText() === f.newText);
  const closeIfApplied = () => {
    if (!isApplied()) return;
    decided = true;
    if (opened) void closePreview(shown);
  };
  // Watching before the diffs open: the light bulb can apply the fix while vscode.diff is still resolving.
  const watches = [
    vscode.workspace.onDidChangeTextDocument(closeIfApplied),
    // Open once a diff tab shows (vscode.diff may resolve later, or never when the tab is closed at once).
    vscode.window.tabGroups.onDidChangeTabs(() => {
      if (previewTabs(shown).length) {
        opened = true;
        closeIfApplied();
      } else if (opened) reject();
    }),
  ];
  void logFixEvent(args.sid, 'shown');
  for (const [i, f] of args.files.entries()) {
    const original = vscode.Uri.parse(f.uri);
    await vscode.commands.executeCommand('vscode.diff', original, shown[i], `${original.path.split('/').pop()}: ${args.title}`, { preview: true });
  }
  opened = true;
  closeIfApplied();
  try {
    // In the message itself: a notification shows no detail (only modal dialogs do).
    const choice = await vscode.window.showInformationMessage(`${args.title}. ${args.detail ?? 'Every test passes with this change; test files are not edited.'}`, 'Apply');
    if (choice !== 'Apply') {
      reject();
      return false;
    }
    if (isApplied()) return true;
    if (!(await applyFix(args))) return false;
    decided = true;
    void logFixEvent(args.sid, 'accepted');
    await closePreview(shown);
    return true;
  } finally {
    for (const w of watches) w.dispose();
  }
}

/** Through the server command the language client registered: the server owns the event store. */
async function logFixEvent(sid: string, type: FixEventArgs['type']): Promise<void> {
  const event: FixEventArgs = { sid, type };
  try {
    await vscode.commands.executeCommand(FIX_EVENT_COMMAND, event);
  } catch {
    // the server is gone or restarting: the event is lost, the fix itself is not
  }
}

/**
 * The diff tabs of a preview: those showing one of its fixed texts, known by the query each preview's URIs get
 * (a tab's URI comes back from the workbench, and its string form need not be the one made here).
 */
function previewTabs(fixed: vscode.Uri[]): vscode.Tab[] {
  const queries = new Set(fixed.map((u) => u.query));
  return vscode.window.tabGroups.all.flatMap((g) => g.tabs)
    .filter((t) => t.input instanceof vscode.TabInputTextDiff && t.input.modified.scheme === fixScheme && queries.has(t.input.modified.query));
}

async function closePreview(fixed: vscode.Uri[]): Promise<void> {
  const tabs = previewTabs(fixed);
  if (tabs.length) await vscode.window.tabGroups.close(tabs);
}

/** Replaces each file's text, refusing when a file is no longer the text the fix was verified on. */
async function applyFix(args: PreviewFixArgs): Promise<boolean> {
  const edit = new vscode.WorkspaceEdit();
  for (const f of args.files) {
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.parse(f.uri));
    if (doc.getText() !== f.originalText) {
      void vscode.window.showWarningMessage(`Loopwise: ${vscode.workspace.asRelativePath(doc.uri)} changed since the fix was verified, so it was not applied; find a verified fix again.`);
      return false;
    }
    edit.replace(doc.uri, new vscode.Range(doc.positionAt(0), doc.positionAt(doc.getText().length)), f.newText);
  }
  return vscode.workspace.applyEdit(edit);
}
