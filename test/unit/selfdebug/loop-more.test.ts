// More of the loop end to end: endpoint faults in the middle of a run (truncated stream, 429, 500) that the
// client rides out, a JavaScript project, the `both` race, and the trimming of a huge source file.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Localization } from '../../../common/localize';
import { localize } from '../../../server/src/localize/localize';
import { buildPrompt } from '../../../server/src/selfdebug/prompt';
import { fixWithBoth } from '../../../server/src/selfdebug/both';
import { fixWithLlm, type LlmFixResult } from '../../../server/src/selfdebug/session';
import { startFakeOpenAI, type FakeOpenAI, type FakeRequest, type FakeScript } from '../../fake-openai/server';
import { testClient } from '../llm/helpers';

const fixtures = join(__dirname, '..', '..', 'fixtures', 'llm');
const pyTask = { root: join(fixtures, 'mean-project'), language: 'python' as const, sources: ['solution.py'], tests: ['test_solution.py'] };
const jsTask = { root: join(fixtures, 'js-project'), language: 'javascript' as const, sources: ['median.js'], tests: ['median.test.js'] };
const pyFix = 'Wrong divisor.\n```python\ndef mean(xs):\n    total = 0\n    for x in xs:\n        total += x\n    return total / len(xs)\n```\n';
const jsFix = 'The branches of the ternary are swapped: an even count needs the average of the two middle values.\n\n' +
  '```javascript\nfunction median(xs) {\n  const s = sorted(xs);\n  const mid = Math.floor(s.length / 2);\n  return s.length % 2 === 0 ? (s[mid - 1] + s[mid]) / 2 : s[mid];\n}\n```\n';

const userPrompt = (r: FakeRequest) => String(r.body?.messages?.[1]?.content ?? '');

function fixed(r: LlmFixResult) {
  assert.ok('attempts' in r && r.status === 'fixed', `expected a verified fix, got ${r.status}: ${r.message}`);
  return r;
}

describe('self-debugging loop: faults, JavaScript, both engines, huge files', function () {
  this.timeout(120_000);
  let fake: FakeOpenAI | undefined;
  // Localizing the Python project once keeps these tests to the part they are about.
  let localization: Localization | undefined;
  before(async () => { localization = await localize({ ...pyTask, mutation: false }); });
  const start = async (script: FakeScript) => (fake = await startFakeOpenAI({ script }));
  afterEach(async () => { await fake?.close(); fake = undefined; });

  it('rides out a truncated stream, a 429 and a 500 and still verifies the fix', async () => {
    const f = await start([
      { fault: 'truncatedStream', content: pyFix, keepChars: 20 },
      { fault: 'status', status: 429, retryAfter: '1' },
      { fault: 'status', status: 500 },
      { content: pyFix },
    ]);
    const { client, sleeps } = testClient(f.url);
    const r = fixed(await fixWithLlm(pyTask, { client, candidatesPerRound: 1, localization }));
    assert.equal(r.fix!.round, 1);
    assert.equal(f.generations().length, 4);
    assert.ok(sleeps[1] >= 1000, 'Retry-After respected');
  });

  it('gives up on the round when the endpoint keeps failing, with the reason', async () => {
    const f = await start(() => ({ fault: 'malformedJson' }));
    const r = await fixWithLlm(pyTask, { client: testClient(f.url, { maxAttempts: 2 }).client, candidatesPerRound: 2, localization });
    assert.ok('attempts' in r);
    assert.equal(r.status, 'llmError');
    assert.match(r.message, /not valid JSON|ended before/);
  });

  it('fixes a JavaScript project', async () => {
    const f = await start(() => ({ content: jsFix }));
    const r = fixed(await fixWithLlm(jsTask, { client: testClient(f.url).client, candidatesPerRound: 2 }));
    assert.deepEqual(r.fix!.changed, ['median.js: median']);
    assert.match(r.fix!.explanation, /swapped/);
    assert.match(r.fix!.diff, /\(s\[mid - 1\] \+ s\[mid\]\) \/ 2 : s\[mid\]/);
  });

  it('both engines: the embedded fix wins and the waiting LLM request is cancelled', async () => {
    const f = await start(() => ({ fault: 'stall', content: 'Thinking about the bug', afterChars: 10 }));
    const r = await fixWithBoth(pyTask, { client: testClient(f.url, { timeoutSeconds: 300 }).client, budgetS: 60, candidatesPerRound: 1 });
    assert.equal(r.winner, 'embedded');
    assert.equal(r.embedded.status, 'fixed');
    assert.equal(r.llm.status, 'cancelled');
  });

  it('fixes a syntax error, telling the model where it is', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'loopwise-syntax-'));
    try {
      writeFileSync(join(dir, 'solution.py'), 'def mean(xs)\n    total = 0\n    for x in xs:\n        total += x\n    return total / len(xs)\n');
      writeFileSync(join(dir, 'test_solution.py'), 'from solution import mean\n\n\ndef test_mean():\n    assert mean([1, 2, 3]) == 2\n');
      const f = await start(() => ({ content: pyFix }));
      const r = fixed(await fixWithLlm({ ...pyTask, root: dir }, { client: testClient(f.url).client, candidatesPerRound: 1 }));
      assert.deepEqual(r.fix!.changed, ['solution.py: mean']);
      assert.match(userPrompt(f.generations()[0]), /syntax error[\s\S]*solution\.py:1/i);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('trims a huge source to the functions the failures point at', async () => {
    const filler = Array.from({ length: 400 }, (_, i) => `def helper_${i}(x):\n    return x + ${i}\n`).join('\n');
    const source = `${filler}\ndef mean(xs):\n    return sum(xs) / (len(xs) - 1)\n`;
    const bugLine = source.split('\n').length - 1;
    const messages = await buildPrompt({
      language: 'python', sources: { 'big.py': source }, tests: {}, history: [],
      diagnosis: {
        failures: [{ id: 'test_big.py::test_mean', status: 'failed', message: 'assert 3.0 == 2' }],
        suspicious: [{ file: 'big.py', line: bugLine, score: 1, rank: 1, ochiai: 1, evidence: { failedCovering: 1, passedCovering: 0, totalFailed: 1, totalPassed: 0, ochiai: 1, dstar: 1, statement: true } }],
        values: [],
      },
    });
    const user = messages[1].content;
    assert.ok(source.length > 12000);
    assert.ok(user.length < 8000, `prompt of ${user.length} chars`);
    assert.match(user, /def mean\(xs\):\n {4}return sum\(xs\) \/ \(len\(xs\) - 1\)/);
    assert.match(user, /large file/);
    assert.ok(!user.includes('return x + 17\n'), 'unrelated function bodies are left out');
    assert.match(user, /big\.py:\d+ \(score 1\.00\): return sum/);
  });
});
