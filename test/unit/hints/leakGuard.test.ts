// The leak guard rejects hints that hand over the fix (code spans, whole lines, new operators in prose) and lets
// through hints that only quote the student's own code or describe the problem.
import assert from 'node:assert/strict';
import { addedLines, checkLeak, codeSpans } from '../../../server/src/hints/leakGuard';

const original = 'def count_at_least(xs, limit):\n    n = 0\n    for x in xs:\n        if x > limit:\n            n += 1\n    return n\n';
const diff = '--- a/solution.py\n+++ b/solution.py\n@@ -4,1 +4,1 @@\n-        if x > limit:\n+        if x >= limit:\n';
const fix = { grammar: 'python' as const, original, added: addedLines(diff) };

describe('hints leak guard', () => {
  it('finds inline, fenced and indented code spans', () => {
    assert.deepEqual(codeSpans('try `a + b` or\n```python\nx = 1\n```\n    y = 2'), ['x = 1\n', 'a + b', 'y = 2']);
  });

  it('blocks a hint whose code span is the fixed line', async () => {
    const r = await checkLeak('Change it to `x >= limit` and it works.', fix);
    assert.equal(r.leaks, true, JSON.stringify(r));
  });

  it('blocks the fixed line written in prose', async () => {
    assert.equal((await checkLeak('Write if x >= limit: on line 4.', fix)).leaks, true);
  });

  it('blocks an operator the fix introduces, named in prose', async () => {
    const r = await checkLeak('Use >= there instead.', fix);
    assert.equal(r.leaks, true);
    assert.match(r.reason!, />=/);
  });

  it("lets through a hint quoting the student's own line", async () => {
    assert.equal((await checkLeak('Look at `if x > limit:`: what happens when x equals limit?', fix)).leaks, false);
  });

  it('lets through a hint about the failing input and the boundary', async () => {
    assert.equal((await checkLeak('`count_at_least([1, 5, 7], 5)` should give 2 but gives 1. Think about the boundary case.', fix)).leaks, false);
  });
});
