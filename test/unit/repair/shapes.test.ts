// The edit shapes beyond one-token mutations, each generator on golden snippets: off-by-one on stored values,
// complements, regex edits, raise/throw guards with the tests' expected errors, early returns, defaults,
// the same operator replaced at every use on a line, swapped elements.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createParser, parse, type GrammarId } from '../../../server/src/parse/parser';
import { applyEdits, type Edit, type SourceFile } from '../../../server/src/repair/edits';
import { offByOneAt } from '../../../server/src/repair/offbyone';
import { complementAt } from '../../../server/src/repair/complement';
import { patternVariants, regexAt } from '../../../server/src/repair/regex';
import { expectedErrors, literalOf } from '../../../server/src/repair/expected-errors';
import { raiseGuardsAt } from '../../../server/src/repair/raise-guard';
import { earlyReturnsAt } from '../../../server/src/repair/early-return';
import { defaultsAt } from '../../../server/src/repair/defaults';
import { sameOperatorAt } from '../../../server/src/repair/same-operator';
import { mutationsAt } from '../../../server/src/repair/mutate';

async function source(grammar: GrammarId, text: string): Promise<SourceFile> {
  return { file: grammar === 'python' ? 'm.py' : 'm.js', text, tree: await parse(grammar, text), grammar, python: grammar === 'python' };
}

const results = (src: SourceFile, edits: Edit[]) => edits.map((e) => applyEdits(src.text, [e]));

async function allParse(grammar: GrammarId, texts: string[]): Promise<void> {
  for (const t of texts) {
    const tree = await parse(grammar, t);
    assert.ok(!tree.rootNode.hasError, `does not parse:\n${t}`);
    tree.delete();
  }
}

