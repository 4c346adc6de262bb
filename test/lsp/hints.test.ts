// The built language server's tutor feature over stdio: loopwise/hint on a student's folder gives the hint at
// the asked level (nudge, then location) built from a real run, never fix code; feedback on a hint is stored as
// `hint` events; bad input gets a clear answer.
import * as assert from 'node:assert';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HintMethods, type HintFeedbackParams, type HintResponse } from '../../common/protocol';
import { ensureBuilt, repoRoot, TestClient, uriOf } from './client';

describe('lsp: tutor hints', function () {
  this.timeout(120_000);
  let client: TestClient | undefined;
  let dir: string;
  let folder: string;
  const savedCache = process.env.XDG_CACHE_HOME;

  before(() => {
    ensureBuilt();
    dir = mkdtempSync(join(tmpdir(), 'loopwise-hints-lsp-'));
    folder = join(dir, 'student');
    cpSync(join(repoRoot, 'test', 'fixtures', 'hints', 'count-project'), folder, { recursive: true });
    // The server keeps events under $XDG_CACHE_HOME/loopwise/events when the client names no folder.
    process.env.XDG_CACHE_HOME = join(dir, 'cache');
  });
  after(() => {
    if (savedCache === undefined) delete process.env.XDG_CACHE_HOME;
    else process.env.XDG_CACHE_HOME = savedCache;
    rmSync(dir, { recursive: true, force: true });
  });
  afterEach(async () => { await client?.stop(); client = undefined; });

  it('answers nudge then location in tutor mode, without fix code, and logs feedback as hint events', async () => {
    client = new TestClient();
    client.settings = { mode: 'tutor' };
    await client.initialize(folder);
    const r1 = await client.connection.sendRequest<HintResponse>(HintMethods.hint, { folderUri: uriOf(folder), level: 1 });
    assert.strictEqual(r1.status, 'hint', JSON.stringify(r1));
    assert.match(r1.hint!.text, /`count_at_least\(\[1, 5, 7\], 5\)` should give 2 but gives 1/);
    assert.strictEqual(r1.hint!.location, undefined);
    // The student sees the hint alone; the note on the missing model is logged once, for the teacher.
    assert.strictEqual(r1.message, undefined, 'the response carries a note meant for the developer');
    const r2 = await client.connection.sendRequest<HintResponse>(HintMethods.hint, { folderUri: uriOf(folder), level: 2 });
    assert.strictEqual(r2.message, undefined);
    const notes = client.notifications.filter((n) => n.method === 'window/logMessage' && /no model configured for the tutor/.test((n.params as { message: string }).message));
    assert.strictEqual(notes.length, 1, 'the missing-model note is logged once in the Output channel');
    assert.deepStrictEqual(r2.hint!.location, { file: 'solution.py', line: 4 });
    for (const r of [r1, r2]) {
      const wire = JSON.stringify(r);
      assert.ok(!wire.includes('>='), 'no fix code on the wire');
      assert.ok(!('analysis' in r), 'no analysis on the wire');
    }
    const feedback: HintFeedbackParams = { folderUri: uriOf(folder), hintId: r2.hint!.id!, action: 'helpful', level: 2, source: 'embedded', file: 'solution.py', line: 4 };
    await client.connection.sendNotification(HintMethods.hintFeedback, feedback);
    const store = join(dir, 'cache', 'loopwise', 'events', 'events.jsonl');
    const events = () => existsSync(store) ? readFileSync(store, 'utf8').trim().split('\n').map((l) => JSON.parse(l)) : [];
    // A notification has no reply: poll the store (bounded) until the event is written.
    for (let i = 0; i < 100 && !events().some((e) => e.type === 'accepted'); i++) await new Promise((r) => setTimeout(r, 100));
    const hints = events().filter((e) => e.kind === 'hint');
    assert.deepStrictEqual(hints.map((e) => e.type), ['shown', 'shown', 'accepted']);
    assert.strictEqual(hints[2].sid, r2.hint!.id);
    assert.strictEqual(hints[2].source, 'hint:embedded:level2');
  });

  it('says why there is no hint for a folder without tests', async () => {
    const empty = join(dir, 'empty');
    cpSync(join(repoRoot, 'test', 'fixtures', 'hints', 'count-project', 'solution.py'), join(empty, 'solution.py'));
    client = new TestClient();
    await client.initialize(empty);
    const r = await client.connection.sendRequest<HintResponse>(HintMethods.hint, { folderUri: uriOf(empty) });
    assert.strictEqual(r.status, 'error');
    assert.match(r.message!, /no tests found/);
  });
});
