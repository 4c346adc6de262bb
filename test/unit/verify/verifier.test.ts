// The warm verification workers: a candidate is judged on every test, runaway candidates (endless output,
// fork bombs, hangs, huge allocations) are contained and the worker keeps serving, and close() leaves no
// process behind.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Verifier } from '../../../server/src/verify/verifier';
import { processesMentioning, withTmpdir } from '../repair/helpers';

const fixtures = join(__dirname, '..', '..', 'fixtures', 'repair');

describe('verify: warm Python worker', function () {
  this.timeout(120000);
  const root = join(fixtures, 'py-operator');
  const original = readFileSync(join(root, 'stats.py'), 'utf8');
  let v: Verifier;
  let tmp: { dir: string; restore(): void };

  before(async () => {
    tmp = withTmpdir();
    v = await Verifier.open({ root, language: 'python', sources: ['stats.py'], tests: ['test_stats.py'] }, { workers: 1 });
  });
  after(async () => {
    await v?.close();
    tmp?.restore();
  });

  it('runs the original once and knows which tests fail', () => {
    assert.deepEqual(v.baseline.tests.length, 3);
    assert.deepEqual([...v.baseline.failing].sort(), ['test_stats.py::test_ascending', 'test_stats.py::test_mixed']);
  });

  it('accepts a correct candidate and names the tests it fixes', async () => {
    const r = await v.verify({ 'stats.py': original.replace('v < best', 'v > best') });
    assert.equal(r.status, 'passed');
    assert.deepEqual([...r.testsFixed].sort(), ['test_stats.py::test_ascending', 'test_stats.py::test_mixed']);
  });

  it('rejects a wrong candidate after the first failing test (fail fast)', async () => {
    const r = await v.verify({ 'stats.py': original.replace('v < best', 'v == best') });
    assert.equal(r.status, 'failed');
    assert.equal(r.tests.length, 1);
  });

  it('reports a candidate that does not compile as invalid', async () => {
    const r = await v.verify({ 'stats.py': original + '\n  ((' });
    assert.equal(r.status, 'invalid');
  });

  it('refuses to write a test file', async () => {
    await assert.rejects(v.verify({ 'test_stats.py': 'def test_x():\n    pass\n' }), /not a source file/);
  });

  it('contains a candidate that prints forever, and keeps serving', async () => {
    const r = await v.verify({ 'stats.py': original.replace('best = values[0]', 'while True:\n        print("spam" * 1000)') });
    assert.equal(r.status, 'timedOut');
    const ok = await v.verify({ 'stats.py': original.replace('v < best', 'v > best') });
    assert.equal(ok.status, 'passed');
  });

  it('contains a fork bomb and a huge allocation', async () => {
    const bomb = await v.verify({ 'stats.py': 'import os\nwhile True:\n    os.fork()\n' + original });
    assert.notEqual(bomb.status, 'passed');
    const alloc = await v.verify({ 'stats.py': original.replace('best = values[0]', 'best = [0] * (10 ** 11)') });
    assert.notEqual(alloc.status, 'passed');
    const ok = await v.verify({ 'stats.py': original.replace('v < best', 'v > best') });
    assert.equal(ok.status, 'passed');
  });

  it('tells localization when its observed run did not finish, so it runs the tests cold', async () => {
    const out = join(v.scratch.dir, 'observed.jsonl');
    const killed = 'import os, signal\nos.kill(os.getpid(), signal.SIGKILL)\n';
    assert.equal(await v.observe(killed, { out, testTimeoutS: 1 }, undefined, 5000), false);
    assert.equal(await v.observe('LOADED = True\n', { out, testTimeoutS: 1 }, undefined, 5000), true);
    const ok = await v.verify({ 'stats.py': original.replace('v < best', 'v > best') });
    assert.equal(ok.status, 'passed');
  });

  it('leaves no process behind after close()', async () => {
    const w = await Verifier.open({ root, language: 'python', sources: ['stats.py'], tests: ['test_stats.py'] }, { workers: 2 });
    assert.ok(processesMentioning(tmp.dir).length > 0, 'workers should be running while open');
    await w.close();
    await new Promise((r) => setTimeout(r, 300));
    await v.close();
    assert.deepEqual(processesMentioning(tmp.dir), []);
  });
});

