// The bundle starts over node IPC too (the transport the VS Code client uses), not only stdio.
import * as assert from 'node:assert';
import { fork, spawnSync } from 'node:child_process';
import { createMessageConnection, IPCMessageReader, IPCMessageWriter } from 'vscode-jsonrpc/node';
import type { InitializeResult } from 'vscode-languageserver-protocol';
import { ensureBuilt, serverPath } from './client';

describe('LSP: transports', function () {
  this.timeout(120000);
  before(() => ensureBuilt());

  it('initializes over node IPC and advertises incremental sync and workspace folders', async () => {
    const child = fork(serverPath, ['--node-ipc'], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
    const connection = createMessageConnection(new IPCMessageReader(child), new IPCMessageWriter(child));
    connection.listen();
    try {
      const result = await connection.sendRequest<InitializeResult>('initialize', { processId: process.pid, rootUri: null, capabilities: {} });
      assert.strictEqual(result.serverInfo?.name, 'loopwise');
      assert.deepStrictEqual(result.capabilities.textDocumentSync, { openClose: true, change: 2, save: { includeText: false } });
      assert.strictEqual(result.capabilities.workspace?.workspaceFolders?.supported, true);
      await connection.sendRequest('shutdown');
      const exited = new Promise<number | null>((r) => child.once('exit', r));
      await connection.sendNotification('exit');
      assert.strictEqual(await exited, 0);
    } finally {
      connection.dispose();
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});

describe('LSP: started by hand', () => {
  before(() => ensureBuilt());
  it('explains how to start it when no transport is given, without a stack trace', () => {
    const r = spawnSync(process.execPath, [serverPath], { encoding: 'utf8', timeout: 30000 });
    assert.strictEqual(r.status, 2);
    assert.match(r.stderr, /^usage: node dist\/server\.js --stdio/);
    assert.doesNotMatch(r.stderr, /\bat .*\.js:\d+/);
  });
});
