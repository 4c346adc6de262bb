// Inline completion through LSP: the built server (dist/server.js --stdio) answers textDocument/inlineCompletion
// from the fake OpenAI-compatible model, applies both gate stages for a client that does not gate itself
// (skip before the model call, hide after it, explore with the propensity logged), appends the events to the
// store in the folder the client names, and retrains the gate after N decisions, sending the new model.
import * as assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { InitializeResult, InlineCompletionList } from 'vscode-languageserver-protocol';
import type { SuggestionEvent } from '../../common/events';
import { newHistory, scoreStage1, scoreStage2 } from '../../common/gate/index';
import { GateCommands, Methods, type GateDecisionRecord, type GateModelNotification } from '../../common/protocol';
import { loadDefaultGate } from '../../server/src/gate/default';
import { ClientGate } from '../../extension/src/gate';
import { historyOf, historyState } from '../../server/src/lsp/gateHistory';
import { startFakeOpenAI, type FakeOpenAI, type FakeReply } from '../fake-openai/server';
import { ensureBuilt, TestClient, uriOf } from './client';


describe('lsp: inline completion', function () {
  this.timeout(60000);
  let client: TestClient | undefined;
  let fake: FakeOpenAI | undefined;
  let dir = '';

  before(() => ensureBuilt());
  beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'loopwise inline-')); });
  afterEach(async () => {
    await client?.stop();
    await fake?.close();
    client = fake = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  async function start(settings: Record<string, unknown>, reply: (prompt: string) => string | FakeReply = () => 'a + b'): Promise<{ result: InitializeResult; file: string }> {
    fake = await startFakeOpenAI({ script: (req) => { const r = reply(String(req.body?.prompt ?? '')); return typeof r === 'string' ? { content: r } : r; } });
    client = new TestClient();
    client.settings = { llm: { baseUrl: fake.url, models: { completion: 'coder' } }, ...settings };
    const result = await client.connection.sendRequest<InitializeResult>('initialize', {
      processId: process.pid, rootUri: uriOf(dir), workspaceFolders: [{ uri: uriOf(dir), name: 'w' }],
      capabilities: { workspace: { configuration: true }, experimental: { loopwiseInline: { storageDir: join(dir, 'events') } } },
    });
    await client.connection.sendNotification('initialized', {});
    const file = join(dir, 'calc.py');
    return { result, file };
  }

  function open(file: string, text: string): void {
    writeFileSync(file, text);
    client!.open(file, 'python');
  }

  const request = (file: string, line: number, character: number) => client!.connection.sendRequest<InlineCompletionList | null>('textDocument/inlineCompletion', {
    textDocument: { uri: uriOf(file) }, position: { line, character }, context: { triggerKind: 2 },
  });

  /** The stored events, once `count` of them are on disk (the store flushes every 250 ms). */
  async function stored(count: number): Promise<SuggestionEvent[]> {
    const path = join(dir, 'events', 'events.jsonl');
    for (let i = 0; i < 100; i++) {
      const lines = existsSync(path) ? readFileSync(path, 'utf8').split('\n').filter(Boolean) : [];
      if (lines.length >= count) return lines.map((l) => JSON.parse(l) as SuggestionEvent);
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`fewer than ${count} events were stored in ${path}`);
  }

  it('advertises inline completion and answers from the model with FIM, logging requested and shown', async () => {
    const { result, file } = await start({ gate: { keepRate: 1 } });
    assert.equal(result.capabilities.inlineCompletionProvider, true);
    open(file, 'def add(a, b):\n    return \n\nprint(add(1, 2))\n');
    const list = await request(file, 1, 11);
    assert.equal(list?.items[0].insertText, 'a + b');
    const fim = fake!.generations()[0];
    assert.equal(fim.path, '/v1/completions');
    assert.equal(fim.body.prompt, 'def add(a, b):\n    return ');
    assert.equal(fim.body.suffix, '\n\nprint(add(1, 2))\n');
    const events = await stored(2);
    assert.deepEqual(events.map((e) => e.type), ['requested', 'shown']);
    assert.equal(events[0].sid, events[1].sid);
    assert.equal(events[1].sug?.text, 'a + b');
    assert.equal(events[1].gate?.stage, 2);
    assert.equal(events[1].ctx?.prefix, 'def add(a, b):\n    return ');
    // the same spot again comes from the cache: no second model call
    assert.equal((await request(file, 1, 11))?.items[0].insertText, 'a + b');
    assert.equal(fake!.generations().length, 1);
  });

  it('asks for log-probabilities and logs their means over the shown part, which stage 2 scores', async () => {
    const tok = (token: string, logprob: number, alt: string, altLogprob: number) => ({ token, logprob, top: [{ token, logprob }, { token: alt, logprob: altLogprob }] });
    // the second line is cut off by single-line truncation: its very unlikely token must not count
    const logprobs = [tok('a', -0.2, 'x', -3), tok(' + b', -0.6, ' - b', -1), tok('\nprint(a)', -9, '\n', -0.01)];
    const { file } = await start({ gate: { keepRate: 1 } }, () => ({ content: 'a + b\nprint(a)', logprobs }));
    open(file, 'def add(a, b):\n    return \n');
    assert.equal((await request(file, 1, 11))?.items[0].insertText, 'a + b');
    assert.equal(fake!.generations()[0].body.logprobs, 2);
    const shown = (await stored(2))[1];
    assert.equal(shown.type, 'shown');
    assert.equal(shown.sug?.meanLogProb, -0.4);
    assert.equal(shown.sug?.meanAltLogProb, -2);
    const gate = loadDefaultGate();
    assert.equal(shown.gate?.score, scoreStage2(gate, shown, newHistory()));
    const withoutLogProbs = { ...shown, sug: { ...shown.sug!, meanLogProb: undefined, meanAltLogProb: undefined } };
    assert.notEqual(shown.gate?.score, scoreStage2(gate, withoutLogProbs, newHistory()), 'the shipped model should weigh log-probabilities');
  });

  it('asks again without log-probabilities when the endpoint refuses them, for the rest of the session', async () => {
    const { file } = await start({ gate: { keepRate: 1 } }, () => 'a + b');
    await fake!.close();
    fake = await startFakeOpenAI({ script: (req) => req.body?.logprobs !== undefined ? { fault: 'status', status: 400, message: "unknown parameter 'logprobs'" } : { content: 'a + b' } });
    client!.settings = { llm: { baseUrl: fake.url, models: { completion: 'coder' } }, gate: { keepRate: 1 } };
    await client!.connection.sendNotification('workspace/didChangeConfiguration', { settings: null });
    open(file, 'def add(a, b):\n    return \n');
    assert.equal((await request(file, 1, 11))?.items[0].insertText, 'a + b');
    const other = join(dir, 'other.py');
    open(other, 'def sub(a, b):\n    return \n');
    assert.equal((await request(other, 1, 11))?.items[0].insertText, 'a + b');
    assert.deepEqual(fake!.generations().map((r) => r.body.logprobs), [2, undefined, undefined]);
    const shown = (await stored(4)).filter((e) => e.type === 'shown');
    assert.equal(shown[0].sug?.meanLogProb, undefined);
  });

  it('stores no code text at privacy level noCode', async () => {
    const { file } = await start({ gate: { keepRate: 1 }, events: { privacy: 'noCode' } });
    open(file, 'def add(a, b):\n    return \n');
    assert.equal((await request(file, 1, 11))?.items[0].insertText, 'a + b');
    const events = await stored(2);
    const raw = readFileSync(join(dir, 'events', 'events.jsonl'), 'utf8');
    assert.ok(!raw.includes('return') && !raw.includes('a + b'), raw);
    assert.equal(events[1].sug?.chars, 5);
    assert.equal(events[1].ctx?.offset, 26);
  });

  it('truncates a multi-line body at the last line that keeps the file parsing', async () => {
    const { file } = await start({ gate: { keepRate: 1 } }, () => 's = 0\n    for x in xs:\n        s += x\n    print(s,\n    return s');
    open(file, 'def total(xs):\n    \n');
    const list = await request(file, 1, 4);
    assert.equal(list?.items[0].insertText, 's = 0\n    for x in xs:\n        s += x');
  });

  it('says once, without an error, that no model is configured', async () => {
    const { file } = await start({});
    client!.settings = {};
    await client!.connection.sendNotification('workspace/didChangeConfiguration', { settings: null });
    open(file, 'x = \n');
    for (let i = 0; i < 3; i++) assert.equal(await request(file, 0, 4), null);
    const status = client!.notifications.filter((n) => n.method === Methods.completionStatus);
    assert.equal(status.length, 1);
    assert.equal((status[0].params as { state: string }).state, 'noModel');
    assert.equal(fake!.generations().length, 0);
  });

  it('reports a failing endpoint once through the status, never as an error reply', async () => {
    const { file } = await start({ gate: { keepRate: 1 } });
    await fake!.close();
    fake = await startFakeOpenAI({ script: () => ({ fault: 'status', status: 401, message: 'bad key' }) });
    client!.settings = { llm: { baseUrl: fake.url, models: { completion: 'coder' } }, gate: { keepRate: 1 } };
    await client!.connection.sendNotification('workspace/didChangeConfiguration', { settings: null });
    open(file, 'x = \n');
    assert.equal(await request(file, 0, 4), null);
    assert.equal(await request(file, 0, 4), null);
    const status = client!.notifications.filter((n) => n.method === Methods.completionStatus).map((n) => n.params as { state: string; message: string });
    assert.equal(status.length, 1);
    assert.equal(status[0].state, 'error');
    assert.match(status[0].message, /401|key|auth/i);
  });

  it('stage 1 skips the model call after a run of rejections, logging the skip with its score', async () => {
    const { file } = await start({ gate: { keepRate: 0.8, exploreRate: 0.001 } });
    const now = Date.now();
    const history: SuggestionEvent[] = [];
    for (let i = 0; i < 20; i++) {
      const base = { v: 1 as const, user: 'u', kind: 'completion' as const, sid: `old${i}` };
      history.push({ ...base, id: `s${i}`, ts: now - 60000 + i * 2000, type: 'shown' }, { ...base, id: `r${i}`, ts: now - 59000 + i * 2000, type: 'rejected' });
    }
    await client!.connection.sendNotification(Methods.events, { events: history });
    // a blank line between the imports and the code below: where suggestions are rarely taken
    open(file, 'import os\n\n' + 'print(os.name)\n'.repeat(30));
    const list = await request(file, 2, 0);
    const skipped = (await stored(41)).slice(40);
    assert.equal(skipped[0].type, 'skipped', 'the gate did not skip: the default model scores this context higher than the test assumes');
    assert.equal(list, null);
    assert.equal(fake!.generations().length, 0);
    assert.equal(skipped[0].gate?.stage, 1);
    assert.ok(skipped[0].gate!.score < skipped[0].gate!.threshold);
    assert.equal(skipped[0].gate!.threshold, loadDefaultGate().stage1.threshold(0.8));
  });

  it("rebuilds the gate's user history from the stored events after a restart, and sends it to the client", async () => {
    await start({ gate: { keepRate: 1 } });
    const t0 = Date.now() - 120_000;
    const past: SuggestionEvent[] = [];
    for (let i = 0; i < 6; i++) {
      const base = { v: 1 as const, user: 'u', kind: 'completion' as const, sid: `p${i}` };
      past.push({ ...base, id: `s${i}`, ts: t0 + i * 4000, type: 'shown', ctx: { lang: 'python', docLen: 30 + i, offset: 20 + i }, sug: { text: 'pass', chars: 4, lines: 1 } });
      past.push({ ...base, id: `o${i}`, ts: t0 + i * 4000 + 1500, type: i === 5 ? 'accepted' : 'rejected' });
    }
    await client!.connection.sendNotification(Methods.events, { events: past });
    await stored(12);
    await client!.stop();
    await fake!.close();

    const { file } = await start({ gate: { keepRate: 1 } });
    await client!.waitFor('the first model', () => client!.count(Methods.gateModel) >= 1);
    const first = client!.notifications.find((n) => n.method === Methods.gateModel)!.params as GateModelNotification;
    // the folded history, not the events: a few hundred bytes whatever the store holds
    assert.deepEqual(first.history, JSON.parse(JSON.stringify(historyState(historyOf(past)))));
    const clientGate = new ClientGate(() => ({ enabled: true, keepRate: 1, exploreRate: 0, retrainEvery: 200, privacy: 'all' }));
    clientGate.setModel(first);
    open(file, 'def add(a, b):\n    return \n');
    await request(file, 1, 11);
    const requested = (await stored(14))[12];
    assert.equal(requested.type, 'requested');
    // the decision was made a few ms before this event's timestamp: time-since features differ by that much
    const gate = loadDefaultGate();
    const score = requested.gate!.score;
    const withHistory = scoreStage1(gate, requested, historyOf(past));
    const without = scoreStage1(gate, requested, newHistory());
    assert.ok(Math.abs(score - withHistory) < 1e-4, `${score} is not the score with the stored history (${withHistory})`);
    assert.ok(Math.abs(score - without) > 1e-3, `the stored history should change the stage-1 score (${score} vs ${without} without)`);
    // a client that gates itself continues from the same history
    assert.equal(clientGate.decide(1, requested, '')!.score, withHistory);
  });

  it('stage 2 hides a poor suggestion (or shows it as exploration, with the propensity logged)', async () => {
    const { file } = await start({ gate: { keepRate: 0.8, exploreRate: 0.5 } }, () => ')');
    open(file, 'def add(a, b):\n    return \n');
    const results: Array<InlineCompletionList | null> = [];
    for (let i = 0; i < 6; i++) results.push(await request(file, 1, 11));
    const events = await stored(12);
    const decided = events.filter((e) => e.type === 'shown' || e.type === 'suppressed');
    assert.equal(decided.length, 6);
    decided.forEach((e, i) => {
      assert.equal(e.gate?.stage, 2);
      assert.ok(e.gate!.score < e.gate!.threshold, 'this suggestion should score below the keep-0.8 threshold');
      assert.equal(e.gate!.propensity, 0.5);
      assert.equal(e.type === 'shown', e.gate!.explore === true);
      assert.equal(results[i] !== null, e.type === 'shown', 'an item is returned exactly when exploration shows it');
    });
    // the server lists its decisions with scores and thresholds, newest first
    const listed = await client!.connection.sendRequest<GateDecisionRecord[]>('workspace/executeCommand', { command: GateCommands.decisions, arguments: [] });
    assert.deepEqual(listed.filter((d) => d.stage === 2).map((d) => d.score), decided.map((e) => e.gate!.score).reverse());
    assert.ok(listed.every((d) => typeof d.threshold === 'number' && d.preview.length > 0));
  });

  it('retrains after N decisions and sends the new model; trains on command', async () => {
    const { file } = await start({ gate: { retrainEvery: 30 } });
    open(file, 'x = 1\n');
    await client!.waitFor('the initial model', () => client!.count(Methods.gateModel) >= 1);
    assert.equal((client!.notifications.find((n) => n.method === Methods.gateModel)!.params as GateModelNotification).source, 'default');
    const events: SuggestionEvent[] = [];
    const t0 = Date.now() - 3_600_000;
    for (let i = 0; i < 30; i++) {
      const base = { v: 1 as const, user: 'u', kind: 'completion' as const, sid: `s${i}` };
      const text = i % 3 === 0 ? 'return total' : 'pass  # '.repeat(i % 5 + 1);
      const ctx = { lang: 'python', prefix: `def f${i}(x):\n    `, docLen: 100 + i, offset: 20 + i };
      events.push({ ...base, id: `a${i}`, ts: t0 + i * 10000, type: 'shown', ctx, sug: { text, chars: text.length, lines: 1 } });
      events.push({ ...base, id: `b${i}`, ts: t0 + i * 10000 + 3000, type: i % 3 === 0 ? 'accepted' : 'rejected' });
    }
    await client!.connection.sendNotification(Methods.events, { events });
    await client!.waitFor('a retrained model', () => client!.count(Methods.gateModel) >= 2);
    const note = client!.notifications.filter((n) => n.method === Methods.gateModel)[1].params as GateModelNotification;
    assert.equal(note.source, 'trained');
    assert.equal(note.model.trainedOn.decisions, 30);
    assert.ok(existsSync(join(dir, 'events', 'gate-model.json')));
    const r = await client!.connection.sendRequest<{ trained: boolean; decisions: number }>('workspace/executeCommand', { command: GateCommands.train, arguments: [] });
    assert.equal(r.trained, true);
    assert.equal(r.decisions, 30);
    await client!.waitFor('the model sent after the command', () => client!.count(Methods.gateModel) >= 3);
    const out = join(dir, 'export.jsonl');
    const exported = await client!.connection.sendRequest<{ events: number }>('workspace/executeCommand', { command: GateCommands.exportEvents, arguments: [out] });
    assert.equal(exported.events, 60);
    assert.equal(readFileSync(out, 'utf8').split('\n').filter(Boolean).length, 60);
    await client!.connection.sendRequest('workspace/executeCommand', { command: GateCommands.deleteEvents, arguments: [] });
    assert.equal(existsSync(join(dir, 'events', 'events.jsonl')), false);
  });
});
