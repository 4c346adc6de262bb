// JavaScript test runs on the fixture projects: node:test with expected/actual and a synchronous
// infinite loop, a syntax error in a source file, TypeScript without a loader, and a mocha project
// (its node_modules is a symlink to this repository's, where mocha is installed).
import * as assert from 'node:assert';
import { join, resolve } from 'node:path';
import type { TestRunResult } from '../../../common/results';
import { runTests } from '../../../server/src/run';

const fixture = (name: string) => resolve(__dirname, '../../fixtures/run', name);
const byName = (r: TestRunResult, name: string) => {
  const t = r.tests.find((x) => x.name === name);
  assert.ok(t, `no result named '${name}' in ${JSON.stringify(r.tests.map((x) => x.name))}`);
  return t;
};

describe('run: JavaScript', function () {
  this.timeout(90000);

  it('node --test: expected/actual, locations, and a timed-out loop with the rest still reported', async () => {
    const r = await runTests({ root: fixture('js-node'), testTimeoutS: 1 });
    assert.strictEqual(r.language, 'javascript');
    assert.strictEqual(r.framework, 'node-test');
    assert.strictEqual(byName(r, 'mean of integers').status, 'passed');
    const halves = byName(r, 'mean of halves');
    assert.strictEqual(halves.status, 'failed');
    assert.strictEqual(halves.expected, '1.5');
    assert.strictEqual(halves.actual, '1');
    assert.deepStrictEqual(halves.assertion, { file: 'stats.test.js', line: 10 });
    assert.strictEqual(halves.line, 9);
    const pair = byName(r, 'pair > keeps both values');
    assert.strictEqual(pair.status, 'failed');
    assert.strictEqual(pair.expected, '{ first: 1, second: 2 }');
    assert.strictEqual(pair.actual, '{ first: 1, second: 1 }');
    const spin = byName(r, 'spin forever');
    assert.strictEqual(spin.status, 'timedOut');
    assert.strictEqual(spin.line, 13);
    assert.strictEqual(byName(r, 'spin even').status, 'passed', 'the test after the infinite loop still runs');
    assert.deepStrictEqual(r.summary, { total: 5, passed: 2, failed: 2, errors: 0, timedOut: 1, skipped: 0 });
  });

  it('times out a test file that loops at top level, and runs the other files', async () => {
    const r = await runTests({ root: fixture('js-import-loop'), testTimeoutS: 1 });
    const hung = r.tests.find((t) => t.file === 'hangs.test.js');
    assert.strictEqual(hung?.status, 'timedOut');
    assert.match(hung?.message ?? '', /outside any test/);
    assert.strictEqual(byName(r, 'fine').status, 'passed');
  });

  it('keeps what each test printed, capped, and says when it was cut', async () => {
    const r = await runTests({ root: fixture('js-huge-output') });
    const noisy = byName(r, 'noisy');
    assert.strictEqual(noisy.status, 'failed');
    assert.strictEqual(noisy.output?.length, 65536);
    assert.ok((noisy.outputBytes ?? 0) > 5_000_000);
    assert.strictEqual(byName(r, 'quiet').output, 'just one line\n');
    assert.deepStrictEqual(r.problems.map((p) => p.kind), ['outputTruncated']);
  });

  it('reports a syntax error in a source file at its line', async () => {
    const r = await runTests({ root: fixture('js-syntax') });
    const p = r.problems.find((x) => x.kind === 'syntaxError');
    assert.ok(p, JSON.stringify(r.problems));
    assert.deepStrictEqual(p.location, { file: 'solution.js', line: 3 });
    assert.strictEqual(r.summary.errors, 1);
  });

  it('says what TypeScript tests need instead of crashing', async () => {
    const r = await runTests({ root: fixture('js-ts') });
    assert.strictEqual(r.language, 'typescript');
    const p = r.problems.find((x) => x.kind === 'frameworkMissing');
    assert.ok(p, JSON.stringify(r.problems));
    assert.match(p.message, /tsx/);
  });

  it('runs TypeScript tests through the project\'s tsx, with source lines', async () => {
    const r = await runTests({ root: fixture('js-ts-tsx') });
    assert.strictEqual(r.language, 'typescript');
    assert.strictEqual(byName(r, 'area of a square').status, 'passed');
    const rect = byName(r, 'area of a rectangle');
    assert.strictEqual(rect.status, 'failed');
    assert.strictEqual(rect.line, 10);
    assert.deepStrictEqual(rect.assertion, { file: 'area.test.ts', line: 11 });
    assert.strictEqual(rect.actual, '5');
  });

  it('mocha: uses the project mocha, gives expected/actual, times out a loop and runs the rest', async () => {
    const r = await runTests({ root: fixture('js-mocha'), testTimeoutS: 1 });
    assert.strictEqual(r.framework, 'mocha');
    assert.strictEqual(byName(r, 'clamp keeps values inside the range').status, 'passed');
    const caps = byName(r, 'clamp caps values above the range');
    assert.strictEqual(caps.status, 'failed');
    assert.strictEqual(caps.expected, '10');
    assert.strictEqual(caps.actual, '0');
    assert.deepStrictEqual(caps.assertion, { file: 'test/clamp.spec.js', line: 10 });
    const loop = byName(r, 'clamp never returns');
    assert.strictEqual(loop.status, 'timedOut');
    assert.strictEqual(loop.file, 'test/clamp.spec.js');
    assert.strictEqual(byName(r, 'clamp raises values below the range').status, 'passed');
  });

  it('runs the tests related to a source file', async () => {
    const r = await runTests({ root: fixture('js-node'), files: [join('stats.js')], testTimeoutS: 1 });
    assert.ok(r.tests.length > 0 && r.tests.every((t) => t.file === 'stats.test.js'));
  });
});
