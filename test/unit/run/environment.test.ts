// The tests see the environment the project's own runner would give them, scrubbed of secrets only: no
// colour settings of Loopwise's own (a test of FORCE_COLOR handling failed under NO_COLOR=1), the user's
// variables kept, API keys and tokens gone; the same in `loopwise run` and in the verifier behind `fix`.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runTests } from '../../../server/src/run';
import { loadTask } from '../../../server/src/repair/task';
import { Verifier } from '../../../server/src/verify/verifier';

const testFile = `const test = require('node:test');
const assert = require('node:assert');

test('colour is left to the environment', () => {
  assert.strictEqual(process.env.NO_COLOR, undefined);
  assert.strictEqual(process.env.FORCE_COLOR, process.env.LW_EXPECT_FORCE_COLOR);
});

test('the user\\'s own variables are kept', () => {
  assert.strictEqual(process.env.LW_PROJECT_SETTING, 'kept');
});

test('secrets are not', () => {
  assert.strictEqual(process.env.OPENAI_API_KEY, undefined);
  assert.strictEqual(process.env.GITHUB_TOKEN, undefined);
});
`;

describe('run: the environment the tests see', function () {
  this.timeout(60000);
  let dir: string;
  const saved: Record<string, string | undefined> = {};
  const set = (name: string, value: string | undefined) => {
    if (!(name in saved)) saved[name] = process.env[name];
    if (value === undefined) delete process.env[name]; else process.env[name] = value;
  };
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'lw-env-'));
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'env', scripts: { test: 'node --test' } }));
    writeFileSync(join(dir, 'index.js'), 'module.exports = {};\n');
    writeFileSync(join(dir, 'env.test.js'), testFile);
    set('LW_PROJECT_SETTING', 'kept');
    set('OPENAI_API_KEY', 'sk-test0123456789abcdefghij');
    set('GITHUB_TOKEN', 'ghp_0123456789abcdefghijklmnop');
    set('NO_COLOR', undefined);
  });
  after(() => {
    for (const [name, value] of Object.entries(saved)) if (value === undefined) delete process.env[name]; else process.env[name] = value;
    rmSync(dir, { recursive: true, force: true });
  });

  for (const force of [undefined, '1']) {
    it(`FORCE_COLOR ${force ?? 'unset'}: every test passes in loopwise run and in the verifier`, async () => {
      set('FORCE_COLOR', force);
      set('LW_EXPECT_FORCE_COLOR', force);
      const run = await runTests({ root: dir });
      assert.deepEqual(run.tests.filter((t) => t.status !== 'passed').map((t) => `${t.id}: ${t.message}`), []);
      assert.equal(run.summary.passed, 3);
      const v = await Verifier.open(loadTask(dir), { workers: 1 });
      try {
        assert.deepEqual(v.baseline.failing, [], JSON.stringify(v.baseline.outcomes));
        assert.equal(v.baseline.passing.length, 3);
      } finally {
        await v.close();
      }
    });
  }
});
