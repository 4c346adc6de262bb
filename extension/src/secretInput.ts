// Asking the user for a secret (LLM API key, team token) and keeping it in VS Code SecretStorage, the only
// place Loopwise stores secrets: never in settings or logs. One path for every secret the extension holds.
import * as vscode from 'vscode';

export interface SecretPrompt {
  /** SecretStorage key. */
  key: string;
  /** What the secret is, for the title and the confirmation: "LLM API key". */
  what: string;
  prompt: string;
  validate?: (value: string) => string | undefined;
}

/** Asks for the secret and stores it (empty input removes it). Returns the stored value, '' when removed, undefined when cancelled. */
export async function askSecret(secrets: vscode.SecretStorage, p: SecretPrompt): Promise<string | undefined> {
  const input = await vscode.window.showInputBox({ title: `Loopwise: ${p.what}`, prompt: p.prompt, password: true, ignoreFocusOut: true, validateInput: p.validate });
  if (input === undefined) return undefined;
  const value = input.trim();
  if (value === '') await secrets.delete(p.key);
  else await secrets.store(p.key, value);
  void vscode.window.showInformationMessage(value ? `Loopwise: ${p.what} saved in secret storage.` : `Loopwise: ${p.what} removed.`);
  return value;
}
