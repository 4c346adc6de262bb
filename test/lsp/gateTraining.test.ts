// Gate training in the language server runs in a worker thread (dist/gateTrainWorker.js): inline suggestions
// are answered while a training runs, the client receives the new model afterwards, a store rotated during
// the training is read again, a saved model this build cannot load is replaced by training at startup, and a
// training that fails is reported (command result and log) while the server keeps working. A training is held
// open as long as the test needs by a stored file that is a named pipe: reading it waits for the test to write.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { open, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { InlineCompletionList } from 'vscode-languageserver-protocol';
import type { SuggestionEvent } from '../../common/events';
import { FEATURE_VERSION } from '../../common/gate/features';
import { GateCommands, Methods, type GateDecisionRecord, type GateModelNotification, type GateTrainResult } from '../../common/protocol';
import { loadDefaultGate } from '../../server/src/gate/default';
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

  async function start(gate: Record<string, unknown> = {}): Promise<void> {
    fake = await startFakeOpenAI({ script: () => ({ content: 'a + b' }) });
    client = new TestClient();
    client.settings = { llm: { baseUrl: fake.url, models: { completion: 'coder' } }, gate: { keepRate: 1, ...gate } };
    await client.connection.sendRequest('initialize', {
      processId: process.pid, rootUri: uriOf(dir), workspaceFolders: [{ uri: uriOf(dir), name: 'w' }],
      capabilities: { workspace: { configuration: true }, experimental: { loopwiseInline: { storageDir: join(dir, 'events') } } },
    });
    await client.connection.sendNotification('initialized', {});
    await client.waitFor('the initial model', () => client!.count(Methods.gateModel) >= 1);
  }

  const train = () => client!.connection.sendRequest<GateTrainResult>('workspace/executeCommand', { command: GateCommands.train, arguments: [] });
  const jsonl = (events: SuggestionEvent[]) => events.map((e) => JSON.stringify(e) + '\n').join('');
  const decisionsIn = (events: SuggestionEvent[]) => events.filter((e) => e.type === 'accepted' || e.type === 'rejected' || e.type === 'partial').length;
  /** A named pipe at a rotated file's name (never written by the server): whoever reads it waits for a writer. */
  function pipe(name: string): string {
    const path = join(dir, 'events', name);
    mkdirSync(join(dir, 'events'), { recursive: true });
    execFileSync('mkfifo', [path]);
    return path;
  }

  it('answers an inline request while a training runs, then sends the trained model', async function () {
    if (process.platform === 'win32') this.skip();
    const events = syntheticEvents({ suggestions: 2000 });
    await start();
    // created after the start: the server's own startup read (the restored history) would wait on it too
    const held = pipe('events.1.jsonl');
    const file = join(dir, 'calc.py');
    writeFileSync(file, 'def add(a, b):\n    return \n');
    client!.open(file, 'python');

    const order: string[] = [];
    const training = train().then((r) => { order.push('trained'); return r; });
    const inline = client!.connection.sendRequest<InlineCompletionList | null>('textDocument/inlineCompletion', {
      textDocument: { uri: uriOf(file) }, position: { line: 1, character: 11 }, context: { triggerKind: 2 },
    }).then((r) => { order.push('suggested'); return r; });
    // the training cannot end before the pipe is written; a server whose main thread waits on it answers
    // nothing, so after a while the pipe is written anyway and the order below fails instead of the timeout
    await Promise.race([inline, new Promise((resolve) => setTimeout(resolve, 30_000).unref())]);
    await writeFile(held, jsonl(events));
    const [result, list] = await Promise.all([training, inline]);
    const decisions = decisionsIn(events);
    assert.deepEqual(order, ['suggested', 'trained'], 'the suggestion waited for the training: it ran on the main thread');
    assert.equal(list?.items[0].insertText, 'a + b');
    assert.equal(result.trained, true, result.message);
    assert.equal(result.decisions, decisions);
    await client!.waitFor('the trained model', () => client!.count(Methods.gateModel) >= 2);
    const note = client!.notifications.filter((n) => n.method === Methods.gateModel)[1].params as GateModelNotification;
    assert.equal(note.source, 'trained');
    assert.equal(note.model.trainedOn.decisions, decisions);
  });

  it('reads the store again when it rotates while the training thread reads it', async function () {
    if (process.platform === 'win32') this.skip();
    const events = syntheticEvents({ suggestions: 300 });
    const [older, newer] = [events.slice(0, 300), events.slice(300)];
    await start();
    const held = pipe('events.2.jsonl');
    writeFileSync(join(dir, 'events', 'events.1.jsonl'), jsonl(newer));
    const training = train();
    // opening the pipe for writing returns once the thread has listed the files and opened the oldest one
    const writer = await open(held, 'w');
    // a rotation now: every file moves one number up (the pipe's content lands in a plain file)
    writeFileSync(join(dir, 'events', 'older.tmp'), jsonl(older));
    renameSync(join(dir, 'events', 'older.tmp'), join(dir, 'events', 'events.3.jsonl'));
    renameSync(join(dir, 'events', 'events.1.jsonl'), join(dir, 'events', 'events.2.jsonl'));
    // the thread reads the old file through the pipe, then finds events.1.jsonl gone
    await writer.writeFile(jsonl(older));
    await writer.close();
    const result = await training;
    assert.equal(result.trained, true, result.message);
    assert.equal(result.decisions, decisionsIn(events));
  });

  it('counts the decisions that arrive during a training toward the next one', async function () {
    if (process.platform === 'win32') this.skip();
    const stored = syntheticEvents({ suggestions: 100 });
    await start({ retrainEvery: 30 });
    const held = pipe('events.1.jsonl');
    const training = train();
    const t0 = Date.now() - 3_600_000;
    const decided = (i: number): SuggestionEvent[] => {
      const base = { v: 1 as const, user: 'u', kind: 'completion' as const, sid: `d${i}` };
      const ctx = { lang: 'python', prefix: `def f${i}(x):\n    `, docLen: 100 + i, offset: 20 + i };
      return [
        { ...base, id: `a${i}`, ts: t0 + i * 10_000, type: 'shown', ctx, sug: { text: 'return x', chars: 8, lines: 1 } },
        { ...base, id: `b${i}`, ts: t0 + i * 10_000 + 3000, type: i % 3 === 0 ? 'accepted' : 'rejected' },
      ];
    };
    // 30 decisions while the thread waits on the pipe: the running training does not see them
    await client!.connection.sendNotification(Methods.events, { events: Array.from({ length: 30 }, (_, i) => decided(i)).flat() });
    await client!.connection.sendRequest('workspace/executeCommand', { command: GateCommands.decisions, arguments: [] });
    const writer = await open(held, 'w');
    // the thread has the pipe open: a plain file with the same events takes its place for the next training
    writeFileSync(join(dir, 'events', 'stored.tmp'), jsonl(stored));
    renameSync(join(dir, 'events', 'stored.tmp'), held);
    await writer.writeFile(jsonl(stored));
    await writer.close();
    const first = await training;
    assert.equal(first.decisions, decisionsIn(stored), first.message);
    await client!.connection.sendNotification(Methods.events, { events: decided(30) });
    await client!.waitFor('the model retrained on the decisions from during the first training', () => client!.count(Methods.gateModel) >= 3);
    const note = client!.notifications.filter((n) => n.method === Methods.gateModel)[2].params as GateModelNotification;
    assert.equal(note.source, 'trained');
    assert.ok(note.model.trainedOn.decisions >= decisionsIn(stored) + 30, `trained on ${note.model.trainedOn.decisions}`);
  });

  it('trains at startup when the saved model was made for other features (an upgrade)', async () => {
    const events = syntheticEvents({ suggestions: 300 });
    mkdirSync(join(dir, 'events'));
    writeFileSync(join(dir, 'events', 'events.jsonl'), jsonl(events));
    const saved = join(dir, 'events', 'gate-model.json');
    writeFileSync(saved, JSON.stringify({ ...loadDefaultGate().model, featureVersion: FEATURE_VERSION - 1 }));
    await start();
    assert.equal((client!.notifications.find((n) => n.method === Methods.gateModel)!.params as GateModelNotification).source, 'default');
    await client!.waitFor('the model trained at startup', () => client!.count(Methods.gateModel) >= 2);
    const note = client!.notifications.filter((n) => n.method === Methods.gateModel)[1].params as GateModelNotification;
    assert.equal(note.source, 'trained');
    assert.equal(note.model.trainedOn.decisions, decisionsIn(events));
    assert.equal((JSON.parse(readFileSync(saved, 'utf8')) as GateModelNotification['model']).featureVersion, FEATURE_VERSION);
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
