// The inline-completion pipeline's pure steps: context and the single/multi-line decision, truncation (first
// line, suffix overlap, dedent, syntax boundary with the real tree-sitter grammars), the LRU cache, debounce.
import * as assert from 'node:assert/strict';
import { CancellationTokenSource } from 'vscode-languageserver';
import { contextKey, LruCache } from '../../../server/src/completion/cache';
import { EVENT_PREFIX_CHARS } from '../../../common/protocol';
import { cursorContext, wantsMultiline } from '../../../server/src/completion/context';
import { Debouncer } from '../../../server/src/completion/debounce';
import { errorCounter } from '../../../server/src/completion/syntax';
import { cutAtDedent, dropSuffixOverlap, truncateSuggestion } from '../../../server/src/completion/truncate';

describe('completion pipeline: context', () => {
  it('wants several lines only on an empty line after a block opener', () => {
    assert.equal(wantsMultiline('def f(x):\n    ', '\n', 'python'), true);
    assert.equal(wantsMultiline('def f(x):  # doc\n    ', '', 'python'), true);
    assert.equal(wantsMultiline('def f(x):\n    y = ', '\n', 'python'), false);
    assert.equal(wantsMultiline('x = 1\n', '', 'python'), false);
    assert.equal(wantsMultiline('function f() {\n  ', '\n}', 'javascript'), true);
    assert.equal(wantsMultiline('function f() {\n  ', 'return 1;\n}', 'javascript'), false);
    assert.equal(wantsMultiline('const a = 1;\n', '', 'typescript'), false);
  });

  it('keeps the event prefix within the schema limit and records offset and length', () => {
    const text = 'a'.repeat(5000) + '|rest';
    const c = cursorContext(text, 5000, 'python');
    assert.equal(c.event.prefix!.length, EVENT_PREFIX_CHARS);
    assert.equal(c.event.offset, 5000);
    assert.equal(c.event.docLen, text.length);
    assert.equal(c.suffix, '|rest');
    assert.equal(c.multiline, false);
  });
});

describe('completion pipeline: truncation', () => {
  it('offers only the rest of the line for a single-line position', () => {
    assert.equal(truncateSuggestion({ text: 'sum(xs)\n    print(1)\n', prefix: 'total = ', suffix: '\n', multiline: false }), 'sum(xs)');
    // at an empty line a leading newline is skipped rather than offering nothing
    assert.equal(truncateSuggestion({ text: '\nreturn x\nfoo', prefix: 'x = 1\n', suffix: '', multiline: false }), 'return x');
  });

  it('does not repeat closing characters that already follow the cursor', () => {
    assert.equal(dropSuffixOverlap('len(xs))', ')'), 'len(xs)');
    assert.equal(dropSuffixOverlap('a, b]', ']\nnext'), 'a, b');
    assert.equal(dropSuffixOverlap('abc', ''), 'abc');
    assert.equal(dropSuffixOverlap('abc', 'xyz'), 'abc');
  });

  it('ends a multi-line suggestion where the block ends (dedent)', () => {
    const text = 'if x:\n        return 1\n    return 2\ndef other():\n    pass';
    assert.equal(cutAtDedent(text, 'def f(x):\n    '), 'if x:\n        return 1\n    return 2');
  });

  it('cuts a multi-line suggestion at the last line that keeps the file parsing (tree-sitter)', async () => {
    const errors = await errorCounter('python');
    const prefix = 'def total(xs):\n    ';
    // the third line opens a call that is never closed: it and everything after it is dropped
    const text = 's = 0\n    for x in xs:\n        s += x\n    print(s,\n    return s';
    const out = truncateSuggestion({ text, prefix, suffix: '\n', multiline: true, errors });
    assert.equal(out, 's = 0\n    for x in xs:\n        s += x');
    assert.equal(errors(prefix + out + '\n'), 0);
  });

  it('keeps a whole JavaScript body that parses and drops a dangling one', async () => {
    const errors = await errorCounter('javascript');
    const prefix = 'function f(a) {\n  ';
    const suffix = '\n}\n';
    assert.equal(truncateSuggestion({ text: 'const b = a * 2;\n  return b;', prefix, suffix, multiline: true, errors }), 'const b = a * 2;\n  return b;');
    assert.equal(truncateSuggestion({ text: 'const b = a * 2;\n  if (b > 1) {', prefix, suffix, multiline: true, errors }), 'const b = a * 2;');
  });
});

describe('completion pipeline: cache and debounce', () => {
  it('evicts the least recently used entry', () => {
    const c = new LruCache<string>(2);
    c.set('a', '1');
    c.set('b', '2');
    assert.equal(c.get('a'), '1'); // a is now the most recent
    c.set('c', '3');
    assert.equal(c.get('b'), undefined);
    assert.equal(c.get('a'), '1');
    assert.equal(c.size, 2);
    assert.notEqual(contextKey('python', 'x = ', '', false), contextKey('python', 'x = ', '', true));
  });

  it('drops a request superseded by a newer one for the same document, or cancelled', async () => {
    const d = new Debouncer(5);
    const first = d.begin('file:///a.py');
    const second = d.begin('file:///a.py');
    const other = d.begin('file:///b.py');
    assert.equal(await d.settle('file:///a.py', first), false);
    assert.equal(await d.settle('file:///a.py', second), true);
    const cts = new CancellationTokenSource();
    cts.cancel();
    assert.equal(await d.settle('file:///b.py', other, cts.token), false);
  });
});
