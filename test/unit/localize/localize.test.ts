// End-to-end localization on small buggy projects (test/fixtures/localize): the bug line ranks first,
// mutation evidence breaks the spectrum's tie, runtime values are recorded for a failing test, and bad
// input (all tests pass, a syntax error, a hanging test) gives a clear result instead of a crash.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Localization } from '../../../common/localize';
import { localize, withExtraScores } from '../../../server/src/localize/localize';

const fixtures = join(__dirname, '..', '..', 'fixtures', 'localize');

function ochiaiRankOf(loc: Localization, line: number): number {
  const sorted = [...loc.lines].sort((a, b) => b.ochiai - a.ochiai || a.line - b.line);
  return sorted.findIndex((l) => l.line === line) + 1;
}

describe('localize', function () {
  this.timeout(90000);

  for (const [language, dir, file, test] of [
    ['python', 'py-classify', 'classify.py', 'test_classify.py'],
    ['javascript', 'js-classify', 'classify.js', 'classify.test.js'],
  ] as const) {
    const bugLine = language === 'python' ? 6 : 9;

    describe(`${language} project with an off-by-one comparison`, () => {
      let loc: Localization;
      before(async () => {
        loc = await localize({ root: join(fixtures, dir), language, sources: [file], tests: [test], budgetMs: 60000 });
      });

      it('ranks the bug line first', () => {
        assert.equal(loc.status, 'ranked', loc.reason);
        assert.equal(loc.failingTests.length, 1);
        assert.deepEqual({ file: loc.lines[0].file, line: loc.lines[0].line, rank: loc.lines[0].rank }, { file, line: bugLine, rank: 1 });
      });

      it('breaks the spectrum tie with mutants that make the failing test pass', () => {
        // On coverage alone the `return 'small'` line looks at least as suspicious as the comparison.
        assert.ok(ochiaiRankOf(loc, bugLine) > 1, `Ochiai alone already ranks line ${bugLine} first`);
        const top = loc.lines[0].evidence.mutation;
        assert.ok(top, 'no mutation evidence on the top line');
        assert.ok(top.fixedFailing >= 1, 'no mutant of the bug line made the failing test pass');
        const others = loc.lines.slice(1).filter((l) => l.evidence.mutation);
        assert.ok(others.every((l) => l.evidence.mutation!.score < top.score));
      });

      it('records local values at the bug line for the failing test', () => {
        const v = loc.values.find((x) => x.line === bugLine && x.file === file);
        assert.ok(v, `no values at line ${bugLine}: ${JSON.stringify(loc.values.map((x) => x.line))}`);
        assert.match(v.test, /ten/i);
        assert.equal(v.snapshots[0].before.n, '10');
      });

      it('takes extra scores fed back by the repair search', () => {
        const last = loc.lines[loc.lines.length - 1];
        const boosted = withExtraScores(loc, { [`${last.file}:${last.line}`]: 10 });
        assert.equal(boosted.lines[0].line, last.line);
        assert.equal(boosted.lines[0].evidence.extra, 10);
      });
    });
  }

  it('reports that there is nothing to localize when every test passes', async () => {
    const loc = await localize({ root: join(fixtures, 'py-passing'), language: 'python', sources: ['classify.py'], tests: ['test_classify.py'] });
    assert.equal(loc.status, 'allPassing');
    assert.deepEqual(loc.lines, []);
    assert.match(loc.reason ?? '', /all 6 tests pass/);
  });

  for (const [language, dir, file, test, line] of [
    ['python', 'py-syntax', 'classify.py', 'test_classify.py', 4],
    ['javascript', 'js-syntax', 'classify.js', 'classify.test.js', 6],
  ] as const) {
    it(`points at the ${language} syntax error instead of running the tests`, async () => {
      const loc = await localize({ root: join(fixtures, dir), language, sources: [file], tests: [test] });
      assert.equal(loc.status, 'syntaxError');
      assert.deepEqual(loc.lines.map((l) => [l.file, l.line]), [[file, line]]);
      assert.ok(loc.reason?.startsWith(`${file}:${line}: `), loc.reason);
      assert.deepEqual(loc.failingTests, []);
    });
  }

  for (const [language, dir, file, test, status] of [
    ['python', 'py-import-error', 'scaled.py', 'test_scaled.py', 'runFailed'],
    ['javascript', 'js-import-error', 'scaled.js', 'scaled.test.js', 'noCoverage'],
  ] as const) {
    it(`points at the line that fails when a ${language} source is imported`, async () => {
      const loc = await localize({ root: join(fixtures, dir), language, sources: [file], tests: [test] });
      assert.equal(loc.status, status);
      assert.ok(loc.reason);
      assert.deepEqual(loc.lines.map((l) => [l.file, l.line, l.rank]), [[file, 2, 1]]);
    });
  }

  for (const [language, dir, file, test] of [
    ['python', 'py-hang', 'count.py', 'test_count.py'],
    ['javascript', 'js-hang', 'count.js', 'count.test.js'],
  ] as const) {
    it(`stops a hanging ${language} test and still ranks the loop`, async () => {
      const loc = await localize({ root: join(fixtures, dir), language, sources: [file], tests: [test], testTimeoutMs: 700, valueLines: 2, budgetMs: 60000 });
      assert.equal(loc.status, 'ranked', loc.reason);
      assert.deepEqual(loc.failingTests.map((t) => t.status), ['timedOut']);
      assert.equal(loc.passingTests, 2);
      const top3 = loc.lines.slice(0, 3).map((l) => l.line);
      assert.ok(top3.includes(3), `loop condition not in the top 3: ${top3}`);
      assert.ok(loc.values.length > 0, 'no values recorded for the hanging test');
    });
  }

  it('stops when cancelled', async () => {
    const ac = new AbortController();
    const run = localize({ root: join(fixtures, 'py-hang'), language: 'python', sources: ['count.py'], tests: ['test_count.py'], testTimeoutMs: 5000, signal: ac.signal });
    setTimeout(() => ac.abort(), 300);
    await assert.rejects(run, /cancelled/);
  });
});
