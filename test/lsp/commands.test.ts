// Running tests through workspace/executeCommand, the way editors without Loopwise client code do it
// (Neovim, Helix): related tests of a source file, and run problems told with window/showMessage.
import * as assert from 'node:assert';
import { join } from 'node:path';
import type { ShowMessageParams } from 'vscode-languageserver-protocol';
import type { TestRunResult } from '../../common/protocol';
import { copyFixture, ensureBuilt, TestClient, uriOf } from './client';

describe('LSP: workspace/executeCommand', function () {
  this.timeout(180000);
  let client: TestClient | undefined;

  before(() => ensureBuilt());
  afterEach(async () => {
    await client?.stop();
    client = undefined;
  });

  it('advertises loopwise.server.runTests and runs the tests related to a source file', async () => {
    const folder = copyFixture('javascript');
    client = new TestClient();
    const init = await client.initialize(folder);
    const advertised = init.capabilities.executeCommandProvider?.commands ?? [];
    assert.ok(advertised.includes('loopwise.server.runTests'), JSON.stringify(advertised));
    // Server commands live in their own namespace so the VS Code client's loopwise.* ids never collide.
    assert.ok(advertised.every((c) => c.startsWith('loopwise.server.')), JSON.stringify(advertised));
    const [result] = await client.connection.sendRequest<TestRunResult[]>('workspace/executeCommand', {
      command: 'loopwise.server.runTests', arguments: [uriOf(join(folder, 'calc.js'))],
    });
    assert.strictEqual(result.summary.total, 3, JSON.stringify(result.summary));
    const atAssert = (client.diagnostics(join(folder, 'calc.test.js')) ?? []).filter((d) => d.range.start.line === 5);
    assert.strictEqual(atAssert.length, 1);
    assert.ok(client.serverRequests.some((r) => r.method === 'window/workDoneProgress/create'), 'progress without a client token');
  });

  it('tells the user with window/showMessage when a folder has nothing Loopwise can run', async () => {
    const folder = copyFixture('notes');
    client = new TestClient();
    await client.initialize(folder);
    const [result] = await client.connection.sendRequest<TestRunResult[]>('workspace/executeCommand', { command: 'loopwise.server.runTests', arguments: [] });
    assert.deepStrictEqual(result.tests, []);
    const shown = client.notifications.filter((n) => n.method === 'window/showMessage').map((n) => n.params as ShowMessageParams);
    assert.ok(shown.some((m) => /Loopwise: .*(no such files|no tests)/i.test(m.message)), JSON.stringify(shown));
  });

  it('rejects an unknown command with the list of known ones', async () => {
    client = new TestClient();
    await client.initialize(copyFixture('python'));
    await assert.rejects(client.connection.sendRequest('workspace/executeCommand', { command: 'loopwise.nope' }), /unknown command loopwise\.nope; Loopwise has loopwise\.server\.runTests/);
  });
});
