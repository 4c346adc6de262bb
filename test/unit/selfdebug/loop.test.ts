// The self-debugging loop end to end: a real HTTP hop to the fake OpenAI server, the real verifier (sandboxed
// warm workers) and localization on a small Python project. The model's replies are scripted; what is tested
// is the loop: feedback between rounds, stall detection, rejections, budgets, cancellation, secrets.
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Localization } from '../../../common/localize';
import { localize } from '../../../server/src/localize/localize';
import { TokenBudget } from '../../../server/src/llm/budget';
import { fixWithLlm, type LlmFixResult } from '../../../server/src/selfdebug/session';
import { startFakeOpenAI, type FakeOpenAI, type FakeReply, type FakeRequest } from '../../fake-openai/server';
import { testClient, testKey } from '../llm/helpers';

const root = join(__dirname, '..', '..', 'fixtures', 'llm', 'mean-project');
const task = { root, language: 'python' as const, sources: ['solution.py'], tests: ['test_solution.py'] };
const original = readFileSync(join(root, 'solution.py'), 'utf8');

const explainThen = (code: string) => `The mean divides by the wrong count.\n\n\`\`\`python\n${code}\n\`\`\`\n`;
const wrongFix = explainThen('def mean(xs):\n    total = 0\n    for x in xs:\n        total += x\n    return total / len(xs) - 1');
const rightFix = explainThen('def mean(xs):\n    total = 0\n    for x in xs:\n        total += x\n    return total / len(xs)');
const userPrompt = (r: FakeRequest) => String(r.body?.messages?.[1]?.content ?? '');

function settled(r: LlmFixResult): Extract<LlmFixResult, { attempts: unknown }> {
  assert.ok('attempts' in r, `expected a loop result, got ${r.status}: ${r.message}`);
  return r;
}

