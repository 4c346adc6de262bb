// Token log-probabilities through the LLM client: asked for only when wanted, in each API's own parameters, and
// read back from each API's own reply format into one token list.
import * as assert from 'node:assert/strict';
import { startFakeOpenAI, type FakeOpenAI, type FakeToken } from '../../fake-openai/server';
import { testClient } from './helpers';

const tokens: FakeToken[] = [
  { token: 'a', logprob: -0.1, top: [{ token: 'a', logprob: -0.1 }, { token: 'b', logprob: -2.5 }] },
  { token: ' + b', logprob: -0.4, top: [{ token: ' + b', logprob: -0.4 }] },
];
const expected = [
  { token: 'a', logprob: -0.1, top: [{ token: 'a', logprob: -0.1 }, { token: 'b', logprob: -2.5 }] },
  { token: ' + b', logprob: -0.4, top: [{ token: ' + b', logprob: -0.4 }] },
];

describe('LLM client: token log-probabilities', () => {
  let fake: FakeOpenAI | undefined;
  afterEach(async () => { await fake?.close(); fake = undefined; });

  it('asks the completions API for logprobs=N and reads its parallel arrays', async () => {
    fake = await startFakeOpenAI({ script: () => ({ content: 'a + b', logprobs: tokens }) });
    const { client } = testClient(fake.url);
    const r = await client.complete('completion', { prompt: 'x = ', suffix: '\n' }, { stream: false, logprobs: 2 });
    assert.equal(fake.generations()[0].body.logprobs, 2);
    assert.deepEqual(r.tokens, expected);
  });

  it('asks the chat API for logprobs with top_logprobs and reads its content list', async () => {
    fake = await startFakeOpenAI({ script: () => ({ content: 'a + b', logprobs: tokens }) });
    const { client } = testClient(fake.url);
    const r = await client.chat('completion', [{ role: 'user', content: 'x = ' }], { stream: false, logprobs: 2 });
    const body = fake.generations()[0].body;
    assert.equal(body.logprobs, true);
    assert.equal(body.top_logprobs, 2);
    assert.deepEqual(r.tokens, expected);
  });

  it('sends no logprobs parameter and returns no tokens when not asked', async () => {
    fake = await startFakeOpenAI({ script: () => ({ content: 'a + b', logprobs: tokens }) });
    const { client } = testClient(fake.url);
    const r = await client.complete('completion', { prompt: 'x = ' }, { stream: false });
    assert.equal('logprobs' in fake.generations()[0].body, false);
    assert.equal(r.tokens, undefined);
  });

  it('returns no tokens when the endpoint ignores the request for them', async () => {
    fake = await startFakeOpenAI({ script: () => ({ content: 'a + b' }) });
    const { client } = testClient(fake.url);
    const r = await client.chat('completion', [{ role: 'user', content: 'x = ' }], { stream: false, logprobs: 2 });
    assert.equal(r.text, 'a + b');
    assert.equal(r.tokens, undefined);
  });
});
