// What `loopwise fix` takes from a TypeScript project: where Jest or Vitest runs the tests, the .ts/.tsx/.mts/
// .cts files are sources and tests (declarations and the runner's config are neither); where node --test runs
// them, the .ts files stay out, as its verification worker cannot load them.
import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { loadTask } from '../../../server/src/repair/task';

let base: string;
function project(name: string, files: Record<string, string>): string {
  const root = join(base, name);
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, rel)), { recursive: true });
    writeFileSync(join(root, rel), text);
  }
  return root;
}

const tsFiles = {
  'src/shapes.ts': 'export const area = (w: number, h: number): number => w * h;\n',
  'src/view.tsx': 'export const View = () => null;\n',
  'src/esm.mts': 'export const one = 1;\n',
  'src/cjs.cts': 'export const two = 2;\n',
  'src/types.d.ts': 'export type Id = string;\n',
  'test/shapes.test.ts': "import { area } from '../src/shapes';\ntest('area', () => expect(area(2, 3)).toBe(6));\n",
};

describe('repair task: TypeScript projects', () => {
  before(() => { base = mkdtempSync(join(tmpdir(), 'loopwise-task-ts-')); });
  after(() => rmSync(base, { recursive: true, force: true }));

  for (const [runner, config] of [['vitest', 'vitest.config.ts'], ['jest', 'jest.config.js']] as const) {
    it(`${runner}: the .ts sources and tests, without declarations or ${config}`, () => {
      const root = project(runner, { ...tsFiles, [config]: 'export default {};\n', 'package.json': JSON.stringify({ scripts: { test: runner }, devDependencies: { [runner]: '*' } }) });
      const task = loadTask(root);
      assert.equal(task.language, 'javascript');
      assert.deepEqual(task.sources.sort(), ['src/cjs.cts', 'src/esm.mts', 'src/shapes.ts', 'src/view.tsx']);
      assert.deepEqual(task.tests, ['test/shapes.test.ts']);
    });
  }

  it('a config file alone marks a Vitest project (no package.json)', () => {
    const root = project('config-only', { ...tsFiles, 'vitest.config.mts': 'export default {};\n' });
    assert.deepEqual(loadTask(root).tests, ['test/shapes.test.ts']);
  });

  it('node --test: TypeScript files are left out, and the message names what is expected', () => {
    const root = project('node-test', { ...tsFiles, 'package.json': JSON.stringify({ scripts: { test: 'node --test' } }) });
    assert.throws(() => loadTask(root), /no tests found .*\*\.test\.ts for Jest and Vitest/);
  });
});
