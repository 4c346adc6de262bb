// Python test runs on the fixture projects in test/fixtures/run: results, locations, compared values,
// and each kind of bad input (syntax error, infinite loop, megabytes of output, non-UTF-8, no tests...).
import * as assert from 'node:assert';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { TestRunResult } from '../../../common/results';
import { detectProject, runTests } from '../../../server/src/run';

const fixtures = resolve(__dirname, '../../fixtures/run');
const fixture = (name: string) => join(fixtures, name);
const byName = (r: TestRunResult, name: string) => {
  const t = r.tests.find((x) => x.name === name);
  assert.ok(t, `no result named '${name}' in ${JSON.stringify(r.tests.map((x) => x.name))}`);
  return t;
};

/** Every file under dir with its content, to show that a run changed nothing. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) Object.assign(out, Object.fromEntries(Object.entries(snapshot(p)).map(([k, v]) => [`${name}/${k}`, v])));
    else out[name] = readFileSync(p, 'latin1');
  }
  return out;
}

describe('run: Python', function () {
  this.timeout(90000);

  it('reports passing pytest tests and leaves the workspace untouched', async () => {
    const before = snapshot(fixture('py-pass'));
    const r = await runTests({ root: fixture('py-pass') });
    assert.strictEqual(r.language, 'python');
    assert.strictEqual(r.framework, 'pytest');
    assert.deepStrictEqual(r.summary, { total: 2, passed: 2, failed: 0, errors: 0, timedOut: 0, skipped: 0 });
    assert.deepStrictEqual(r.tests.map((t) => t.id), ['test_calc.py::test_add', 'test_calc.py::test_add_negative']);
    assert.strictEqual(byName(r, 'test_add').line, 4);
    assert.deepStrictEqual(snapshot(fixture('py-pass')), before);
  });

  it('gives the failing assertion, expected/actual and the deepest user frame', async () => {
    const r = await runTests({ root: fixture('py-fail') });
    assert.strictEqual(r.summary.failed, 2);
    assert.strictEqual(byName(r, 'test_average_of_integers').status, 'passed');
    const halves = byName(r, 'test_average_of_halves');
    assert.strictEqual(halves.status, 'failed');
    assert.strictEqual(halves.expected, '1.5');
    assert.strictEqual(halves.actual, '1');
    assert.deepStrictEqual(halves.assertion, { file: 'test_calc.py', line: 9 });
    assert.match(halves.message ?? '', /assert 1 == 1\.5/);
    const empty = byName(r, 'test_first_word_of_empty_text');
    assert.match(empty.message ?? '', /IndexError/);
    assert.deepStrictEqual(empty.assertion, { file: 'test_calc.py', line: 13 });
    assert.deepStrictEqual(empty.traceback?.at(-1), { file: 'calc.py', line: 9, function: 'first_word' });
  });

  it('reports a syntax error at its line and still runs the other test files', async () => {
    const r = await runTests({ root: fixture('py-syntax') });
    const syntax = r.problems.find((p) => p.kind === 'syntaxError');
    assert.ok(syntax, JSON.stringify(r.problems));
    assert.deepStrictEqual(syntax.location, { file: 'calc.py', line: 5 });
    assert.match(syntax.message, /SyntaxError/);
    assert.strictEqual(byName(r, 'test_independent').status, 'passed');
    const broken = r.tests.find((t) => t.file === 'test_calc.py');
    assert.strictEqual(broken?.status, 'error');
  });

  it('times out an infinite loop and still reports the tests around it', async () => {
    const r = await runTests({ root: fixture('py-loop'), testTimeoutS: 1 });
    assert.strictEqual(byName(r, 'test_forever').status, 'timedOut');
    assert.match(byName(r, 'test_forever').message ?? '', /timed out after 1 s/);
    assert.strictEqual(byName(r, 'test_before').status, 'passed');
    assert.strictEqual(byName(r, 'test_after').status, 'passed');
  });

  it('times out a test the alarm cannot interrupt, then resumes with the tests after it', async () => {
    const r = await runTests({ root: fixture('py-stubborn'), testTimeoutS: 1 });
    const stuck = byName(r, 'test_long_c_call');
    assert.strictEqual(stuck.status, 'timedOut');
    assert.strictEqual(stuck.line, 5);
    assert.match(stuck.message ?? '', /could not be interrupted/);
    assert.strictEqual(byName(r, 'test_first').status, 'passed');
    assert.strictEqual(byName(r, 'test_last').status, 'failed');
  });

  it('reports a test that kills the interpreter and still runs the tests after it', async () => {
    const r = await runTests({ root: fixture('py-crash') });
    const crash = byName(r, 'test_kills_the_interpreter');
    assert.strictEqual(crash.status, 'error');
    assert.match(crash.message ?? '', /broke off while running this test \(SIGKILL\)/);
    assert.strictEqual(crash.line, 9);
    assert.strictEqual(byName(r, 'test_before').status, 'passed');
    assert.strictEqual(byName(r, 'test_after').status, 'failed');
  });

  it('times out a test file that loops while being imported, and runs the other files', async () => {
    const r = await runTests({ root: fixture('py-import-loop'), testTimeoutS: 1 });
    const hung = r.tests.find((t) => t.file === 'test_hangs_on_import.py');
    assert.strictEqual(hung?.status, 'timedOut');
    assert.match(hung?.message ?? '', /importing this file did not finish/);
    assert.strictEqual(byName(r, 'test_fine').status, 'passed');
  });

  it('caps the output of a test that prints megabytes and says so', async () => {
    const r = await runTests({ root: fixture('py-huge-output') });
    const noisy = byName(r, 'test_noisy');
    assert.strictEqual(noisy.status, 'failed');
    assert.ok((noisy.output?.length ?? 0) <= 65536 && (noisy.output?.length ?? 0) > 1000);
    assert.ok((noisy.outputBytes ?? 0) > 5_000_000);
    assert.ok(r.problems.some((p) => p.kind === 'outputTruncated' && /MB/.test(p.message)), JSON.stringify(r.problems));
    assert.strictEqual(byName(r, 'test_quiet').status, 'passed');
  });

  it('explains a file that is not UTF-8', async () => {
    const r = await runTests({ root: fixture('py-latin1') });
    const p = r.problems.find((x) => x.kind === 'syntaxError');
    assert.ok(p, JSON.stringify(r.problems));
    assert.deepStrictEqual(p.location, { file: 'greet.py', line: 2 });
    assert.match(p.message, /not valid UTF-8/);
  });

  it('works in a folder whose path has spaces', async () => {
    const r = await runTests({ root: fixture('py with spaces') });
    assert.strictEqual(r.summary.failed, 2);
    assert.deepStrictEqual(byName(r, 'test_average_of_halves').assertion, { file: 'test_calc.py', line: 9 });
  });

  it('says when there are no tests', async () => {
    const r = await runTests({ root: fixture('py-no-tests') });
    assert.strictEqual(r.tests.length, 0);
    assert.ok(r.problems.some((p) => p.kind === 'noTests' && /test_\*\.py/.test(p.message)), JSON.stringify(r.problems));
  });

  it('says when the language is not supported', async () => {
    const d = await detectProject(fixture('unsupported'));
    assert.strictEqual(d.language, 'unknown');
    assert.ok(d.problems.some((p) => p.kind === 'unsupportedLanguage' && /\.rb/.test(p.message)));
    const r = await runTests({ root: fixture('unsupported') });
    assert.strictEqual(r.problems[0].kind, 'unsupportedLanguage');
  });

  it('can be cancelled while a test loops, and says so', async () => {
    const abort = new AbortController();
    let started = false;
    const run = runTests({ root: fixture('py-loop'), testTimeoutS: 60, signal: abort.signal, onProgress: (m) => { started ||= /running/.test(m); } });
    setTimeout(() => abort.abort(), 2500);
    const r = await run;
    assert.ok(started);
    assert.ok(r.problems.some((p) => /cancelled/.test(p.message)), JSON.stringify(r.problems));
    assert.notStrictEqual(r.tests.find((t) => t.name === 'test_forever')?.status, 'passed');
  });

  it('runs only the tests related to the given files', async () => {
    const r = await runTests({ root: fixture('py-syntax'), files: ['test_other.py'] });
    assert.deepStrictEqual(r.tests.map((t) => t.name), ['test_independent']);
    const bySource = await runTests({ root: fixture('py-fail'), files: ['calc.py'] });
    assert.strictEqual(bySource.summary.total, 3);
  });

  describe('without pytest (a project virtualenv)', () => {
    let project: string;
    before(function () {
      this.timeout(60000);
      project = mkdtempSync(join(tmpdir(), 'loopwise-venv-'));
      cpSync(fixture('py-unittest'), project, { recursive: true });
      execFileSync('python3', ['-m', 'venv', '--without-pip', join(project, '.venv')]);
    });
    after(() => rmSync(project, { recursive: true, force: true }));

    it('falls back to unittest, with expected/actual from assertEqual', async () => {
      const r = await runTests({ root: project });
      assert.strictEqual(r.framework, 'unittest');
      const t = byName(r, 'AddTest.test_add');
      assert.strictEqual(t.status, 'failed');
      assert.strictEqual(t.expected, '5');
      assert.strictEqual(t.actual, '-1');
      assert.deepStrictEqual(t.assertion, { file: 'test_calc.py', line: 8 });
      assert.strictEqual(byName(r, 'AddTest.test_zero').status, 'passed');
    });

    it('says to install pytest when the tests need it', async () => {
      cpSync(fixture('py-pass/test_calc.py'), join(project, 'test_needs_pytest.py'));
      execFileSync('sh', ['-c', `printf 'import pytest\\n' | cat - test_needs_pytest.py > t && mv t test_needs_pytest.py`], { cwd: project });
      const r = await runTests({ root: project });
      const p = r.problems.find((x) => x.kind === 'frameworkMissing');
      assert.ok(p, JSON.stringify(r.problems));
      assert.match(p.message, /pip install pytest/);
      rmSync(join(project, 'test_needs_pytest.py'));
    });
  });
});
