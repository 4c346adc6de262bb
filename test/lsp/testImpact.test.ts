// Test impact over stdio with the real runners: after a run has recorded per-test coverage, a save runs
// only the test files whose tests ran the changed lines plus test files never recorded; a save touching
// a line no test ran runs only the unrecorded ones; "Run All" (loopwise/runTests) still runs everything.
// Mocha has no per-test coverage here: its saves run the related tests as before.
import * as assert from 'node:assert';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Methods, type TestResultsNotification, type TestRunResult } from '../../common/protocol';
import { ensureBuilt, repoRoot, TestClient, uriOf } from './client';

interface Project {
  name: string;
  languageId: string;
  source: string;
  /** The source: alpha and beta have tests, gamma none; line numbers below refer to it. */
  text: string;
  alphaBody: [string, string];
  gammaBody: [string, string];
  tests: Record<string, string>;
  /** Test files written after the first recording, each testing alpha. */
  later: (name: string) => [string, string];
}

const python: Project = {
  name: 'pytest',
  languageId: 'python',
  source: 'mathlib.py',
  text: 'def alpha(x):\n    return x + 1\n\n\ndef beta(x):\n    return x * 2\n\n\ndef gamma(x):\n    return x - 3\n',
  alphaBody: ['    return x + 1\n', '    return 1 + x\n'],
  gammaBody: ['    return x - 3\n', '    return -3 + x\n'],
  tests: {
    'test_alpha.py': 'from mathlib import alpha\n\n\ndef test_alpha_one():\n    assert alpha(1) == 2\n\n\ndef test_alpha_two():\n    assert alpha(2) == 3\n',
    'test_beta.py': 'from mathlib import beta\n\n\ndef test_beta_one():\n    assert beta(1) == 2\n\n\ndef test_beta_two():\n    assert beta(3) == 6\n',
  },
  later: (name) => [`test_${name}.py`, `from mathlib import alpha\n\n\ndef test_${name}():\n    assert alpha(0) == 1\n`],
};

const nodeTest: Project = {
  name: 'node:test',
  languageId: 'javascript',
  source: 'mathlib.js',
  text: 'function alpha(x) {\n  return x + 1;\n}\n\nfunction beta(x) {\n  return x * 2;\n}\n\nfunction gamma(x) {\n  return x - 3;\n}\n\nmodule.exports = { alpha, beta, gamma };\n',
  alphaBody: ['  return x + 1;\n', '  return 1 + x;\n'],
  gammaBody: ['  return x - 3;\n', '  return -3 + x;\n'],
  tests: {
    'alpha.test.js': "const test = require('node:test');\nconst assert = require('node:assert');\nconst { alpha } = require('./mathlib');\n\ntest('alpha one', () => assert.strictEqual(alpha(1), 2));\ntest('alpha two', () => assert.strictEqual(alpha(2), 3));\n",
    'beta.test.js': "const test = require('node:test');\nconst assert = require('node:assert');\nconst { beta } = require('./mathlib');\n\ntest('beta one', () => assert.strictEqual(beta(1), 2));\ntest('beta two', () => assert.strictEqual(beta(3), 6));\n",
  },
  later: (name) => [`${name}.test.js`, `const test = require('node:test');\nconst assert = require('node:assert');\nconst { alpha } = require('./mathlib');\n\ntest('${name}', () => assert.strictEqual(alpha(0), 1));\n`],
};

function logs(client: TestClient): string[] {
  return client.notifications.filter((n) => n.method === 'window/logMessage').map((n) => (n.params as { message: string }).message);
}

function results(client: TestClient): TestResultsNotification[] {
  return client.notifications.filter((n) => n.method === Methods.testResults).map((n) => n.params as TestResultsNotification);
}

const filesOf = (r: TestRunResult) => [...new Set(r.tests.map((t) => t.file))].sort();

