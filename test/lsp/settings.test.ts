// Settings per resource (workspace/configuration, or initializationOptions/didChangeConfiguration for
// clients without it), validation against the defaults, and which workspace folder a file belongs to.
import * as assert from 'node:assert';
import type { Connection } from 'vscode-languageserver/node';
import { defaultSettings } from '../../common/protocol';
import { WorkspaceFolders } from '../../server/src/lsp/folders';
import { SettingsStore } from '../../server/src/lsp/settings';

function fakeConnection(answer: (scopeUri?: string) => unknown) {
  const asked: (string | undefined)[] = [];
  const connection = {
    workspace: { getConfiguration: (item: { scopeUri?: string }) => { asked.push(item.scopeUri); return Promise.resolve(answer(item.scopeUri)); } },
  } as unknown as Connection;
  return { connection, asked };
}

describe('lsp/settings', () => {
  it('asks per resource, caches, and asks again after a configuration change', async () => {
    let timeout = 5;
    const { connection, asked } = fakeConnection(() => ({ runOnSave: true, testTimeoutSeconds: timeout }));
    const store = new SettingsStore(connection, () => undefined);
    store.initialize(true, undefined);
    store.initialized();
    assert.deepStrictEqual({ ...(await store.get('file:///a/x.py')), llm: undefined }, { ...defaultSettings, runOnSave: true, testTimeoutSeconds: 5, llm: undefined });
    await store.get('file:///a/x.py');
    assert.deepStrictEqual(asked, ['file:///a/x.py']);
    timeout = 7;
    let fired = 0;
    store.onDidChange(() => fired++);
    store.didChange(null);
    assert.strictEqual((await store.get('file:///a/x.py')).testTimeoutSeconds, 7);
    assert.strictEqual(fired, 1);
  });

  it('falls back to each default for malformed values and says which', async () => {
    const logged: string[] = [];
    const { connection } = fakeConnection(() => ({ runOnSave: 'yes', testTimeoutSeconds: -1, runTimeoutSeconds: 30, llm: { models: { fixer: 'm' } } }));
    const store = new SettingsStore(connection, (m) => logged.push(m));
    store.initialize(true, undefined);
    store.initialized();
    const s = await store.get();
    assert.strictEqual(s.runOnSave, false);
    assert.strictEqual(s.testTimeoutSeconds, defaultSettings.testTimeoutSeconds);
    assert.strictEqual(s.runTimeoutSeconds, 30);
    assert.strictEqual(s.llm.models.fixer, 'm');
    assert.strictEqual(s.llm.models.tutor, '');
    assert.match(logged.join('\n'), /loopwise\.runOnSave should be a boolean.*loopwise\.testTimeoutSeconds should be a positive number/);
  });

  it('keeps 0 where the schema allows it (a teacher\'s hints.alpha 0) and still refuses it elsewhere', async () => {
    const logged: string[] = [];
    const { connection } = fakeConnection(() => ({ hints: { alpha: 0, beta: 0 }, testTimeoutSeconds: 0 }));
    const store = new SettingsStore(connection, (m) => logged.push(m));
    store.initialize(true, undefined);
    store.initialized();
    const s = await store.get();
    assert.deepStrictEqual(s.hints, { alpha: 0, beta: 0 });
    assert.strictEqual(s.testTimeoutSeconds, defaultSettings.testTimeoutSeconds);
    assert.match(logged.join('\n'), /loopwise\.testTimeoutSeconds should be a positive number/);
    assert.doesNotMatch(logged.join('\n'), /hints/);
  });

  it('asks nothing before the client\'s initialized notification, then answers the reads that waited', async () => {
    const { connection, asked } = fakeConnection(() => ({ events: { privacy: 'noCode' } }));
    const store = new SettingsStore(connection, () => undefined);
    store.initialize(true, undefined);
    const early = store.get();
    await new Promise((r) => setTimeout(r, 50));
    assert.deepStrictEqual(asked, [], 'workspace/configuration was sent while initialize was being handled');
    store.initialized();
    assert.strictEqual((await early).events.privacy, 'noCode');
    assert.deepStrictEqual(asked, [undefined]);
  });

  it('keeps what the client sent when a read fails, and asks again on the next read', async () => {
    let fail = true;
    const logged: string[] = [];
    const { connection, asked } = fakeConnection(() => {
      if (fail) throw new Error('Unhandled method workspace/configuration');
      return { runOnSave: false };
    });
    const store = new SettingsStore(connection, (m) => logged.push(m));
    store.initialize(true, { loopwise: { runOnSave: true, events: { privacy: 'noCode' } } });
    store.initialized();
    const s = await store.get('file:///a/x.py');
    assert.strictEqual(s.runOnSave, true);
    assert.strictEqual(s.events.privacy, 'noCode');
    assert.match(logged.join('\n'), /could not read settings .*the settings the client sent/);
    fail = false;
    assert.strictEqual((await store.get('file:///a/x.py')).runOnSave, false);
    assert.deepStrictEqual(asked, ['file:///a/x.py', 'file:///a/x.py']);
  });

  it('uses initializationOptions, then didChangeConfiguration, when the client cannot answer workspace/configuration', async () => {
    const { connection, asked } = fakeConnection(() => { throw new Error('must not be asked'); });
    const store = new SettingsStore(connection, () => undefined);
    store.initialize(false, { loopwise: { runOnSave: true } });
    assert.strictEqual((await store.get('file:///a/x.py')).runOnSave, true);
    store.didChange({ loopwise: { runOnSave: false, runTimeoutSeconds: 9 } });
    const s = await store.get('file:///a/x.py');
    assert.strictEqual(s.runOnSave, false);
    assert.strictEqual(s.runTimeoutSeconds, 9);
    assert.deepStrictEqual(asked, []);
  });
});

describe('lsp/folders', () => {
  it('finds the innermost folder of a file, whatever the URI spelling, and follows folder changes', () => {
    const folders = new WorkspaceFolders();
    folders.initialize({ processId: null, rootUri: null, capabilities: {}, workspaceFolders: [
      { uri: 'file:///ws/my%20app', name: 'app' }, { uri: 'file:///ws/my app/lib', name: 'lib' },
    ] });
    assert.strictEqual(folders.folderFor('file:///ws/my%20app/src/a.py')?.name, 'app');
    assert.strictEqual(folders.folderFor('file:///ws/my%20app/lib/b.py')?.name, 'lib');
    assert.strictEqual(folders.folderFor('file:///ws/my%20apple/c.py'), undefined);
    assert.strictEqual(folders.folderFor('untitled:Untitled-1'), undefined);
    folders.change({ removed: [{ uri: 'file:///ws/my%20app/lib', name: 'lib' }], added: [{ uri: 'file:///other', name: 'other' }] });
    assert.strictEqual(folders.folderFor('file:///ws/my%20app/lib/b.py')?.name, 'app');
    assert.strictEqual(folders.folderFor('file:///other/x.js')?.name, 'other');
  });

  it('falls back to rootUri when the client sends no workspace folders', () => {
    const folders = new WorkspaceFolders();
    folders.initialize({ processId: null, rootUri: 'file:///proj', capabilities: {} });
    assert.deepStrictEqual(folders.all().map((f) => f.path), ['/proj']);
  });
});
