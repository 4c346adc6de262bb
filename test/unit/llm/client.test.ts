// The LLM client against a real local HTTP endpoint (test/fake-openai): answers, streaming, usage accounting,
// and every injected fault (slow, 429, 500, malformed JSON, truncated stream, wrong shape, 401, 404, refused).
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { TokenBudget } from '../../../server/src/llm/budget';
import { LlmError } from '../../../server/src/llm/errors';
import { startFakeOpenAI, type FakeOpenAI, type FakeScript } from '../../fake-openai/server';
import { testClient, testKey } from './helpers';

const ask = [{ role: 'user' as const, content: 'Why does add(1, 2) return -1?' }];

async function rejects(p: Promise<unknown>): Promise<LlmError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof LlmError, `expected LlmError, got ${String(err)}`);
    return err;
  }
  assert.fail('expected the call to fail');
}

describe('LLM client against the fake OpenAI server', () => {
  let fake: FakeOpenAI | undefined;
  const start = async (script: FakeScript, models?: string[]) => (fake = await startFakeOpenAI({ script, models }));
  afterEach(async () => { await fake?.close(); fake = undefined; });

  it('streams a chat reply, sends the key only as a header, and charges the reported usage', async () => {
    const f = await start([{ content: 'The bug is the minus sign.', usage: { prompt_tokens: 40, completion_tokens: 7 } }]);
    const { client } = testClient(f.url);
    const budget = new TokenBudget(1000, 'fix');
    const deltas: string[] = [];
    const reply = await client.chat('fixer', ask, { temperature: 0.7, budget, onDelta: (d) => deltas.push(d) });
    assert.equal(reply.text, 'The bug is the minus sign.');
    assert.equal(deltas.join(''), reply.text);
    assert.ok(deltas.length > 1, 'the reply arrived in several chunks');
    assert.deepEqual(reply.usage, { promptTokens: 40, completionTokens: 7, estimated: false });
    assert.equal(budget.used, 47);
    const [req] = f.generations();
    assert.equal(req.body.model, 'fake-fixer');
    assert.equal(req.body.stream, true);
    assert.equal(req.body.temperature, 0.7);
    assert.equal(req.headers.authorization, `Bearer ${testKey}`);
    assert.ok(!req.rawBody.includes(testKey), 'the key is not in the request body');
  });

  it('answers without streaming and estimates usage the endpoint did not report', async () => {
    const f = await start([{ content: 'x'.repeat(400), usage: null }]);
    const { client } = testClient(f.url);
    const budget = new TokenBudget(5000);
    const reply = await client.chat('tutor', ask, { stream: false, budget });
    assert.equal(reply.text.length, 400);
    assert.equal(reply.usage.estimated, true);
    assert.equal(reply.usage.completionTokens, 100);
    assert.ok(reply.usage.promptTokens > 0);
    assert.equal(budget.summary().estimated, true);
    assert.equal(f.generations()[0].body.model, 'fake-tutor');
  });

  it('retries a request slower than the timeout, then succeeds', async () => {
    const f = await start([{ fault: 'slow', delayMs: 5000 }, { content: 'fixed' }]);
    const { client, sleeps } = testClient(f.url, { timeoutSeconds: 0.3 });
    const reply = await client.chat('fixer', ask);
    assert.equal(reply.text, 'fixed');
    assert.equal(reply.attempts, 2);
    assert.equal(sleeps.length, 1);
  });

  it('gives up on a persistently slow endpoint with a timeout message naming the setting', async () => {
    const f = await start(() => ({ fault: 'slow', delayMs: 5000 }));
    const { client } = testClient(f.url, { timeoutSeconds: 0.2, maxAttempts: 2 });
    const err = await rejects(client.chat('fixer', ask));
    assert.equal(err.kind, 'timeout');
    assert.match(err.message, /loopwise\.llm\.timeoutSeconds/);
    assert.match(err.message, /gave up after 2 attempts/);
    assert.equal(f.generations().length, 2);
  });

  it('waits at least Retry-After on 429 before retrying', async () => {
    const f = await start([{ fault: 'status', status: 429, retryAfter: '3' }, { content: 'ok' }]);
    const { client, sleeps } = testClient(f.url);
    const reply = await client.chat('fixer', ask);
    assert.equal(reply.text, 'ok');
    assert.equal(sleeps.length, 1);
    assert.ok(sleeps[0] >= 3000, `waited ${sleeps[0]} ms, the server asked for 3000`);
  });

  it('does not wait out a Retry-After of minutes: it says to try later', async () => {
    const f = await start([{ fault: 'status', status: 429, retryAfter: '600' }, { content: 'unused' }]);
    const { client, sleeps } = testClient(f.url);
    const err = await rejects(client.chat('fixer', ask));
    assert.equal(err.kind, 'rateLimited');
    assert.match(err.message, /asks to wait 600 s/);
    assert.equal(sleeps.length, 0);
  });

  it('backs off exponentially on repeated 500s and reports the failure after the last attempt', async () => {
    const f = await start(() => ({ fault: 'status', status: 500 }));
    const { client, sleeps } = testClient(f.url, { maxAttempts: 4 });
    const err = await rejects(client.chat('fixer', ask));
    assert.equal(err.kind, 'server');
    assert.match(err.message, /HTTP 500/);
    assert.equal(f.generations().length, 4);
    assert.equal(sleeps.length, 3);
    assert.ok(sleeps[0] < sleeps[1] && sleeps[1] < sleeps[2], `delays grow: ${sleeps.join(', ')}`);
  });

  it('retries after a 500 and succeeds', async () => {
    const f = await start([{ fault: 'status', status: 503 }, { content: 'ok' }]);
    const { client } = testClient(f.url);
    assert.equal((await client.chat('fixer', ask)).attempts, 2);
  });

  for (const stream of [true, false]) {
    it(`retries a malformed JSON reply (${stream ? 'stream' : 'non-stream'}) and fails clearly when it persists`, async () => {
      const f = await start([{ fault: 'malformedJson' }, { content: 'good' }]);
      const { client } = testClient(f.url);
      assert.equal((await client.chat('fixer', ask, { stream })).text, 'good');
      await f.close();
      const g = await start(() => ({ fault: 'malformedJson' }));
      const err = await rejects(testClient(g.url, { maxAttempts: 2 }).client.chat('fixer', ask, { stream }));
      assert.equal(err.kind, 'badReply');
    });
  }

  it('retries a truncated stream and counts the tokens streamed before the cut', async () => {
    const content = 'def add(a, b):\n    return a + b\n'.repeat(4);
    const f = await start([{ fault: 'truncatedStream', content, keepChars: 60 }, { content, usage: { prompt_tokens: 10, completion_tokens: 30 } }]);
    const { client } = testClient(f.url);
    const budget = new TokenBudget(10_000);
    const attempts = new Set<number>();
    const reply = await client.chat('fixer', ask, { budget, onDelta: (_d, attempt) => attempts.add(attempt) });
    assert.equal(reply.text, content);
    assert.deepEqual([...attempts], [1, 2], 'the caller is told the stream started over');
    assert.ok(budget.used > 40, `the partial attempt was charged too (used ${budget.used})`);
    assert.equal(budget.estimated, true);
  });

  it('fails a truncated non-stream reply after retries', async () => {
    const f = await start(() => ({ fault: 'truncatedStream', content: 'x' }));
    const err = await rejects(testClient(f.url, { maxAttempts: 2 }).client.chat('fixer', ask, { stream: false }));
    assert.equal(err.kind, 'badReply');
    assert.equal(f.generations().length, 2);
  });

  for (const stream of [true, false]) {
    it(`rejects a reply of the wrong shape without retrying (${stream ? 'stream' : 'non-stream'})`, async () => {
      const f = await start(() => ({ fault: 'wrongShape' }));
      const err = await rejects(testClient(f.url).client.chat('fixer', ask, { stream }));
      assert.equal(err.kind, 'badReply');
      assert.match(err.message, /OpenAI-compatible/);
      assert.equal(f.generations().length, 1);
    });
  }

  it('explains a 401 plainly, does not retry, and never repeats the key', async () => {
    const f = await start([{ fault: 'status', status: 401, message: `Incorrect API key provided: ${testKey}` }]);
    const { client, logs } = testClient(f.url);
    const err = await rejects(client.chat('fixer', ask));
    assert.equal(err.kind, 'auth');
    assert.match(err.message, /Set LLM API Key/);
    assert.match(err.message, /OPENAI_API_KEY/);
    assert.equal(f.generations().length, 1);
    for (const text of [err.message, ...logs]) assert.ok(!text.includes(testKey) && !text.includes('SECRET'), `leaked: ${text}`);
  });

  it('tells an unknown model from a wrong base URL on 404', async () => {
    const f = await start([{ fault: 'status', status: 404, message: 'The model `fake-fixer` does not exist', code: 'model_not_found' }]);
    const notFound = await rejects(testClient(f.url).client.chat('fixer', ask));
    assert.equal(notFound.kind, 'modelNotFound');
    assert.match(notFound.message, /loopwise\.llm\.models\.fixer/);
    const wrongPath = await rejects(testClient(f.url.replace(/\/v1$/, '/api')).client.chat('fixer', ask));
    assert.equal(wrongPath.kind, 'badBaseUrl');
    assert.match(wrongPath.message, /\/v1/);
  });

  it('says the endpoint is unreachable when nothing listens there', async () => {
    const port = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => resolve(p));
      });
    });
    const err = await rejects(testClient(`http://127.0.0.1:${port}/v1`).client.chat('fixer', ask));
    assert.equal(err.kind, 'unreachable');
    assert.match(err.message, /ECONNREFUSED/);
    assert.match(err.message, /baseUrl/);
  });

  it('rejects a base URL that is not a URL, and a role without a model, before any request', async () => {
    const bad = await rejects(testClient('localhost:11434').client.chat('fixer', ask));
    assert.equal(bad.kind, 'badBaseUrl');
    const f = await start([{ content: 'unused' }]);
    const { client } = testClient(f.url, { models: { fixer: '', tutor: '', student: '', completion: '' } });
    const none = await rejects(client.chat('student', ask));
    assert.equal(none.kind, 'notConfigured');
    assert.match(none.message, /loopwise\.llm\.models\.student/);
    assert.match(none.message, /--model/);
    assert.equal(f.requests.length, 0);
  });

  it('refuses a call that cannot fit the token budget, and lowers max_tokens to what is left', async () => {
    const f = await start([{ content: 'a', usage: { prompt_tokens: 50, completion_tokens: 100 } }]);
    const { client } = testClient(f.url);
    const budget = new TokenBudget(250, 'fix');
    await client.chat('fixer', ask, { budget, maxTokens: 1000 });
    assert.ok(f.generations()[0].body.max_tokens <= 250, 'max_tokens capped by the budget');
    assert.equal(budget.used, 150);
    const err = await rejects(client.chat('fixer', [{ role: 'user', content: 'y'.repeat(400) }], { budget }));
    assert.equal(err.kind, 'budget');
    assert.match(err.message, /150 of 250 tokens/);
    assert.match(err.message, /loopwise\.llm\.tokenBudget/);
    assert.equal(f.generations().length, 1, 'the refused call was never sent');
  });

  it('cancels mid-stream promptly and does not retry', async () => {
    const f = await start([{ fault: 'stall', content: 'The bug is in line 3 because the loop', afterChars: 20 }]);
    const { client } = testClient(f.url, { timeoutSeconds: 30 });
    const controller = new AbortController();
    const err = await rejects(client.chat('fixer', ask, { signal: controller.signal, onDelta: () => controller.abort() }));
    assert.equal(err.kind, 'cancelled');
    assert.equal(f.generations().length, 1);
  });

  it('cancels during a backoff wait', async () => {
    const f = await start(() => ({ fault: 'status', status: 500 }));
    const controller = new AbortController();
    const { client } = testClient(f.url, {}, { sleep: async () => { controller.abort(); throw new LlmError('cancelled', 'The request was cancelled.'); } });
    const err = await rejects(client.chat('fixer', ask, { signal: controller.signal }));
    assert.equal(err.kind, 'cancelled');
    assert.equal(f.generations().length, 1);
  });

  it('fills in the middle through /v1/completions with a suffix', async () => {
    const f = await start([{ content: 'a + b' }]);
    const reply = await testClient(f.url).client.complete('completion', { prompt: 'def add(a, b):\n    return ', suffix: '\n\nprint(add(1, 2))\n' }, { maxTokens: 64 });
    assert.equal(reply.text, 'a + b');
    const [req] = f.generations();
    assert.equal(req.path, '/v1/completions');
    assert.equal(req.body.model, 'fake-fim');
    assert.equal(req.body.suffix, '\n\nprint(add(1, 2))\n');
  });

  it('lists the endpoint models', async () => {
    const f = await start([], ['llama3', 'qwen2.5-coder']);
    assert.deepEqual(await testClient(f.url).client.listModels(), ['llama3', 'qwen2.5-coder']);
  });

  it('switches to max_completion_tokens when the endpoint rejects max_tokens', async () => {
    const f = await start((req) => req.body.max_tokens !== undefined
      ? { fault: 'status', status: 400, message: "Unsupported parameter: 'max_tokens'. Use 'max_completion_tokens' instead." }
      : { content: 'ok' });
    const reply = await testClient(f.url).client.chat('fixer', ask, { maxTokens: 300 });
    assert.equal(reply.text, 'ok');
    assert.equal(f.generations()[1].body.max_completion_tokens, 300);
  });
});
