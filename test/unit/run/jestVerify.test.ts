// The warm Jest verification worker on a real Jest 30 project: its baseline agrees with `loopwise run`, a
// candidate is checked in the same process (written into the worker's own copy; Jest gives each test file a
// fresh module registry), the original is restored for the next candidate, and a candidate that spins is contained.
import * as assert from 'node:assert';
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { runTests } from '../../../server/src/run';
import { Verifier } from '../../../server/src/verify/verifier';
import { installFixtures, project, removeProjects } from './jsProjects';

const tests = `const { mean } = require('../src/stats');

test('mean of integers', () => {
  expect(mean([2, 4])).toBe(3);
});

test('mean of halves', () => {
  expect(mean([1, 2])).toBe(1.5);
});
`;
const source = `function mean(values) {
  let total = 0;
  for (let i = 0; i < values.length; i++) total += values[i];
  return Math.floor(total / values.length);
}

module.exports = { mean };
`;

describe('verify: warm Jest worker', function () {
  this.timeout(240_000);
  let v: Verifier | undefined;
  let root: string;
  before(async function () {
    this.timeout(15 * 60_000);
    await installFixtures('jest-js');
    root = await project('jest-js', { 'test/stats.test.js': tests, 'src/stats.js': source });
    await fs.rm(join(root, 'test', 'quiet.test.js'));
    v = await Verifier.open({ root, language: 'javascript', sources: ['src/stats.js'], tests: ['test/stats.test.js'] }, { workers: 1, baselineTestTimeoutMs: 5000 });
  });
  after(async () => {
    await v?.close();
    await removeProjects();
  });

  it('has the baseline `loopwise run` reports', async () => {
    const run = await runTests({ root });
    const failing = run.tests.filter((t) => t.status !== 'passed').map((t) => t.id);
    assert.deepStrictEqual(v!.baseline.failing, failing);
    assert.deepStrictEqual([...v!.baseline.passing].sort(), run.tests.filter((t) => t.status === 'passed').map((t) => t.id).sort());
  });

  it('accepts a correct candidate, rejects a wrong one, and checks the original again in between', async () => {
    const fixed = await v!.verify({ 'src/stats.js': source.replace('Math.floor(total / values.length)', 'total / values.length') });
    assert.strictEqual(fixed.status, 'passed', JSON.stringify(fixed));
    assert.deepStrictEqual(fixed.testsFixed, ['test/stats.test.js::mean of halves']);
    const wrong = await v!.verify({ 'src/stats.js': source.replace('Math.floor(total / values.length)', 'Math.ceil(total / values.length)') });
    assert.strictEqual(wrong.status, 'failed');
    const original = await v!.verify({});
    assert.strictEqual(original.status, 'failed', 'the previous candidate is not left in place');
  });

  it('contains a candidate that spins and keeps serving', async () => {
    const spin = await v!.verify({ 'src/stats.js': source.replace('let total = 0;', 'let total = 0;\n  while (values) total++;') });
    assert.ok(spin.status === 'timedOut' || spin.status === 'crashed', JSON.stringify(spin));
    const fixed = await v!.verify({ 'src/stats.js': source.replace('Math.floor(total / values.length)', 'total / values.length') });
    assert.strictEqual(fixed.status, 'passed', JSON.stringify(fixed));
  });
});