describe('self-debugging loop against the fake OpenAI server', function () {
  this.timeout(120_000);
  let fake: FakeOpenAI | undefined;
  // The first test localizes for real; the others reuse a localization of the same code to save time.
  let localization: Localization | undefined;
  before(async () => { localization = await localize({ ...task, mutation: false }); });
  const start = async (script: (req: FakeRequest, i: number) => FakeReply) => (fake = await startFakeOpenAI({ script }));
  afterEach(async () => { await fake?.close(); fake = undefined; });

  it('finds the fix in round 2 after the failing round-1 candidate is fed back, without leaking the key', async () => {
    process.env.OPENAI_API_KEY = testKey;
    try {
      const f = await start((req) => ({ content: userPrompt(req).includes('Attempt in round 1') ? rightFix : wrongFix }));
      const { client, logs } = testClient(f.url);
      const r = settled(await fixWithLlm(task, { client, candidatesPerRound: 2 }));
      assert.equal(r.status, 'fixed', r.message);
      assert.equal(r.fix!.round, 2);
      assert.match(r.fix!.explanation, /wrong count/);
      assert.deepEqual(r.fix!.changed, ['solution.py: mean']);
      const round1 = f.generations().filter((q) => !userPrompt(q).includes('Attempt in round 1'));
      assert.deepEqual(round1.map((q) => q.body.temperature).sort(), [0.2, 0.7], 'the K candidates use different temperatures');
      assert.match(r.fix!.diff, /\+ {4}return total \/ len\(xs\)\n/);
      assert.deepEqual(r.fix!.testsFixed.sort(), ['test_solution.py::test_mean_one', 'test_solution.py::test_mean_three']);
      // Round 1 saw the original failures with the localization; round 2 saw the attempt and its new failures.
      const first = userPrompt(f.generations()[0]);
      assert.match(first, /test_mean_one/);
      assert.match(first, /Suspicious lines/);
      assert.match(first, /solution\.py:5/);
      const second = userPrompt(f.generations().find((q) => userPrompt(q).includes('Attempt in round 1'))!);
      assert.match(second, /return total \/ len\(xs\) - 1/);
      assert.match(second, /still fail/);
      assert.match(second, /assert 1\.0 == 2|assert 3\.0 == 4/);
      // The key only travels as the Authorization header; user code never saw it (test_no_secrets_in_env passed).
      for (const q of f.requests) assert.ok(!q.rawBody.includes(testKey));
      for (const line of logs) assert.ok(!line.includes(testKey));
      assert.ok(r.localization?.failingTests.every((t) => !t.id.includes('no_secrets')), 'the localizer children saw no key');
      assert.ok(r.tokens.total > 0 && r.tokens.total <= r.tokens.budget);
      assert.equal(readFileSync(join(root, 'solution.py'), 'utf8'), original, 'the project is never written');
    } finally {
      delete process.env.OPENAI_API_KEY;
    }
  });

  it('stops on a stall: the same failing attempt twice, keeping it viewable but unverified', async () => {
    const f = await start(() => ({ content: wrongFix }));
    const r = settled(await fixWithLlm(task, { client: testClient(f.url).client, candidatesPerRound: 2, rounds: 5, localization }));
    assert.equal(r.status, 'notFixed');
    assert.equal(r.stopReason, 'stall');
    assert.equal(r.rounds, 2);
    assert.equal(r.fix, undefined);
    assert.match(r.bestAttempt!.diff, /len\(xs\) - 1/);
    assert.ok(r.bestAttempt!.failing.length > 0);
    assert.match(r.message, /stall/);
  });

  it('rejects prose-only replies and replies that edit the tests or unknown functions, and says so in the feedback', async () => {
    const replies = [
      'The mean divides by one less than the count; divide by len(xs).',
      'The test is wrong.\n\ntest_solution.py:\n```python\ndef test_mean_one():\n    assert True\n```\n',
      'Add a helper.\n```python\ndef safe_mean(xs):\n    return sum(xs) / len(xs)\n```\n',
    ];
    const f = await start((req, i) => ({ content: userPrompt(req).includes('Attempt in round 1') ? rightFix : replies[i % 3] }));
    const r = settled(await fixWithLlm(task, { client: testClient(f.url).client, candidatesPerRound: 3, localization }));
    const round1 = r.attempts.filter((a) => a.round === 1);
    assert.deepEqual(round1.map((a) => a.reason).sort(), ['prose', 'testEdit', 'unknownFunction']);
    assert.equal(r.status, 'fixed');
    const second = userPrompt(f.generations().find((q) => userPrompt(q).includes('Attempt in round 1'))!);
    assert.match(second, /no code/);
    assert.match(second, /tests are never changed/);
    assert.match(second, /'safe_mean'/);
  });

  it('stops when the token budget is spent', async () => {
    const f = await start(() => ({ content: wrongFix, usage: { prompt_tokens: 900, completion_tokens: 500 } }));
    const budget = new TokenBudget(2000, 'fix');
    const r = settled(await fixWithLlm(task, { client: testClient(f.url).client, budget, candidatesPerRound: 1, rounds: 5, localization }));
    assert.equal(r.stopReason, 'tokens');
    assert.equal(r.status, 'notFixed');
    assert.match(r.message, /token budget/);
    assert.ok(r.tokens.total <= 2000 + 1400);
  });

  it('stops when the time budget runs out, cancelling the request in flight', async () => {
    const f = await start(() => ({ fault: 'slow', delayMs: 60_000 }));
    const r = settled(await fixWithLlm(task, { client: testClient(f.url, { timeoutSeconds: 120 }).client, candidatesPerRound: 1, timeBudgetMs: 1500, localization }));
    assert.equal(r.stopReason, 'time');
    assert.equal(r.status, 'notFixed');
    assert.match(r.message, /time budget/);
  });

  it('reports a clear model error (401) and stops', async () => {
    const f = await start(() => ({ fault: 'status', status: 401 }));
    const r = settled(await fixWithLlm(task, { client: testClient(f.url).client, candidatesPerRound: 2, localization }));
    assert.equal(r.status, 'llmError');
    assert.match(r.message, /API key/);
    assert.equal(r.rounds, 1);
  });

  it('is cancelled mid-stream', async () => {
    const controller = new AbortController();
    const f = await start(() => {
      setTimeout(() => controller.abort(), 100);
      return { fault: 'stall', content: 'The mean divides by the wrong count, because', afterChars: 30 };
    });
    const r = settled(await fixWithLlm(task, { client: testClient(f.url, { timeoutSeconds: 60 }).client, candidatesPerRound: 2, signal: controller.signal, localization }));
    assert.equal(r.status, 'cancelled');
    assert.equal(r.stopReason, 'cancelled');
  });

  it('says how to configure a model when none is set, and finds nothing to fix in a passing project', async () => {
    const f = await start(() => ({ content: rightFix }));
    const { client } = testClient(f.url, { models: { fixer: '', tutor: '', student: '', completion: '' } });
    const r = await fixWithLlm(task, { client });
    assert.equal(r.status, 'notConfigured');
    assert.match(r.message, /loopwise\.llm\.models\.fixer/);
    assert.equal(f.requests.length, 0);
    const passing = mkdtempSync(join(tmpdir(), 'loopwise-passing-'));
    try {
      cpSync(root, passing, { recursive: true });
      writeFileSync(join(passing, 'solution.py'), original.replace('(len(xs) - 1)', 'len(xs)'));
      const done = await fixWithLlm({ ...task, root: passing }, { client: testClient(f.url).client });
      assert.equal(done.status, 'nothingToFix');
      assert.equal(f.requests.length, 0, 'no model call for a passing project');
    } finally {
      rmSync(passing, { recursive: true, force: true });
    }
  });
});
