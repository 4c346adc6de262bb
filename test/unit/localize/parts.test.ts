// The pure steps of localization: spectrum formulas, which lines hold code, mutants of one line,
// probes for JavaScript values, and the benchmark's ground truth (where the bug is).
import assert from 'node:assert/strict';
import { bugLines } from '../../../server/src/localize/ground-truth';
import { instrumentJs } from '../../../server/src/localize/instrument';
import { mutationEvidence } from '../../../server/src/localize/mutation';
import { mutantsAt } from '../../../server/src/localize/mutants';
import { rankLines } from '../../../server/src/localize/rank';
import { computeSpectra, ochiai } from '../../../server/src/localize/spectrum';
import { readShape } from '../../../server/src/localize/statements';
import { parse } from '../../../server/src/parse/parser';
import type { Verdict, Verifier } from '../../../server/src/verify/verifier';

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

  it('groups the lines of a statement written over several lines, but not a callback with a body', async () => {
    const py = 'def f(xs):\n    return any(\n        g(x) for x in xs\n    )\n';
    assert.deepEqual([...(await readShape('python', py)).statementStart], [[2, 2], [3, 2], [4, 2]]);
    const js = 'const f = (xs) => {\n  xs.forEach((x) => {\n    g(x);\n  });\n  return xs.map((x) =>\n    x + 1);\n};\n';
    assert.deepEqual([...(await readShape('javascript', js)).statementStart], [[3, 3], [5, 5], [6, 5]].filter(([l]) => l !== 3));
  });

  it('counts constructors copying parameters into fields and tables of literals as plumbing, not other writes', async () => {
    const py = 'class Node:\n    def __init__(self, value):\n        self.value = value\n\ndef link(a, b):\n    a.next = b\n';
    assert.deepEqual([...(await readShape('python', py)).literalInitLines], [3]);
    const js = 'const f = (w) => {\n  const rank = {\n    low: 1,\n    high: 2,\n  };\n  const order = [w, 1];\n  return rank[w];\n};\n';
    assert.deepEqual([...(await readShape('javascript', js)).literalInitLines], [2, 3, 4, 5]);
  });

  it('gives the first line of a multi-line statement its best evidence and breaks exact ties towards the failure', () => {
    const covered: [string, number][] = [2, 3, 4, 5, 6, 7, 8].map((l) => ['m.py', l]);
    const spectra = computeSpectra([
      { id: 'f', status: 'failed', lines: covered, frames: [] },
      { id: 'p', status: 'passed', lines: covered, frames: [] },
    ]);
    const failingTests = [{ id: 'f', status: 'failed' as const, traceback: [{ file: 'm.py', line: 8 }] }];
    const statementLines = new Map([['m.py', new Set([2, 3, 4, 5, 6, 7, 8])]]);
    // Lines 3 to 5 are one statement; mutants on line 4 made the failing test pass.
    const statementStart = new Map([['m.py', new Map([[3, 3], [4, 3], [5, 3]])]]);
    const mutation = new Map([['m.py:4', { mutants: 1, fixedFailing: 1, changedFailing: 1, brokePassing: 0, score: 1, mean: 1 }]]);
    const ranked = rankLines({ spectra, failingTests, statementLines, statementStart, mutation, sources: ['m.py'] });
    assert.deepEqual(ranked.slice(0, 2).map((l) => l.line), [4, 3]);
    assert.ok(ranked.find((l) => l.line === 5)!.score < ranked[1].score);
    // Lines 2, 6 and 7 tie on every signal: the one nearest the raising line 8 comes first.
    assert.deepEqual(ranked.filter((l) => [2, 6, 7].includes(l.line)).map((l) => l.line), [7, 6, 2]);
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

  it('flips a boolean constant in the spelling of the language', async () => {
    const text = 'def f(q):\n    while True:\n        q.pop()\n';
    const mutants = mutantsAt('m.py', text, await parse('python', text), 2, true, 20);
    assert.ok(mutants.some((m) => m.kind === 'flip boolean' && m.text.includes('while False:')));
  });

  it('counts a mutant that makes the failing test assert another wrong value, not one that only crashes it or moves an object', async () => {
    // Every test fails, so the spectrum ties: only line 4 decides the value the test asserts.
    const text = 'def area(w, h):\n    label = repr(object())\n    size = len(str(w)) + 1\n    return w * h * 3\n';
    const lines = text.split('\n');
    const failing = { id: 't', status: 'failed' as const, message: 'AssertionError: assert 18 == 6 (seen at 0x7f01)' };
    const verifier = {
      size: 1,
      baseline: { failing: ['t'], passing: [], outcomes: [failing] },
      async verify(files: Record<string, string>): Promise<Verdict> {
        const mutated = files['m.py'].split('\n');
        const message = mutated[2] !== lines[2] ? 'TypeError: unsupported operand'
          : `AssertionError: assert ${mutated[3] === lines[3] ? 18 : -1} == 6 (seen at 0x${Math.random().toString(16).slice(2, 8)})`;
        return { status: 'failed', tests: [{ id: 't', status: 'failed', message }], testsFixed: [], ms: 1 };
      },
    } as unknown as Verifier;
    const line = (n: number) => ({ file: 'm.py', line: n, score: 1, rank: n, ochiai: 1, evidence: { failedCovering: 1, passedCovering: 0, totalFailed: 1, totalPassed: 0, ochiai: 1, dstar: 1000, statement: true } });
    const evidence = await mutationEvidence([line(2), line(3), line(4)], {
      root: '.', language: 'python', sources: ['m.py'], tests: ['test_m.py'], texts: new Map([['m.py', text]]), failing: ['t'], budgetMs: 60000, verifier,
    });
    assert.deepEqual([2, 3, 4].map((n) => evidence.get(`m.py:${n}`)?.changedFailing), [0, 0, 1]);
    assert.ok((evidence.get('m.py:4')?.score ?? 0) > (evidence.get('m.py:3')?.score ?? 0));
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
