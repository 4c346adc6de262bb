import * as assert from 'node:assert';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { Node, Tree } from 'web-tree-sitter';
import { DocumentStore, editFor, pointAt } from '../../../server/src/parse/documents';
import { parse, type GrammarId } from '../../../server/src/parse/parser';

/** Every node with its type and exact position: two trees serialize equally only if they are the same. */
function dump(tree: Tree): string {
  const lines: string[] = [];
  const walk = (n: Node, depth: number) => {
    lines.push(`${' '.repeat(depth)}${n.type} ${n.startIndex}-${n.endIndex} ${n.startPosition.row}:${n.startPosition.column}-${n.endPosition.row}:${n.endPosition.column}`);
    for (const c of n.children) if (c) walk(c, depth + 1);
  };
  walk(tree.rootNode, 0);
  return lines.join('\n');
}

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
}

const pieces = ['x', ' ', '\n', '(', ')', ':', 'def ', 'return ', '    ', '"é😀"', 'if a:\n    ', '}', '{', ';', 'const ', '=> ', '\r\n'];

const sources: Record<'python' | 'javascript', string> = {
  python: 'def f(a, b):\n    """doc é"""\n    if a > b:\n        return a - b\n    return b\n\nclass C:\n    def m(self):\n        return f(1, 2)\n',
  javascript: 'function f(a, b) {\n  if (a > b) { return a - b; }\n  return "😀" + b;\n}\nconst g = (x) => x * 2;\nclass C { m() { return f(1, 2); } }\n',
};

type Change = { range: { start: { line: number; character: number }; end: { line: number; character: number } }; text: string };

/** One to three random changes (each against the text left by the previous one) and the changes undoing them. */
function randomEdit(original: string, next: () => number): { changes: Change[]; inverse: Change[]; text: string } {
  const changes: Change[] = [];
  const inverse: Change[] = [];
  let text = original;
  for (let k = 1 + Math.floor(next() * 3); k > 0; k--) {
    // LSP positions cannot address the middle of a \r\n pair: keep offsets off it.
    const unsplit = (i: number) => (text[i - 1] === '\r' && text[i] === '\n' ? i + 1 : i);
    const a = unsplit(Math.floor(next() * (text.length + 1)));
    const b = unsplit(Math.min(text.length, a + Math.floor(next() * 12)));
    const inserted = next() < 0.3 ? '' : pieces[Math.floor(next() * pieces.length)];
    const before = TextDocument.create('file:///x', 'x', 0, text);
    changes.push({ range: { start: before.positionAt(a), end: before.positionAt(b) }, text: inserted });
    const removed = text.slice(a, b);
    text = text.slice(0, a) + inserted + text.slice(b);
    const after = TextDocument.create('file:///x', 'x', 0, text);
    inverse.unshift({ range: { start: after.positionAt(a), end: after.positionAt(a + inserted.length) }, text: removed });
  }
  return { changes, inverse, text };
}

describe('parse/documents', () => {
  let store: DocumentStore;
  before(async () => { store = await DocumentStore.create(); });

  it('computes tree-sitter points in UTF-16 columns with only \\n ending a row', () => {
    assert.deepStrictEqual(pointAt('ab\n😀c\nd', 6), { row: 1, column: 3 });
    assert.deepStrictEqual(pointAt('ab\n', 2), { row: 0, column: 2 });
    assert.deepStrictEqual(pointAt('ab\n', 3), { row: 1, column: 0 });
  });

  // Error recovery may legitimately build a different tree incrementally than from scratch, so trees are
  // compared exactly whenever the text is valid: after each random (often breaking) edit has been undone,
  // and after edits that keep the text valid. The text is compared after every edit.
  it('describes an LSP change as a tree-sitter edit with UTF-16 indexes and points', () => {
    const doc = TextDocument.create('file:///a.py', 'python', 1, 'a = "😀"\nb = 2\nc = 3\n');
    // Replace from after the emoji on line 0 to "b" on line 1 with two new lines.
    const edit = editFor(doc, { range: { start: { line: 0, character: 7 }, end: { line: 1, character: 1 } }, text: 'x\nyz\n😀w' });
    assert.deepStrictEqual(edit, {
      startIndex: 7, oldEndIndex: 10, newEndIndex: 15,
      startPosition: { row: 0, column: 7 }, oldEndPosition: { row: 1, column: 1 }, newEndPosition: { row: 2, column: 3 },
    });
  });

  for (const grammar of ['python', 'javascript'] as const) {
    it(`re-parses ${grammar} incrementally to exactly the tree a fresh parse gives, over 200 random edits`, async () => {
      const uri = `file:///tmp/random.${grammar === 'python' ? 'py' : 'js'}`;
      // Large enough that most of the tree is reused, so wrong edit offsets or points would show.
      const doc = store.open(uri, grammar, 1, sources[grammar].repeat(20));
      const comment = grammar === 'python' ? '# note é\n' : '// note 😀\n';
      const next = rng(grammar === 'python' ? 7 : 11);
      let version = 1;
      const apply = async (changes: Change[], expected: string, mustMatch: boolean) => {
        const after = store.change(uri, ++version, changes)!;
        assert.strictEqual(after.document.getText(), expected, `text after edit ${version}`);
        const fresh = await parse(grammar as GrammarId, expected);
        if (mustMatch || !fresh.rootNode.hasError) {
          assert.strictEqual(dump(after.tree!), dump(fresh), `tree after edit ${version} of ${JSON.stringify(expected)}`);
        }
        fresh.delete();
      };
      for (let step = 0; step < 200; step++) {
        const valid = doc.document.getText();
        const { changes, inverse, text } = randomEdit(valid, next);
        await apply(changes, text, false);
        await apply(inverse, valid, true);
        if (step % 4 === 0) {
          const lineStarts = [0, ...[...valid.matchAll(/\n/g)].map((m) => m.index! + 1)].filter((i) => i < valid.length);
          const at = lineStarts[Math.floor(next() * lineStarts.length)];
          const position = TextDocument.create(uri, grammar, 0, valid).positionAt(at);
          await apply([{ range: { start: position, end: position }, text: comment }], valid.slice(0, at) + comment + valid.slice(at), true);
        }
      }
      store.close(uri);
      assert.strictEqual(store.get(uri), undefined);
    });
  }

  it('replaces the tree on a full-text change and fires change events', () => {
    const uri = 'file:///tmp/full.py';
    store.open(uri, 'python', 1, 'x = 1\n');
    const seen: number[] = [];
    const sub = store.onDidChange((d) => seen.push(d.document.version));
    const after = store.change(uri, 2, [{ text: 'def g():\n    pass\n' }])!;
    sub.dispose();
    assert.deepStrictEqual(seen, [2]);
    assert.strictEqual(after.tree!.rootNode.child(0)?.type, 'function_definition');
    store.close(uri);
  });

  it('keeps documents of languages it does not parse, without a tree', () => {
    const doc = store.open('file:///tmp/notes.md', 'markdown', 1, '# hi\n');
    assert.strictEqual(doc.grammar, undefined);
    assert.strictEqual(doc.tree, undefined);
    store.change(doc.uri, 2, [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 1 } }, text: '##' }]);
    assert.strictEqual(store.get(doc.uri)!.document.getText(), '## hi\n');
    store.close(doc.uri);
  });
});
