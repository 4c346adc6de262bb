// The built language server over stdio, running real fixture projects with the real runner:
// diagnostics at the failing assertion and in user code, progress, stale-diagnostic clearing,
// cancellation without stray processes, and runs on save configured through workspace/configuration.
import * as assert from 'node:assert';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CancellationTokenSource } from 'vscode-jsonrpc/node';
import type { Diagnostic, WorkDoneProgressBegin } from 'vscode-languageserver-protocol';
import { Methods, type RunTestsParams, type TestResultsNotification, type TestRunResult } from '../../common/protocol';
import { copyFixture, ensureBuilt, TestClient, uriOf } from './client';
import { leftovers, processTable } from './processes';

type ProgressParams<T> = { token: string | number; value: T };
type Plain = Omit<Diagnostic, 'message'> & { message: string };

/** Diagnostics starting on a 1-based line (the server sends plain-text messages). */
function onLine(diagnostics: Diagnostic[] | undefined, line1: number): Plain[] {
  return (diagnostics ?? []).filter((d) => d.range.start.line === line1 - 1) as Plain[];
}

function progressOf(client: TestClient, token: string | number): string[] {
  return client.notifications
    .filter((n) => n.method === '$/progress' && (n.params as ProgressParams<unknown>).token === token)
    .map((n) => ((n.params as ProgressParams<WorkDoneProgressBegin>).value).kind);
}

