// The language server's side of LLM access: the API key is asked of the client on demand (it lives in VS Code
// SecretStorage and is never a setting), and every action's token spending is reported for the status bar.
import type { Connection } from 'vscode-languageserver';
import { Methods, type LlmApiKeyResponse, type LlmRole, type LlmSettings, type LlmUsageNotification } from '../../../common/protocol';
import { TokenBudget } from './budget';
import { LlmClient, type LlmClientDeps } from './client';
import { configFromSettings } from './config';
import type { SecretProvider } from './secrets';

/** Asks the client for the key each time it is needed, so a key changed in the editor applies at once. */
export function clientSecretProvider(connection: Connection): SecretProvider {
  return async () => {
    const r = await connection.sendRequest<LlmApiKeyResponse | null>(Methods.llmApiKey);
    return r?.apiKey || undefined;
  };
}

export function lspLlmClient(connection: Connection, settings: Partial<LlmSettings> | undefined, deps: LlmClientDeps = {}): LlmClient {
  return new LlmClient(configFromSettings(settings), clientSecretProvider(connection), deps);
}

/** A budget for one action that notifies the client (Methods.llmUsage) after every model call. */
export function reportedBudget(connection: Connection, limit: number, action: string): TokenBudget {
  return new TokenBudget(limit, action, (budget: TokenBudget, role: LlmRole) => {
    const note: LlmUsageNotification = {
      action, role, promptTokens: budget.promptTokens, completionTokens: budget.completionTokens, estimated: budget.estimated, budget: budget.limit,
    };
    void connection.sendNotification(Methods.llmUsage, note);
  });
}
