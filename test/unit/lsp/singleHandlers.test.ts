// The single-handler guard: a second handler for the same LSP method fails loudly instead of silently
// replacing the first (which would leave one feature's hovers or code actions dead without an error).
import assert from 'node:assert/strict';
import { createConnection, HoverRequest } from 'vscode-languageserver/node';
import { PassThrough } from 'node:stream';
import { guardSingleHandlers } from '../../../server/src/lsp/singleHandlers';

function guarded() {
  const connection = createConnection(new PassThrough(), new PassThrough());
  guardSingleHandlers(connection);
  return connection;
}

describe('single-handler guard', () => {
  it('refuses a second hover handler, also when it comes as onRequest for textDocument/hover', () => {
    const a = guarded();
    a.onHover(() => null);
    assert.throws(() => a.onHover(() => null), /textDocument\/hover has two handlers/);
    const b = guarded();
    b.onHover(() => null);
    assert.throws(() => b.onRequest(HoverRequest.type, () => null), /textDocument\/hover has two handlers/);
    assert.throws(() => b.onRequest('textDocument/hover', () => null), /textDocument\/hover has two handlers/);
  });

  it('refuses the same custom request or notification twice and accepts distinct ones', () => {
    const c = guarded();
    c.onRequest('loopwise/a', () => 1);
    c.onRequest('loopwise/b', () => 2);
    c.onNotification('loopwise/c', () => undefined);
    c.onCodeAction(() => []);
    c.onExecuteCommand(() => undefined);
    assert.throws(() => c.onNotification('loopwise/c', () => undefined), /loopwise\/c has two handlers/);
    assert.throws(() => c.onCodeAction(() => []), /textDocument\/codeAction has two handlers/);
    assert.throws(() => c.onRequest('workspace/executeCommand', () => undefined), /workspace\/executeCommand has two handlers/);
  });
});
