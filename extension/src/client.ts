// Creates the language client that starts the Loopwise language server (dist/server.js) over node IPC.
// The server does the heavy work; the client syncs the 'loopwise' settings section to it, and sends the
// window-level values with initialize, so the server has them even where asking per resource fails.
import * as vscode from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';

export function createClient(context: vscode.ExtensionContext, output: vscode.LogOutputChannel): LanguageClient {
  const module = context.asAbsolutePath('dist/server.js');
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6009'] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: 'file', language: 'python' },
      { scheme: 'file', language: 'javascript' },
      { scheme: 'file', language: 'typescript' },
    ],
    synchronize: { configurationSection: 'loopwise' },
    // JSON drops the WorkspaceConfiguration's methods and keeps the values.
    initializationOptions: () => ({ loopwise: JSON.parse(JSON.stringify(vscode.workspace.getConfiguration('loopwise'))) as unknown }),
    outputChannel: output,
  };
  return new LanguageClient('loopwise', 'Loopwise', serverOptions, clientOptions);
}
