// Localization through a verifier's warm worker (what the repair engine does, to avoid a cold pytest start)
// must see what the cold sandboxed run sees: the same failing tests with their messages and frames, the
// same ranking, the same runtime values.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Localization } from '../../../common/localize';
import { localize } from '../../../server/src/localize/localize';
import { Verifier } from '../../../server/src/verify/verifier';

const root = join(__dirname, '..', '..', 'fixtures', 'localize', 'py-classify');
const task = { root, language: 'python' as const, sources: ['classify.py'], tests: ['test_classify.py'] };

function summary(loc: Localization) {
  return {
    status: loc.status,
    failing: loc.failingTests.map((t) => ({ id: t.id, status: t.status, message: t.message, frames: t.traceback })),
    passing: loc.passingTests,
    lines: loc.lines.map((l) => `${l.file}:${l.line}:${l.score.toFixed(6)}`),
    values: loc.values.map((v) => ({ test: v.test, line: v.line, snapshots: v.snapshots })),
  };
}

describe('localize in a warm verification worker', function () {
  this.timeout(90000);

  it('gives the same failing tests, ranking and runtime values as the cold run', async () => {
    const cold = await localize({ ...task, mutation: false, budgetMs: 60000 });
    const verifier = await Verifier.open(task, { workers: 1 });
    try {
      const warm = await localize({ ...task, mutation: false, budgetMs: 60000, verifier });
      assert.equal(cold.status, 'ranked', cold.reason);
      assert.ok(cold.values.length > 0, 'the cold run recorded no values');
      assert.deepEqual(summary(warm), summary(cold));
    } finally {
      await verifier.close();
    }
  });

  it('leaves the verifier judging candidates as before (the tracer stays in its child)', async () => {
    const verifier = await Verifier.open(task, { workers: 1 });
    try {
      await localize({ ...task, mutation: false, budgetMs: 60000, verifier });
      const source = readFileSync(join(root, 'classify.py'), 'utf8');
      const fixed = await verifier.verify({ 'classify.py': source.replace('n > 10', 'n >= 10') });
      assert.equal(fixed.status, 'passed');
      assert.deepEqual(fixed.testsFixed, ['test_classify.py::test_ten_is_big']);
      const wrong = await verifier.verify({ 'classify.py': source.replace("return 'zero'", "return 'nil'") });
      assert.equal(wrong.status, 'failed');
    } finally {
      await verifier.close();
    }
  });
});
