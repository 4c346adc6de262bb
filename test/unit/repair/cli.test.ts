// The `fix` and `bench repair` commands: output, exit codes, usage errors, the exact JSON summary of the
// benchmark, and that a suite folder is only read.
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import bench from '../../../server/src/cli/bench';
import fix from '../../../server/src/cli/fix';
import { UsageError } from '../../../server/src/errors';

const fixtures = join(__dirname, '..', '..', 'fixtures', 'repair');

async function capture(run: () => Promise<number>): Promise<{ code: number; out: string }> {
  const lines: string[] = [];
  const original = console.log;
  console.log = (...a: unknown[]) => { lines.push(a.map(String).join(' ')); };
  try {
    const code = await run();
    return { code, out: lines.join('\n') };
  } finally {
    console.log = original;
  }
}

function listing(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? [p + '/', ...listing(p)] : [p + ':' + readFileSync(p, 'utf8').length];
  });
}

describe('cli: fix and bench repair', function () {
  this.timeout(240000);

  it('fix prints the suspicious lines and the verified diff, exit 0', async () => {
    const { code, out } = await capture(() => fix([join(fixtures, 'py-operator'), '--budget-s', '60']));
    assert.equal(code, 0);
    assert.match(out, /most suspicious lines:/);
    assert.match(out, /stats\.py:4/);
    assert.match(out, /^\+\s+if v > best:$/m);
  });

  it('fix says "no fix found within budget" and exits 1 when there is none', async () => {
    const { code, out } = await capture(() => fix([join(fixtures, 'py-nofix'), '--budget-s', '4']));
    assert.equal(code, 1);
    assert.match(out, /no fix found within budget/);
  });

  it('fix rejects bad usage with a UsageError (exit 2)', async () => {
    await assert.rejects(fix([]), UsageError);
    await assert.rejects(fix([join(fixtures, 'py-operator'), '--budget-s', 'soon']), UsageError);
    await assert.rejects(fix([join(fixtures, 'does-not-exist')]), UsageError);
  });

  it('bench rejects unknown engines and unknown subcommands', async () => {
    await assert.rejects(bench(['repair', fixtures, '--engine', 'quantum']), /engine/);
    await assert.rejects(bench(['nonsense']), UsageError);
  });

  it('bench repair runs a suite, writes exactly the contract JSON, and leaves the suite untouched', async () => {
    const suite = mkdtempSync(join(tmpdir(), 'lw-suite-'));
    try {
      const add = (id: string, fixture: string, source: string, test: string, fixed: string) => {
        const dir = join(suite, id);
        mkdirSync(join(dir, 'fixed'), { recursive: true });
        cpSync(join(fixtures, fixture), join(dir, 'workspace'), { recursive: true });
        writeFileSync(join(dir, 'fixed', source), fixed);
        writeFileSync(join(dir, 'task.json'), JSON.stringify({ id, language: 'python', sources: [source], tests: [test] }));
      };
      const stats = readFileSync(join(fixtures, 'py-operator', 'stats.py'), 'utf8');
      add('one-token', 'py-operator', 'stats.py', 'test_stats.py', stats.replace('v < best', 'v > best'));
      add('hopeless', 'py-nofix', 'secret.py', 'test_secret.py', 'def checksum(text):\n    return 123456789 if text == "loopwise" else 987654321\n');
      const before = listing(suite);
      // A dangling symlink in the suite folder is skipped, not fatal.
      symlinkSync(join(suite, 'removed-task'), join(suite, 'dangling'));
      const out = join(tmpdir(), `lw-bench-${process.pid}.json`);
      const { code, out: printed } = await capture(() => bench(['repair', suite, '--json', out, '--budget-s', '8']));
      rmSync(join(suite, 'dangling'));
      assert.equal(code, 0);
      assert.match(printed, /one-token\s+plausible/);
      assert.match(printed, /hopeless\s+noFix/);
      const summary = JSON.parse(readFileSync(out, 'utf8'));
      rmSync(out);
      assert.deepEqual(Object.keys(summary).sort(), ['candidatesPerSecond', 'correct', 'failingDetected', 'localization', 'plausible', 'secondsPerTask', 'suite', 'tasks'].sort());
      assert.equal(summary.tasks, 2);
      assert.equal(summary.failingDetected, 2);
      assert.equal(summary.plausible, 1);
      assert.equal(summary.correct, 1);
      assert.deepEqual(Object.keys(summary.localization).sort(), ['scored', 'top1', 'top3', 'top5']);
      assert.equal(summary.localization.scored, 2);
      assert.ok(summary.localization.top1 >= 1, 'the fixed task\'s bug line is ranked first');
      assert.deepEqual(Object.keys(summary.secondsPerTask).sort(), ['median', 'p90']);
      assert.deepEqual(Object.keys(summary.candidatesPerSecond), ['median']);
      assert.deepEqual(listing(suite), before);
    } finally {
      rmSync(suite, { recursive: true, force: true });
    }
  });
});
