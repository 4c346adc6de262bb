// The built language server's repair feature over stdio, on small buggy projects with the real engine:
// suspicious lines as diagnostics (rank 1 on the bug), hovers with runtime values, the "Apply verified
// fix" code action whose edit makes `loopwise run` pass, the calm no-fix outcome, and cancellation.
import * as assert from 'node:assert';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CancellationTokenSource } from 'vscode-jsonrpc/node';
import type { CodeAction, Diagnostic, Hover, MarkupContent, ShowMessageParams, TextEdit } from 'vscode-languageserver-protocol';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { Methods, type PreviewFixArgs, type RepairParams, type RepairResult, type TestRunResult } from '../../common/protocol';
import { ensureBuilt, repoRoot, TestClient, uriOf } from './client';
import { leftovers, processTable } from './processes';

const copies: string[] = [];
after(() => { for (const dir of copies) rmSync(dir, { recursive: true, force: true }); });

/** A fresh copy of test/fixtures/lsp-repair/<name> (the search must not touch the fixture itself). */
function copyRepairFixture(name: string): string {
  const parent = mkdtempSync(join(tmpdir(), 'loopwise repair-'));
  copies.push(parent);
  const dir = join(parent, name);
  cpSync(join(repoRoot, 'test', 'fixtures', 'lsp-repair', name), dir, { recursive: true });
  return dir;
}

type Plain = Omit<Diagnostic, 'message'> & { message: string };

/** The suspicious-line diagnostics last published for a file (the server sends plain-text messages). */
function suspicious(client: TestClient, path: string): Plain[] {
  return (client.diagnostics(path) ?? []).filter((d) => d.source === 'loopwise-localize') as Plain[];
}

function messages(client: TestClient): ShowMessageParams[] {
  return client.notifications.filter((n) => n.method === 'window/showMessage').map((n) => n.params as ShowMessageParams);
}

async function codeActions(client: TestClient, path: string, line0: number, diagnostics: Plain[]): Promise<CodeAction[]> {
  return client.connection.sendRequest<CodeAction[]>('textDocument/codeAction', {
    textDocument: { uri: uriOf(path) },
    range: { start: { line: line0, character: 0 }, end: { line: line0, character: 0 } },
    context: { diagnostics },
  });
}

/** Applies a WorkspaceEdit's changes to the files on disk, as an editor would. */
function applyToDisk(action: CodeAction): string[] {
  const touched: string[] = [];
  for (const [uri, edits] of Object.entries(action.edit?.changes ?? {})) {
    const path = new URL(uri).pathname;
    const decoded = decodeURIComponent(path);
    const doc = TextDocument.create(uri, 'text', 1, readFileSync(decoded, 'utf8'));
    writeFileSync(decoded, TextDocument.applyEdits(doc, edits as TextEdit[]));
    touched.push(decoded);
  }
  return touched;
}

function loopwiseRun(folder: string): { status: number | null; output: string } {
  const r = spawnSync(process.execPath, [join(repoRoot, 'dist', 'cli.js'), 'run', folder], { encoding: 'utf8' });
  return { status: r.status, output: r.stdout + r.stderr };
}

