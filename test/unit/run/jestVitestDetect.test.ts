// Which runner a JavaScript project's tests use, from what the project says: its "test" script first, then a
// runner's configuration (jest.config.*, package.json "jest", vitest.config.*, a vite.config with a test
// section), then its dependencies; a runner that is named but not installed asks for `npm install`.
import * as assert from 'node:assert';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { detectProject } from '../../../server/src/run';

const made: string[] = [];
function folder(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'loopwise-detect-'));
  made.push(dir);
  for (const [rel, text] of Object.entries({ 'src/a.js': 'module.exports = 1;\n', 'test/a.test.js': "test('a', () => {});\n", ...files })) {
    mkdirSync(dirname(join(dir, rel)), { recursive: true });
    writeFileSync(join(dir, rel), text);
  }
  return dir;
}
const pkg = (o: object) => JSON.stringify({ name: 'x', private: true, ...o });

describe('run: detecting Jest and Vitest', () => {
  after(() => { for (const d of made) rmSync(d, { recursive: true, force: true }); });

  const cases: [string, Record<string, string>, string][] = [
    ['the test script calls vitest', { 'package.json': pkg({ scripts: { test: 'vitest run' }, devDependencies: { jest: '30.5.2' } }) }, 'vitest'],
    ['the test script calls jest through a path', { 'package.json': pkg({ scripts: { test: 'node node_modules/jest/bin/jest.js --ci' } }) }, 'jest'],
    ['the test script calls mocha although jest is a dependency', { 'package.json': pkg({ scripts: { test: 'mocha' }, devDependencies: { jest: '30.5.2' } }) }, 'mocha'],
    ['package.json has a "jest" section', { 'package.json': pkg({ jest: { testEnvironment: 'node' } }) }, 'jest'],
    ['a jest.config.ts', { 'package.json': pkg({}), 'jest.config.ts': 'export default {};\n' }, 'jest'],
    ['a vitest.config.mts', { 'package.json': pkg({}), 'vitest.config.mts': 'export default {};\n' }, 'vitest'],
    ['a vite.config.js with a test section', { 'package.json': pkg({}), 'vite.config.js': "export default { test: { environment: 'node' } };\n" }, 'vitest'],
    ['only a vitest dependency', { 'package.json': pkg({ devDependencies: { vitest: '3.2.7' } }), 'vite.config.js': 'export default {};\n' }, 'vitest'],
    ['only a jest dependency', { 'package.json': pkg({ devDependencies: { jest: '30.5.2' } }) }, 'jest'],
  ];
  for (const [what, files, runner] of cases) {
    it(`${runner} when ${what}`, async () => {
      const r = await detectProject(folder(files));
      assert.strictEqual(r.framework, runner);
      // None of these folders has node_modules: the runner it found is named with what to do.
      assert.match(r.problems.find((p) => p.kind === 'frameworkMissing')?.message ?? '', new RegExp(`uses ${runner} .*not installed.*\`npm install\``));
    });
  }

  it('a vite.config without a test section is not taken for Vitest', async () => {
    const r = await detectProject(folder({ 'package.json': pkg({}), 'vite.config.js': 'export default { server: { port: 3000 } };\n' }));
    assert.strictEqual(r.framework, 'node-test');
  });
});
