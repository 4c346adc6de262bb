// Language server entry point (stdio or node IPC). Editor-agnostic: never imports 'vscode'.
// Each feature folder registers its handlers here; this file only wires them up.
import { createConnection, ProposedFeatures, TextDocuments, TextDocumentSyncKind } from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';

const connection = createConnection(ProposedFeatures.all);
const documents = new TextDocuments(TextDocument);

connection.onInitialize(() => ({
  capabilities: {
    textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental, save: { includeText: false } },
  },
  serverInfo: { name: 'loopwise', version: '0.1.0' },
}));

documents.listen(connection);
connection.listen();
