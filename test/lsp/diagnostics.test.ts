// Mapping test results to diagnostics, and the publisher's replacement rules for whole and scoped runs.
import * as assert from 'node:assert';
import type { Connection, PublishDiagnosticsParams } from 'vscode-languageserver/node';
import type { TestResult, TestRunResult } from '../../common/protocol';
import { DiagnosticBuilder } from '../../server/src/lsp/diagnostics';
import { pathToUri } from '../../server/src/lsp/folders';
import { DiagnosticsPublisher } from '../../server/src/lsp/publisher';
import { ResultStore } from '../../server/src/lsp/results';

const root = '/ws/my project';
const files: Record<string, string> = {
  [`${root}/test_shop.py`]: 'from shop import total\n\ndef test_total():\n    assert total([1, 2]) == 3\n',
  [`${root}/shop.py`]: 'def total(items):\n    return sum(items) / 0\n',
  [`${root}/test_other.py`]: 'def test_spin():\n    while True: pass\n',
};
const read = (p: string) => files[p];
const uri = (name: string) => pathToUri(`${root}/${name}`);

const failing: TestResult = {
  id: 'test_shop.py::test_total', name: 'test_total', file: 'test_shop.py', line: 3, status: 'failed',
  message: 'ZeroDivisionError: division by zero', expected: '3', actual: 'inf',
  traceback: [{ file: 'test_shop.py', line: 4, function: 'test_total' }, { file: 'shop.py', line: 2, function: 'total' }],
};
const timedOut: TestResult = { id: 'test_other.py::test_spin', name: 'test_spin', file: 'test_other.py', line: 1, status: 'timedOut', message: 'after 10 s' };

function run(tests: TestResult[], problems: TestRunResult['problems'] = []): TestRunResult {
  return { root, language: 'python', framework: 'pytest', tests, problems, durationMs: 1, sandbox: 'bubblewrap', summary: { total: tests.length, passed: 0, failed: 0, errors: 0, timedOut: 0, skipped: 0 } };
}

describe('lsp/diagnostics', () => {
  const builder = new DiagnosticBuilder(root, read);

  it('marks the assertion in the test and the deepest user frame, each pointing at the other', () => {
    const out = builder.forTest(failing);
    const [atTest] = out.get(uri('test_shop.py'))!;
    const [atUser] = out.get(uri('shop.py'))!;
    assert.deepStrictEqual(atTest.range, { start: { line: 3, character: 4 }, end: { line: 3, character: 29 } });
    assert.strictEqual(atTest.message, 'test_total failed: ZeroDivisionError: division by zero\nexpected: 3\nactual: inf');
    assert.deepStrictEqual(atUser.range, { start: { line: 1, character: 4 }, end: { line: 1, character: 25 } });
    assert.match(atUser.message as string, /^test_total failed here: ZeroDivisionError/);
    assert.strictEqual(atTest.relatedInformation?.[0].location.uri, uri('shop.py'));
    assert.strictEqual(atUser.relatedInformation?.[0].location.uri, uri('test_shop.py'));
    assert.deepStrictEqual(atTest.data, { testId: failing.id });
  });

  it('marks a timed-out test at its definition and ignores passing and skipped tests', () => {
    const [d] = builder.forTest(timedOut).get(uri('test_other.py'))!;
    assert.strictEqual(d.range.start.line, 0);
    assert.strictEqual(d.message, 'test_spin timed out: after 10 s');
    assert.strictEqual(builder.forTest({ ...failing, status: 'passed' }).size, 0);
    assert.strictEqual(builder.forTest({ ...failing, status: 'skipped' }).size, 0);
  });

  it('puts located problems at their line and leaves the others to messages', () => {
    const out = builder.forProblems([
      { kind: 'syntaxError', message: 'shop.py:2: SyntaxError', location: { file: 'shop.py', line: 2 } },
      { kind: 'frameworkMissing', message: 'install pytest' },
    ]);
    assert.deepStrictEqual([...out.keys()], [uri('shop.py')]);
    assert.strictEqual(out.get(uri('shop.py'))![0].code, 'syntaxError');
  });

  it('covers the whole line when the file cannot be read', () => {
    const [d] = builder.forTest({ ...timedOut, file: 'gone_test.py' }).get(uri('gone_test.py'))!;
    assert.deepStrictEqual(d.range, { start: { line: 0, character: 0 }, end: { line: 1, character: 0 } });
  });
});

describe('lsp/publisher', () => {
  function recorder() {
    const sent: PublishDiagnosticsParams[] = [];
    const connection = { sendDiagnostics: (p: PublishDiagnosticsParams) => { sent.push(p); return Promise.resolve(); } } as unknown as Connection;
    const last = (u: string) => sent.filter((p) => p.uri === u).pop()?.diagnostics;
    return { sent, publisher: new DiagnosticsPublisher(connection), last };
  }

  it('replaces everything on a whole run and clears files left without diagnostics', () => {
    const { publisher, last } = recorder();
    publisher.update(root, run([failing, timedOut]), read);
    assert.strictEqual(last(uri('shop.py'))!.length, 1);
    assert.strictEqual(last(uri('test_other.py'))!.length, 1);
    publisher.update(root, run([{ ...failing, status: 'passed' }, { ...timedOut, status: 'passed' }]), read);
    assert.deepStrictEqual(last(uri('shop.py')), []);
    assert.deepStrictEqual(last(uri('test_other.py')), []);
    assert.strictEqual(publisher.current(root).size, 0);
  });

  it('on a run scoped to one file, replaces only that file\'s tests and keeps the rest', () => {
    const { publisher, last } = recorder();
    publisher.update(root, run([failing, timedOut]), read);
    publisher.update(root, run([{ ...failing, status: 'passed' }]), read, 'test_shop.py');
    assert.deepStrictEqual(last(uri('shop.py')), []);
    assert.strictEqual(last(uri('test_other.py'))!.length, 1, 'the other file\'s failure stays');
    // A test removed from the re-run file disappears with it.
    publisher.update(root, run([failing]), read);
    publisher.update(root, run([]), read, 'test_shop.py');
    assert.deepStrictEqual(last(uri('test_shop.py')), []);
  });
});

describe('lsp/results', () => {
  it('keeps every test\'s latest result across whole and scoped runs', () => {
    const store = new ResultStore();
    let updates = 0;
    store.onDidUpdate(() => updates++);
    store.update(root, run([failing, timedOut]));
    store.update(root, run([{ ...failing, status: 'passed' }]), 'test_shop.py');
    assert.strictEqual(store.test(root, failing.id)?.status, 'passed');
    assert.strictEqual(store.test(root, timedOut.id)?.status, 'timedOut');
    assert.deepStrictEqual(store.merged(root)?.summary, { total: 2, passed: 1, failed: 0, errors: 0, timedOut: 1, skipped: 0 });
    store.update(root, run([]));
    assert.strictEqual(store.test(root, timedOut.id), undefined, 'a whole run replaces everything');
    assert.strictEqual(updates, 3);
  });
});
