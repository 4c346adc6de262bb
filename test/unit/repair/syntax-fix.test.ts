// Syntax-error candidates on golden snippets: the intended repair is among the edits after which the file
// parses, near the front; every candidate parses; a file without an error gets none.
import assert from 'node:assert/strict';
import { createParser, parse, type GrammarId } from '../../../server/src/parse/parser';
import { applyEdits, type SourceFile } from '../../../server/src/repair/edits';
import { syntaxCandidates } from '../../../server/src/repair/syntax-fix';

async function fixes(grammar: GrammarId, text: string): Promise<string[]> {
  const src: SourceFile = { file: grammar === 'python' ? 'm.py' : 'm.js', text, tree: await parse(grammar, text), grammar, python: grammar === 'python' };
  const parser = await createParser(grammar);
  try {
    const out = syntaxCandidates(src, parser).map((e) => applyEdits(text, [e]));
    for (const t of out) {
      const tree = parser.parse(t)!;
      assert.ok(!tree.rootNode.hasError, `candidate does not parse:\n${t}`);
      tree.delete();
    }
    return out;
  } finally {
    src.tree.delete();
    parser.delete();
  }
}

function rankOf(out: string[], expected: string): number {
  const i = out.indexOf(expected);
  assert.ok(i >= 0, `missing:\n${expected}\namong:\n${out.slice(0, 8).join('\n---\n')}`);
  return i;
}

describe('repair: syntax-error candidates', () => {
  it('inserts a missing + between two JavaScript operands', async () => {
    const out = await fixes('javascript', "function title(n, p) {\n  return n + ' of '  p + ' the ';\n}\n");
    assert.ok(rankOf(out, "function title(n, p) {\n  return n + ' of ' + p + ' the ';\n}\n") < 3);
  });

  it('inserts a missing Python colon, closing parenthesis and comma', async () => {
    const colon = await fixes('python', 'def largest(values):\n    best = values[0]\n    for v in values[1:]:\n        if v > best\n            best = v\n    return best\n');
    assert.ok(rankOf(colon, 'def largest(values):\n    best = values[0]\n    for v in values[1:]:\n        if v > best:\n            best = v\n    return best\n') < 5);
    const paren = await fixes('python', 'def f(a, b):\n    return max(a, b\n\n\ndef g():\n    return 1\n');
    rankOf(paren, 'def f(a, b):\n    return max(a, b)\n\n\ndef g():\n    return 1\n');
    const comma = await fixes('python', 'def f(a, b):\n    return g(a b)\n');
    assert.ok(rankOf(comma, 'def f(a, b):\n    return g(a, b)\n') < 3);
  });

  it('closes an unbalanced JavaScript bracket and drops a stray token', async () => {
    const bracket = await fixes('javascript', 'function f(a) {\n  if (a > 1 {\n    return 2;\n  }\n  return 3;\n}\n');
    assert.equal(bracket[0], 'function f(a) {\n  if (a > 1) {\n    return 2;\n  }\n  return 3;\n}\n');
    const stray = await fixes('javascript', 'function f(a) {\n  const x = a * 2 );\n  return x;\n}\n');
    rankOf(stray, 'function f(a) {\n  const x = a * 2;\n  return x;\n}\n');
  });

  it('offers nothing for a file that parses', async () => {
    assert.deepEqual(await fixes('python', 'def f(a):\n    return a\n'), []);
  });
});
