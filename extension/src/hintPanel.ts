// The tutor hint panel: "Loopwise: Get a Hint" asks the server for a hint on the folder of the current file
// (loopwise/hint), shows it in a webview (media/hints, strict CSP with a per-load nonce) with the failing test,
// "more help" (the next level) and helpful / not-helpful buttons, whose clicks go to the server as hint feedback
// (stored as `hint` events). The panel never receives fix code: the server's response holds the hint only.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { HintMethods, type HintFeedbackParams, type HintLevel, type HintParams, type HintResponse, type TutorHint } from '../../common/protocol';
import { CommandIds, type ProjectEditors } from './commands';

interface PanelState {
  folder: vscode.WorkspaceFolder;
  hint?: TutorHint;
}

export function registerHintPanel(context: vscode.ExtensionContext, client: LanguageClient, editors: ProjectEditors): vscode.Disposable[] {
  let panel: vscode.WebviewPanel | undefined;
  let state: PanelState | undefined;

  const post = (msg: { hint?: TutorHint; message?: string; busy?: boolean }) => void panel?.webview.postMessage(msg);

  const feedback = (action: HintFeedbackParams['action']) => {
    const h = state?.hint;
    if (!state || !h?.id) return;
    const p: HintFeedbackParams = { folderUri: state.folder.uri.toString(), hintId: h.id, action, level: h.level, source: h.source, file: h.location?.file, line: h.location?.line };
    void client.sendNotification(HintMethods.hintFeedback, p);
  };

  const ask = async (folder: vscode.WorkspaceFolder, level: HintLevel) => {
    state = { folder, hint: state?.folder === folder ? state.hint : undefined };
    post({ hint: state.hint, busy: true });
    try {
      const params: HintParams = { folderUri: folder.uri.toString(), level };
      const r = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: 'Loopwise: preparing a hint', cancellable: true },
        (_p, token) => client.sendRequest<HintResponse>(HintMethods.hint, params, token),
      );
      state.hint = r.hint ?? state.hint;
      post({ hint: r.hint, message: r.message ?? (r.status === 'allPassing' ? 'All tests pass.' : undefined) });
    } catch (err) {
      post({ hint: state.hint, message: `No hint: ${err instanceof Error ? err.message : String(err)}` });
    }
  };

  const open = async () => {
    // The panel itself may have the focus (asking again from the palette): then the last project editor counts.
    const current = editors.currentFile();
    const folder = (current && vscode.workspace.getWorkspaceFolder(current)) ?? vscode.workspace.workspaceFolders?.[0];
    if (!folder) { void vscode.window.showWarningMessage('Loopwise: open a folder with your program and its tests to get a hint.'); return; }
    if (!panel) {
      const media = vscode.Uri.joinPath(context.extensionUri, 'media', 'hints');
      panel = vscode.window.createWebviewPanel('loopwise.hint', 'Loopwise hint', vscode.ViewColumn.Beside, { enableScripts: true, localResourceRoots: [media] });
      panel.webview.html = html(panel.webview, media);
      panel.onDidDispose(() => { panel = undefined; state = undefined; });
      panel.webview.onDidReceiveMessage((m: { type?: string }) => {
        if (m.type === 'ready') { post({ hint: state?.hint, busy: !state?.hint }); return; }
        if (m.type === 'helpful' || m.type === 'notHelpful') feedback(m.type);
        if (m.type === 'moreHelp' && state?.hint && state.hint.level < state.hint.maxLevel) {
          feedback('moreHelp');
          void ask(state.folder, (state.hint.level + 1) as HintLevel);
        }
      });
    } else panel.reveal();
    await ask(folder, 1);
  };

  return [vscode.commands.registerCommand(CommandIds.showHint, open), { dispose: () => panel?.dispose() }];
}

function html(webview: vscode.Webview, media: vscode.Uri): string {
  const nonce = randomBytes(16).toString('base64');
  const template = readFileSync(vscode.Uri.joinPath(media, 'panel.html').fsPath, 'utf8');
  const values: Record<string, string> = {
    nonce, cspSource: webview.cspSource,
    styleUri: webview.asWebviewUri(vscode.Uri.joinPath(media, 'panel.css')).toString(),
    scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(media, 'panel.js')).toString(),
  };
  return template.replace(/\{\{(\w+)\}\}/g, (_m, k: string) => values[k] ?? '');
}
