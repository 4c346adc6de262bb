// vscode-languageserver keeps ONE handler per request or notification: a second connection.onHover (or
// onRequest for the same method) silently replaces the first, and a feature goes dark with no error.
// This guard makes such a clash fail loudly at startup, naming the handler both features wanted.
import type { Connection } from 'vscode-languageserver/node';

/** Registration shorthands and the LSP method each one handles (so onHover and onRequest('textDocument/hover') clash too). */
const shorthands: Record<string, string> = {
  onHover: 'textDocument/hover',
  onCodeAction: 'textDocument/codeAction',
  onCodeActionResolve: 'codeAction/resolve',
  onCompletion: 'textDocument/completion',
  onCompletionResolve: 'completionItem/resolve',
  onCodeLens: 'textDocument/codeLens',
  onCodeLensResolve: 'codeLens/resolve',
  onDefinition: 'textDocument/definition',
  onReferences: 'textDocument/references',
  onDocumentSymbol: 'textDocument/documentSymbol',
  onSignatureHelp: 'textDocument/signatureHelp',
  onExecuteCommand: 'workspace/executeCommand',
  onDocumentHighlight: 'textDocument/documentHighlight',
  onWorkspaceSymbol: 'workspace/symbol',
};

/** Patches `connection` so that registering the same handler twice throws instead of replacing it. */
export function guardSingleHandlers(connection: Connection): void {
  const target = connection as unknown as Record<string, (...args: unknown[]) => unknown>;
  const claimed = new Set<string>();
  const claim = (key: string) => {
    if (claimed.has(key)) throw new Error(`${key} has two handlers: the second would silently replace the first (vscode-languageserver keeps one per method)`);
    claimed.add(key);
  };
  for (const [name, method] of Object.entries(shorthands)) {
    const original = target[name];
    if (typeof original !== 'function') continue;
    target[name] = (...args: unknown[]) => {
      claim(method);
      return original.apply(connection, args);
    };
  }
  for (const name of ['onRequest', 'onNotification']) {
    const original = target[name];
    if (typeof original !== 'function') continue;
    target[name] = (...args: unknown[]) => {
      const type = args[0];
      claim(typeof type === 'string' ? type : typeof type === 'function' ? `${name}(*)` : String((type as { method?: string }).method));
      return original.apply(connection, args);
    };
  }
}