describe('repair: edit shapes', () => {
  it('adds + 1 / - 1 to an assigned, declared or returned value and to call arguments', async () => {
    const src = await source('python', 'def f(items, lo, hi):\n    mid = (lo + hi) // 2\n    lo = mid\n    return range(hi)\n');
    const assigned = results(src, offByOneAt(src, 3));
    assert.ok(assigned.some((t) => t.includes('    lo = mid + 1\n')));
    assert.ok(assigned.some((t) => t.includes('    lo = mid - 1\n')));
    assert.ok(results(src, offByOneAt(src, 2)).some((t) => t.includes('mid = (lo + hi) // 2 + 1')));
    assert.ok(results(src, offByOneAt(src, 4)).some((t) => t.includes('return range(hi + 1)')));
    const js = await source('javascript', 'function g(n) {\n  let k = n.length;\n  k = n.length - 1;\n  return k;\n}\n');
    assert.ok(results(js, offByOneAt(js, 2)).some((t) => t.includes('let k = n.length - 1;')));
    // `x - 1` already has its own constant and operand edits.
    assert.deepEqual(offByOneAt(js, 3), []);
  });

  it('wraps an arithmetic operand in its complement or negation, parenthesized where it is nested', async () => {
    const src = await source('python', 'def apply_discount(amount, rate):\n    return round(amount * rate, 2)\n');
    const out = results(src, complementAt(src, 2));
    assert.ok(out.some((t) => t.includes('round(amount * (1 - rate), 2)')));
    assert.ok(out.some((t) => t.includes('round(amount * -rate, 2)')));
    const js = await source('javascript', 'function h(x) {\n  return x;\n}\n');
    assert.deepEqual(results(js, complementAt(js, 2)).map((t) => t.split('\n')[1].trim()), ['return 1 - x;', 'return -x;']);
    await allParse('python', out);
  });

  it('edits regex quantifiers, anchors, classes and flags', () => {
    const v = patternVariants('[^a-z0-9]');
    assert.ok(v.includes('[^a-z0-9]+'));
    assert.ok(v.includes('[^a-z0-9]*'));
    assert.ok(v.includes('^[^a-z0-9]'));
    assert.ok(v.includes('[a-z0-9]'), 'class negation dropped');
    assert.ok(v.includes('[^a-z]'), 'class member dropped');
    assert.ok(v.includes('[^a-z0-9_]'), 'class member added');
    const q = patternVariants('^\\d+-(\\w+)$');
    assert.ok(q.includes('^\\d*-(\\w+)$') && q.includes('^\\d-(\\w+)$'), 'quantifier changed and dropped');
    assert.ok(q.includes('\\d+-(\\w+)$') && q.includes('^\\d+-(\\w+)'), 'anchors dropped');
    assert.ok(q.includes('^\\d+-(\\w+)?$'), 'group quantified');
    assert.ok(!q.includes('^\\d+-(\\w+)$'), 'the pattern itself is not a variant');
  });

  it('finds the regex of a JavaScript literal and of a Python re call', async () => {
    const js = await source('javascript', "function s(t) {\n  return t\n    .replace(/[^a-z0-9]/g, '-');\n}\n");
    const out = results(js, regexAt(js, 3));
    assert.ok(out.some((t) => t.includes(".replace(/[^a-z0-9]+/g, '-')")));
    assert.ok(out.some((t) => t.includes(".replace(/[^a-z0-9]/gi, '-')")), 'flag added');
    assert.ok(out.some((t) => t.includes(".replace(/[^a-z0-9]/, '-')")), 'flag dropped');
    await allParse('javascript', out);
    const py = await source('python', "import re\ndef s(t):\n    return re.sub(r'[^a-z0-9]', '-', t)\n");
    const pyOut = results(py, regexAt(py, 3));
    assert.ok(pyOut.some((t) => t.includes("re.sub(r'[^a-z0-9]+', '-', t)")));
    assert.ok(!pyOut.some((t) => t.includes("'-+'")), 'only the pattern argument is edited');
    await allParse('python', pyOut);
  });

  it('reads the errors failing tests expect, and only those of failing tests', async () => {
    assert.equal(literalOf('^not enough stock$'), 'not enough stock');
    assert.equal(literalOf('invalid \\(negative\\) .* amount'), 'invalid (negative)');
    const dir = mkdtempSync(join(tmpdir(), 'lw-expect-'));
    try {
      writeFileSync(join(dir, 'test_a.py'), 'import pytest\n\ndef test_neg():\n    with pytest.raises(ValueError, match="negative amount"):\n        f(-1)\n\ndef test_other():\n    with pytest.raises(KeyError):\n        f(2)\n');
      writeFileSync(join(dir, 'a.test.js'), "test('refuses', () => {\n  assert.throws(() => inv.take(5), /not enough stock/);\n  assert.throws(() => inv.take(-1), { name: 'RangeError', message: 'negative' });\n});\ntest('ok', () => { assert.throws(() => 1, TypeError); });\n");
      const py = await createParser('python');
      const js = await createParser('javascript');
      assert.deepEqual(expectedErrors(dir, ['test_a.py'], ['test_a.py::test_neg'], py, true), [{ type: 'ValueError', message: 'negative amount' }]);
      assert.deepEqual(expectedErrors(dir, ['a.test.js'], ['a.test.js::refuses'], js, false), [{ type: 'Error', message: 'not enough stock' }, { type: 'RangeError', message: 'negative' }]);
      assert.deepEqual(expectedErrors(dir, ['a.test.js'], [], js, false), []);
      py.delete(); js.delete();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('inserts a throw guard before the statement and at the function start, comparing what the line computes with', async () => {
    const js = await source('javascript', 'class Inventory {\n  removeStock(name, amount) {\n    this.counts.set(name, this.count(name) - amount);\n  }\n}\n');
    const out = results(js, raiseGuardsAt(js, 3, [{ type: 'Error', message: 'not enough stock' }]));
    assert.ok(out.some((t) => t.includes("    if (amount > this.count(name)) throw new Error('not enough stock');\n    this.counts.set(")), out.slice(0, 5).join('\n---\n'));
    await allParse('javascript', out);
    const py = await source('python', 'def withdraw(balance, amount):\n    """Take money out."""\n    total = balance\n    return total - amount\n');
    const pyOut = results(py, raiseGuardsAt(py, 4, [{ type: 'ValueError', message: "can't" }]));
    assert.ok(pyOut.some((t) => t.includes("    if amount > total:\n        raise ValueError('can\\'t')\n    return total - amount")));
    assert.ok(pyOut.some((t) => t.includes('"""Take money out."""\n    if amount < 0:\n        raise ValueError')), 'guard at the function start, after the docstring');
    await allParse('python', pyOut);
    assert.deepEqual(raiseGuardsAt(py, 4, []), [], 'no expected error: no guards');
  });

  it('returns early for the empty input a division, index or extreme cannot take', async () => {
    const src = await source('python', 'def average(points):\n    """Mean."""\n    return sum(points) / len(points)\n\ndef first(xs):\n    return xs[0]\n');
    const out = results(src, earlyReturnsAt(src, 3));
    assert.equal(out[0], 'def average(points):\n    """Mean."""\n    if not points:\n        return 0\n    return sum(points) / len(points)\n\ndef first(xs):\n    return xs[0]\n');
    assert.ok(results(src, earlyReturnsAt(src, 6)).some((t) => t.includes('    if not xs:\n        return None\n    return xs[0]')));
    await allParse('python', out);
    const js = await source('javascript', 'function mean(xs, d) {\n  const top = Math.max(...xs);\n  return top / d;\n}\n');
    assert.ok(results(js, earlyReturnsAt(js, 2)).some((t) => t.includes('  if (xs.length === 0) return null;\n  const top')));
    assert.ok(results(js, earlyReturnsAt(js, 3)).some((t) => t.includes('  if (d === 0) return 0;\n  return top / d;')));
    assert.deepEqual(earlyReturnsAt(js, 1), [], 'a line without a hazard gets none');
  });

  it('replaces a parameter default from any line of the function', async () => {
    const src = await source('python', "def join(xs, start=1, sep='', out=None):\n    return sep.join(xs[start:])\n");
    const out = results(src, defaultsAt(src, 2));
    assert.ok(out.some((t) => t.startsWith("def join(xs, start=0, sep='', out=None):")));
    assert.ok(out.some((t) => t.startsWith("def join(xs, start=1, sep=' ', out=None):")));
    assert.ok(out.some((t) => t.startsWith("def join(xs, start=1, sep='', out=[]):")));
    await allParse('python', out);
    const js = await source('javascript', 'function page(items, size = 10, strict = false) {\n  return items.slice(0, size);\n}\n');
    const jsOut = results(js, defaultsAt(js, 2));
    assert.ok(jsOut.some((t) => t.startsWith('function page(items, size = 11, strict = false)')));
    assert.ok(jsOut.some((t) => t.startsWith('function page(items, size = 10, strict = true)')));
    const none = await source('python', 'def f(x):\n    return x\n');
    assert.deepEqual(defaultsAt(none, 2), []);
  });

  it('replaces an operator at all of its uses on a line at once', async () => {
    const js = await source('javascript', 'function f(s, i) {\n  if (s[i] == s[i+1] && s[i+1] == s[i+2] && s[i] == s[i+2]) return false;\n  return true;\n}\n');
    const out = results(js, sameOperatorAt(js, 2));
    assert.ok(out.some((t) => t.includes('if (s[i] == s[i+1] || s[i+1] == s[i+2] || s[i] == s[i+2]) return false;')));
    assert.ok(out.some((t) => t.includes('if (s[i] != s[i+1] && s[i+1] != s[i+2] && s[i] != s[i+2]) return false;')));
    assert.deepEqual(sameOperatorAt(js, 3), [], 'no operator used twice');
    const py = await source('python', 'def g(a, b, c):\n    return a < b and b < c\n');
    assert.ok(results(py, sameOperatorAt(py, 2)).some((t) => t.includes('return a <= b and b <= c')));
  });

  it('swaps the elements of a short array or tuple', async () => {
    const js = await source('javascript', 'function f(arr, m) {\n  return [arr.indexOf(m), m];\n}\n');
    assert.ok(results(js, mutationsAt(js, 2)).some((t) => t.includes('return [m, arr.indexOf(m)];')));
    const py = await source('python', 'def g(a, b):\n    return a, b\n');
    assert.ok(results(py, mutationsAt(py, 2)).some((t) => t.includes('return b, a')));
  });
});
