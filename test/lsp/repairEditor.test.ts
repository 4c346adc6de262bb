// The built server's verified fixes as an editor meets them, over stdio: after a failing run (no search yet)
// the light bulb offers "Find a verified fix" on the bug's line, the failing test's line and a syntax error's
// line, also with the cursor left of any diagnostic; the search is logged in the output; applying or
// previewing the fix logs fix events (accepted, shown, rejected) in the event store.
import * as assert from 'node:assert';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CodeAction, Diagnostic, LogMessageParams } from 'vscode-languageserver-protocol';
import type { SuggestionEvent } from '../../common/events';
import { FIX_EVENT_COMMAND, Methods, type FixEventArgs, type PreviewFixArgs, type RepairResult, type TestRunResult } from '../../common/protocol';
import { ensureBuilt, repoRoot, TestClient, uriOf } from './client';

const dirs: string[] = [];
after(() => { for (const dir of dirs) rmSync(dir, { recursive: true, force: true }); });

/** A fresh copy of test/fixtures/lsp-repair/<name> and an empty event store folder beside it. */
function project(name: string): { folder: string; events: string } {
  const parent = mkdtempSync(join(tmpdir(), 'loopwise fix-editor-'));
  dirs.push(parent);
  const folder = join(parent, name);
  cpSync(join(repoRoot, 'test', 'fixtures', 'lsp-repair', name), folder, { recursive: true });
  return { folder, events: join(parent, 'events') };
}

/** What Ctrl+. sends with the cursor at the start of a line: that range, and no diagnostic that does not touch it. */
function actionsAt(client: TestClient, path: string, line0: number, diagnostics: Diagnostic[] = []): Promise<CodeAction[]> {
  return client.connection.sendRequest<CodeAction[]>('textDocument/codeAction', {
    textDocument: { uri: uriOf(path) },
    range: { start: { line: line0, character: 0 }, end: { line: line0, character: 0 } },
    context: { diagnostics },
  });
}

const titles = (actions: CodeAction[]) => actions.map((a) => a.title);

function logged(client: TestClient): string[] {
  return client.notifications.filter((n) => n.method === 'window/logMessage').map((n) => (n.params as LogMessageParams).message);
}

/** The stored events once `count` are on disk (the store flushes every 250 ms). */
async function stored(file: string, count: number): Promise<SuggestionEvent[]> {
  for (let i = 0; i < 100; i++) {
    const lines = existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : [];
    if (lines.length >= count) return lines.map((l) => JSON.parse(l) as SuggestionEvent);
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`fewer than ${count} events were stored in ${file}`);
}

