// Fault localization on real TypeScript Jest (ts-jest) and Vitest projects: the runners transform the
// sources themselves, and the per-test coverage is mapped back to the .ts lines through their inline source
// maps, so the fixture's wrong operand (`r.width * r.width`) ranks in the top five at its own line.
import * as assert from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { localize } from '../../../server/src/localize/localize';
import { installFixtures, project, removeProjects } from '../run/jsProjects';

for (const name of ['vitest-ts', 'jest-ts']) {
  describe(`localize: ${name}`, function () {
    this.timeout(300_000);
    let root: string;
    before(async function () {
      this.timeout(15 * 60_000);
      await installFixtures(name);
      root = await project(name);
    });
    after(removeProjects);

    it('ranks the wrong line of the TypeScript source in the top five', async () => {
      const lines = readFileSync(join(root, 'src/shapes.ts'), 'utf8').split('\n');
      const bugLine = lines.findIndex((l) => l.includes('r.width * r.width')) + 1;
      assert.ok(bugLine > 0, 'the fixture has its bug');
      // ts-jest compiles (and type-checks) every file anew in a scratch copy: a generous budget.
      const loc = await localize({ root, language: 'javascript', sources: ['src/shapes.ts'], tests: ['test/shapes.test.ts'], mutation: false, valueLines: 0, budgetMs: 240_000 });
      assert.strictEqual(loc.status, 'ranked', loc.reason);
      assert.deepStrictEqual(loc.failingTests.map((t) => t.id), ['test/shapes.test.ts::shapes > area of a rectangle']);
      const top = loc.lines.slice(0, 5);
      assert.ok(top.some((l) => l.file === 'src/shapes.ts' && l.line === bugLine), `bug at line ${bugLine}, top five: ${top.map((l) => l.line).join(', ')}`);
      // perimeter's line runs only in its own (passing) test.
      const perimeter = loc.lines.find((l) => l.line === lines.findIndex((x) => x.includes('2 * (')) + 1);
      assert.ok(!perimeter || perimeter.evidence.failedCovering === 0);
    });
  });
}
