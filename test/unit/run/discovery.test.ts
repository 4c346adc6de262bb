// Test discovery follows each runner's rules and the project's configuration, the same for `loopwise run`
// and for fix/hint's task: node --test's default patterns or the paths after --test in the test script,
// mocha's spec, pytest's testpaths and python_files. Fixtures under tests/ are neither run nor edited, and a
// .ts fixture does not make a JavaScript project TypeScript.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { inspectProject } from '../../../server/src/run/detect';
import { runTests } from '../../../server/src/run';
import { loadTask } from '../../../server/src/repair/task';
import { Verifier } from '../../../server/src/verify/verifier';

let base: string;
function project(name: string, files: Record<string, string>): string {
  const root = join(base, name);
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, rel)), { recursive: true });
    writeFileSync(join(root, rel), text);
  }
  return root;
}
const nodeTest = (name: string) => `const test = require('node:test');\nconst assert = require('node:assert');\nconst { add } = require('${name}');\ntest('adds', () => assert.strictEqual(add(1, 2), 3));\n`;
const add = 'exports.add = (a, b) => a + b;\n';

describe('run: test discovery by the runner\'s rules', function () {
  this.timeout(120000);
  before(() => { base = mkdtempSync(join(tmpdir(), 'lw-disc-')); });
  after(() => rmSync(base, { recursive: true, force: true }));

  it('node --test defaults: fixtures under tests/ are not run, a .ts fixture does not make it TypeScript', async () => {
    const root = project('node-fixtures', {
      'package.json': JSON.stringify({ name: 'n', scripts: { test: 'node --test' } }),
      'lib/add.js': add,
      'lib/add.test.js': nodeTest('./add'),
      'test/more.js': nodeTest('../lib/add'),
      'tests/fixtures/broken.js': 'throw new Error("a fixture, not a test");\n',
      'tests/fixtures/sample.ts': 'export const x: number = 1;\n',
      'tests/fixtures/input.test.json': '{}',
      'lib/add.spec.js': 'throw new Error("node --test does not run *.spec.js by default");\n',
    });
    const p = await inspectProject(root);
    assert.equal(p.language, 'javascript');
    assert.equal(p.framework, 'node-test');
    assert.deepEqual(p.tests, ['lib/add.test.js', 'test/more.js']);
    assert.deepEqual(p.problems, []);
    const run = await runTests({ root });
    assert.deepEqual(run.tests.map((t) => `${t.file} ${t.status}`).sort(), ['lib/add.test.js passed', 'test/more.js passed']);
    const task = loadTask(root);
    assert.deepEqual(task.sources, ['lib/add.js', 'lib/add.spec.js']);
    assert.ok(task.tests.includes('tests/fixtures/broken.js') && task.tests.includes('lib/add.test.js'), task.tests.join(', '));
    const v = await Verifier.open(task, { workers: 1 });
    try {
      assert.deepEqual([...v.baseline.tests].sort(), ['lib/add.test.js::adds', 'test/more.js::adds']);
      assert.deepEqual(v.baseline.collectErrors, []);
    } finally {
      await v.close();
    }
  });

  it('node --test with paths and globs in the test script runs those only', async () => {
    const root = project('node-script', {
      'package.json': JSON.stringify({ name: 'n', scripts: { test: "node --test --test-reporter spec 'checks/**/*.check.js' unit/" } }),
      'add.js': add,
      'checks/a/add.check.js': nodeTest('../../add'),
      'unit/add.test.js': nodeTest('../add'),
      'unit/helper.js': 'module.exports = {};\n',
      'other.test.js': nodeTest('./add'),
    });
    assert.deepEqual((await inspectProject(root)).tests, ['checks/a/add.check.js', 'unit/add.test.js']);
    assert.deepEqual(loadTask(root).tests.sort(), ['checks/a/add.check.js', 'unit/add.test.js']);
  });

  it('mocha: the spec of .mocharc, a folder standing for its files', async () => {
    const root = project('mocha-spec', {
      'package.json': JSON.stringify({ name: 'm', scripts: { test: 'mocha' }, devDependencies: { mocha: '^10' } }),
      '.mocharc.json': JSON.stringify({ spec: ['specs', 'extra/**/*.it.js'] }),
      'add.js': add,
      'specs/add.js': 'describe("a", () => it("b", () => {}));\n',
      'specs/deep/not-recursive.js': '',
      'extra/x/add.it.js': '',
      'test/add.test.js': '',
    });
    assert.deepEqual((await inspectProject(root)).tests, ['extra/x/add.it.js', 'specs/add.js']);
    // test/add.test.js is no mocha test here, but a file in a test folder is never edited either.
    assert.deepEqual(loadTask(root).tests.sort(), ['extra/x/add.it.js', 'specs/add.js', 'test/add.test.js']);
  });

  const pyFiles = (config: Record<string, string>) => ({
    ...config,
    'calc.py': 'def add(a, b):\n    return a + b\n',
    'tests/check_calc.py': 'from calc import add\n\ndef test_add():\n    assert add(1, 2) == 3\n',
    'tests/test_data_fixture.py': 'raise RuntimeError("outside python_files: never collected")\n',
    'scripts/test_release.py': 'raise RuntimeError("outside testpaths")\n',
  });
  const configs: Record<string, Record<string, string>> = {
    'pyproject.toml': { 'pyproject.toml': '[project]\nname = "c"\n\n[tool.pytest.ini_options]\ntestpaths = ["tests"]\npython_files = ["check_*.py"]\n' },
    'pytest.ini': { 'pytest.ini': '[pytest]\ntestpaths = tests\npython_files =\n    check_*.py\n' },
    'setup.cfg': { 'setup.cfg': '[metadata]\nname = c\n\n[tool:pytest]\ntestpaths = tests\npython_files = check_*.py\n' },
    'tox.ini': { 'tox.ini': '[tox]\nenvlist = py3\n\n[pytest]\ntestpaths = tests\npython_files = check_*.py\n' },
  };
  for (const [name, config] of Object.entries(configs)) {
    it(`pytest: testpaths and python_files from ${name}`, async () => {
      const root = project(`py-${name}`, pyFiles(config));
      assert.deepEqual((await inspectProject(root)).tests, ['tests/check_calc.py']);
      const task = loadTask(root);
      assert.equal(task.language, 'python');
      assert.deepEqual(task.sources, ['calc.py', 'scripts/test_release.py']);
      assert.ok(task.tests.includes('tests/check_calc.py') && !task.tests.includes('calc.py'));
    });
  }

  it('pytest: the project\'s configuration is what the run collects', async () => {
    const run = await runTests({ root: join(base, 'py-pyproject.toml') });
    assert.deepEqual(run.tests.map((t) => `${t.id} ${t.status}`), ['tests/check_calc.py::test_add passed']);
  });
});