describe('LSP: running tests over stdio', function () {
  this.timeout(180000);
  let client: TestClient | undefined;

  before(() => ensureBuilt());
  afterEach(async () => {
    await client?.stop();
    client = undefined;
  });

  it('runs a folder the user has just added, when the command arrives before the folder-change notification', async () => {
    const first = copyFixture('python');
    const added = copyFixture('javascript');
    client = new TestClient();
    await client.initialize(first);
    // The client already lists the new folder but has not yet sent didChangeWorkspaceFolders.
    client.workspaceFolders = [{ uri: uriOf(first), name: 'fixture' }, { uri: uriOf(added), name: 'added' }];
    const results = await client.connection.sendRequest<TestRunResult[]>('workspace/executeCommand', { command: 'loopwise.server.runTests', arguments: [uriOf(added)] });
    assert.strictEqual(results.length, 1);
    assert.strictEqual(results[0].framework, 'node-test');
    assert.ok(results[0].summary.failed > 0, JSON.stringify(results[0].summary));
    assert.ok(client.serverRequests.some((r) => r.method === 'workspace/workspaceFolders'), 'the server asked the client for its folders');
  });

  it('puts a pytest failure on the assertion line (expected/actual) and on the user line that raised', async () => {
    const folder = copyFixture('python');
    client = new TestClient();
    await client.initialize(folder);
    client.open(join(folder, 'test_calc.py'), 'python');
    const params: RunTestsParams = { folderUri: uriOf(folder), workDoneToken: 'py-run' };
    const result = await client.connection.sendRequest<TestRunResult>(Methods.runTests, params);
    assert.strictEqual(result.framework, 'pytest');
    assert.strictEqual(result.summary.passed, 1, JSON.stringify(result.summary));

    const testFile = client.diagnostics(join(folder, 'test_calc.py'));
    const [atAssert] = onLine(testFile, 5);
    assert.ok(atAssert, `no diagnostic on test_calc.py:5; got ${JSON.stringify(testFile)}`);
    assert.match(atAssert.message, /test_add/);
    assert.match(atAssert.message, /expected: 5/);
    assert.match(atAssert.message, /actual: -1/);
    assert.strictEqual(atAssert.severity, 1);
    assert.strictEqual(onLine(testFile, 13).length, 0, 'the passing test has no diagnostic');

    const source = client.diagnostics(join(folder, 'calc.py'));
    const [inUserCode] = onLine(source, 6);
    assert.ok(inUserCode, `no diagnostic on calc.py:6; got ${JSON.stringify(source)}`);
    assert.match(inUserCode.message, /test_mean_of_nothing_is_zero/);
    assert.match(inUserCode.message, /ZeroDivisionError|division by zero/);

    const kinds = progressOf(client, 'py-run');
    assert.strictEqual(kinds[0], 'begin');
    assert.strictEqual(kinds[kinds.length - 1], 'end');
    const note = client.notifications.find((n) => n.method === Methods.testResults)?.params as TestResultsNotification | undefined;
    assert.strictEqual(note?.folderUri, uriOf(folder));
    assert.strictEqual(note?.result.summary.failed + note!.result.summary.errors, 2);
  });

  it('clears the diagnostics of fixed failures on the next run', async () => {
    const folder = copyFixture('python');
    client = new TestClient();
    await client.initialize(folder);
    await client.connection.sendRequest(Methods.runTests, { folderUri: uriOf(folder) });
    assert.strictEqual(onLine(client.diagnostics(join(folder, 'calc.py')), 6).length, 1);
    writeFileSync(join(folder, 'calc.py'), 'def add(a, b):\n    return a + b\n\n\ndef mean(values):\n    return sum(values) / len(values) if values else 0\n');
    const result = await client.connection.sendRequest<TestRunResult>(Methods.runTests, { folderUri: uriOf(folder) });
    assert.strictEqual(result.summary.passed, 3, JSON.stringify(result.summary));
    assert.deepStrictEqual(client.diagnostics(join(folder, 'calc.py')), []);
    assert.deepStrictEqual(client.diagnostics(join(folder, 'test_calc.py')), []);
  });

  it('puts a node --test failure on the assertion line (expected/actual) and on the user line that threw', async () => {
    const folder = copyFixture('javascript');
    client = new TestClient();
    await client.initialize(folder);
    client.open(join(folder, 'calc.test.js'), 'javascript');
    const result = await client.connection.sendRequest<TestRunResult>(Methods.runTests, { folderUri: uriOf(folder), workDoneToken: 7 });
    assert.strictEqual(result.framework, 'node-test');
    assert.strictEqual(result.summary.passed, 1, JSON.stringify(result.summary));

    const [atAssert] = onLine(client.diagnostics(join(folder, 'calc.test.js')), 6);
    assert.ok(atAssert, `no diagnostic on calc.test.js:6; got ${JSON.stringify(client.diagnostics(join(folder, 'calc.test.js')))}`);
    assert.match(atAssert.message, /add/);
    assert.match(atAssert.message, /expected: 5/);
    assert.match(atAssert.message, /actual: -1/);

    const [inUserCode] = onLine(client.diagnostics(join(folder, 'calc.js')), 6);
    assert.ok(inUserCode, `no diagnostic on calc.js:6; got ${JSON.stringify(client.diagnostics(join(folder, 'calc.js')))}`);
    assert.match(inUserCode.message, /firstName of nobody/);
    assert.match(inUserCode.message, /TypeError|Cannot read properties/);
    assert.deepStrictEqual(progressOf(client, 7).filter((k) => k !== 'report'), ['begin', 'end']);
  });

  it('cancels a run stuck in an infinite loop promptly and leaves no process behind', async () => {
    const folder = copyFixture('spin');
    client = new TestClient();
    // Limits far beyond the test's own timeout: only the cancellation can end this run in time.
    client.settings = { testTimeoutSeconds: 3600, runTimeoutSeconds: 3600 };
    await client.initialize(folder);
    const before = new Set(processTable().map((p) => p.pid));
    const source = new CancellationTokenSource();
    const running = client.connection.sendRequest(Methods.runTests, { folderUri: uriOf(folder), workDoneToken: 'spin' }, source.token);
    const settled = running.then(() => 'resolved', (err: { code?: number }) => err.code);
    // Cancel once the looping test is really running under the server.
    await client.waitFor('the test process to start', () => progressOf(client!, 'spin').includes('begin'));
    const serverPid = client.process.pid!;
    await waitUntil(() => leftovers(serverPid, before, /pytest|python/).some((p) => /python/.test(p.args)), 'a python process under the server');
    source.cancel();
    assert.strictEqual(await settled, -32800, 'the request ends with RequestCancelled');
    await waitUntil(() => leftovers(serverPid, before, /pytest|python/).length === 0, 'the run\'s processes to exit', 15000).catch(() => undefined);
    assert.deepStrictEqual(leftovers(serverPid, before, /pytest|python/), []);
    assert.ok(progressOf(client, 'spin').includes('end'), 'progress ended');
  });

  it('cancels a folder\'s running run when a newer one starts, and says so', async () => {
    const folder = copyFixture('python');
    client = new TestClient();
    await client.initialize(folder);
    const first = client.connection.sendRequest(Methods.runTests, { folderUri: uriOf(folder) }).then(() => 'resolved', (err: Error & { code?: number }) => `${err.code} ${err.message}`);
    const second = await client.connection.sendRequest<TestRunResult>(Methods.runTests, { folderUri: uriOf(folder) });
    assert.strictEqual(await first, '-32800 test run cancelled: a newer run of this folder started');
    assert.strictEqual(second.summary.total, 3);
    assert.strictEqual(client.count(Methods.testResults), 1, 'only the finished run reports results');
  });

  it('kills a running test when the client disappears without shutting the server down', async () => {
    const folder = copyFixture('spin');
    client = new TestClient();
    client.settings = { testTimeoutSeconds: 3600, runTimeoutSeconds: 3600 };
    await client.initialize(folder);
    const before = new Set(processTable().map((p) => p.pid));
    void client.connection.sendRequest(Methods.runTests, { folderUri: uriOf(folder) }).catch(() => undefined);
    const serverPid = client.process.pid!;
    await waitUntil(() => leftovers(serverPid, before, /pytest|python/).some((p) => /python/.test(p.args)), 'a python process under the server');
    const exited = new Promise((r) => client!.process.once('exit', r));
    client.process.stdin!.end();
    await exited;
    await waitUntil(() => leftovers(serverPid, before, /pytest|python/).length === 0, 'the run\'s processes to exit', 15000).catch(() => undefined);
    assert.deepStrictEqual(leftovers(serverPid, before, /pytest|python/), []);
  });

  it('runs the related tests on save when runOnSave is turned on through workspace/configuration', async () => {
    const folder = copyFixture('python');
    client = new TestClient();
    client.settings = { runOnSave: false };
    await client.initialize(folder);
    const testFile = join(folder, 'test_calc.py');
    client.open(testFile, 'python');
    const configRequestsFor = (uri: string) => client!.serverRequests.filter((r) => r.method === 'workspace/configuration' && JSON.stringify(r.params).includes(uri)).length;

    void client.connection.sendNotification('textDocument/didSave', { textDocument: { uri: uriOf(testFile) } });
    await client.waitFor('the server to read the settings of the saved file', () => configRequestsFor(uriOf(testFile)) > 0);
    // A run would start right after that answer by creating its progress: give it a moment to show.
    await new Promise((r) => setTimeout(r, 1000));
    assert.ok(!client.serverRequests.some((r) => r.method === 'window/workDoneProgress/create'), 'no run while runOnSave is off');
    assert.strictEqual(client.count(Methods.testResults), 0, 'no results while runOnSave is off');

    client.settings = { runOnSave: true };
    void client.connection.sendNotification('workspace/didChangeConfiguration', { settings: { loopwise: client.settings } });
    void client.connection.sendNotification('textDocument/didSave', { textDocument: { uri: uriOf(testFile) } });
    await client.waitFor('test results after the save', () => client!.count(Methods.testResults) > 0);
    assert.ok(client.serverRequests.some((r) => r.method === 'window/workDoneProgress/create'), 'the server created its own progress');
    assert.strictEqual(onLine(client.diagnostics(testFile), 5).length, 1, 'the failing assertion is marked after the save');
  });

  it('follows workspace folders added after initialize (run on save in the new folder)', async () => {
    const first = copyFixture('notes');
    const added = copyFixture('python');
    client = new TestClient();
    client.settings = { runOnSave: true };
    await client.initialize(first);
    void client.connection.sendNotification('workspace/didChangeWorkspaceFolders', { event: { added: [{ uri: uriOf(added), name: 'added' }], removed: [] } });
    const testFile = join(added, 'test_calc.py');
    client.open(testFile, 'python');
    void client.connection.sendNotification('textDocument/didSave', { textDocument: { uri: uriOf(testFile) } });
    await client.waitFor('test results for the added folder', () => client!.count(Methods.testResults) > 0);
    const note = client.notifications.find((n) => n.method === Methods.testResults)!.params as TestResultsNotification;
    assert.strictEqual(note.folderUri, uriOf(added));
    assert.strictEqual(onLine(client.diagnostics(testFile), 5).length, 1);
  });

  it('reports a syntax error in user code as a diagnostic at its line', async () => {
    const folder = copyFixture('python');
    writeFileSync(join(folder, 'calc.py'), 'def add(a, b)\n    return a + b\n');
    client = new TestClient();
    await client.initialize(folder);
    const result = await client.connection.sendRequest<TestRunResult>(Methods.runTests, { folderUri: uriOf(folder) });
    assert.ok(result.problems.some((p) => p.kind === 'syntaxError'), JSON.stringify(result.problems));
    const [syntax] = onLine(client.diagnostics(join(folder, 'calc.py')), 1);
    assert.ok(syntax, `no diagnostic on calc.py:1; got ${JSON.stringify(client.diagnostics(join(folder, 'calc.py')))}`);
    assert.match(syntax.message, /SyntaxError/);
    assert.strictEqual(syntax.severity, 1);
  });

  it('answers a runTests request without a usable folder with a clear error', async () => {
    client = new TestClient();
    await client.initialize(copyFixture('python'));
    await assert.rejects(client.connection.sendRequest(Methods.runTests, { folderUri: 'untitled:Untitled-1' }), /folderUri, a file:\/\/ URI of a folder/);
  });
});

async function waitUntil(condition: () => boolean, what: string, ms = 30000): Promise<void> {
  const end = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
