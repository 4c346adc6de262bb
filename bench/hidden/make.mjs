// Regenerates the hidden tests bench/hidden/<suite>/<task-id>/ by running each task's fixed/ version on
// new inputs near the task's own test inputs (or on a hand-built template in manual/<task-id>.{py,js}).
// Usage: node bench/hidden/make.mjs [suite ...] [--only <task-id>]   Then check with bench/hidden/check.mjs.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { generic as jsGeneric, manual as jsManual } from './lib/js_make.mjs';

const HERE = path.dirname(new URL(import.meta.url).pathname);
const SUITES_DIR = process.env.LOOPWISE_SUITES ?? '/work/shared/benchmarks/suites';
const DEFAULT_SUITES = ['quixbugs-python', 'humanevalfix-js-dev'];

/** The hidden file a task's test file gets: test_x.py -> test_x_hidden.py, x.test.js -> x.hidden.test.js. */
function hiddenName(testFile) {
  return testFile.endsWith('.py') ? testFile.replace(/\.py$/, '_hidden.py') : testFile.replace(/\.test\.(c|m)?js$/, '.hidden.test.$1js');
}

const isTestFile = (f) => /(^|\/)test_[^/]*\.py$/.test(f) || /\.test\.(c|m)?js$/.test(f);

/** The task's workspace with fixed/ laid over, in a temporary folder. */
function fixedCopy(taskDir) {
  const dir = mkdtempSync(path.join(tmpdir(), 'hidden-make-'));
  cpSync(path.join(taskDir, 'workspace'), dir, { recursive: true });
  if (existsSync(path.join(taskDir, 'fixed'))) cpSync(path.join(taskDir, 'fixed'), dir, { recursive: true });
  return dir;
}

function pyMake(args, task) {
  const r = spawnSync('python3', [path.join(HERE, 'lib', 'py_make.py'), ...args], {
    encoding: 'utf8', env: { ...process.env, HIDDEN_TASK: task }, timeout: 600000,
  });
  if (r.status !== 0) return { task, cases: 0, error: r.stderr.trim().split('\n').pop() };
  return JSON.parse(r.stdout);
}

function makeTask(suite, taskDir) {
  const meta = JSON.parse(readFileSync(path.join(taskDir, 'task.json'), 'utf8'));
  const outDir = path.join(HERE, suite, meta.id);
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const tests = meta.tests.filter(isTestFile);
  const ext = meta.language === 'python' ? 'py' : 'js';
  const template = path.join(HERE, 'manual', `${meta.id}.${ext}`);
  const dir = fixedCopy(taskDir);
  try {
    const out = path.join(outDir, hiddenName(tests[0]));
    if (existsSync(template)) {
      return ext === 'py' ? pyMake(['manual', dir, template, out], meta.id) : jsManual(dir, template, out, meta.id);
    }
    if (ext === 'js') return jsGeneric(dir, tests[0], out, meta.id);
    const cases = meta.tests.find((f) => f.endsWith('.json'));
    if (!cases) return { task: meta.id, cases: 0, error: 'no json test cases and no manual template' };
    return pyMake(['generic', dir, tests[0], cases, out], meta.id);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function main() {
  const argv = process.argv.slice(2);
  const only = argv.includes('--only') ? argv[argv.indexOf('--only') + 1] : null;
  const suites = argv.filter((a, i) => a !== '--only' && argv[i - 1] !== '--only');
  const counts = [];
  for (const suite of suites.length ? suites : DEFAULT_SUITES) {
    const root = path.join(SUITES_DIR, suite);
    for (const id of readdirSync(root).sort()) {
      if (only && id !== only) continue;
      const res = makeTask(suite, path.join(root, id));
      counts.push(res.cases);
      const note = res.error ? `ERROR ${res.error}` : `${res.tried} tried${res.dropped.length ? `, dropped: ${res.dropped.join(', ')}` : ''}`;
      console.log(`${suite}/${id}: ${res.cases} cases (${note})`);
    }
  }
  const sorted = [...counts].sort((a, b) => a - b);
  const median = sorted.length ? sorted[Math.floor((sorted.length - 1) / 2)] : 0;
  console.log(`\n${counts.length} tasks, ${counts.filter((c) => c > 0).length} with cases; cases per task median ${median}, min ${sorted[0] ?? 0}, max ${sorted.at(-1) ?? 0}`);
}

main();
