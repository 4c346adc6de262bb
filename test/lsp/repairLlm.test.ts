// The editor's fix search with a fixer model: over stdio against the fake OpenAI-compatible server, the
// LLM engine's fix is verified, offered as "Apply verified fix" with the model's explanation, its token use
// is reported, the key is asked of the client (never a setting), and without a fixer model it says how to set one.
import * as assert from 'node:assert';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CodeAction, ShowMessageParams } from 'vscode-languageserver-protocol';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { Methods, type LlmUsageNotification, type RepairParams, type RepairResult } from '../../common/protocol';
import { startFakeOpenAI, type FakeOpenAI } from '../fake-openai/server';
import { ensureBuilt, repoRoot, TestClient, uriOf } from './client';

const rightFix = 'It divides by one less than the count.\n\n```python\ndef mean(xs):\n    total = 0\n    for x in xs:\n        total += x\n    return total / len(xs)\n```\n';

describe('LSP: verified fix from the LLM engine (fake OpenAI server)', function () {
  this.timeout(180_000);
  let client: TestClient | undefined;
  let fake: FakeOpenAI | undefined;
  const copies: string[] = [];
  before(() => ensureBuilt());
  afterEach(async () => {
    await client?.stop();
    await fake?.close();
    client = undefined;
    fake = undefined;
  });
  after(() => { for (const dir of copies) rmSync(dir, { recursive: true, force: true }); });

  function project(): string {
    const parent = mkdtempSync(join(tmpdir(), 'loopwise llm-'));
    copies.push(parent);
    const dir = join(parent, 'mean-project');
    cpSync(join(repoRoot, 'test', 'fixtures', 'llm', 'mean-project'), dir, { recursive: true });
    return dir;
  }

  it('offers the LLM\'s verified fix with its explanation and reports the tokens spent', async () => {
    fake = await startFakeOpenAI({ script: () => ({ content: rightFix }) });
    const folder = project();
    client = new TestClient();
    client.settings = { llm: { baseUrl: fake.url, models: { fixer: 'fake-fixer' } }, repair: { engine: 'llm', budgetSeconds: 120 } };
    await client.initialize(folder);
    const result = await client.connection.sendRequest<RepairResult>(Methods.repair, { folderUri: uriOf(folder) } satisfies RepairParams);
    assert.strictEqual(result.status, 'fixed', JSON.stringify({ status: result.status, message: result.message }));
    assert.ok(fake.generations().length >= 1, 'the fixer model was asked');
    assert.strictEqual(fake.generations()[0].body.model, 'fake-fixer');
    assert.ok(client.serverRequests.some((r) => r.method === Methods.llmApiKey), 'the key is asked of the client');
    const told = client.notifications.filter((n) => n.method === 'window/showMessage').map((n) => (n.params as ShowMessageParams).message);
    assert.ok(told.some((m) => /verified fix by the LLM/.test(m) && /one less than the count/.test(m)), told.join('\n'));
    const usage = client.notifications.filter((n) => n.method === Methods.llmUsage).map((n) => n.params as LlmUsageNotification);
    assert.ok(usage.length >= 1 && usage.every((u) => u.action === 'fix' && u.role === 'fixer' && u.promptTokens > 0), JSON.stringify(usage));

    const source = join(folder, 'solution.py');
    const actions = await client.connection.sendRequest<CodeAction[]>('textDocument/codeAction', {
      textDocument: { uri: uriOf(source) },
      range: { start: { line: 4, character: 0 }, end: { line: 4, character: 0 } },
      context: { diagnostics: [] },
    });
    const apply = actions.find((a) => a.title.startsWith('Apply verified fix'));
    assert.ok(apply, actions.map((a) => a.title).join(' | '));
    const edits = apply.edit?.changes?.[uriOf(source)] ?? [];
    const fixed = TextDocument.applyEdits(TextDocument.create(uriOf(source), 'python', 1, readFileSync(source, 'utf8')), edits);
    assert.match(fixed, /return total \/ len\(xs\)\n/);
  });

  it('refuses the llm engine without a fixer model and says which setting to set', async () => {
    const folder = project();
    client = new TestClient();
    client.settings = { repair: { engine: 'llm' } };
    await client.initialize(folder);
    await assert.rejects(
      client.connection.sendRequest<RepairResult>(Methods.repair, { folderUri: uriOf(folder) } satisfies RepairParams),
      /no fixer model is configured: set loopwise\.llm\.models\.fixer/,
    );
  });
});
