// The embedded repair engine end to end on small projects: a one-token bug, a missing guard (synthesis),
// a JavaScript bug, a hanging bug; already-passing tests, a syntax error no small edit repairs (see syntax-repair.test.ts),
// a task with no fix, and cancellation that leaves no process behind. The project folder is never written.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { repair } from '../../../server/src/repair/repair';
import { processesMentioning, withTmpdir } from './helpers';

const fixtures = join(__dirname, '..', '..', 'fixtures', 'repair');

function snapshot(dir: string): string {
  const h = createHash('sha256');
  for (const f of readdirSync(dir).sort()) if (statSync(join(dir, f)).isFile()) h.update(f + '\0' + readFileSync(join(dir, f)));
  return h.digest('hex');
}

function task(name: string, language: 'python' | 'javascript', sources: string[], tests: string[]) {
  return { root: join(fixtures, name), language, sources, tests };
}

describe('repair: embedded engine', function () {
  this.timeout(180000);
  let tmp: { dir: string; restore(): void };
  before(() => { tmp = withTmpdir(); });
  after(() => tmp.restore());

  it('fixes a one-token bug, edits only the source, and leaves the folder untouched', async () => {
    const t = task('py-operator', 'python', ['stats.py'], ['test_stats.py']);
    const before = snapshot(t.root);
    const r = await repair({ ...t, budgetS: 60 });
    assert.equal(r.status, 'fixed', r.message);
    const fix = r.fixes[0];
    assert.deepEqual(fix.files.map((f) => f.path), ['stats.py']);
    assert.match(fix.files[0].newText, /if v > best:/);
    assert.match(fix.diff, /^- {8}if v < best:$/m);
    assert.match(fix.diff, /^\+ {8}if v > best:$/m);
    assert.deepEqual([...fix.testsFixed].sort(), ['test_stats.py::test_ascending', 'test_stats.py::test_mixed']);
    assert.equal(snapshot(t.root), before);
    assert.ok(r.localization && r.localization.lines.length > 0);
  });

  for (const [name, language, source, test, right] of [
    ['js-field', 'javascript', 'shapes.js', 'shapes.test.js', /return r\.(width \* r\.height|height \* r\.width);/],
    ['py-field', 'python', 'order.py', 'test_order.py', /sum\(line\.(price \* line\.quantity|quantity \* line\.price) for line in lines\)/],
  ] as const) {
    it(`${language}: fixes a field read that names the wrong field of the object (r.width for r.height)`, async () => {
      const r = await repair({ ...task(name, language, [source], [test]), budgetS: 60 });
      assert.equal(r.status, 'fixed', r.message);
      assert.match(r.fixes[0].files[0].newText, right, r.fixes[0].diff);
    });
  }

  it('synthesizes missing logic: a guard with an early return', async () => {
    const r = await repair({ ...task('py-guard', 'python', ['lists.py'], ['test_lists.py']), budgetS: 90 });
    assert.equal(r.status, 'fixed', r.message);
    const text = r.fixes[0].files[0].newText;
    assert.match(text, /if .*:\n\s+return None\n\s+return items\[0\]/);
  });

  it('synthesizes a branch condition from runtime values', async () => {
    const r = await repair({ ...task('py-condition', 'python', ['shipping.py'], ['test_shipping.py']), budgetS: 90 });
    assert.equal(r.status, 'fixed', r.message);
    const fix = r.fixes[0];
    assert.equal(fix.edits[0].kind, 'condition');
    assert.match(fix.files[0].newText, /if .*weight.*:|if .*express.*weight.*:/);
  });

  it('fixes a JavaScript off-by-one found with node:test files', async () => {
    const r = await repair({ ...task('js-operator', 'javascript', ['range.js'], ['range.test.js']), budgetS: 60 });
    assert.equal(r.status, 'fixed', r.message);
    assert.match(r.fixes[0].files[0].newText, /i <= n/);
  });

  it('fixes a bug whose tests hang on the original code', async () => {
    const r = await repair({ ...task('py-hang', 'python', ['bits.py'], ['test_bits.py']), budgetS: 60 });
    assert.equal(r.status, 'fixed', r.message);
    assert.match(r.fixes[0].files[0].newText, /n &= n - 1/);
  });

  it('reports already-passing tests without searching', async () => {
    const r = await repair({ ...task('py-passing', 'python', ['stats.py'], ['test_stats.py']), budgetS: 30 });
    assert.equal(r.status, 'alreadyPassing');
    assert.equal(r.candidatesTried, 0);
    assert.deepEqual(r.fixes, []);
  });

  it('localizes a syntax error that no small edit repairs', async () => {
    const r = await repair({ ...task('py-syntax', 'python', ['stats.py'], ['test_stats.py']), budgetS: 30 });
    assert.equal(r.status, 'syntaxError');
    assert.equal(r.localization?.status, 'syntaxError');
    assert.match(r.message ?? '', /stats\.py:4/);
  });

  it('says plainly when no fix is found within the budget', async () => {
    const r = await repair({ ...task('py-nofix', 'python', ['secret.py'], ['test_secret.py']), budgetS: 6 });
    assert.equal(r.status, 'noFix');
    assert.ok(r.candidatesTried > 0);
    assert.match(r.message ?? '', /no fix found within budget/);
  });

  it('still shows the localization when no fix is found, refined with mutants if budget remains', async () => {
    const r = await repair({ ...task('py-nofix', 'python', ['secret.py'], ['test_secret.py']), budgetS: 30, maxCandidates: 50 });
    assert.equal(r.status, 'noFix');
    assert.equal(r.localization?.status, 'ranked');
    assert.ok(r.localization!.lines.some((l) => l.file === 'secret.py'), 'suspicious lines in the source');
    assert.ok(r.localization!.timings.mutationMs > 0, 'mutation evidence was gathered after the search gave up');
  });

  it('stops on cancellation and leaves no process behind', async () => {
    const abort = new AbortController();
    const running = repair({ ...task('py-nofix', 'python', ['secret.py'], ['test_secret.py']), budgetS: 60, signal: abort.signal });
    let seen = 0;
    const started = Date.now();
    while (Date.now() - started < 20000 && seen === 0) {
      await new Promise((r) => setTimeout(r, 200));
      seen = processesMentioning(tmp.dir).length;
    }
    assert.ok(seen > 0, 'the search should have started workers');
    abort.abort();
    const r = await running;
    assert.equal(r.status, 'cancelled');
    await new Promise((r) => setTimeout(r, 500));
    assert.deepEqual(processesMentioning(tmp.dir), []);
  });
});
