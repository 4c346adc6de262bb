// The extension's side of LLM access: the API key lives in SecretStorage (set by a command) and is handed
// to the language server only when it asks (Methods.llmApiKey); token usage per action goes to the output
// channel and, briefly, the status bar. The key is never written to settings or logs.
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { Methods, type LlmApiKeyResponse, type LlmUsageNotification } from '../../common/protocol';
import { CommandIds } from './commands';
import { askSecret } from './secretInput';

const secretKey = 'loopwise.llm.apiKey';

export function registerLlm(context: vscode.ExtensionContext, client: LanguageClient, output: vscode.LogOutputChannel): vscode.Disposable[] {
  const usage = vscode.window.createStatusBarItem('loopwise.llmUsage', vscode.StatusBarAlignment.Left, 9);
  usage.name = 'Loopwise LLM usage';
  let hideTimer: ReturnType<typeof setTimeout> | undefined;
  return [
    usage,
    { dispose: () => clearTimeout(hideTimer) },
    client.onRequest(Methods.llmApiKey, async (): Promise<LlmApiKeyResponse> => {
      const apiKey = await context.secrets.get(secretKey);
      return apiKey ? { apiKey } : {};
    }),
    client.onNotification(Methods.llmUsage, (n: LlmUsageNotification) => {
      const used = n.promptTokens + n.completionTokens;
      const approx = n.estimated ? '~' : '';
      output.info(`LLM ${n.action} (${n.role}): ${approx}${used} tokens (${n.promptTokens} prompt + ${n.completionTokens} completion) of a ${n.budget} budget`);
      usage.text = `$(sparkle) ${approx}${used} tokens`;
      usage.tooltip = `Loopwise ${n.action}: ${approx}${used} of ${n.budget} tokens used by the ${n.role} model`;
      usage.show();
      clearTimeout(hideTimer);
      hideTimer = setTimeout(() => usage.hide(), 60_000);
    }),
    // Awaited, not returned: a command's result is readable by any extension that executes it.
    vscode.commands.registerCommand(CommandIds.setLlmApiKey, async () => {
      await askSecret(context.secrets, {
        key: secretKey,
        what: 'LLM API key',
        prompt: 'Stored in VS Code secret storage, never in settings. Leave empty for local servers that need none.',
      });
    }),
    vscode.commands.registerCommand(CommandIds.clearLlmApiKey, async () => {
      await context.secrets.delete(secretKey);
      void vscode.window.showInformationMessage('Loopwise: LLM API key removed.');
    }),
  ];
}
