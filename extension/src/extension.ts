// Extension entry point: wires the language client to the client-side features (commands, Testing view,
// status bar) and opens the walkthrough on the first start. Thin by design: the heavy work is the server's.
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import type { TestRunResult } from '../../common/protocol';
import { createClient } from './client';
import { ProjectEditors, registerCommands } from './commands';
import { registerFixes } from './fixes';
import { registerHintPanel } from './hintPanel';
import { registerLlm } from './llm';
import { registerInline } from './inline/index';
import { ResultsHub } from './results';
import { logRuns, TestRunner } from './runner';
import { StatusBar } from './statusBar';
import { registerTeam } from './team';
import { TestingView, type ShownStatus } from './testing';

/** What activate() returns: used by the real-VS-Code tests and the activation benchmark. */
export interface LoopwiseApi {
  /** Milliseconds from activate() being called until the language server answered initialize. */
  activationMs: number;
  /** Milliseconds from activate() being called until commands, Testing view and status bar were registered. */
  registeredMs: number;
  testController: vscode.TestController;
  /** Status per test item id that the latest run of a folder showed in the Testing view. */
  shownResults(folderUri: string): ReadonlyMap<string, ShownStatus> | undefined;
  /** The file behind the Output channel (Output > Loopwise): what the extension and its server logged. */
  outputLog: vscode.Uri;
  /** Runs a folder's tests (or one file's) like the commands do; undefined when cancelled or failed. */
  runTests(folder: vscode.WorkspaceFolder, file?: vscode.Uri, token?: vscode.CancellationToken): Promise<TestRunResult | undefined>;
}

let client: LanguageClient | undefined;

const WALKTHROUGH = 'loopwise.loopwise#gettingStarted';
const WALKTHROUGH_SHOWN = 'loopwise.walkthroughShown';

export async function activate(context: vscode.ExtensionContext): Promise<LoopwiseApi> {
  const started = performance.now();
  const output = vscode.window.createOutputChannel('Loopwise', { log: true });
  client = createClient(context, output);
  // Before start(): the fix preview is declared in the initialize request's capabilities.
  context.subscriptions.push(...registerFixes(client), ...registerLlm(context, client, output));
  context.subscriptions.push(...registerInline(context, client, output));
  context.subscriptions.push(...registerTeam(context, client, output));
  const editors = new ProjectEditors();
  context.subscriptions.push(editors, ...registerHintPanel(context, client, editors));
  const hub = new ResultsHub();
  const ready = client.start().then(() => true, (err: unknown) => {
    output.error(`the language server did not start: ${err instanceof Error ? err.message : String(err)}`);
    void vscode.window.showErrorMessage('Loopwise: the language server did not start (see Output > Loopwise).');
    return false;
  });
  const runner = new TestRunner(client, ready, hub, output);
  const testing = new TestingView(hub, runner);
  context.subscriptions.push(output, hub, hub.listen(client), logRuns(hub, output), testing, new StatusBar(hub), ...registerCommands(runner, testing, editors, output));
  const registeredMs = performance.now() - started;
  openWalkthroughOnce(context);

  await ready;
  const activationMs = performance.now() - started;
  output.info(`activated: language server ready in ${activationMs.toFixed(0)} ms`);
  return {
    activationMs,
    registeredMs,
    testController: testing.controller,
    shownResults: (folderUri) => testing.shown.get(folderUri),
    // A log output channel writes <logUri>/<channel name>.log
    outputLog: vscode.Uri.joinPath(context.logUri, 'Loopwise.log'),
    runTests: (folder, file, token) => runner.run(folder, file, token),
  };
}

/** The walkthrough opens by itself once per installation (the flag lives in the global state). */
function openWalkthroughOnce(context: vscode.ExtensionContext): void {
  if (context.globalState.get<boolean>(WALKTHROUGH_SHOWN)) return;
  void context.globalState.update(WALKTHROUGH_SHOWN, true);
  void vscode.commands.executeCommand('workbench.action.openWalkthrough', WALKTHROUGH, false);
}

export async function deactivate(): Promise<void> {
  await client?.stop();
}
