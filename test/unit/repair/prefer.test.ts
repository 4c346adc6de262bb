// Which verified fix comes first: the one that keeps the original's behaviour on inputs the tests did not
// ask to change (binary search: `lo = mid + 1` over a changed comparison that passes the same tests but
// loses found items), in both languages; and several bugs at once: a partial fix is offered and the search
// goes on from it to fix the second bug too, or reports the partial fix when the second cannot be fixed.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { preference, rankFixes } from '../../../server/src/repair/choose';
import { independent } from '../../../server/src/repair/partial';
import type { SourceFile } from '../../../server/src/repair/edits';
import { repair } from '../../../server/src/repair/repair';
import type { Found } from '../../../server/src/repair/search';
import { Verifier } from '../../../server/src/verify/verifier';
import { withTmpdir } from './helpers';

function project(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'lw-prefer-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

const pySearch = [
  'def index_of(items, target):',
  '    lo, hi = 0, len(items) - 1',
  '    while lo <= hi:',
  '        mid = (lo + hi) // 2',
  '        if items[mid] == target:',
  '            return mid',
  '        if items[mid] < target:',
  '            lo = mid',
  '        else:',
  '            hi = mid - 1',
  '    return -1',
  '',
].join('\n');
const pyTests = 'from search import index_of\n\ndef test_first():\n    assert index_of([1, 3, 5, 7], 1) == 0\n\n' +
  'def test_middle():\n    assert index_of([1, 3, 5, 7], 3) == 1\n\ndef test_missing():\n    assert index_of([1, 3, 5, 7], 6) == -1\n';

const jsSearch = [
  'function indexOf(items, target) {',
  '  let lo = 0, hi = items.length - 1;',
  '  while (lo <= hi) {',
  '    const mid = Math.floor((lo + hi) / 2);',
  '    if (items[mid] === target) return mid;',
  '    if (items[mid] < target) lo = mid;',
  '    else hi = mid - 1;',
  '  }',
  '  return -1;',
  '}',
  'module.exports = { indexOf };',
  '',
].join('\n');
const jsTests = "const { test } = require('node:test');\nconst assert = require('node:assert');\nconst { indexOf } = require('./search.js');\n" +
  "test('first', () => { assert.strictEqual(indexOf([1, 3, 5, 7], 1), 0); });\n" +
  "test('middle', () => { assert.strictEqual(indexOf([1, 3, 5, 7], 3), 1); });\n" +
  "test('missing', () => { assert.strictEqual(indexOf([1, 3, 5, 7], 6), -1); });\n";

/** A found fix replacing `before` by `after` in the source (as the search reports one). */
function found(file: string, text: string, before: string, after: string, verifier: Verifier): Promise<Found> {
  const start = text.indexOf(before);
  const edit = { file, start, end: start + before.length, text: after, kind: 'test', line: text.slice(0, start).split('\n').length, prior: 1, before };
  const files = { [file]: text.slice(0, start) + after + text.slice(start + before.length) };
  return verifier.verify(files).then((verdict) => {
    assert.equal(verdict.status, 'passed', `${before} -> ${after} passes the tests`);
    return { edits: [edit], files, verdict };
  });
}

describe('repair: which verified fix comes first', function () {
  this.timeout(120000);
  for (const lang of ['python', 'javascript'] as const) {
    it(`prefers the fix that keeps the original's results on untested inputs (${lang})`, async () => {
      const [file, text, tests] = lang === 'python' ? ['search.py', pySearch, 'test_search.py'] : ['search.js', jsSearch, 'search.test.js'];
      const dir = project({ [file]: text, [tests]: lang === 'python' ? pyTests : jsTests });
      const v = await Verifier.open({ root: dir, language: lang, sources: [file], tests: [tests] }, { workers: 1 });
      try {
        // The smaller edit changes the comparison: the tests pass, but 5 in [1, 3, 5, 7] is no longer found.
        const comparison = await found(file, text, '] < target', '] == target', v);
        const step = await found(file, text, 'lo = mid', 'lo = mid + 1', v);
        const behaviour = await v.compareBehaviour([comparison.files, step.files]);
        assert.ok(behaviour, 'behaviour compared');
        const src = new Map([[file, { file, text } as SourceFile]]);
        const fixes = rankFixes([comparison, step], src, behaviour);
        assert.match(fixes[0].files[0].newText, /lo = mid \+ 1/);
        assert.equal(fixes[0].behaviourKept, 1);
        assert.ok(fixes[1].behaviourKept! < 1, `the comparison change keeps ${fixes[1].behaviourKept}`);
        const why = preference(fixes, behaviour)!;
        assert.equal(why.alternatives, 1);
        assert.equal(why.keptInputs, why.comparedInputs);
        assert.equal(why.reason, `keeps the original's results on ${why.keptInputs}/${why.comparedInputs} other inputs; 1 alternative`);
      } finally {
        await v.close();
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }
});

describe('repair: several bugs at once', function () {
  this.timeout(180000);
  let tmp: { dir: string; restore(): void };
  before(() => { tmp = withTmpdir(); });
  after(() => tmp.restore());
  const tests = 'from people import is_adult, half\n\ndef test_adult_boundary():\n    assert is_adult(18)\n\n' +
    'def test_child():\n    assert not is_adult(10)\n\ndef test_half():\n    assert half(8) == 4\n\ndef test_half_zero():\n    assert half(0) == 0\n';

  it('tells the fix of one of several bugs from some cases of one parametrized test fixed', () => {
    const failing = ['t.py::test_letter', 't.py::test_average', 't.py::test_sum[0]', 't.py::test_sum[1]'];
    assert.equal(independent(['t.py::test_letter'], failing), true);
    assert.equal(independent(['t.py::test_sum[0]', 't.py::test_sum[1]'], failing), true);
    assert.equal(independent(['t.py::test_sum[0]'], failing), false);
  });

  it('offers a partial fix and goes on from it to fix an independent bug in another function', async () => {
    const dir = project({ 'people.py': 'def is_adult(age):\n    return age > 18\n\n\ndef half(x):\n    return x * 2\n', 'test_people.py': tests });
    try {
      const r = await repair({ root: dir, language: 'python', sources: ['people.py'], tests: ['test_people.py'], budgetS: 60 });
      assert.equal(r.status, 'fixed', r.message);
      assert.match(r.fixes[0].files[0].newText, /return age >= 18/);
      assert.match(r.fixes[0].files[0].newText, /return x (\/|\/\/|>>) (2|1)\n/);
      assert.equal(r.partialFixes?.length, 1);
      assert.equal(r.partialFixes![0].summary, 'makes 1 of 2 failing tests pass');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reports the partial fix when the other bug has no fix within the budget, whichever test fails first', async () => {
    const greet = 'def is_adult(age):\n    return age > 18\n\n\ndef half(x):\n    return "half of " + str(x)\n';
    // The test of the bug without a fix runs first: the fix of the other one must still be seen to fix its test.
    const unfixableFirst = 'from people import is_adult, half\n\ndef test_half():\n    assert half(8) == "a fourth of 8"\n\n' +
      'def test_adult_boundary():\n    assert is_adult(18)\n\ndef test_child():\n    assert not is_adult(10)\n';
    const dir = project({ 'people.py': greet, 'test_people.py': unfixableFirst });
    try {
      const r = await repair({ root: dir, language: 'python', sources: ['people.py'], tests: ['test_people.py'], budgetS: 8 });
      assert.equal(r.status, 'partial', r.message);
      assert.deepEqual(r.fixes, []);
      const p = r.partialFixes!.at(-1)!;
      assert.equal(p.summary, 'makes 1 of 2 failing tests pass');
      assert.deepEqual(p.testsStillFailing, ['test_people.py::test_half']);
      assert.match(p.files[0].newText, /return age >= 18/);
      assert.match(r.message!, /partial fix makes 1 of 2 failing tests pass/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
