// Client side of verified fixes: tells the server this client can preview a fix (experimental capability
// loopwisePreviewFix, so the light bulb offers "Preview verified fix"), and the loopwise.previewFix command
// it calls: a diff of each file against its fixed text (read-only virtual documents, scheme 'loopwise-fix'),
// titled with the tests the fix makes pass, then "Apply" (only while the files are still as verified).
import * as vscode from 'vscode';
import type { FeatureState, LanguageClient, StaticFeature } from 'vscode-languageclient/node';
import type { PreviewFixArgs } from '../../common/protocol';
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
  for (const f of args.files) {
    const original = vscode.Uri.parse(f.uri);
    const name = original.path.split('/').pop();
    await vscode.commands.executeCommand('vscode.diff', original, contents.add(original, f.newText), `${name}: ${args.title}`, { preview: true });
  }
  const choice = await vscode.window.showInformationMessage(args.title, { detail: 'Every test passes with this change; test files are not edited.' }, 'Apply');
  if (choice !== 'Apply') return false;
  return applyFix(args);
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
