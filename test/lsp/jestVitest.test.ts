// The built language server over stdio on real Jest and Vitest projects (installed from npm into the test
// cache): a failing test's diagnostic at its assertion with expected/actual, and one at the line of user code
// that threw; the results notification carries the runner's name for the Testing view.
import * as assert from 'node:assert';
import { join } from 'node:path';
import type { Diagnostic } from 'vscode-languageserver-protocol';
import { Methods, type TestResultsNotification, type TestRunResult } from '../../common/protocol';
import { installFixtures, project, removeProjects } from '../unit/run/jsProjects';
import { ensureBuilt, TestClient, uriOf } from './client';

type Plain = Omit<Diagnostic, 'message'> & { message: string };
const onLine = (diagnostics: Diagnostic[] | undefined, line1: number) =>
  (diagnostics ?? []).filter((d) => d.range.start.line === line1 - 1) as Plain[];

const throwing = {
  js: "function initials(person) {\n  return person.first[0] + person.last[0];\n}\n\nmodule.exports = { initials };\n",
  ts: "export interface Person {\n  first: string;\n  last?: string;\n}\n\nexport function initials(p: Person): string {\n  return p.first[0] + p.last![0];\n}\n",
};

for (const runner of ['jest', 'vitest'] as const) {
  const fixture = runner === 'jest' ? 'jest-js' : 'vitest-ts';
  const extra: Record<string, string> = runner === 'jest'
    ? { 'src/names.js': throwing.js, 'test/names.test.js': "const { initials } = require('../src/names');\n\ntest('initials of a single name', () => {\n  expect(initials({ first: 'Ada' })).toBe('A');\n});\n" }
    : { 'src/names.ts': throwing.ts, 'test/names.test.ts': "import { expect, test } from 'vitest';\nimport { initials } from '../src/names';\n\ntest('initials of a single name', () => {\n  expect(initials({ first: 'Ada' })).toBe('A');\n});\n" };
  const [testFile, assertLine, sourceFile, sourceLine] = runner === 'jest'
    ? ['test/stats.test.js', 8, 'src/names.js', 2] : ['test/shapes.test.ts', 12, 'src/names.ts', 7];

  describe(`LSP: a ${runner} project`, function () {
    this.timeout(240_000);
    let client: TestClient | undefined;
    before(async function () {
      this.timeout(15 * 60_000);
      ensureBuilt();
      await installFixtures(fixture);
    });
    after(async () => {
      await client?.stop();
      await removeProjects();
    });

    it('shows the failure at the assertion with expected/actual and at the user line that threw', async () => {
      const folder = await project(fixture, extra);
      client = new TestClient();
      await client.initialize(folder);
      const result = await client.connection.sendRequest<TestRunResult>(Methods.runTests, { folderUri: uriOf(folder) });
      assert.strictEqual(result.framework, runner);
      const [atAssert] = onLine(client.diagnostics(join(folder, testFile)), assertLine);
      assert.ok(atAssert, `no diagnostic on ${testFile}:${assertLine}; got ${JSON.stringify(client.diagnostics(join(folder, testFile)))}`);
      assert.match(atAssert.message, /expected: (1\.5|10)/);
      assert.match(atAssert.message, /actual: (1|4)\b/);
      const [inUserCode] = onLine(client.diagnostics(join(folder, sourceFile)), sourceLine);
      assert.ok(inUserCode, `no diagnostic on ${sourceFile}:${sourceLine}; got ${JSON.stringify(client.diagnostics(join(folder, sourceFile)))}`);
      assert.match(inUserCode.message, /initials of a single name/);
      assert.match(inUserCode.message, /TypeError|Cannot read properties/);
      const note = client.notifications.find((n) => n.method === Methods.testResults)?.params as TestResultsNotification | undefined;
      assert.strictEqual(note?.result.framework, runner);
    });
  });
}