describe('LSP: a save runs only the tests its changed lines concern', function () {
  this.timeout(180000);
  let client: TestClient | undefined;
  const dirs: string[] = [];

  before(() => ensureBuilt());
  afterEach(async () => {
    await client?.stop();
    client = undefined;
  });
  after(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  for (const p of [python, nodeTest]) {
    it(`${p.name}: re-runs the changed function's tests and the unrecorded ones, then only unrecorded ones`, async () => {
      const folder = mkdtempSync(join(tmpdir(), 'loopwise impact-'));
      dirs.push(folder);
      writeFileSync(join(folder, p.source), p.text);
      for (const [f, text] of Object.entries(p.tests)) writeFileSync(join(folder, f), text);
      client = new TestClient();
      client.settings = { runOnSave: true };
      await client.initialize(folder);
      const source = join(folder, p.source);
      client.open(source, p.languageId);
      const recordings = () => logs(client!).filter((m) => m.includes('test impact: recorded the coverage'));

      const all = await client.connection.sendRequest<TestRunResult>(Methods.runTests, { folderUri: uriOf(folder) });
      assert.strictEqual(all.summary.passed, 4, JSON.stringify(all.summary));
      await client.waitFor('the coverage of the first run to be recorded', () => recordings().length === 1);
      assert.match(recordings()[0], /recorded the coverage of 4 tests/);

      // A save changing a line of alpha: alpha's tests and the test file written since, not beta's.
      const [newer, newerText] = p.later('newer');
      writeFileSync(join(folder, newer), newerText);
      writeFileSync(source, p.text.replace(p.alphaBody[0], p.alphaBody[1]));
      void client.connection.sendNotification('textDocument/didSave', { textDocument: { uri: uriOf(source) } });
      await client.waitFor('results of the save', () => results(client!).length === 2);
      const first = results(client).at(-1)!.result;
      assert.deepStrictEqual(filesOf(first), [Object.keys(p.tests)[0], newer].sort());
      assert.strictEqual(first.summary.passed, 3, JSON.stringify(first.tests.map((t) => t.id)));
      await client.waitFor('the coverage of the re-run files to be recorded', () => recordings().length === 2);

      // A save changing only gamma, which no test runs: just the test file written after the last recording.
      const [latest, latestText] = p.later('latest');
      writeFileSync(join(folder, latest), latestText);
      writeFileSync(source, p.text.replace(p.alphaBody[0], p.alphaBody[1]).replace(p.gammaBody[0], p.gammaBody[1]));
      void client.connection.sendNotification('textDocument/didSave', { textDocument: { uri: uriOf(source) } });
      await client.waitFor('results of the second save', () => results(client!).length === 3);
      assert.deepStrictEqual(filesOf(results(client).at(-1)!.result), [latest]);
      await client.waitFor('the coverage of the unrecorded file to be recorded', () => recordings().length === 3);

      // Now every file is recorded: the same kind of save runs nothing at all.
      writeFileSync(source, p.text.replace(p.alphaBody[0], p.alphaBody[1]));
      void client.connection.sendNotification('textDocument/didSave', { textDocument: { uri: uriOf(source) } });
      await client.waitFor('the server to plan the third save', () => logs(client!).filter((m) => m.includes('never recorded')).length === 3);
      await new Promise((r) => setTimeout(r, 1000));
      assert.strictEqual(results(client).length, 3, 'no run for a save no test is concerned by');

      // "Run All" still runs every test.
      const again = await client.connection.sendRequest<TestRunResult>(Methods.runTests, { folderUri: uriOf(folder) });
      assert.deepStrictEqual(filesOf(again), [...Object.keys(p.tests), newer, latest].sort());
      assert.strictEqual(again.summary.passed, 6);
    });
  }

  it('mocha: a save still runs every test file related to the saved source (no coverage is recorded)', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'loopwise impact-'));
    dirs.push(folder);
    writeFileSync(join(folder, 'package.json'), JSON.stringify({ name: 'impact-mocha', private: true, scripts: { test: 'mocha' }, devDependencies: { mocha: '*' } }));
    symlinkSync(join(repoRoot, 'node_modules'), join(folder, 'node_modules'));
    writeFileSync(join(folder, nodeTest.source), nodeTest.text);
    mkdirSync(join(folder, 'test'));
    for (const name of ['alpha', 'beta']) {
      writeFileSync(join(folder, 'test', `${name}.spec.js`), `const assert = require('node:assert');\nconst { ${name} } = require('../mathlib');\n\ndescribe('${name}', () => {\n  it('of 1', () => assert.strictEqual(${name}(1), 2));\n});\n`);
    }
    client = new TestClient();
    client.settings = { runOnSave: true };
    await client.initialize(folder);
    const source = join(folder, nodeTest.source);
    client.open(source, nodeTest.languageId);
    const all = await client.connection.sendRequest<TestRunResult>(Methods.runTests, { folderUri: uriOf(folder) });
    assert.strictEqual(all.summary.passed, 2, JSON.stringify(all.summary));
    writeFileSync(source, nodeTest.text.replace(nodeTest.alphaBody[0], nodeTest.alphaBody[1]));
    void client.connection.sendNotification('textDocument/didSave', { textDocument: { uri: uriOf(source) } });
    await client.waitFor('results of the save', () => results(client!).length === 2);
    assert.deepStrictEqual(filesOf(results(client).at(-1)!.result), ['test/alpha.spec.js', 'test/beta.spec.js']);
    assert.ok(logs(client).some((m) => m.includes('running the tests related to mathlib.js (no coverage recorded yet)')), logs(client).join('\n'));
  });
});
