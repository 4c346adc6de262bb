// The repair feature's pure parts without a server: minimal edits, the bounded hover, the titles naming the
// tests, when "Apply verified fix" is (not) offered, and the layering of test and suspicious-line diagnostics.
import * as assert from 'node:assert/strict';
import type { Connection, PublishDiagnosticsParams } from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { Localization, SuspiciousLine } from '../../common/localize';
import type { RepairFix, RepairResult } from '../../common/repair';
import { LayeredDiagnostics, suspiciousMessage } from '../../server/src/lsp/localizeDiagnostics';
import { minimalEdit, repairActions, type ActionInput } from '../../server/src/lsp/repairActions';
import { hoverFor, testsPhrase, type FolderRepair } from '../../server/src/lsp/repairView';

const root = '/work/project';
const original = 'def largest(values):\n    best = values[0]\n    for v in values[1:]:\n        if v < best:\n            best = v\n    return best\n';
const fixedText = original.replace('v < best', 'v > best');

function line(rank: number, lineNo: number): SuspiciousLine {
  return {
    file: 'stats.py', line: lineNo, rank, score: 1 / rank, ochiai: 1 / rank,
    evidence: { failedCovering: 2, passedCovering: 0, totalFailed: 2, totalPassed: 1, ochiai: 1, dstar: 4, statement: true },
  };
}

function fix(over: Partial<RepairFix> = {}): RepairFix {
  return {
    diff: '', files: [{ path: 'stats.py', newText: fixedText }], size: 1,
    edits: [{ file: 'stats.py', line: 4, kind: 'comparison', before: '<', after: '>' }],
    testsFixed: ['test_stats.py::test_ascending', 'test_stats.py::test_mixed'], ...over,
  };
}

function state(f: RepairFix | undefined, values: Localization['values'] = []): FolderRepair {
  const localization: Localization = {
    status: 'ranked', language: 'python', lines: [line(1, 4), line(2, 2)], failingTests: [], passingTests: 1, values,
    timings: { coverageMs: 0, rankingMs: 0, mutationMs: 0, valuesMs: 0, totalMs: 0 },
  };
  const result: RepairResult = { status: f ? 'fixed' : 'noFix', fixes: f ? [f] : [], localization, candidatesTried: 3, candidatesPerSecond: 1, seconds: 1, failingTests: [] };
  return { root, folderUri: 'file:///work/project', result, localization, originals: new Map([['stats.py', original]]), tests: new Set(['test_stats.py']), budgetS: 30 };
}

function input(s: FolderRepair | undefined, text: string, over: Partial<ActionInput> = {}): ActionInput {
  return {
    folder: { uri: 'file:///work/project', path: root }, path: `${root}/stats.py`, lines: [4, 4],
    diagnostics: [{ range: { start: { line: 3, character: 8 }, end: { line: 3, character: 20 } }, message: 'Suspicious line', source: 'loopwise-localize' }],
    state: s, searching: false, currentText: () => text, canPreview: false, ...over,
  };
}

