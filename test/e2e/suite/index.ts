// Entry point VS Code calls inside the extension host (extensionTestsPath): runs the bundled mocha
// suite and logs a LOOPWISE_E2E_STATS line with the counts for test/e2e/run.mjs. Mocha's lines carry a
// prefix so the harness can tell them from the workbench's own logging, which arrives the same way.
import Mocha from 'mocha';
import { format } from 'node:util';

export const MOCHA_MARK = 'LOOPWISE_MOCHA ';

export async function run(): Promise<void> {
  Mocha.reporters.Base.consoleLog = (...args: unknown[]) => console.log(MOCHA_MARK + format(...args));
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 60000, reporter: 'spec' });
  // The test files are bundled into this one, so give them mocha's globals before loading them.
  mocha.suite.emit('pre-require', globalThis, 'loopwise-e2e', mocha);
  await import('./extension.test');
  await import('./assist.test');
  await import('./fixes.test');
  await import('./vitest.test');
  const stats = await new Promise<{ passed: number; failed: number; skipped: number }>((resolve) => {
    const runner = mocha.run(() => resolve({
      passed: runner.stats?.passes ?? 0,
      failed: runner.stats?.failures ?? 0,
      skipped: runner.stats?.pending ?? 0,
    }));
  });
  console.log(`LOOPWISE_E2E_STATS ${JSON.stringify(stats)}`);
  if (stats.failed) throw new Error(`${stats.failed} real-VS-Code test(s) failed`);
}
