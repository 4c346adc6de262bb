// Checks the hidden tests in bench/hidden/<suite>/<task-id>/: each must pass on the task's workspace with
// fixed/ laid over, and (a sanity figure, not a requirement) prints how many fail on the buggy workspace.
// Usage: node bench/hidden/check.mjs [suite ...] [--only <task-id>]
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const HERE = path.dirname(new URL(import.meta.url).pathname);
const SUITES_DIR = process.env.LOOPWISE_SUITES ?? '/work/shared/benchmarks/suites';
const DEFAULT_SUITES = ['quixbugs-python', 'humanevalfix-js-dev'];
// fixed/ finishes in about a second; the wide margin is for a loaded machine. The buggy run may hang.
const FIXED_TIMEOUT_MS = 120000;
const BUGGY_TIMEOUT_MS = 30000;

/** Runs only the hidden files in a copy of the workspace (with fixed/ laid over when asked). */
function runHidden(taskDir, hiddenDir, withFixed) {
  const dir = mkdtempSync(path.join(tmpdir(), 'hidden-check-'));
  try {
    cpSync(path.join(taskDir, 'workspace'), dir, { recursive: true });
    if (withFixed) cpSync(path.join(taskDir, 'fixed'), dir, { recursive: true });
    const files = readdirSync(hiddenDir);
    cpSync(hiddenDir, dir, { recursive: true });
    const py = files.some((f) => f.endsWith('.py'));
    const cmd = py ? ['python3', ['-m', 'pytest', '-q', '-p', 'no:cacheprovider', ...files]] : [process.execPath, ['--test', ...files]];
    const r = spawnSync(cmd[0], cmd[1], { cwd: dir, encoding: 'utf8', timeout: withFixed ? FIXED_TIMEOUT_MS : BUGGY_TIMEOUT_MS });
    const out = `${r.stdout}\n${r.stderr}`;
    const passed = Number((py ? /(\d+) passed/ : /^# pass (\d+)/m).exec(out)?.[1] ?? 0);
    return { ok: r.status === 0, timedOut: r.error?.code === 'ETIMEDOUT', passed, out };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function main() {
  const argv = process.argv.slice(2);
  const only = argv.includes('--only') ? argv[argv.indexOf('--only') + 1] : null;
  const suites = argv.filter((a, i) => a !== '--only' && argv[i - 1] !== '--only');
  let bad = 0;
  for (const suite of suites.length ? suites : DEFAULT_SUITES) {
    let tasks = 0, fixedOk = 0, buggyFails = 0;
    const missing = [], buggyPasses = [];
    for (const id of readdirSync(path.join(SUITES_DIR, suite)).sort()) {
      if (only && id !== only) continue;
      tasks++;
      const hiddenDir = path.join(HERE, suite, id);
      if (!existsSync(hiddenDir) || !readdirSync(hiddenDir).length) { missing.push(id); continue; }
      const taskDir = path.join(SUITES_DIR, suite, id);
      const fixed = runHidden(taskDir, hiddenDir, true);
      if (fixed.ok && fixed.passed > 0) fixedOk++;
      else console.log(`${suite}/${id}: FAILS WITH fixed/ (${fixed.passed} passed)\n${fixed.out.slice(-1500)}`);
      const buggy = runHidden(taskDir, hiddenDir, false);
      if (buggy.ok) buggyPasses.push(id); else buggyFails++;
      console.log(`${suite}/${id}: fixed ${fixed.ok ? 'pass' : 'FAIL'} (${fixed.passed} cases), buggy ${buggy.ok ? 'pass' : buggy.timedOut ? 'fail (timeout)' : 'fail'}`);
    }
    bad += tasks - fixedOk;
    console.log(`\n${suite}: ${tasks} tasks, hidden tests pass with fixed/ on ${fixedOk}, fail on the buggy workspace on ${buggyFails}`
      + `${missing.length ? `; no hidden test: ${missing.join(' ')}` : ''}${buggyPasses.length ? `; buggy passes: ${buggyPasses.join(' ')}` : ''}\n`);
  }
  process.exit(bad ? 1 : 0);
}

main();
