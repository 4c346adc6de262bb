// The repair feature's pure parts without a server: minimal edits, the bounded hover, the titles naming the
// tests, when "Apply verified fix" is (not) offered and where, the outcome messages, and the layering of test
// and suspicious-line diagnostics.
import * as assert from 'node:assert/strict';
import type { Connection, PublishDiagnosticsParams } from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { Localization, SuspiciousLine } from '../../common/localize';
import type { PreviewFixArgs } from '../../common/protocol';
import type { RepairFix, RepairResult } from '../../common/repair';
import { LayeredDiagnostics, suspiciousMessage } from '../../server/src/lsp/localizeDiagnostics';
import { minimalEdit, repairActions, type ActionInput } from '../../server/src/lsp/repairActions';
import { hoverFor, outcomeMessage, testsPhrase, type FolderRepair } from '../../server/src/lsp/repairView';

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
  return { root, folderUri: 'file:///work/project', result, sid: f ? 'fix-1' : undefined, localization, originals: new Map([['stats.py', original]]), tests: new Set(['test_stats.py']) };
}

function input(s: FolderRepair | undefined, text: string, over: Partial<ActionInput> = {}): ActionInput {
  return {
    folder: { uri: 'file:///work/project', path: root }, path: `${root}/stats.py`, lines: [4, 4],
    diagnostics: [{ range: { start: { line: 3, character: 8 }, end: { line: 3, character: 20 } }, message: 'Suspicious line', source: 'loopwise-localize' }],
    state: s, failureLines: new Set(), searching: false, currentText: () => text, canPreview: false, ...over,
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

  it('offers the actions by line: suspicious lines, the lines the fix edits and the failing tests\' lines', () => {
    const titles = (i: ActionInput) => repairActions(i).map((a) => a.title);
    const bare = { diagnostics: [] };
    // Only localized after a failing run (no search yet): "Find a verified fix" on its lines.
    const localized: FolderRepair = { ...state(undefined), result: undefined, sid: undefined };
    assert.deepEqual(titles(input(localized, original, { ...bare, lines: [4, 4] })), ['Find a verified fix (Loopwise)']);
    assert.deepEqual(titles(input(localized, original, { ...bare, lines: [5, 5] })), []);
    // No localization at all: the failing test's own lines.
    const failing = new Set(['test_stats.py:5', 'test_stats.py:4']);
    const inTest = { ...bare, path: `${root}/test_stats.py`, failureLines: failing };
    assert.deepEqual(titles(input(undefined, original, { ...inTest, lines: [5, 5] })), ['Find a verified fix (Loopwise)']);
    assert.deepEqual(titles(input(undefined, original, { ...inTest, lines: [1, 1] })), []);
    // A fix that edits a line the ranking does not show.
    const elsewhere = fix({ edits: [{ file: 'stats.py', line: 3, kind: 'comparison', before: '1', after: '0' }] });
    assert.equal(titles(input(state(elsewhere), original, { ...bare, lines: [3, 3] })).length, 1);
  });

  it('applies with a command that records the acceptance under the id the preview uses', () => {
    const [apply, preview] = repairActions(input(state(fix()), original, { canPreview: true }));
    assert.deepEqual(apply.command?.arguments, [{ sid: 'fix-1', type: 'accepted' }]);
    assert.equal(apply.command?.command, 'loopwise.server.fixEvent');
    assert.ok(apply.edit, 'the edit comes with the command');
    assert.equal((preview.command?.arguments?.[0] as { sid: string }).sid, 'fix-1');
  });

  it('says how long the search took and how many candidates it tried, not the budget', () => {
    const r = state(undefined).result!;
    assert.deepEqual(outcomeMessage({ ...r, candidatesTried: 412 }, 12.34), { warning: false, message: 'No verified fix found in 12 s (412 candidates tried); the suspicious lines are still shown.' });
    assert.equal(outcomeMessage({ ...r, candidatesTried: 1 }, 3.21).message, 'No verified fix found in 3.2 s (1 candidate tried); the suspicious lines are still shown.');
    const found = outcomeMessage(state(fix()).result!, 0.8).message;
    assert.equal(found, 'Loopwise: found a verified fix in 0.8 s (3 candidates tried): makes 2 tests pass: test_ascending, test_mixed; apply or preview it from the light bulb on a suspicious line.');
    assert.deepEqual(outcomeMessage({ ...r, status: 'syntaxError', message: 'stats.py:2 does not parse' }, 0.1), { warning: true, message: 'Loopwise: stats.py:2 does not parse' });
  });

  it('offers a partial fix as such, and says how the chosen fix was preferred', () => {
    const base = state(undefined).result!;
    const partial = { ...fix({ testsFixed: ['test_stats.py::test_ascending'] }), testsStillFailing: ['test_stats.py::test_mixed'], summary: 'makes 1 of 2 failing tests pass' };
    const s: FolderRepair = { ...state(undefined), sid: 'fix-2', result: { ...base, status: 'partial', partialFixes: [partial] } };
    const actions = repairActions(input(s, original, { canPreview: true }));
    assert.deepEqual(actions.map((a) => a.title), ['Apply partial fix (makes 1 of 2 failing tests pass: test_ascending)', 'Preview partial fix (makes 1 of 2 failing tests pass: test_ascending)']);
    const [args] = actions[1].command!.arguments as PreviewFixArgs[];
    assert.equal(args.detail, 'A partial fix: makes 1 of 2 failing tests pass (still failing: test_mixed); every test that passed still passes; test files are not edited.');
    assert.equal(outcomeMessage(s.result!, 2).message, 'Loopwise: no complete fix found in 2.0 s (3 candidates tried), but a verified partial fix makes 1 of 2 failing tests pass: test_ascending (still failing: test_mixed); apply or preview it from the light bulb on a suspicious line.');

    const preferred: FolderRepair = { ...state(fix()), result: { ...state(fix()).result!, preference: { alternatives: 3, keptInputs: 14, comparedInputs: 14, reason: "keeps the original's results on 14/14 other inputs; 3 alternatives" } } };
    const [, previewed] = repairActions(input(preferred, original, { canPreview: true }));
    assert.match((previewed.command!.arguments as PreviewFixArgs[])[0].detail ?? '', /^Every test passes with this change; test files are not edited\. Preferred: keeps the original's results on 14\/14 other inputs; 3 alternatives\.$/);
    assert.match(outcomeMessage(preferred.result!, 1).message, /: makes 2 tests pass: test_ascending, test_mixed \(keeps the original's results on 14\/14 other inputs; 3 alternatives\); apply/);
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
