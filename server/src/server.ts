// Language server entry point (stdio, node IPC or a socket: vscode-languageserver reads --stdio /
// --node-ipc / --socket=N). Editor-agnostic: never imports 'vscode'. Lists the features; lsp/ wires them.
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import type { Feature } from './lsp/features';
import { startServer } from './lsp/lifecycle';
import { TestRunsFeature } from './lsp/testRuns';
import { runTests } from './run';

const features: Feature[] = [
  new TestRunsFeature(runTests),
];

startServer(createConnection(ProposedFeatures.all), features, '0.1.0');
