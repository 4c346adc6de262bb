// The connection's lifecycle and shared notifications: initialize (capabilities of all features, workspace
// folders, grammars loaded), text document sync into the DocumentStore, configuration and folder changes,
// shutdown. Features get these through the ServerContext instead of registering them (they are single-handler).
import {
  DidChangeConfigurationNotification, TextDocumentSyncKind,
  type ClientCapabilities, type Connection, type InitializeResult, type ServerCapabilities,
} from 'vscode-languageserver/node';
import { DocumentStore } from '../parse/documents';
import { CommandRegistry } from './commands';
import { mergeCapabilities, type Feature, type ServerContext } from './features';
import { WorkspaceFolders } from './folders';
import { ResultStore } from './results';
import { SettingsStore } from './settings';
import { guardSingleHandlers } from './singleHandlers';

const baseCapabilities: ServerCapabilities = {
  textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental, save: { includeText: false } },
  workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
};

export function startServer(connection: Connection, features: Feature[], version: string): void {
  guardSingleHandlers(connection);
  let client: ClientCapabilities = {};
  let documents: DocumentStore | undefined;
  const folders = new WorkspaceFolders();
  const settings = new SettingsStore(connection, (m) => connection.console.warn(m));
  const commands = new CommandRegistry();
  const results = new ResultStore();
  const pendingDocuments = DocumentStore.create();

  connection.onInitialize(async (params): Promise<InitializeResult> => {
    client = params.capabilities;
    // Features register once the grammars are loaded; clients send nothing but initialize before that.
    documents = await pendingDocuments;
    folders.initialize(params);
    settings.initialize(client.workspace?.configuration === true, params.initializationOptions);
    const ctx: ServerContext = { connection, documents, folders, settings, commands, results, client: () => client };
    for (const f of features) f.register(connection, ctx);
    const commandCapability: ServerCapabilities = commands.ids().length ? { executeCommandProvider: { commands: commands.ids(), workDoneProgress: true } } : {};
    return {
      capabilities: mergeCapabilities(baseCapabilities, commandCapability, ...features.map((f) => f.capabilities?.(client) ?? {})),
      serverInfo: { name: 'loopwise', version },
    };
  });

  connection.onInitialized(async () => {
    settings.initialized();
    // Subscribe before awaiting anything: a folder change may follow 'initialized' at once.
    if (client.workspace?.workspaceFolders) {
      connection.workspace.onDidChangeWorkspaceFolders((event) => folders.change(event));
      folders.askClientWith(() => connection.workspace.getWorkspaceFolders());
    }
    if (client.workspace?.didChangeConfiguration?.dynamicRegistration) {
      await connection.client.register(DidChangeConfigurationNotification.type, { section: 'loopwise' });
    }
    for (const f of features) await f.initialized?.();
  });

  commands.listen(connection);
  connection.onDidOpenTextDocument(({ textDocument: d }) => void documents?.open(d.uri, d.languageId, d.version, d.text));
  connection.onDidChangeTextDocument(({ textDocument: d, contentChanges }) => void documents?.change(d.uri, d.version, contentChanges));
  connection.onDidSaveTextDocument(({ textDocument: d }) => documents?.save(d.uri));
  connection.onDidCloseTextDocument(({ textDocument: d }) => documents?.close(d.uri));
  connection.onDidChangeConfiguration(({ settings: pushed }) => settings.didChange(pushed));
  connection.onShutdown(async () => {
    await Promise.all(features.map((f) => f.shutdown?.()));
  });

  // The connection exits the process when the client goes away; nothing a feature started may outlive it.
  process.on('exit', () => {
    for (const f of features) f.dispose?.();
  });
  connection.listen();
}
