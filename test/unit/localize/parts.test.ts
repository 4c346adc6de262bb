// The pure steps of localization: spectrum formulas, which lines hold code, mutants of one line,
// probes for JavaScript values, and the benchmark's ground truth (where the bug is).
import assert from 'node:assert/strict';
import { bugLines } from '../../../server/src/localize/ground-truth';
import { instrumentJs } from '../../../server/src/localize/instrument';
import { mutantsAt } from '../../../server/src/localize/mutants';
import { computeSpectra, ochiai } from '../../../server/src/localize/spectrum';
import { readShape } from '../../../server/src/localize/statements';
import { parse } from '../../../server/src/parse/parser';

describe('localize parts', () => {
  it('computes Ochiai from per-test coverage, counting a line once per test', () => {
    const s = computeSpectra([
      { id: 'a', status: 'failed', lines: [['m.py', 2], ['m.py', 3], ['m.py', 3]], frames: [] },
      { id: 'b', status: 'passed', lines: [['m.py', 2]], frames: [] },
      { id: 'c', status: 'skipped', lines: [['m.py', 3]], frames: [] },
    ]);
    const line = (n: number) => s.lines.find((l) => l.line === n)!;
    assert.deepEqual([s.totalFailed, s.totalPassed], [1, 1]);
    assert.equal(line(3).ochiai, 1);
    assert.equal(line(2).ochiai, ochiai(1, 1, 1));
    assert.ok(line(2).ochiai < 1);
  });

  it('tells code lines from headers, else, braces and docstrings', async () => {
    const py = 'def f(x):\n    """Doc."""\n    if x:\n        return 1\n    else:\n        return 2\n';
    assert.deepEqual([...(await readShape('python', py)).statementLines].sort(), [3, 4, 6]);
    const js = 'const f = (x) => {\n  if (x) {\n    return 1;\n  } else {\n    return 2;\n  }\n};\n';
    assert.deepEqual([...(await readShape('javascript', js)).statementLines].sort(), [2, 3, 5]);
  });

  it('mutates operators, constants, conditions and variables on one line, or drops its conditional', async () => {
    const text = 'def f(a, b):\n    if a < b + 1:\n        return a\n    return b\n';
    const tree = await parse('python', text);
    const mutants = mutantsAt('m.py', text, tree, 2, true, 20);
    const changed = mutants.map((m) => m.text.split('\n')[1].trim());
    assert.ok(changed.includes('if a <= b + 1:'));
    assert.ok(changed.includes('if a < b - 1:'));
    assert.ok(changed.includes('if a < b + 2:'));
    assert.ok(changed.includes('if not (a < b + 1):'));
    assert.ok(changed.includes('if b < b + 1:'));
    assert.ok(mutants.some((m) => m.kind === 'delete statement' && m.text === 'def f(a, b):\n    pass\n    return b\n'));
    for (const m of mutants.filter((x) => x.kind !== 'delete statement')) assert.deepEqual(m.text.split('\n').filter((_, i) => i !== 1), text.split('\n').filter((_, i) => i !== 1));
  });

  it('inserts JavaScript probes without moving lines and keeps the program running', async () => {
    const text = 'function f(xs) {\n  let total = 0;\n  for (const x of xs)\n    total += x;\n  return total;\n}\nmodule.exports = f;\n';
    const out = await instrumentJs('f.js', text, [4, 5]);
    assert.equal(out.split('\n').length, text.split('\n').length);
    const seen: [number, Record<string, unknown>][] = [];
    (globalThis as Record<string, unknown>).__lw_probe = (_f: string, line: number, getters: Record<string, () => unknown>) => {
      seen.push([line, Object.fromEntries(Object.entries(getters).map(([k, g]) => [k, g()]))]);
    };
    const mod = { exports: {} as unknown };
    new Function('module', out)(mod);
    assert.equal((mod.exports as (xs: number[]) => number)([1, 2]), 3);
    delete (globalThis as Record<string, unknown>).__lw_probe;
    assert.deepEqual(seen.map(([l]) => l), [4, 4, 5]);
    assert.deepEqual(seen[2][1], { xs: [1, 2], total: 3 });
  });

  it('finds the bug line a fix changes, ignoring blank lines and comments', () => {
    const ws = 'def f(x):\n    # add one\n    return x + 2\n';
    assert.deepEqual(bugLines('f.py', ws, '\ndef f(x):\n    return x + 1\n'), { file: 'f.py', lines: [3] });
    const insert = 'def f(x):\n    y = x\n    return y\n';
    assert.deepEqual(bugLines('f.py', insert, 'def f(x):\n    y = x\n    y += 1\n    return y\n'), { file: 'f.py', lines: [2, 3] });
    assert.equal(bugLines('f.py', ws, ws), undefined);
  });
});
