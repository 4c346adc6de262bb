// The kind of problem a verified edit addresses, named without the edit: comparison boundaries, loop bounds,
// missing cases (empty input), returned values.
import assert from 'node:assert/strict';
import type { RepairEdit } from '../../../common/protocol';
import { describeProblem } from '../../../server/src/hints/problem';

const program = 'def f(xs, limit):\n    if xs[-1] > limit:\n        return len(xs)\n    for i in range(len(xs) - 1):\n        if xs[i] > limit:\n            return i\n    return 0\n';
const edit = (line: number, kind: string, before: string, after: string): RepairEdit => ({ file: 'a.py', line, kind, before, after });
const emptyTest = { id: 't', input: 'f([], 3)' };
const plainTest = { id: 't', input: 'f([1, 5], 5)' };

describe('hints problem kinds', () => {
  it('a strict/non-strict swap is a comparison boundary', async () => {
    const p = await describeProblem('python', program, edit(5, 'comparison', 'xs[i] > limit', 'xs[i] >= limit'), plainTest);
    assert.equal(p.where, 'the condition on line 5');
    assert.match(p.concept, /boundary/);
    assert.doesNotMatch(p.concept + p.where, />=/);
  });

  it('another comparison change is not called a boundary', async () => {
    const p = await describeProblem('python', program, edit(5, 'comparison', 'xs[i] > limit', 'xs[i] < limit'), plainTest);
    assert.doesNotMatch(p.concept, /boundary/);
  });

  it('a clause added for an empty input is a missing case', async () => {
    const p = await describeProblem('python', program, edit(2, 'condition', 'xs[-1] > limit', 'not xs or xs[-1] > limit'), emptyTest);
    assert.equal(p.problem, 'missing case for an empty input');
    assert.match(p.where, /line 2, which does not consider an empty input/);
  });

  it('a constant in a range() header is the loop bound', async () => {
    const p = await describeProblem('python', program, edit(4, 'constant', '1', '0'), plainTest);
    assert.equal(p.problem, 'loop bound');
    assert.equal(p.where, 'the loop bound on line 4');
  });

  it('an inserted guard with an empty failing input is a missing case for an empty input', async () => {
    const p = await describeProblem('python', program, edit(2, 'insertGuard', '', '    if not xs:\n        return 0\n'), emptyTest);
    assert.equal(p.problem, 'missing case for an empty input');
  });

  it('a changed return is about the returned value', async () => {
    const p = await describeProblem('python', program, edit(7, 'constant', '0', '-1'), plainTest);
    assert.equal(p.where, 'the value returned on line 7');
  });
});
