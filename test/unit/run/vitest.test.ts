// Vitest projects run with their own Vitest 3 (installed from npm into the test cache): expected/actual from
// the shipped reporter, locations, Vitest's own limit for an async hang, the watchdog for a synchronous loop,
// a syntax error in a test file, per-test output with its cap, TypeScript through Vitest's own transform.
import * as assert from 'node:assert';
import type { TestRunResult } from '../../../common/results';
import { runTests } from '../../../server/src/run';
import { installFixtures, project, removeProjects } from './jsProjects';

const byName = (r: TestRunResult, name: string) => {
  const t = r.tests.find((x) => x.name === name);
  assert.ok(t, `no result named '${name}' in ${JSON.stringify(r.tests.map((x) => `${x.name}: ${x.status}`))}; problems: ${JSON.stringify(r.problems)}`);
  return t;
};

const spinningTests = `import { expect, test } from 'vitest';
import { mean } from '../src/stats.js';

test('spins', () => {
  let n = 3;
  while (n !== 0) n -= 2;
});

test('after the spin', () => {
  expect(mean([1, 3])).toBe(2);
});
`;

const noisyTests = `import { test } from 'vitest';

test('noisy', () => {
  const line = 'x'.repeat(1023) + '\\n';
  for (let i = 0; i < 5000; i++) console.log(line);
});

test('quiet', () => {
  console.log('just one line');
});
`;

describe('run: Vitest', function () {
  this.timeout(240_000);
  before(async function () {
    this.timeout(15 * 60_000);
    await installFixtures('vitest-js', 'vitest-ts');
  });
  after(removeProjects);

  it('reports each test with expected/actual, its line and assertion, and a hang stopped by the runner', async () => {
    const r = await runTests({ root: await project('vitest-js'), testTimeoutS: 2 });
    assert.strictEqual(r.framework, 'vitest');
    assert.strictEqual(r.language, 'javascript');
    assert.strictEqual(byName(r, 'mean of integers').status, 'passed');
    const halves = byName(r, 'mean of halves');
    assert.strictEqual(halves.status, 'failed');
    assert.strictEqual(halves.expected, '1.5');
    assert.strictEqual(halves.actual, '1');
    assert.strictEqual(halves.file, 'test/stats.test.js');
    assert.strictEqual(halves.line, 8);
    assert.deepStrictEqual(halves.assertion, { file: 'test/stats.test.js', line: 9 });
    assert.match(halves.message ?? '', /expected 1 to be 1\.5/);
    const pair = byName(r, 'pair > keeps both values');
    assert.match(pair.expected ?? '', /"second": 2/);
    assert.match(pair.actual ?? '', /"second": 1/);
    assert.ok(pair.traceback?.every((f) => !f.file.includes('node_modules')), JSON.stringify(pair.traceback));
    assert.strictEqual(byName(r, 'waits forever').status, 'timedOut');
    assert.strictEqual(byName(r, 'not yet').status, 'skipped');
    assert.deepStrictEqual(r.summary, { total: 6, passed: 2, failed: 2, errors: 0, timedOut: 1, skipped: 1 });
  });

  it('stops a synchronous loop, still reports the other tests, and reports a test file that does not parse', async () => {
    const root = await project('vitest-js', {
      'test/spin.test.js': spinningTests,
      'test/broken.test.js': "import { expect, test } from 'vitest';\n\ntest('broken', () => {\n  const = 3;\n});\n",
    });
    const r = await runTests({ root, testTimeoutS: 1 });
    const spin = byName(r, 'spins');
    assert.strictEqual(spin.status, 'timedOut');
    assert.strictEqual(spin.file, 'test/spin.test.js');
    assert.strictEqual(spin.line, 4);
    assert.strictEqual(byName(r, 'after the spin').status, 'passed');
    assert.strictEqual(byName(r, 'mean of one').status, 'passed');
    assert.strictEqual(byName(r, 'test/broken.test.js').status, 'error');
    const p = r.problems.find((x) => x.kind === 'syntaxError');
    assert.deepStrictEqual(p?.location, { file: 'test/broken.test.js', line: 4 }, JSON.stringify(r.problems));
  });

  it('keeps what each test printed, capped, and says when it was cut', async () => {
    const r = await runTests({ root: await project('vitest-js', { 'test/noisy.test.js': noisyTests }), files: ['test/noisy.test.js'] });
    const noisy = byName(r, 'noisy');
    assert.strictEqual(noisy.status, 'passed');
    assert.strictEqual(noisy.output?.length, 65536);
    assert.ok((noisy.outputBytes ?? 0) > 5_000_000);
    assert.strictEqual(byName(r, 'quiet').output, 'just one line\n');
    assert.deepStrictEqual(r.problems.filter((p) => p.kind !== 'weakSandbox').map((p) => p.kind), ['outputTruncated']);
    assert.deepStrictEqual([...new Set(r.tests.map((t) => t.file))], ['test/noisy.test.js']);
  });

  it('runs TypeScript tests through Vitest\'s own transform, with source lines', async () => {
    const r = await runTests({ root: await project('vitest-ts') });
    assert.strictEqual(r.framework, 'vitest');
    assert.strictEqual(r.language, 'typescript');
    assert.strictEqual(byName(r, 'shapes > area of a square').status, 'passed');
    const rect = byName(r, 'shapes > area of a rectangle');
    assert.strictEqual(rect.status, 'failed');
    assert.strictEqual(rect.expected, '10');
    assert.strictEqual(rect.actual, '4');
    assert.strictEqual(rect.line, 11);
    assert.deepStrictEqual(rect.assertion, { file: 'test/shapes.test.ts', line: 12 });
    assert.deepStrictEqual(r.problems.filter((p) => p.kind !== 'weakSandbox'), []);
  });

  it('says to run npm install when the project has no node_modules', async () => {
    const r = await runTests({ root: await project('vitest-ts', {}, false) });
    assert.strictEqual(r.framework, 'vitest');
    assert.match(r.problems.find((x) => x.kind === 'frameworkMissing')?.message ?? '', /vitest .*not installed.*`npm install`/);
  });
});
