// Runs a Vitest project's tests with its own Vitest (node_modules) in the sandbox: Vitest's JSON report
// (--reporter=json --outputFile) for the results, the shipped reporter for the errors' expected and actual
// values, progress and hangs. Vitest transforms TypeScript itself, so no loader is added.
import { existsSync, promises as fs, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { DriverContext, DriverOutput } from './driver';
import { excludingNames, type JsFileReport, runJsRunner, stripAnsi } from './jsRunner';
import { vitestReporterSource } from './jsRunnerTools';
import type { NodeInfo } from './toolchain';

type Event = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** `configFile` replaces the project's configuration (localization's wrapper around it, adding coverage). */
export async function runVitest(ctx: DriverContext, node: NodeInfo, vitestBin: string, configFile?: string): Promise<DriverOutput> {
  // Vitest loads reporters through Vite, which does not load them from outside the project: the reporter
  // goes into a hidden folder of the scratch copy, where no test pattern looks.
  const dir = join(ctx.scratch.workspace, '.loopwise');
  await fs.mkdir(dir, { recursive: true });
  await fs.writeFile(join(dir, 'vitest-reporter.mjs'), vitestReporterSource);
  const loader = configLoader(vitestBin);
  return runJsRunner(ctx, node, {
    name: 'vitest',
    args: (report, skipTests, skipFiles) => [
      vitestBin, 'run', ...(configFile ? [`--config=${configFile}`] : []), '--reporter=json', `--outputFile=${report}`, '--reporter=./.loopwise/vitest-reporter.mjs',
      '--includeTaskLocation', `--testTimeout=${ctx.testTimeoutS * 1000}`, '--watch=false', ...loader,
      ...(skipTests.length ? [`--testNamePattern=${excludingNames(skipTests)}`] : []),
      ...skipFiles.flatMap((f) => ['--exclude', f]),
      ...(ctx.files ?? []),
    ],
    details: (_a, ev: Event | undefined) => {
      const e = ev?.errors?.[0];
      if (!e) return {};
      const message = stripAnsi(e.name && e.name !== 'AssertionError' && e.name !== 'Error' ? `${e.name}: ${e.message}` : String(e.message ?? ''));
      return { message, stack: e.stack, expected: e.expected, actual: e.actual };
    },
    fileError: (f: JsFileReport, events: Event[]) => {
      const e = events.find((x) => x.event === 'moduleError' && x.file === f.name)?.errors?.[0];
      return e ? `${e.name && e.name !== 'Error' ? `${e.name}: ` : ''}${e.message}\n${e.stack ?? ''}` : f.message ?? '';
    },
  });
}

/**
 * Vite 6 bundles a config file into node_modules/.vite-temp, which is read-only in the sandbox; from 6.1 its
 * "runner" loader reads the config without writing anything. Vite 5 writes next to the config (the copy).
 */
function configLoader(vitestBin: string): string[] {
  // npm installs vite beside vitest (vitest/vitest.mjs -> ../vite)
  const pkg = join(dirname(dirname(vitestBin)), 'vite', 'package.json');
  if (!existsSync(pkg)) return [];
  try {
    const [major, minor] = String(JSON.parse(readFileSync(pkg, 'utf8')).version).split('.').map(Number);
    return major > 6 || (major === 6 && minor >= 1) ? ['--configLoader', 'runner'] : [];
  } catch {
    return [];
  }
}
