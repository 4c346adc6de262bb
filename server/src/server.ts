// Language server entry point (stdio, node IPC or a socket: vscode-languageserver reads --stdio /
// --node-ipc / --socket=N / --pipe=NAME). Editor-agnostic: never imports 'vscode'. Lists the features; lsp/ wires them.
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { EventsFeature } from './lsp/eventsFeature';
import type { Feature } from './lsp/features';
import { GateFeature } from './lsp/gateFeature';
import { HintFeature } from './lsp/hintFeature';
import { InlineFeature } from './lsp/inlineFeature';
import { startServer } from './lsp/lifecycle';
import { TeamFeature } from './lsp/teamFeature';
import { RepairFeature } from './lsp/repairFeature';
import { TestRunsFeature } from './lsp/testRuns';
import { runTests } from './run';

const events = new EventsFeature();
const gate = new GateFeature(events);
const features: Feature[] = [
  new TestRunsFeature(runTests),
  new RepairFeature(events),
  events,
  gate,
  new InlineFeature(events, gate),
  new HintFeature(events),
  new TeamFeature(events, (model) => gate.useTeamModel(model)),
];

if (!process.argv.some((a) => /^--(stdio|node-ipc|socket=|pipe=)/.test(a))) {
  process.stderr.write('usage: node dist/server.js --stdio | --node-ipc | --socket=PORT | --pipe=NAME\n' +
    'The Loopwise language server speaks LSP over the given transport; editors start it (see README).\n');
  process.exit(2);
}
startServer(createConnection(ProposedFeatures.all), features, '0.1.0');