describe('LSP: verified fixes where the bug is, logged and recorded', function () {
  this.timeout(240000);
  let client: TestClient | undefined;

  before(() => ensureBuilt());
  afterEach(async () => {
    await client?.stop();
    client = undefined;
  });

  async function start(folder: string, events: string): Promise<TestClient> {
    const c = new TestClient();
    await c.connection.sendRequest('initialize', {
      processId: process.pid,
      workspaceFolders: [{ uri: uriOf(folder), name: 'project' }],
      capabilities: {
        window: { workDoneProgress: true },
        workspace: { configuration: true },
        experimental: { loopwisePreviewFix: true, loopwiseInline: { storageDir: events } },
      },
    });
    await c.connection.sendNotification('initialized', {});
    return c;
  }

  it('offers "Find a verified fix" on the bug line and the failing test\'s line after a failing run, before any search', async () => {
    const { folder, events } = project('python');
    const source = join(folder, 'stats.py');
    const testFile = join(folder, 'test_stats.py');
    client = await start(folder, events);
    assert.deepStrictEqual(titles(await actionsAt(client, source, 3)), [], 'nothing is offered before the tests ran');

    const run = await client.connection.sendRequest<TestRunResult>(Methods.runTests, { folderUri: uriOf(folder) });
    assert.strictEqual(run.summary.failed, 2);
    // The failing run is localized in the background: the bug's line becomes a suspicious line.
    await client.waitFor('suspicious lines on stats.py', () => (client!.diagnostics(source) ?? []).some((d) => d.source === 'loopwise-localize'));
    const lines = (client.diagnostics(source) ?? []).filter((d) => d.source === 'loopwise-localize');
    assert.strictEqual(String(lines.find((d) => d.range.start.line === 3)?.message).replace(/score \d+\.\d\d/, 'score S'), 'Suspicious line (rank 1, score S): if v < best:');

    const onBug = await actionsAt(client, source, 3);
    assert.deepStrictEqual(titles(onBug), ['Find a verified fix (Loopwise)'], 'the light bulb on the bug line, with no diagnostic in the request');
    assert.deepStrictEqual(onBug[0].command?.arguments, [uriOf(folder)]);
    const assertLine = readFileSync(testFile, 'utf8').split('\n').findIndex((l) => l.includes('largest([4, -1, 9, 2]) == 9'));
    assert.deepStrictEqual(titles(await actionsAt(client, testFile, assertLine)), ['Find a verified fix (Loopwise)'], 'on the failing assert');
    assert.deepStrictEqual(titles(await actionsAt(client, testFile, assertLine - 1)), ['Find a verified fix (Loopwise)'], 'on the failing test\'s def line');
    const passingLine = readFileSync(testFile, 'utf8').split('\n').findIndex((l) => l.includes('largest([7]) == 7'));
    assert.deepStrictEqual(titles(await actionsAt(client, testFile, passingLine)), [], 'not on a passing test');
    assert.deepStrictEqual(titles(await actionsAt(client, testFile, 0)), [], 'not on the import line');
    assert.ok(logged(client).some((m) => /^localized the failing tests of project in \d+(\.\d)? s: suspicious lines stats\.py:4/.test(m)), logged(client).join('\n'));
  });

  it('offers the search on a syntax error\'s line, and then the verified repair of it', async () => {
    const parent = mkdtempSync(join(tmpdir(), 'loopwise fix-editor-'));
    dirs.push(parent);
    const folder = join(parent, 'syntax');
    cpSync(join(repoRoot, 'test', 'fixtures', 'repair', 'py-syntax-only'), folder, { recursive: true });
    const source = join(folder, 'stats.py');
    client = await start(folder, join(parent, 'events'));
    const run = await client.connection.sendRequest<TestRunResult>(Methods.runTests, { folderUri: uriOf(folder) });
    assert.ok(run.problems.some((p) => p.kind === 'syntaxError' && p.location?.line === 4), JSON.stringify(run.problems));
    assert.deepStrictEqual(titles(await actionsAt(client, source, 3)), ['Find a verified fix (Loopwise)']);
    assert.deepStrictEqual(titles(await actionsAt(client, source, 0)), [], 'not on the lines around it');
    const result = await client.connection.sendRequest<RepairResult>('workspace/executeCommand', { command: 'loopwise.server.fix', arguments: [uriOf(folder)] });
    assert.strictEqual(result.status, 'fixed', JSON.stringify({ status: result.status, message: result.message }));
    const [apply] = await actionsAt(client, source, 3);
    assert.match(apply?.title ?? '', /^Apply verified fix \(makes 3 tests pass/);
    const edits = Object.values(apply.edit?.changes ?? {}).flat();
    assert.deepStrictEqual(edits.map((e) => [e.range.start.line, e.newText]), [[3, ':']], 'the missing colon, inserted on that line');
  });

  it('logs the search in the output; the applied fix and the preview\'s outcomes are fix events', async () => {
    const { folder, events } = project('python');
    const source = join(folder, 'stats.py');
    client = await start(folder, events);
    const result = await client.connection.sendRequest<RepairResult>('workspace/executeCommand', { command: 'loopwise.server.fix', arguments: [uriOf(folder)] });
    assert.strictEqual(result.status, 'fixed', JSON.stringify({ status: result.status, message: result.message }));
    const log = logged(client);
    assert.ok(log.some((m) => /^fix search in project started: embedded engine, 1 source file\(s\), budget 30 s$/.test(m)), log.join('\n'));
    const ended = log.find((m) => m.startsWith('fix search in project ended'));
    assert.match(ended ?? '', /^fix search in project ended in \d+(\.\d)? s \((\d+) candidates? tried\): verified fix makes 2 tests pass: test_ascending, test_mixed, stats\.py:4 /);
    assert.strictEqual(Number(/\((\d+) candidate/.exec(ended!)![1]), result.candidatesTried, 'the output counts the candidates the result reports');
    const told = client.notifications.filter((n) => n.method === 'window/showMessage').map((n) => (n.params as { message: string }).message);
    const found = told.find((m) => m.startsWith('Loopwise: found a verified fix'));
    assert.match(found ?? '', /^Loopwise: found a verified fix in \d+(\.\d)? s \(\d+ candidates? tried\): makes 2 tests pass: test_ascending, test_mixed( \(.+\))?; apply or preview it/, told.join('\n'));
    // Several verified fixes: the message says how the chosen one was preferred.
    if (result.preference) assert.ok(found!.includes(`(${result.preference.reason})`), found);

    const actions = await actionsAt(client, source, 3);
    assert.deepStrictEqual(titles(actions).map((t) => t.replace(/ \(.*/, '')), ['Apply verified fix', 'Preview verified fix']);
    const [apply, preview] = actions;
    const [args] = preview.command!.arguments as PreviewFixArgs[];
    const accepted = apply.command?.arguments?.[0] as FixEventArgs | undefined;
    assert.strictEqual(apply.command?.command, FIX_EVENT_COMMAND, 'applying the edit runs the command that records it');
    assert.deepStrictEqual(accepted, { sid: args.sid, type: 'accepted' }, 'one suggestion id for the fix, previewed or applied');

    // As the client does: the preview shown, dismissed; then the light bulb's Apply (edit, then its command).
    const send = (a: FixEventArgs) => client!.connection.sendRequest<{ recorded: boolean }>('workspace/executeCommand', { command: FIX_EVENT_COMMAND, arguments: [a] });
    assert.deepStrictEqual(await send({ sid: args.sid, type: 'shown' }), { recorded: true });
    assert.deepStrictEqual(await send({ sid: args.sid, type: 'rejected' }), { recorded: true });
    void client.connection.sendNotification('textDocument/didOpen', { textDocument: { uri: uriOf(source), languageId: 'python', version: 1, text: args.files[0].newText } });
    assert.deepStrictEqual(await send(accepted!), { recorded: true }, 'recorded after the applied fix cleared the folder\'s state');
    assert.deepStrictEqual(await send({ sid: 'no-such-fix', type: 'accepted' }), { recorded: false });

    const fixEvents = (await stored(join(events, 'events.jsonl'), 3)).filter((e) => e.kind === 'fix');
    assert.deepStrictEqual(fixEvents.map((e) => [e.type, e.sid]), [['shown', args.sid], ['rejected', args.sid], ['accepted', args.sid]]);
    const e = fixEvents[2];
    assert.strictEqual(e.ctx?.lang, 'python');
    assert.strictEqual(e.source, 'fix:embedded');
    assert.strictEqual(e.sug?.text, result.fixes[0].diff, 'the suggestion is the fix\'s diff');
    assert.match(e.sug?.text ?? '', /^-\s+if v < best:$/m);
  });
});
