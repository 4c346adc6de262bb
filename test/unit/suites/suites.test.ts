// The runner on the shared benchmark suites (../shared/benchmarks/suites, see FORMAT.md there): on every
// task at least one test fails or times out on workspace/, and all pass once fixed/ (or reference.py as
// solution.py) is laid over a copy of it. The suite folders are only read, never modified.
import * as assert from 'node:assert';
import { cpSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { TestRunResult } from '../../../common/results';
import { runTests } from '../../../server/src/run';

const repoRoot = resolve(__dirname, '../../..');
const suitesDir = resolve(repoRoot, '../shared/benchmarks/suites');
const suites = ['quixbugs-python', 'humanevalfix-js-dev', 'intropynus-dev'];
// Buggy runs only need one failure, so a short limit; fixed runs include slow but correct tests (levenshtein).
const buggyTimeoutS = 1;
const fixedTimeoutS = 15;
const concurrency = 2;

function describeRun(r: TestRunResult): string {
  const s = r.summary;
  const problems = r.problems.filter((p) => p.kind !== 'weakSandbox').map((p) => `${p.kind}: ${p.message.split('\n')[0]}`);
  return `${s.passed}/${s.total} passed, ${s.failed} failed, ${s.errors} errors, ${s.timedOut} timed out${problems.length ? `; ${problems.join('; ')}` : ''}`;
}

/** Runs `work` over `items` with at most `limit` in flight. */
async function pool<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: limit }, async () => {
    while (next < items.length) await work(items[next++]);
  }));
}

async function checkTask(taskDir: string): Promise<string | undefined> {
  const workspace = join(taskDir, 'workspace');
  const buggy = await runTests({ root: workspace, testTimeoutS: buggyTimeoutS, runTimeoutS: 60 });
  const s = buggy.summary;
  if (s.failed + s.errors + s.timedOut === 0) return `workspace/: expected a failing or timed-out test, got ${describeRun(buggy)}`;
  if (buggy.problems.some((p) => p.kind === 'runnerCrashed')) return `workspace/: runner problem: ${describeRun(buggy)}`;

  const scratch = mkdtempSync(join(tmpdir(), 'loopwise-suite-'));
  try {
    cpSync(workspace, scratch, { recursive: true });
    if (existsSync(join(taskDir, 'fixed'))) cpSync(join(taskDir, 'fixed'), scratch, { recursive: true });
    else if (existsSync(join(taskDir, 'reference.py'))) cpSync(join(taskDir, 'reference.py'), join(scratch, 'solution.py'));
    else return 'neither fixed/ nor reference.py';
    const fixed = await runTests({ root: scratch, testTimeoutS: fixedTimeoutS, runTimeoutS: 90 });
    const f = fixed.summary;
    const problems = fixed.problems.filter((p) => p.kind !== 'weakSandbox');
    if (f.total === 0 || f.passed + f.skipped !== f.total || problems.length) return `fixed: expected all to pass, got ${describeRun(fixed)}`;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  return undefined;
}

describe('runner on the benchmark suites', function () {
  this.timeout(15 * 60 * 1000);

  it('finds the suites in ../shared/benchmarks/suites', () => {
    assert.ok(existsSync(suitesDir), `benchmark suites not found at ${suitesDir}: this check needs the shared folder next to the repository`);
  });

  for (const suite of suites) {
    it(`${suite}: every task fails on workspace/ and passes with the fix`, async () => {
      const dir = join(suitesDir, suite);
      assert.ok(existsSync(dir), `suite folder missing: ${dir}`);
      const tasks = readdirSync(dir).filter((t) => existsSync(join(dir, t, 'task.json'))).sort();
      assert.ok(tasks.length > 0, `no tasks in ${dir}`);
      const failures: string[] = [];
      await pool(tasks, concurrency, async (task) => {
        const problem = await checkTask(join(dir, task)).catch((err: unknown) => `threw ${String(err)}`);
        if (problem) failures.push(`${task}: ${problem}`);
      });
      assert.deepStrictEqual(failures, [], `${failures.length} of ${tasks.length} tasks misbehave:\n${failures.join('\n')}`);
    });
  }
});
