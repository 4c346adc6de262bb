// `loopwise run` as a user calls it: human output with file:line and expected/actual, --json with the
// full TestRunResult, and exit codes 0 (all pass), 1 (a failure), 2 (usage or environment error).
import * as assert from 'node:assert';
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import type { TestRunResult } from '../../../common/results';

const repo = resolve(__dirname, '../../..');
const fixture = (name: string) => resolve(repo, 'test/fixtures/run', name);

function loopwise(...args: string[]) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'server/src/cli.ts', 'run', ...args], { cwd: repo, encoding: 'utf8', timeout: 60000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('loopwise run (CLI)', function () {
  this.timeout(90000);

  it('exits 0 and prints a summary when all tests pass', () => {
    const r = loopwise(fixture('py-pass'));
    assert.strictEqual(r.code, 0, r.stderr);
    assert.match(r.stdout, /2 passed, 0 failed \(pytest/);
  });

  it('exits 1 and prints each failure with file:line and expected/actual', () => {
    const r = loopwise(fixture('js-node'), '--timeout-s', '1');
    assert.strictEqual(r.code, 1, r.stderr);
    assert.match(r.stdout, /^stats\.test\.js:10: FAILED mean of halves: Expected values to be strictly equal \(expected 1\.5, actual 1\)$/m);
    assert.match(r.stdout, /^stats\.test\.js:13: TIMEDOUT spin forever: timed out after 1 s/m);
    assert.match(r.stdout, /^2 passed, 2 failed, 1 timed out \(node:test, /m);
  });

  it('--json prints the structured result', () => {
    const r = loopwise(fixture('py-fail'), '--json');
    assert.strictEqual(r.code, 1);
    const result = JSON.parse(r.stdout) as TestRunResult;
    assert.strictEqual(result.framework, 'pytest');
    assert.strictEqual(result.summary.failed, 2);
    assert.ok(result.tests.every((t) => t.file === 'test_calc.py'));
  });

  it('exits 2 with a clear message for a missing folder, an unsupported language, a missing framework, a bad flag', () => {
    const missing = loopwise(fixture('does-not-exist'));
    assert.strictEqual(missing.code, 2);
    assert.match(missing.stderr, /folder not found/);
    const ruby = loopwise(fixture('unsupported'));
    assert.strictEqual(ruby.code, 2);
    assert.match(ruby.stderr, /Python .* JavaScript/);
    const ts = loopwise(fixture('js-ts'));
    assert.strictEqual(ts.code, 2);
    assert.match(ts.stderr, /install tsx/);
    const flag = loopwise(fixture('py-pass'), '--timeout-s', 'soon');
    assert.strictEqual(flag.code, 2);
    assert.match(flag.stderr, /--timeout-s must be a positive number/);
    for (const r of [missing, ruby, ts, flag]) assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
  });
});
