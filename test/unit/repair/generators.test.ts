// The edit generators on their own: the operators a line offers, parenthesization of added terms, and that
// the candidates the search verifies are exactly those that still parse.
import assert from 'node:assert/strict';
import { parse, type GrammarId } from '../../../server/src/parse/parser';
import { applyEdits, type Edit, type SourceFile } from '../../../server/src/repair/edits';
import { mutationsAt } from '../../../server/src/repair/mutate';
import { synthesisAt } from '../../../server/src/repair/synthesize';
import { reportedUndefined, restructureAt } from '../../../server/src/repair/restructure';

async function source(grammar: GrammarId, text: string): Promise<SourceFile> {
  return { file: grammar === 'python' ? 'm.py' : 'm.js', text, tree: await parse(grammar, text), grammar, python: grammar === 'python' };
}

const results = (src: SourceFile, edits: Edit[]) => edits.map((e) => applyEdits(src.text, [e]));

describe('repair: edit generators', () => {
  it('offers operator, constant, identifier, swap and negation edits on a Python line', async () => {
    const src = await source('python', 'def f(a, b):\n    if a - 1 < b:\n        return a\n    return b\n');
    const out = results(src, mutationsAt(src, 2));
    for (const expected of ['if a - 1 <= b:', 'if a + 1 < b:', 'if a - 2 < b:', 'if b - 1 < b:', 'if not (a - 1 < b):', 'if 1 - a < b:', 'if a < b:']) {
      assert.ok(out.some((t) => t.includes(expected)), `missing: ${expected}`);
    }
  });

  it('offers JavaScript update, receiver swap and related-method edits', async () => {
    const src = await source('javascript', 'function g(xs, s) {\n  for (let i = 0; i < xs.length; i++) s.indexOf(xs[i]);\n  return Math.max(1, 2);\n}\n');
    const loop = results(src, mutationsAt(src, 2));
    assert.ok(loop.some((t) => t.includes('i--')));
    assert.ok(loop.some((t) => t.includes('s.lastIndexOf(xs[i])')));
    const ret = results(src, mutationsAt(src, 3));
    assert.ok(ret.some((t) => t.includes('Math.min(1, 2)')));
    assert.ok(ret.some((t) => t.includes('Math.max(2, 1)')));
  });

  it('synthesizes wraps, parenthesized terms, clauses and guards', async () => {
    const src = await source('javascript', 'const h = (n, xs) => {\n  if (n > 0) return n * n / 2;\n  return xs;\n};\n');
    const out = results(src, synthesisAt(src, 2));
    assert.ok(out.some((t) => t.includes('n * (n + 1) / 2')), 'added term binds inside the product');
    assert.ok(out.some((t) => t.includes('Math.abs(n)')));
    assert.ok(out.some((t) => t.includes('if (n > 0 && n % 2 == 0)')));
    assert.ok(out.some((t) => /if \(!xs\) return .*;\n\s+if \(n > 0\)/.test(t)), 'guard inserted before the statement');
  });

  it('moves a Python statement out of its loop, dropping an else left empty', async () => {
    const src = await source('python', 'def f(x, seq):\n    for i in range(len(seq)):\n        if x <= seq[i]:\n            return i\n        else:\n            return len(seq)\n');
    const out = results(src, restructureAt(src, 6, new Set()));
    assert.ok(out.includes('def f(x, seq):\n    for i in range(len(seq)):\n        if x <= seq[i]:\n            return i\n    return len(seq)\n'), out.join('\n---\n'));
  });

  it('renames a parameter to a name the tests report undefined, and fixes a misspelt name at every use', async () => {
    const src = await source('python', 'def g(date, items):\n    for d in itemz:\n        if d == day:\n            return true\n    return len(itemz)\n');
    const reported = reportedUndefined([
      { message: "NameError: name 'itemz' is not defined" }, { message: "NameError: name 'day' is not defined" },
      { message: "NameError: name 'true' is not defined" }, { message: 'AssertionError: assert 1 == 2' }, {},
    ]);
    assert.deepEqual([...reported].sort(), ['day', 'itemz', 'true']);
    assert.ok(results(src, restructureAt(src, 3, reported)).some((t) => t.startsWith('def g(day, items):')));
    assert.ok(results(src, restructureAt(src, 2, reported)).some((t) => t.includes('for d in items:') && t.includes('len(items)')));
    assert.ok(results(src, restructureAt(src, 4, reported)).some((t) => t.includes('return True')));
    // An unbound name no test reports (`day` here) gets no renaming edits.
    const unreported = restructureAt(src, 3, new Set(['itemz']));
    assert.deepEqual(unreported.filter((e) => e.kind === 'renameParam' || e.kind === 'unboundName'), []);
  });

  it('reads JavaScript ReferenceErrors and replaces a misspelt name by one the file uses', async () => {
    const src = await source('javascript', 'function total(xs) {\n  let sum = 0;\n  for (const x of xs) summ += Math.abs(x);\n  return sum;\n}\n');
    const reported = reportedUndefined([{ message: 'ReferenceError: summ is not defined' }]);
    assert.deepEqual([...reported], ['summ']);
    assert.ok(results(src, restructureAt(src, 3, reported)).some((t) => t.includes('for (const x of xs) sum += Math.abs(x);')));
  });

  it('generates candidates that mostly parse, and the parse check catches the rest', async () => {
    const src = await source('python', 'def f(xs, k):\n    total = 0\n    for x in xs[1:k]:\n        total += abs(x) // 2\n    return total if total > k else -total\n');
    let parsing = 0, all = 0;
    for (let line = 1; line <= 5; line++) {
      for (const text of results(src, [...mutationsAt(src, line), ...synthesisAt(src, line)])) {
        all++;
        const tree = await parse('python', text);
        if (!tree.rootNode.hasError) parsing++;
        tree.delete();
      }
    }
    assert.ok(all > 200, `only ${all} candidates`);
    assert.ok(parsing / all > 0.9, `${parsing}/${all} parse`);
  });
});
