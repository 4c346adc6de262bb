// The server side of LLM access over LSP: the key is asked of the client per request (SecretStorage), and each
// model call's token spending is reported with Methods.llmUsage.
import assert from 'node:assert/strict';
import type { Connection } from 'vscode-languageserver';
import { Methods, type LlmUsageNotification } from '../../../common/protocol';
import { lspLlmClient, reportedBudget } from '../../../server/src/llm/lsp';
import { startFakeOpenAI } from '../../fake-openai/server';

describe('LLM access from the language server', () => {
  it('asks the client for the key on each call and reports usage per action', async () => {
    const fake = await startFakeOpenAI({ script: [{ content: 'one', usage: { prompt_tokens: 10, completion_tokens: 2 } }, { content: 'two', usage: { prompt_tokens: 5, completion_tokens: 1 } }] });
    const keys = ['sk-first-key-0123456789', 'sk-second-key-0123456789'];
    const notes: LlmUsageNotification[] = [];
    const connection = {
      sendRequest: async (method: string) => { assert.equal(method, Methods.llmApiKey); return { apiKey: keys.shift() }; },
      sendNotification: async (method: string, note: LlmUsageNotification) => { assert.equal(method, Methods.llmUsage); notes.push(note); },
    } as unknown as Connection;
    try {
      const client = lspLlmClient(connection, { baseUrl: fake.url, models: { fixer: 'f', tutor: '', student: '', completion: '' } });
      const budget = reportedBudget(connection, 1000, 'fix');
      await client.chat('fixer', [{ role: 'user', content: 'hi' }], { budget });
      await client.chat('fixer', [{ role: 'user', content: 'hi' }], { budget });
      assert.deepEqual(fake.generations().map((r) => r.headers.authorization), ['Bearer sk-first-key-0123456789', 'Bearer sk-second-key-0123456789']);
      assert.deepEqual(notes.map((n) => [n.action, n.role, n.promptTokens, n.completionTokens, n.budget]), [['fix', 'fixer', 10, 2, 1000], ['fix', 'fixer', 15, 3, 1000]]);
    } finally {
      await fake.close();
    }
  });
});