describe('verify: warm JavaScript worker', function () {
  this.timeout(60000);
  const root = join(fixtures, 'js-operator');
  const original = readFileSync(join(root, 'range.js'), 'utf8');

  it('judges candidates with node:test files, contains hangs, and keeps serving', async () => {
    const v = await Verifier.open({ root, language: 'javascript', sources: ['range.js'], tests: ['range.test.js'] }, { workers: 1 });
    try {
      assert.equal(v.baseline.failing.length, 2);
      assert.equal((await v.verify({ 'range.js': original.replace('i < n', 'i <= n') })).status, 'passed');
      assert.equal((await v.verify({ 'range.js': original.replace('i++', 'i--') })).status, 'timedOut');
      assert.equal((await v.verify({ 'range.js': original.replace('i < n', 'i > n') })).status, 'failed');
      assert.equal((await v.verify({ 'range.js': original.replace('i < n', 'i <= n') })).status, 'passed');
    } finally {
      await v.close();
    }
  });

  it('tells a candidate that keeps the original behaviour beyond the tests from one that does not', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lw-behaviour-'));
    const clamp = 'function clamp(x, lo, hi) {\n  if (x < lo) return lo;\n  if (x > hi) return hi;\n  return x;\n}\nmodule.exports = { clamp };\n';
    writeFileSync(join(dir, 'clamp.js'), clamp);
    writeFileSync(join(dir, 'clamp.test.js'), [
      "const { test } = require('node:test');",
      "const assert = require('node:assert');",
      "const { clamp } = require('./clamp.js');",
      "test('inside', () => { assert.strictEqual(clamp(5, 0, 10), 5); });",
      "test('below', () => { assert.strictEqual(clamp(-3, 0, 10), 0); });",
      '',
    ].join('\n'));
    const v = await Verifier.open({ root: dir, language: 'javascript', sources: ['clamp.js'], tests: ['clamp.test.js'] }, { workers: 1 });
    try {
      const rewritten = clamp.replace(/\{\n[^]*?\n\}/, '{\n  return Math.min(Math.max(x, lo), hi);\n}');
      // Passes both tests, but no longer caps at hi: clamp(5, 0, 4) (hi - 1 from a tested call) returns 5.
      const uncapped = clamp.replace('  if (x > hi) return hi;\n', '');
      assert.equal((await v.verify({ 'clamp.js': rewritten })).status, 'passed');
      assert.equal((await v.verify({ 'clamp.js': uncapped })).status, 'passed');
      const b = await v.compareBehaviour([{ 'clamp.js': rewritten }, { 'clamp.js': uncapped }]);
      assert.ok(b && b.compared > 0, 'inputs compared');
      assert.equal(b.kept[0], b.compared);
      assert.ok(b.kept[1] < b.compared, `behaviour kept: ${b.kept[1]}/${b.compared}`);
    } finally {
      await v.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('measures how much a fix of the failing tests changes behaviour on the inputs near them', async () => {
    const v = await Verifier.open({ root, language: 'javascript', sources: ['range.js'], tests: ['range.test.js'] }, { workers: 1 });
    try {
      // Both fix the tests; the second only for n <= 3, so it departs from the original elsewhere too.
      const general = original.replace('i < n', 'i <= n');
      const special = original.replace('return total;', 'return n <= 3 ? total + n : total * 0;');
      assert.equal((await v.verify({ 'range.js': special })).status, 'passed');
      const b = await v.compareBehaviour([{ 'range.js': general }, { 'range.js': special }]);
      assert.ok(b && b.kept[0] > b.kept[1], `${b?.kept[0]} vs ${b?.kept[1]} of ${b?.compared}`);
    } finally {
      await v.close();
    }
  });
});
