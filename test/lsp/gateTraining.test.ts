// Gate training in the language server runs in a worker thread (dist/gateTrainWorker.js): inline suggestions
// are answered while a large store trains, the client receives the new model afterwards, and a training that
// fails is reported (command result and log) while the server keeps working.
import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { InlineCompletionList } from 'vscode-languageserver-protocol';
import { GateCommands, Methods, type GateDecisionRecord, type GateModelNotification, type GateTrainResult } from '../../common/protocol';
import { syntheticEvents } from '../../server/src/gate/synthetic';
import { startFakeOpenAI, type FakeOpenAI } from '../fake-openai/server';
import { ensureBuilt, TestClient, uriOf } from './client';

describe('lsp: gate training off the main thread', function () {
  this.timeout(120000);
  let client: TestClient | undefined;
  let fake: FakeOpenAI | undefined;
  let dir = '';

  before(() => ensureBuilt());
  beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'loopwise training-')); });
  afterEach(async () => {
    await client?.stop();
    await fake?.close();
    client = fake = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  async function start(): Promise<void> {
    fake = await startFakeOpenAI({ script: () => ({ content: 'a + b' }) });
    client = new TestClient();
    client.settings = { llm: { baseUrl: fake.url, models: { completion: 'coder' } }, gate: { keepRate: 1 } };
    await client.connection.sendRequest('initialize', {
      processId: process.pid, rootUri: uriOf(dir), workspaceFolders: [{ uri: uriOf(dir), name: 'w' }],
      capabilities: { workspace: { configuration: true }, experimental: { loopwiseInline: { storageDir: join(dir, 'events') } } },
    });
    await client.connection.sendNotification('initialized', {});
    await client.waitFor('the initial model', () => client!.count(Methods.gateModel) >= 1);
  }

  const train = () => client!.connection.sendRequest<GateTrainResult>('workspace/executeCommand', { command: GateCommands.train, arguments: [] });

  it('answers an inline request while a large store trains, then sends the trained model', async () => {
    const events = syntheticEvents({ suggestions: 2000 });
    mkdirSync(join(dir, 'events'));
    writeFileSync(join(dir, 'events', 'events.jsonl'), events.map((e) => JSON.stringify(e) + '\n').join(''));
    const decisions = events.filter((e) => e.type === 'accepted' || e.type === 'rejected' || e.type === 'partial').length;
    await start();
    const file = join(dir, 'calc.py');
    writeFileSync(file, 'def add(a, b):\n    return \n');
    client!.open(file, 'python');

    const order: string[] = [];
    const training = train().then((r) => { order.push('trained'); return r; });
    const inline = client!.connection.sendRequest<InlineCompletionList | null>('textDocument/inlineCompletion', {
      textDocument: { uri: uriOf(file) }, position: { line: 1, character: 11 }, context: { triggerKind: 2 },
    }).then((r) => { order.push('suggested'); return r; });
    const [result, list] = await Promise.all([training, inline]);
    assert.deepEqual(order, ['suggested', 'trained'], 'the suggestion waited for the training: it ran on the main thread');
    assert.equal(list?.items[0].insertText, 'a + b');
    assert.equal(result.trained, true, result.message);
    assert.equal(result.decisions, decisions);
    await client!.waitFor('the trained model', () => client!.count(Methods.gateModel) >= 2);
    const note = client!.notifications.filter((n) => n.method === Methods.gateModel)[1].params as GateModelNotification;
    assert.equal(note.source, 'trained');
    assert.equal(note.model.trainedOn.decisions, decisions);
  });

  it('reports a training that fails in its thread, and keeps serving', async () => {
    await start();
    // the store's current file became unreadable as a file: the training thread throws on reading it
    rmSync(join(dir, 'events'), { recursive: true, force: true });
    mkdirSync(join(dir, 'events', 'events.jsonl'), { recursive: true });
    const r = await train();
    assert.equal(r.trained, false);
    assert.match(r.message, /^training failed: .*EISDIR/);
    const logged = client!.notifications.filter((n) => n.method === 'window/logMessage').map((n) => (n.params as { message: string }).message);
    assert.ok(logged.some((m) => /gate training failed/.test(m)), logged.join('\n'));
    assert.equal(client!.count(Methods.gateModel), 1, 'no model is sent after a failed training');
    const listed = await client!.connection.sendRequest<GateDecisionRecord[]>('workspace/executeCommand', { command: GateCommands.decisions, arguments: [] });
    assert.deepEqual(listed, []);
    assert.equal(client!.process.exitCode, null);
  });
});
