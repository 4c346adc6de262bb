// The model step against the fake OpenAI-compatible server: FIM with the suffix through /v1/completions, and a
// chat prompt with prefix and suffix when the endpoint refuses FIM (remembered for later requests).
import * as assert from 'node:assert/strict';
import { generate, stripFences } from '../../../server/src/completion/generate';
import { LlmClient } from '../../../server/src/llm/client';
import { configFromSettings } from '../../../server/src/llm/config';
import { startFakeOpenAI, type FakeOpenAI } from '../../fake-openai/server';

describe('completion pipeline: model call', () => {
  let fake: FakeOpenAI | undefined;
  afterEach(async () => { await fake?.close(); fake = undefined; });
  const client = (url: string) => new LlmClient(configFromSettings({ baseUrl: url, models: { completion: 'coder', fixer: '', tutor: '', student: '' } }), async () => undefined);

  it('asks for fill-in-the-middle with the suffix', async () => {
    fake = await startFakeOpenAI({ script: [{ content: 'a + b' }] });
    const g = await generate(client(fake.url), 'def add(a, b):\n    return ', '\n\nprint(add(1, 2))\n', false, new AbortController().signal);
    assert.equal(g.text, 'a + b');
    assert.equal(g.via, 'fim');
    const [req] = fake.generations();
    assert.equal(req.path, '/v1/completions');
    assert.equal(req.body.prompt, 'def add(a, b):\n    return ');
    assert.equal(req.body.suffix, '\n\nprint(add(1, 2))\n');
    assert.equal(req.body.model, 'coder');
  });

  it('falls back to a chat prompt with prefix and suffix when FIM is refused, and remembers it', async () => {
    fake = await startFakeOpenAI({
      script: (req) => req.path === '/v1/completions'
        ? { fault: 'status', status: 400, message: 'suffix is not supported' }
        : { content: '```python\nx * 2\n```' },
    });
    const llm = client(fake.url);
    const g = await generate(llm, 'y = ', '\n', false, new AbortController().signal);
    assert.equal(g.via, 'chat');
    assert.equal(g.text, 'x * 2');
    const chat = fake.generations()[2];
    assert.equal(chat.path, '/v1/chat/completions');
    assert.match(chat.body.messages[1].content, /^y = <CURSOR>\n$/);
    await generate(llm, 'z = ', '\n', false, new AbortController().signal);
    // FIM is tried with log-probabilities, then without, before the endpoint counts as chat-only
    assert.deepEqual(fake.generations().map((r) => r.path), ['/v1/completions', '/v1/completions', '/v1/chat/completions', '/v1/chat/completions']);
  });

  it('returns the tokens with their log-probabilities when the endpoint gives them', async () => {
    const logprobs = [{ token: 'a + b', logprob: -0.25, top: [{ token: 'a', logprob: -2 }] }];
    fake = await startFakeOpenAI({ script: [{ content: 'a + b', logprobs }] });
    const g = await generate(client(fake.url), 'return ', '\n', false, new AbortController().signal);
    assert.equal(fake.generations()[0].body.logprobs, 2);
    assert.deepEqual(g.logprobs, logprobs);
  });

  it('asks again without log-probabilities when the endpoint refuses them (400), and remembers that', async () => {
    fake = await startFakeOpenAI({
      script: (req) => req.body.logprobs !== undefined ? { fault: 'status', status: 400, message: 'logprobs is not supported' } : { content: 'a + b' },
    });
    const llm = client(fake.url);
    const g = await generate(llm, 'return ', '\n', false, new AbortController().signal);
    assert.equal(g.text, 'a + b');
    assert.equal(g.via, 'fim');
    assert.equal(g.logprobs, undefined);
    await generate(llm, 'return ', '\n', false, new AbortController().signal);
    assert.deepEqual(fake.generations().map((r) => r.body.logprobs), [2, undefined, undefined]);
    assert.ok(fake.generations().every((r) => r.path === '/v1/completions'));
  });

  it('removes code fences only around the whole reply', () => {
    assert.equal(stripFences('```js\nreturn 1;\n```'), 'return 1;');
    assert.equal(stripFences('return 1; // ```'), 'return 1; // ```');
  });
});
