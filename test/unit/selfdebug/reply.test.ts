// Reply parsing and function-granular application on golden replies (test/fixtures/llm/replies): every shape
// a model answers in lands as whole-function edits, and the replies that must be refused are refused.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { applyFunctionEdit } from '../../../server/src/selfdebug/apply';
import { candidateFromReply, type Candidate } from '../../../server/src/selfdebug/candidate';
import { parseReply } from '../../../server/src/selfdebug/reply';

const fixtures = join(__dirname, '..', '..', 'fixtures', 'llm');
const source = readFileSync(join(fixtures, 'stack', 'stack.py'), 'utf8');
const task = { sources: { 'stack.py': source }, tests: ['test_stack.py'], primary: 'stack.py' };
const reply = (name: string) => readFileSync(join(fixtures, 'replies', `${name}.md`), 'utf8');
const candidate = (name: string) => candidateFromReply(parseReply(reply(name)), task);

function ok(c: Candidate): Extract<Candidate, { ok: true }> {
  assert.ok(c.ok, `expected a candidate, got: ${c.ok ? '' : c.message}`);
  return c;
}

describe('self-debugging reply parsing and application', () => {
  it('takes the explanation before the code', () => {
    const p = parseReply(reply('whole-file'));
    assert.match(p.explanation, /removes the first element/);
    assert.equal(p.blocks.length, 1);
    assert.equal(p.diffs.length, 0);
  });

  it('applies a whole-file reply as edits to the two changed functions only', async () => {
    const c = ok(await candidate('whole-file'));
    assert.deepEqual(c.changed.sort(), ['stack.py: Stack.pop', 'stack.py: mean']);
    const text = c.files['stack.py'];
    assert.match(text, /return self\.items\.pop\(\)\n/);
    assert.match(text, /return sum\(xs\) \/ len\(xs\)\n/);
    assert.equal(text.split('\n').length, source.split('\n').length);
  });

  it('re-indents a method given alone into its class', async () => {
    const c = ok(await candidate('method-only'));
    assert.deepEqual(c.changed, ['stack.py: Stack.pop']);
    assert.ok(c.files['stack.py'].includes('    def pop(self):\n        return self.items.pop()\n\n    def peek'), c.files['stack.py']);
  });

  it('lets the fixed version win over the original quoted before it', async () => {
    const c = ok(await candidate('original-then-fix'));
    assert.deepEqual(c.changed, ['stack.py: mean']);
    assert.match(c.files['stack.py'], /return sum\(xs\) \/ len\(xs\)/);
  });

  it('applies a unified diff, at function granularity', async () => {
    const c = ok(await candidate('diff'));
    assert.equal(c.shape, 'diff');
    assert.deepEqual(c.changed, ['stack.py: mean']);
    assert.match(c.files['stack.py'], /return sum\(xs\) \/ len\(xs\)/);
  });

  it('finds code the model wrote without fences', async () => {
    const c = ok(await candidate('unfenced'));
    assert.deepEqual(c.changed, ['stack.py: mean']);
  });

  it('ignores the code a reasoning model drafts while thinking', async () => {
    const text = '<think>Maybe\n```python\ndef mean(xs):\n    return 0\n```\nno.</think>\nThe divisor is wrong.\n```python\ndef mean(xs):\n    return sum(xs) / len(xs)\n```\n';
    const p = parseReply(text);
    assert.equal(p.blocks.length, 1);
    assert.equal(p.explanation, 'The divisor is wrong.');
    assert.match(ok(await candidateFromReply(p, task)).files['stack.py'], /return sum\(xs\) \/ len\(xs\)/);
  });

  it('finds the code in an answer wrapped in a markdown fence', async () => {
    const c = ok(await candidateFromReply(parseReply('```markdown\nThe divisor is wrong.\n```python\ndef mean(xs):\n    return sum(xs) / len(xs)\n```\n```\n'), task));
    assert.deepEqual(c.changed, ['stack.py: mean']);
  });

  it('rejects prose only', async () => {
    const c = await candidate('prose-only');
    assert.ok(!c.ok && c.reason === 'prose', JSON.stringify(c));
  });

  it('rejects a reply that edits the tests, named by file or by test function', async () => {
    const c = await candidate('edits-test');
    assert.ok(!c.ok && c.reason === 'testEdit', JSON.stringify(c));
    const unnamed = await candidateFromReply(parseReply('Fix:\n```python\ndef test_mean():\n    assert True\n```\n'), task);
    assert.ok(!unnamed.ok && unnamed.reason === 'testEdit', JSON.stringify(unnamed));
  });

  it('ignores a block that only quotes the existing tests back', async () => {
    const tests = readFileSync(join(fixtures, 'stack', 'test_stack.py'), 'utf8');
    const text = reply('method-only') + '\nWith this the tests pass:\n```python\n' + tests + '```\n';
    const c = ok(await candidateFromReply(parseReply(text), { ...task, testTexts: { 'test_stack.py': tests } }));
    assert.deepEqual(c.changed, ['stack.py: Stack.pop']);
  });

  it('adds the imports a replaced function needs', async () => {
    const c = ok(await candidateFromReply(parseReply('```python\nimport statistics\n\ndef mean(xs):\n    return statistics.mean(xs)\n```\n'), task));
    assert.match(c.files['stack.py'], /^import math\nimport statistics\n/);
    assert.match(c.files['stack.py'], /return statistics\.mean\(xs\)/);
  });

  it('rejects code for a function that does not exist', async () => {
    const c = await candidate('wrong-function');
    assert.ok(!c.ok && c.reason === 'unknownFunction', JSON.stringify(c));
    assert.match(c.message, /'pop_last'/);
  });

  it('rejects a reply that repeats the original code', async () => {
    const c = await candidateFromReply(parseReply('Looks fine:\n```python\n' + source + '```\n'), task);
    assert.ok(!c.ok && c.reason === 'noChange', JSON.stringify(c));
  });

  it('rejects a diff that does not apply', async () => {
    const c = await candidateFromReply(parseReply('```diff\n--- a/stack.py\n+++ b/stack.py\n@@ -1,2 +1,2 @@\n-def nothing_here():\n+def other():\n     pass\n```\n'), task);
    assert.ok(!c.ok && c.reason === 'diffFailed', JSON.stringify(c));
  });

  it('rejects code that breaks the file syntax', async () => {
    const c = await candidateFromReply(parseReply('```python\ndef mean(xs):\n    return sum(xs) / (len(xs)\n```\n'), task);
    assert.ok(!c.ok && c.reason === 'parseError', JSON.stringify(c));
  });

  it('replaces a function in a source that does not parse (a syntax error), found by its header', async () => {
    const broken = 'def mean(xs)\n    total = sum(xs)\n    return total / len(xs)\n\n\ndef spread(xs):\n    return max(xs) - min(xs)\n';
    const r = await applyFunctionEdit(broken, 'python', 'def mean(xs):\n    total = sum(xs)\n    return total / len(xs)\n');
    assert.deepEqual(r.replaced, ['mean']);
    assert.equal(r.text, broken.replace('def mean(xs)\n', 'def mean(xs):\n'));
    const js = 'function add(a, b) {\n  return a +;\n}\n\nfunction twice(x) {\n  return add(x, x);\n}\n';
    const j = await applyFunctionEdit(js, 'javascript', 'function add(a, b) {\n  return a + b;\n}\n');
    assert.equal(j.text, js.replace('a +;', 'a + b;'));
  });

  it('replaces JavaScript functions and arrow-function constants', async () => {
    const js = 'const add = (a, b) => {\n  return a - b;\n};\n\nfunction twice(x) {\n  return add(x, x);\n}\n\nmodule.exports = { add, twice };\n';
    const r = await applyFunctionEdit(js, 'javascript', 'const add = (a, b) => {\n  return a + b;\n};\n');
    assert.deepEqual(r.replaced, ['add']);
    assert.equal(r.text, js.replace('a - b', 'a + b'));
    const test = await applyFunctionEdit(js, 'javascript', "test('adds', () => { assert.equal(add(1, 2), 3); });\n");
    assert.deepEqual(test.tests, ['adds']);
  });
});