async function waitUntil(condition: () => boolean, what: string, ms = 30000): Promise<void> {
  const end = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('LSP: localization and verified repair', function () {
  this.timeout(240000);
  let client: TestClient | undefined;

  before(() => ensureBuilt());
  afterEach(async () => {
    await client?.stop();
    client = undefined;
  });

  const cases = [
    { name: 'python', source: 'stats.py', test: 'test_stats.py', bugLine: 4, bugCode: 'if v < best:', lang: 'python', fixed: /if v > best:/, tests: ['test_ascending', 'test_mixed'], inEditor: true },
    { name: 'javascript', source: 'range.js', test: 'range.test.js', bugLine: 4, bugCode: 'for (let i = 1; i < n; i++) {', lang: 'javascript', fixed: /i <= n/, tests: ['sum to 3'], inEditor: false },
  ];
  for (const c of cases) {
    it(`${c.name}: suspicious lines, a hover with values, and "Apply verified fix" that makes loopwise run pass`, async () => {
      const folder = copyRepairFixture(c.name);
      const source = join(folder, c.source);
      const testFile = join(folder, c.test);
      const originalTest = readFileSync(testFile, 'utf8');
      client = new TestClient();
      await client.initialize(folder);
      client.open(source, c.lang);
      const before = await client.connection.sendRequest<TestRunResult>(Methods.runTests, { folderUri: uriOf(folder) });
      assert.ok(before.summary.failed > 0, 'the fixture starts with failing tests');
      const testDiagnostics = client.diagnostics(testFile) ?? [];
      assert.ok(testDiagnostics.length > 0, 'the run put diagnostics on the test file');

      const params: RepairParams = { folderUri: uriOf(folder), workDoneToken: `repair-${c.name}` };
      const result = await client.connection.sendRequest<RepairResult>(Methods.repair, params);
      assert.strictEqual(result.status, 'fixed', JSON.stringify({ status: result.status, message: result.message }));
      const kinds = client.notifications.filter((n) => n.method === '$/progress' && (n.params as { token: unknown }).token === params.workDoneToken)
        .map((n) => (n.params as { value: { kind: string } }).value.kind);
      assert.deepStrictEqual([kinds[0], kinds[kinds.length - 1]], ['begin', 'end']);

      const lines = suspicious(client, source);
      const top = lines.find((d) => d.range.start.line === c.bugLine - 1);
      assert.ok(top, `no suspicious-line diagnostic on ${c.source}:${c.bugLine}; got ${JSON.stringify(lines)}`);
      assert.strictEqual(top.message.replace(/score \d+\.\d\d/, 'score S'), `Suspicious line (rank 1, score S): ${c.bugCode}`);
      assert.ok(top.severity === 3, 'rank 1 is an Information diagnostic');
      assert.ok(lines.filter((d) => d !== top).every((d) => d.severity === 4), 'the other lines are hints');
      assert.deepStrictEqual(client.diagnostics(testFile), testDiagnostics, 'the test diagnostics are untouched');

      const hover = await client.connection.sendRequest<Hover | null>('textDocument/hover', { textDocument: { uri: uriOf(source) }, position: { line: c.bugLine - 1, character: 6 } });
      const text = (hover?.contents as MarkupContent | undefined)?.value ?? '';
      assert.match(text, /rank 1 of \d+, score/);
      assert.match(text, /failing/);
      assert.match(text, /```text\n# .+\nhit 1: \w+ = /, `no runtime values in the hover:\n${text}`);

      const actions = await codeActions(client, source, c.bugLine - 1, [top]);
      const apply = actions.find((a) => a.title.startsWith('Apply verified fix'));
      assert.ok(apply, `no "Apply verified fix" among ${JSON.stringify(actions.map((a) => a.title))}`);
      for (const t of c.tests) assert.ok(apply.title.includes(t), `the title names ${t}: ${apply.title}`);
      assert.deepStrictEqual(applyToDisk(apply), [source], 'only the source file is edited');
      assert.match(readFileSync(source, 'utf8'), c.fixed);
      assert.strictEqual(readFileSync(testFile, 'utf8'), originalTest);
      const run = loopwiseRun(folder);
      assert.strictEqual(run.status, 0, `loopwise run after the fix:\n${run.output}`);

      if (c.inEditor) {
        // As an editor does after applying the edit to the open document: the fixed code needs no more pointers.
        void client.connection.sendNotification('textDocument/didChange', { textDocument: { uri: uriOf(source), version: 2 }, contentChanges: [{ text: readFileSync(source, 'utf8') }] });
        await client.waitFor('the suspicious lines to clear', () => suspicious(client!, source).length === 0);
        const after = await codeActions(client, source, c.bugLine - 1, [top]);
        assert.ok(!after.some((a) => a.title.startsWith('Apply')), 'the applied fix is not offered again');
        return;
      }
      // Changed on disk by something else (the document closed): the fix is no longer offered, and a
      // passing test run clears the suspicious lines.
      void client.connection.sendNotification('textDocument/didClose', { textDocument: { uri: uriOf(source) } });
      const stale = await codeActions(client, source, c.bugLine - 1, [top]);
      assert.deepStrictEqual(stale.map((a) => a.title), ['Find a verified fix (Loopwise)'], 'a fix is not offered on changed code');
      assert.ok(suspicious(client, source).length > 0, 'the lines stay until the tests run');
      await client.connection.sendRequest<TestRunResult>(Methods.runTests, { folderUri: uriOf(folder) });
      assert.deepStrictEqual(suspicious(client, source), [], 'a passing run clears the suspicious lines');
    });
  }

  it('keeps test diagnostics and suspicious lines side by side; the fix command; the preview action for clients that preview', async () => {
    const folder = copyRepairFixture('raises');
    const source = join(folder, 'average.py');
    client = new TestClient();
    await client.connection.sendRequest('initialize', {
      processId: process.pid,
      workspaceFolders: [{ uri: uriOf(folder), name: 'raises' }],
      capabilities: { window: { workDoneProgress: true }, experimental: { loopwisePreviewFix: true } },
    });
    await client.connection.sendNotification('initialized', {});
    const runTests = () => client!.connection.sendRequest<TestRunResult>(Methods.runTests, { folderUri: uriOf(folder) });
    await runTests();
    const bySource = (src: string) => (client!.diagnostics(source) ?? []).filter((d) => d.source === src && d.range.start.line === 4);
    const [raised] = bySource('loopwise') as Plain[];
    assert.ok(raised, 'the ZeroDivisionError is shown where it is raised');

    const result = await client.connection.sendRequest<RepairResult>('workspace/executeCommand', { command: 'loopwise.server.fix', arguments: [uriOf(folder)] });
    assert.strictEqual(result.status, 'fixed', JSON.stringify({ status: result.status, message: result.message }));
    assert.strictEqual(bySource('loopwise').length, 1, 'the test diagnostic stays next to the suspicious line');
    assert.match((bySource('loopwise-localize')[0] as Plain | undefined)?.message ?? '', /^Suspicious line \(rank 1,/);
    await runTests();
    assert.strictEqual(bySource('loopwise').length, 1, 'a new failing run republishes its diagnostic');
    assert.strictEqual(bySource('loopwise-localize').length, 1, 'and keeps the suspicious line');

    const actions = await codeActions(client, source, 4, [raised]);
    assert.deepStrictEqual(actions.map((a) => a.title), [
      'Apply verified fix (makes 1 test pass: test_no_values_is_zero)',
      'Preview verified fix (makes 1 test pass: test_no_values_is_zero)',
    ]);
    const [args] = actions[1].command!.arguments as PreviewFixArgs[];
    assert.strictEqual(actions[1].command!.command, 'loopwise.previewFix');
    assert.strictEqual(args.title, 'Verified fix: makes 1 test pass: test_no_values_is_zero');
    assert.deepStrictEqual(args.files.map((f) => f.uri), [uriOf(source)]);
    assert.strictEqual(args.files[0].originalText, readFileSync(source, 'utf8'));
    assert.match(args.files[0].newText, /return 0\n/, 'the fixed text returns 0 for no values');
  });

  it('says calmly that no fix was found within a tiny budget and keeps the localization', async () => {
    const folder = copyRepairFixture('nofix');
    const source = join(folder, 'secret.py');
    client = new TestClient();
    client.settings = { repair: { budgetSeconds: 3 } };
    await client.initialize(folder);
    const started = Date.now();
    const result = await client.connection.sendRequest<RepairResult>(Methods.repair, { folderUri: uriOf(folder) });
    const waitedS = (Date.now() - started) / 1000;
    assert.strictEqual(result.status, 'noFix', JSON.stringify({ status: result.status, message: result.message }));
    const told = messages(client).find((m) => /No verified fix/.test(m.message));
    assert.ok(told, `no message; got ${JSON.stringify(messages(client))}`);
    // The time the search took and what it tried, not the budget it was given.
    const said = /^No verified fix found in (\d+(?:\.\d)?) s \((\d+) candidates? tried\); the suspicious lines are still shown\.$/.exec(told.message);
    assert.ok(said, told.message);
    assert.strictEqual(Number(said[2]), result.candidatesTried);
    assert.ok(Number(said[1]) > 0 && Number(said[1]) <= waitedS + 0.05, `${said[1]} s said, ${waitedS} s waited`);
    assert.strictEqual(told.type, 3, 'an Information message, not a warning or an error');
    const lines = suspicious(client, source);
    assert.ok(lines.some((d) => /rank 1,/.test(d.message)), `the localization is shown: ${JSON.stringify(lines)}`);
    const actions = await codeActions(client, source, lines[0].range.start.line, [lines[0]]);
    assert.deepStrictEqual(actions.map((a) => a.title), ['Find a verified fix (Loopwise)']);
    assert.strictEqual(actions[0].command?.command, 'loopwise.server.fix');
  });

  it('offers no fix in tutor mode and refuses the search with a clear reason', async () => {
    const folder = copyRepairFixture('raises');
    const source = join(folder, 'average.py');
    client = new TestClient();
    client.settings = { mode: 'tutor' };
    await client.initialize(folder);
    await client.connection.sendRequest<TestRunResult>(Methods.runTests, { folderUri: uriOf(folder) });
    const failure = (client.diagnostics(source) ?? []).find((d) => d.source === 'loopwise') as Plain | undefined;
    assert.ok(failure, 'the failure is shown in tutor mode too');
    assert.deepStrictEqual(await codeActions(client, source, failure.range.start.line, [failure]), []);
    const refused = await client.connection.sendRequest(Methods.repair, { folderUri: uriOf(folder) }).then(() => 'resolved', (err: Error) => err.message);
    assert.match(refused, /tutor mode/);
  });

  it('cancels a running search and leaves no process behind', async () => {
    const folder = copyRepairFixture('nofix');
    client = new TestClient();
    await client.initialize(folder);
    const before = new Set(processTable().map((p) => p.pid));
    const cancel = new CancellationTokenSource();
    const settled = client.connection.sendRequest(Methods.repair, { folderUri: uriOf(folder), budgetS: 120, workDoneToken: 'long' }, cancel.token)
      .then(() => 'resolved', (err: { code?: number }) => err.code);
    const serverPid = client.process.pid!;
    await waitUntil(() => leftovers(serverPid, before, /python/).some((p) => /python/.test(p.args)), 'a python process under the server');
    cancel.cancel();
    assert.strictEqual(await settled, -32800, 'the request ends with RequestCancelled');
    await waitUntil(() => leftovers(serverPid, before, /python/).length === 0, 'the search\'s processes to exit', 15000).catch(() => undefined);
    assert.deepStrictEqual(leftovers(serverPid, before, /python/), []);
  });
});
