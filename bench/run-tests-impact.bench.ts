// Test impact on save (server/src/lsp/testImpact.ts) on generated pytest and node:test projects of 200
// tests in 20 modules, each test file also importing a shared helpers module: the time of a save touching
// one function (plan from the recorded coverage + run of the concerned test files) against a full run and
// against the related tests (what a save ran before: every test file importing the saved file). Medians.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Framework } from '../common/results';
import { TestImpact } from '../server/src/lsp/testImpact';
import { runTests } from '../server/src/run';
import { sandboxKind } from '../server/src/run/sandbox';

const modules = 20;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

interface Generated { root: string; framework: Framework; helpers: string; from: string; to: string }

function writePython(dir: string): Generated {
  mkdirSync(join(dir, 'pkg'), { recursive: true });
  mkdirSync(join(dir, 'tests'), { recursive: true });
  writeFileSync(join(dir, 'pkg', '__init__.py'), '');
  const helpers = Array.from({ length: modules }, (_, k) => `def scale_${k}(x):\n    factor = ${k + 2}\n    return x * factor\n`).join('\n\n');
  writeFileSync(join(dir, 'pkg', 'helpers.py'), helpers);
  for (let m = 0; m < modules; m++) {
    writeFileSync(join(dir, 'pkg', `mod${m}.py`), `def clamp(x, lo, hi):\n    if x < lo:\n        return lo\n    if x > hi:\n        return hi\n    return x\n\n\ndef count_below(values, limit):\n    return sum(1 for v in values if v < limit)\n`);
    writeFileSync(join(dir, 'tests', `test_mod${m}.py`), `import pytest\nfrom pkg.helpers import scale_${m}\nfrom pkg.mod${m} import clamp, count_below\n\n\n@pytest.mark.parametrize("x,expected", [(-5, 0), (0, 0), (5, 5), (10, 10), (15, 10)])\ndef test_clamp(x, expected):\n    assert clamp(x, 0, 10) == expected\n\n\n@pytest.mark.parametrize("limit,expected", [(0, 0), (3, 2), (10, 5), (4, 3)])\ndef test_count_below(limit, expected):\n    assert count_below([1, 2, 3, 4, 5], limit) == expected\n\n\ndef test_scale():\n    assert scale_${m}(1) == ${m + 2}\n`);
  }
  return { root: dir, framework: 'pytest', helpers: 'pkg/helpers.py', from: '    factor = 9\n', to: '    factor = 10 - 1\n' };
}

function writeNode(dir: string): Generated {
  mkdirSync(join(dir, 'lib'), { recursive: true });
  mkdirSync(join(dir, 'test'), { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'impact-bench', private: true, scripts: { test: 'node --test' } }));
  const fns = Array.from({ length: modules }, (_, k) => `function scale${k}(x) {\n  const factor = ${k + 2};\n  return x * factor;\n}\n`).join('\n');
  writeFileSync(join(dir, 'lib', 'helpers.js'), `${fns}\nmodule.exports = { ${Array.from({ length: modules }, (_, k) => `scale${k}`).join(', ')} };\n`);
  for (let m = 0; m < modules; m++) {
    writeFileSync(join(dir, 'lib', `mod${m}.js`), 'function clamp(x, lo, hi) {\n  if (x < lo) return lo;\n  if (x > hi) return hi;\n  return x;\n}\n\nfunction countBelow(values, limit) {\n  return values.filter((v) => v < limit).length;\n}\n\nmodule.exports = { clamp, countBelow };\n');
    writeFileSync(join(dir, 'test', `mod${m}.test.js`), `const test = require('node:test');\nconst assert = require('node:assert/strict');\nconst { scale${m} } = require('../lib/helpers');\nconst { clamp, countBelow } = require('../lib/mod${m}');\n\nfor (const [x, expected] of [[-5, 0], [0, 0], [5, 5], [10, 10], [15, 10]]) {\n  test('clamp ' + x, () => assert.equal(clamp(x, 0, 10), expected));\n}\nfor (const [limit, expected] of [[0, 0], [3, 2], [10, 5], [4, 3]]) {\n  test('countBelow ' + limit, () => assert.equal(countBelow([1, 2, 3, 4, 5], limit), expected));\n}\ntest('scale', () => assert.equal(scale${m}(1), ${m + 2}));\n`);
  }
  return { root: dir, framework: 'node-test', helpers: 'lib/helpers.js', from: '  const factor = 9;\n', to: '  const factor = 10 - 1;\n' };
}

async function timed(n: number, f: () => Promise<number>): Promise<{ ms: number; tests: number }> {
  const xs: number[] = [];
  let tests = 0;
  for (let k = 0; k < n; k++) {
    const t = performance.now();
    tests = await f();
    xs.push(performance.now() - t);
  }
  return { ms: median(xs), tests };
}

async function main(): Promise<void> {
  const runs = Number(process.env.BENCH_RUNS ?? 5);
  const dir = mkdtempSync(join(tmpdir(), 'lw-bench-impact-'));
  console.log(`sandbox: ${sandboxKind()}, ${runs} runs each, medians in ms; the save changes one function of the helpers every test file imports`);
  console.log('project      tests  full ms  related ms (tests)  impact ms (tests)  impact/full  record ms');
  try {
    for (const [name, p] of [['pytest', writePython(join(dir, 'py'))], ['node:test', writeNode(join(dir, 'js'))]] as const) {
      const count = async (files?: string[]) => {
        const r = await runTests({ root: p.root, files });
        if (!r.summary.total || r.summary.passed !== r.summary.total) throw new Error(`${name}: ${JSON.stringify(r.summary)} ${JSON.stringify(r.problems)}`);
        return r.summary.total;
      };
      await count();
      const full = await timed(runs, () => count());
      const impact = new TestImpact();
      const t0 = performance.now();
      const recorded = await impact.record({ root: p.root, framework: p.framework, testTimeoutMs: 10000, budgetMs: 120000, signal: new AbortController().signal });
      const recordMs = performance.now() - t0;
      if (recorded !== full.tests) throw new Error(`${name}: recorded ${recorded} of ${full.tests} tests`);
      const path = join(p.root, p.helpers);
      const saved = readFileSync(path, 'utf8').replace(p.from, p.to);
      writeFileSync(path, saved);
      const related = await timed(runs, () => count([p.helpers]));
      const save = await timed(runs, async () => {
        const plan = impact.plan(p.root, p.helpers, readFileSync(path, 'utf8'));
        if (plan.kind !== 'files' || !plan.files.length) throw new Error(`${name}: ${JSON.stringify(plan)}`);
        return count(plan.files);
      });
      console.log(`${name.padEnd(11)} ${String(full.tests).padStart(6)}  ${full.ms.toFixed(0).padStart(7)}  ${related.ms.toFixed(0).padStart(10)} (${related.tests})  ${save.ms.toFixed(0).padStart(9)} (${save.tests})  ${(save.ms / full.ms).toFixed(2).padStart(10)}x  ${recordMs.toFixed(0).padStart(9)}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