describe('repair feature views', () => {
  it('turns a fixed text into one small edit that reproduces it', () => {
    const edit = minimalEdit(original, fixedText);
    assert.deepEqual(edit.range, { start: { line: 3, character: 13 }, end: { line: 3, character: 14 } });
    assert.equal(edit.newText, '>');
    const inserted = minimalEdit(original, original.replace('    return best', '    if not values:\n        return 0\n    return best'));
    assert.equal(TextDocument.applyEdits(TextDocument.create('file:///a', 'python', 1, original), [inserted]), original.replace('    return best', '    if not values:\n        return 0\n    return best'));
  });

  it('offers "Apply verified fix" naming the tests, only while the file is exactly as verified', () => {
    const titles = (i: ActionInput) => repairActions(i).map((a) => a.title);
    assert.deepEqual(titles(input(state(fix()), original)), ['Apply verified fix (makes 2 tests pass: test_ascending, test_mixed)']);
    assert.deepEqual(titles(input(state(fix()), original, { canPreview: true })), [
      'Apply verified fix (makes 2 tests pass: test_ascending, test_mixed)', 'Preview verified fix (makes 2 tests pass: test_ascending, test_mixed)',
    ]);
    assert.deepEqual(titles(input(state(fix()), `${original}# edited\n`)), ['Find a verified fix (Loopwise)']);
    assert.deepEqual(titles(input(state(fix()), `${original}# edited\n`, { searching: true })), []);
    assert.deepEqual(titles(input(state(undefined), original)), ['Find a verified fix (Loopwise)']);
    // A fix that would edit a test file is never offered.
    const touchesTest = fix({ files: [{ path: 'test_stats.py', newText: 'assert True\n' }] });
    assert.deepEqual(titles(input(state(touchesTest), original)), ['Find a verified fix (Loopwise)']);
    // Nothing on an unrelated line without a Loopwise diagnostic.
    assert.deepEqual(titles(input(state(fix()), original, { lines: [1, 1], diagnostics: [] })), []);
    assert.deepEqual(titles(input(state(fix()), original, { lines: [4, 4], diagnostics: [] })).length, 1, 'a suspicious line is enough');
  });

  it("shows the localizer's own score, not the boost that put a verified fix's line first", () => {
    const boosted = line(1, 4);
    boosted.score += 1000;
    boosted.evidence.extra = 1000;
    assert.equal(suspiciousMessage(boosted, '    return total / len(xs)'), 'Suspicious line (rank 1, score 1.00): return total / len(xs)');
    assert.match(hoverFor(state(fix()), boosted).value, /rank 1 of 2, score 1\.00/);
  });

  it('names at most three tests in a title', () => {
    assert.equal(testsPhrase(fix({ testsFixed: ['a.py::t1', 'a.py::t2', 'a.py::t3', 'a.py::t4', 'a.py::t5'] })), 'makes 5 tests pass: t1, t2, t3, +2 more');
    assert.equal(testsPhrase(fix({ testsFixed: ['range.test.js > sum to 3'] })), 'makes 1 test pass: sum to 3');
  });

  it('bounds the runtime values in the hover and keeps them inside one code block', () => {
    const snapshots = Array.from({ length: 40 }, (_, i) => ({ hit: i + 1, before: { v: String(i), best: 'x'.repeat(500), fence: '```' }, after: { v: String(i), best: 'y' } }));
    const s = state(fix(), [{ test: 'test_stats.py::test_mixed', file: 'stats.py', line: 4, snapshots, omitted: 60 }]);
    const text = hoverFor(s, s.localization!.lines[0]).value;
    assert.match(text, /rank 1 of 2, score 1\.00/);
    assert.match(text, /the verified fix edits this line \(makes 2 tests pass/);
    assert.match(text, /# test_mixed\nhit 1: v = 0, best = x{120}…/);
    assert.match(text, /then: best = y\n/, 'only the locals the line changed follow "then"');
    assert.match(text, /\(97 more executions not shown\)/);
    assert.equal(text.match(/```/g)?.length, 2, 'values cannot close the code block');
    assert.ok(text.length < 2500, `hover of ${text.length} characters`);
    const none = hoverFor(state(fix()), line(2, 2)).value;
    assert.match(none, /No runtime values were recorded at this line/);
  });

  it('publishes test diagnostics and suspicious lines together, each side replacing only its own', () => {
    const sent: PublishDiagnosticsParams[] = [];
    const connection = { sendDiagnostics: (p: PublishDiagnosticsParams) => { sent.push(p); return Promise.resolve(); } } as unknown as Connection;
    const layers = new LayeredDiagnostics(connection);
    const d = (message: string, source: string) => ({ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 1 } }, message, source });
    const uri = 'file:///work/project/stats.py';
    void connection.sendDiagnostics({ uri, diagnostics: [d('test failed', 'loopwise')] });
    layers.set(uri, [d('Suspicious line (rank 1, score 0.87)', 'loopwise-localize')]);
    void connection.sendDiagnostics({ uri, diagnostics: [d('test failed again', 'loopwise')] });
    assert.deepEqual(sent.map((p) => p.diagnostics.map((x) => x.message)), [
      ['test failed'], ['test failed', 'Suspicious line (rank 1, score 0.87)'], ['test failed again', 'Suspicious line (rank 1, score 0.87)'],
    ]);
    layers.set(uri, []);
    void connection.sendDiagnostics({ uri, diagnostics: [] });
    assert.deepEqual(sent.slice(3).map((p) => p.diagnostics.map((x) => x.message)), [['test failed again'], []]);
  });
});
