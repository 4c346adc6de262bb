// `loopwise fix` on real TypeScript Vitest and Jest (ts-jest) projects, installed from npm into the test cache:
// an injected `+` -> `-` in a .ts source is found and fixed, the verifier's worker running each candidate
// through the project's own transform; from the CLI too, which prints the diff and exits 0.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fix from '../../../server/src/cli/fix';
import { repair } from '../../../server/src/repair/repair';
import { loadTask } from '../../../server/src/repair/task';
import { installFixtures, project, removeProjects } from '../run/jsProjects';

/** The fixtures' shapes.ts with area right and one injected bug in perimeter. */
function buggy(root: string): string {
  const text = readFileSync(join(root, 'src/shapes.ts'), 'utf8').replace('r.width * r.width', 'r.width * r.height');
  assert.ok(text.includes('2 * (r.width + r.height)'), 'the fixture has its perimeter');
  return text.replace('2 * (r.width + r.height)', '2 * (r.width - r.height)');
}

for (const name of ['vitest-ts', 'jest-ts']) {
  describe(`repair: TypeScript ${name}`, function () {
    this.timeout(300_000);
    let root: string;
    before(async function () {
      this.timeout(15 * 60_000);
      await installFixtures(name);
      const plain = await project(name, {}, false);
      root = await project(name, { 'src/shapes.ts': buggy(plain) });
    });
    after(removeProjects);

    it('fixes the injected operator in src/shapes.ts', async () => {
      const task = loadTask(root);
      assert.deepEqual(task.sources, ['src/shapes.ts']);
      const r = await repair({ ...task, budgetS: 90 });
      assert.equal(r.status, 'fixed', r.message);
      const [file] = r.fixes[0].files;
      assert.equal(file.path, 'src/shapes.ts');
      assert.match(file.newText, /return 2 \* \(r\.width \+ r\.height\);/);
      assert.match(file.newText, /return r\.width \* r\.height;/);
      assert.ok(r.fixes[0].testsFixed.includes('test/shapes.test.ts::shapes > perimeter'), r.fixes[0].testsFixed.join(', '));
    });

    it('loopwise fix prints the verified diff and exits 0', async () => {
      const lines: string[] = [];
      const original = console.log;
      console.log = (...a: unknown[]) => { lines.push(a.map(String).join(' ')); };
      let code: number;
      try {
        code = await fix([root, '--budget-s', '90']);
      } finally {
        console.log = original;
      }
      const out = lines.join('\n');
      assert.equal(code, 0, out);
      assert.match(out, /^-\s+return 2 \* \(r\.width - r\.height\);$/m);
      assert.match(out, /^\+\s+return 2 \* \(r\.width \+ r\.height\);$/m);
      // the user's folder is only read
      assert.match(readFileSync(join(root, 'src/shapes.ts'), 'utf8'), /r\.width - r\.height/);
    });
  });
}
