// Running as root, the Python worker runs each candidate as nobody: a clean tree must still pass in the
// verifier exactly as in `loopwise run` (modules imported lazily from the interpreter, temporary files,
// HOME, the project folder), and where nobody cannot see what root sees the verifier falls back and says so.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runTests } from '../../../server/src/run';
import { repair } from '../../../server/src/repair/repair';
import { loadTask } from '../../../server/src/repair/task';
import { hintForFolder } from '../../../server/src/hints/pipeline';
import { Verifier } from '../../../server/src/verify/verifier';

const isRoot = process.getuid?.() === 0;

// Imports inside the tests: they happen in the candidate's process, after it switched user.
const tests = `import os, tempfile
from pkg.util import clamp

def test_low():
    assert clamp(-1, 0, 10) == 0

def test_high():
    assert clamp(11, 0, 10) == 10

def test_lazy_imports():
    import ctypes, asyncio, decimal
    assert ctypes.sizeof(ctypes.c_int) == 4
    assert asyncio.run(asyncio.sleep(0, result=3)) == 3
    assert 'bücher.de'.encode('idna') == b'xn--bcher-kva.de'

def test_tempfile():
    with tempfile.NamedTemporaryFile('w', delete=False) as f:
        f.write('x')
    assert open(f.name).read() == 'x'

def test_tmp_path(tmp_path):
    (tmp_path / 'a.txt').write_text('hi')
    assert (tmp_path / 'a.txt').read_text() == 'hi'

def test_cwd_and_home():
    with open('written-by-test.txt', 'w') as f:
        f.write('x')
    with open(os.path.expanduser('~/.cache-file'), 'w') as f:
        f.write('x')
`;

function project(dir: string, util: string, extra = ''): string {
  mkdirSync(join(dir, 'pkg'), { recursive: true });
  mkdirSync(join(dir, 'tests'), { recursive: true });
  writeFileSync(join(dir, 'pkg', '__init__.py'), '');
  writeFileSync(join(dir, 'pkg', 'util.py'), util);
  writeFileSync(join(dir, 'tests', 'test_util.py'), tests + extra);
  return dir;
}

const clean = 'def clamp(x, lo, hi):\n    if x < lo:\n        return lo\n    if x > hi:\n        return hi\n    return x\n';
const buggy = clean.replace('return hi', 'return lo');

for (const sandbox of ['default', 'rlimits'] as const) {
  describe(`verify: the baseline agrees with loopwise run, test for test (sandbox: ${sandbox})`, function () {
    this.timeout(180000);
    let dir: string;
    const saved = process.env.LOOPWISE_SANDBOX;
    before(() => {
      dir = mkdtempSync(join(tmpdir(), 'lw-priv-'));
      if (sandbox === 'rlimits') process.env.LOOPWISE_SANDBOX = 'rlimits';
    });
    after(() => {
      if (saved === undefined) delete process.env.LOOPWISE_SANDBOX; else process.env.LOOPWISE_SANDBOX = saved;
      rmSync(dir, { recursive: true, force: true });
    });

    it('a clean tree: run, fix and hint all see every test pass', async () => {
      const root = project(join(dir, 'clean'), clean);
      const run = await runTests({ root });
      assert.deepEqual(run.summary, { total: 6, passed: 6, failed: 0, errors: 0, timedOut: 0, skipped: 0 }, JSON.stringify(run.tests.filter((t) => t.status !== 'passed')));
      const fixed = await repair({ ...loadTask(root), budgetS: 20 });
      assert.equal(fixed.status, 'alreadyPassing', `${fixed.message} ${fixed.failingTests.join(', ')}`);
      const hint = await hintForFolder(root, { engine: 'embedded' });
      assert.equal(hint.status, 'allPassing', hint.message);
    });

    it('a real bug: the verifier fails exactly the tests loopwise run fails', async () => {
      const root = project(join(dir, 'buggy'), buggy);
      const run = await runTests({ root });
      const failing = run.tests.filter((t) => t.status !== 'passed').map((t) => t.id).sort();
      assert.deepEqual(failing, ['tests/test_util.py::test_high']);
      const v = await Verifier.open(loadTask(root), { workers: 1 });
      try {
        assert.deepEqual([...v.baseline.failing].sort(), failing, JSON.stringify(v.baseline.outcomes));
        const verdict = await v.verify({ 'pkg/util.py': clean });
        assert.equal(verdict.status, 'passed', JSON.stringify(verdict.tests));
      } finally {
        await v.close();
      }
    });

    it('a test that only passes as the user running Loopwise: no false failure, and the fallback is said', async () => {
      const uid = process.getuid?.() ?? 0;
      const root = project(join(dir, 'uid'), clean, `\ndef test_user():\n    assert os.getuid() == ${uid}\n`);
      const v = await Verifier.open(loadTask(root), { workers: 1 });
      try {
        assert.deepEqual(v.baseline.failing, [], JSON.stringify(v.baseline.outcomes));
        assert.equal(v.baseline.passing.length, 7);
        // As root the candidates would run as nobody, which fails test_user: the verifier must have noticed.
        if (isRoot) assert.match(v.baseline.notes.join('\n'), /candidates run as root/);
        else assert.deepEqual(v.baseline.notes, []);
        const broken = await v.verify({ 'pkg/util.py': buggy });
        assert.equal(broken.status, 'failed');
      } finally {
        await v.close();
      }
    });
  });
}
