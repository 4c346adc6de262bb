// Jest projects run with their own Jest 30 (installed from npm into the test cache): expected/actual and
// locations from Jest's JSON report, Jest's own limit for an async hang, the watchdog for a synchronous loop,
// a syntax error in a test file, TypeScript through the project's ts-jest, and no node_modules.
import * as assert from 'node:assert';
import type { TestRunResult } from '../../../common/results';
import { runTests } from '../../../server/src/run';
import { installFixtures, project, removeProjects } from './jsProjects';

const byName = (r: TestRunResult, name: string) => {
  const t = r.tests.find((x) => x.name === name);
  assert.ok(t, `no result named '${name}' in ${JSON.stringify(r.tests.map((x) => `${x.name}: ${x.status}`))}; problems: ${JSON.stringify(r.problems)}`);
  return t;
};

const spinningTests = `const { mean } = require('../src/stats');

test('spins', () => {
  let n = 3;
  while (n !== 0) n -= 2;
});

test('after the spin', () => {
  expect(mean([1, 3])).toBe(2);
});
`;

describe('run: Jest', function () {
  this.timeout(240_000);
  before(async function () {
    this.timeout(15 * 60_000);
    await installFixtures('jest-js', 'jest-ts');
  });
  after(removeProjects);

  it('reports each test with expected/actual, its line and assertion, and a hang stopped by the runner', async () => {
    const r = await runTests({ root: await project('jest-js'), testTimeoutS: 2 });
    assert.strictEqual(r.framework, 'jest');
    assert.strictEqual(r.language, 'javascript');
    assert.strictEqual(byName(r, 'mean of integers').status, 'passed');
    const halves = byName(r, 'mean of halves');
    assert.strictEqual(halves.status, 'failed');
    assert.strictEqual(halves.expected, '1.5');
    assert.strictEqual(halves.actual, '1');
    assert.strictEqual(halves.file, 'test/stats.test.js');
    assert.strictEqual(halves.line, 7);
    assert.deepStrictEqual(halves.assertion, { file: 'test/stats.test.js', line: 8 });
    assert.match(halves.message ?? '', /Expected: 1\.5/);
    const pair = byName(r, 'pair > keeps both values');
    assert.strictEqual(pair.expected, '{ first: 1, second: 2 }');
    assert.strictEqual(pair.actual, '{ first: 1, second: 1 }');
    assert.ok(pair.traceback?.every((f) => !f.file.includes('node_modules')), JSON.stringify(pair.traceback));
    assert.strictEqual(byName(r, 'waits forever').status, 'timedOut');
    assert.strictEqual(byName(r, 'not yet').status, 'skipped');
    assert.strictEqual(byName(r, 'quiet').status, 'passed');
    assert.deepStrictEqual(r.summary, { total: 7, passed: 3, failed: 2, errors: 0, timedOut: 1, skipped: 1 });
  });

  it('stops a synchronous loop, still reports the other tests, and reports a test file that does not parse', async () => {
    const root = await project('jest-js', {
      'test/spin.test.js': spinningTests,
      'test/broken.test.js': "test('broken', () => {\n  expect(1).toBe(1);\n  const = 3;\n});\n",
    });
    const r = await runTests({ root, testTimeoutS: 1 });
    const spin = byName(r, 'spins');
    assert.strictEqual(spin.status, 'timedOut');
    assert.strictEqual(spin.file, 'test/spin.test.js');
    assert.strictEqual(spin.line, 3);
    assert.strictEqual(byName(r, 'after the spin').status, 'passed');
    assert.strictEqual(byName(r, 'mean of one').status, 'passed');
    const broken = byName(r, 'test/broken.test.js');
    assert.strictEqual(broken.status, 'error');
    const p = r.problems.find((x) => x.kind === 'syntaxError');
    assert.deepStrictEqual(p?.location, { file: 'test/broken.test.js', line: 3 }, JSON.stringify(r.problems));
  });

  it('runs only the tests related to a changed source file', async () => {
    const r = await runTests({ root: await project('jest-js'), files: ['src/stats.js'], testTimeoutS: 1 });
    assert.ok(r.tests.length > 0);
    assert.deepStrictEqual([...new Set(r.tests.map((t) => t.file))], ['test/stats.test.js']);
  });

  it('runs TypeScript tests through the project\'s ts-jest, with source lines', async () => {
    const r = await runTests({ root: await project('jest-ts') });
    assert.strictEqual(r.framework, 'jest');
    assert.strictEqual(r.language, 'typescript');
    assert.strictEqual(byName(r, 'shapes > area of a square').status, 'passed');
    const rect = byName(r, 'shapes > area of a rectangle');
    assert.strictEqual(rect.status, 'failed');
    assert.strictEqual(rect.expected, '10');
    assert.strictEqual(rect.actual, '4');
    assert.strictEqual(rect.line, 10);
    assert.deepStrictEqual(rect.assertion, { file: 'test/shapes.test.ts', line: 11 });
    assert.deepStrictEqual(r.problems.filter((p) => p.kind !== 'weakSandbox'), []);
  });

  it('says to run npm install when the project has no node_modules', async () => {
    const r = await runTests({ root: await project('jest-js', {}, false) });
    assert.strictEqual(r.framework, 'jest');
    assert.strictEqual(r.tests.length, 0);
    const p = r.problems.find((x) => x.kind === 'frameworkMissing');
    assert.match(p?.message ?? '', /jest .*not installed.*`npm install`/);
  });
});
