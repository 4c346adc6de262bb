// Fault localization and repair on real Jest 30 and Vitest 3 projects: per-test V8 coverage taken inside the
// project's own runner (a setup file added to its configuration, beside the project's own) ranks an injected
// one-token bug in the top five lines, a test that only runs other functions does not cover it, and repair()
// returns a verified fix.
import * as assert from 'node:assert';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { localize } from '../../../server/src/localize/localize';
import { repair } from '../../../server/src/repair/repair';
import { loadTask } from '../../../server/src/repair/task';
import { installFixtures, project, removeProjects } from '../run/jsProjects';

const functions = `function mean(values) {
  let total = 0;
  for (let i = 0; i < values.length; i++) total += values[i];
  return total / values.length;
}

function largest(values) {
  let best = values[0];
  for (const v of values) {
    if (v > best) best = v;
  }
  return best;
}

function pair(a, b) {
  return { first: a, second: b };
}
`;
const cases = `
test('mean of integers', () => {
  expect(mean([2, 4])).toBe(3);
});

test('mean of halves', () => {
  expect(mean([1, 2])).toBe(1.5);
});

describe('largest', () => {
  it('finds the largest', () => {
    expect(largest([3, 9, 4])).toBe(9);
  });
  it('of one value', () => {
    expect(largest([5])).toBe(5);
  });
});

test('pair keeps both values', () => {
  expect(pair(1, 2)).toEqual({ first: 1, second: 2 });
});

test('the project setup file ran', () => {
  expect(globalThis.fromSetup).toBe(true);
});
`;
// The projects' own setup files must still run beside the coverage one.
const setup = 'globalThis.fromSetup = true;\n';
const projects = {
  'jest-js': {
    'src/stats.js': `${functions}\nmodule.exports = { mean, largest, pair };\n`,
    'test/stats.test.js': `const { mean, largest, pair } = require('../src/stats');\n${cases}`,
    'test/setup.js': setup,
    'package.json': JSON.stringify({ ...fixturePackage('jest-js'), jest: { setupFilesAfterEnv: ['<rootDir>/test/setup.js'] } }),
  },
  'vitest-js': {
    'src/stats.js': functions.replace(/^function/gm, 'export function'),
    'test/stats.test.js': `import { describe, expect, it, test } from 'vitest';\nimport { mean, largest, pair } from '../src/stats.js';\n${cases}`,
    'test/setup.js': setup,
    'vite.config.js': "import { defineConfig } from 'vite';\n\nexport default defineConfig({ test: { include: ['test/**/*.test.js'], setupFiles: ['./test/setup.js'] } });\n",
  },
};

function fixturePackage(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(join(__dirname, '../../fixtures/run', name, 'package.json'), 'utf8'));
}

/** Turns the first `>` comparison of a file into `<`; returns the line it is on (1-based). */
function injectBug(file: string): number {
  const text = readFileSync(file, 'utf8');
  const at = text.search(/ > /);
  assert.ok(at > 0, `no > comparison in ${file}`);
  writeFileSync(file, `${text.slice(0, at)} < ${text.slice(at + 3)}`);
  return text.slice(0, at).split('\n').length;
}

for (const [name, files] of Object.entries(projects)) {
  describe(`localize and repair: ${name}`, function () {
    this.timeout(240_000);
    let root: string;
    let bugLine: number;
    before(async function () {
      this.timeout(15 * 60_000);
      await installFixtures(name);
      root = await project(name, files);
      bugLine = injectBug(join(root, 'src/stats.js'));
    });
    after(removeProjects);

    it('ranks the bug line in the top five from per-test coverage', async () => {
      const task = loadTask(root);
      const loc = await localize({ ...task, mutation: false, valueLines: 0, budgetMs: 60_000 });
      assert.strictEqual(loc.status, 'ranked', loc.reason);
      assert.deepStrictEqual(loc.failingTests.map((t) => t.id), ['test/stats.test.js::largest > finds the largest']);
      const top = loc.lines.slice(0, 5).map((l) => `${l.file}:${l.line}`);
      assert.ok(top.includes(`src/stats.js:${bugLine}`), `bug at line ${bugLine}, top five: ${top.join(', ')}`);
      // Coverage is per test: the failing test runs none of mean's or pair's lines.
      const others = [2, 3, 4, 16].map((l) => loc.lines.find((x) => x.file === 'src/stats.js' && x.line === l));
      for (const l of others) assert.ok(!l || l.evidence.failedCovering === 0, `line ${l?.line} counted for the failing test`);
      const bug = loc.lines.find((l) => l.line === bugLine)!;
      assert.deepStrictEqual([bug.evidence.failedCovering, bug.evidence.passedCovering], [1, 1]);
    });

    it('repair() returns a verified fix of the bug line', async () => {
      const r = await repair({ ...loadTask(root), budgetS: 60 });
      assert.strictEqual(r.status, 'fixed');
      const fix = r.fixes[0];
      assert.ok(fix.diff.includes('-    if (v < best) best = v;') && fix.diff.includes('+    if (v > best) best = v;'), fix.diff);
    });
  });
}
