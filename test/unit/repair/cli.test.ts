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
    assert.match(out, /^preferred: (keeps the original's results on \d+\/\d+ other inputs; (\d+ alternatives?|no other verified fix found)|the only verified fix found)$/m);
  });

  it('fix --json carries how the fix was preferred', async () => {
    const { code, out } = await capture(() => fix([join(fixtures, 'py-operator'), '--budget-s', '60', '--json']));
    assert.equal(code, 0);
    const r = JSON.parse(out);
    assert.equal(r.status, 'fixed');
    assert.equal(r.preference.alternatives, r.fixes.length - 1);
    assert.equal(typeof r.preference.reason, 'string');
    if (r.fixes.length > 1) assert.match(r.preference.reason, new RegExp(`^keeps the original's results on ${r.preference.keptInputs}/${r.preference.comparedInputs} other inputs; `));
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
    const hiddenDir = mkdtempSync(join(tmpdir(), 'lw-hidden-'));
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
      add('one-token-strict', 'py-operator', 'stats.py', 'test_stats.py', stats.replace('v < best', 'v > best'));
      add('hopeless', 'py-nofix', 'secret.py', 'test_secret.py', 'def checksum(text):\n    return 123456789 if text == "loopwise" else 987654321\n');
      // Hidden tests from --hidden-dir: one the fix passes (correct), one asking for more than the tests did
      // (an empty list raises ValueError: plausible but overfit).
      mkdirSync(join(hiddenDir, 'one-token'));
      writeFileSync(join(hiddenDir, 'one-token', 'test_hidden.py'), 'from stats import largest\n\ndef test_first_largest():\n    assert largest([3, 1, 2]) == 3\n');
      mkdirSync(join(hiddenDir, 'one-token-strict', 'more'), { recursive: true });
      writeFileSync(join(hiddenDir, 'one-token-strict', 'more', 'test_hidden_empty.py'),
        'import pytest\nfrom stats import largest\n\ndef test_empty():\n    with pytest.raises(ValueError):\n        largest([])\n');
      const before = listing(suite);
      // A dangling symlink in the suite folder is skipped, not fatal.
      symlinkSync(join(suite, 'removed-task'), join(suite, 'dangling'));
      const out = join(tmpdir(), `lw-bench-${process.pid}.json`);
      const { code, out: printed } = await capture(() => bench(['repair', suite, '--json', out, '--budget-s', '8', '--hidden-dir', hiddenDir]));
      rmSync(join(suite, 'dangling'));
      assert.equal(code, 0);
      assert.match(printed, /one-token\s+correct/);
      assert.match(printed, /one-token-strict\s+plausible, fails hidden/);
      assert.match(printed, /hopeless\s+noFix/);
      assert.match(printed, /plausible 2, correct 1, overfit 1, partial 0 \(2 tasks have hidden tests/);
      const summary = JSON.parse(readFileSync(out, 'utf8'));
      rmSync(out);
      assert.deepEqual(Object.keys(summary).sort(), ['candidatesPerSecond', 'correct', 'failingDetected', 'hiddenTasks', 'localization', 'overfit', 'partial', 'plausible', 'secondsPerTask', 'suite', 'tasks'].sort());
      assert.equal(summary.tasks, 3);
      assert.equal(summary.failingDetected, 3);
      assert.equal(summary.plausible, 2);
      assert.equal(summary.correct, 1);
      assert.equal(summary.overfit, 1);
      assert.equal(summary.partial, 0);
      assert.equal(summary.hiddenTasks, 2);
      assert.deepEqual(Object.keys(summary.localization).sort(), ['scored', 'top1', 'top3', 'top5']);
      assert.equal(summary.localization.scored, 3);
      assert.ok(summary.localization.top1 >= 1, 'the fixed task\'s bug line is ranked first');
      assert.deepEqual(Object.keys(summary.secondsPerTask).sort(), ['median', 'p90']);
      assert.deepEqual(Object.keys(summary.candidatesPerSecond), ['median']);
      assert.deepEqual(listing(suite), before);
    } finally {
      rmSync(suite, { recursive: true, force: true });
      rmSync(hiddenDir, { recursive: true, force: true });
    }
  });
});
