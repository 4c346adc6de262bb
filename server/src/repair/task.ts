// What to repair in a folder: a benchmark task (task.json next to workspace/) or a plain project, where
// test files are found as `loopwise run` finds them (run/discovery.ts: the runner's rules and the project's
// configuration) and every other code file outside test folders is a source. TypeScript counts where Jest or
// Vitest runs the tests: they compile it with the project's own transform, in the verifier's workers too.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, posix, relative, sep } from 'node:path';
import { testDiscovery } from '../run/discovery';
import { isIgnoredDir } from '../run/files';

export interface RepairTask {
  root: string;
  language: 'python' | 'javascript';
  sources: string[];
  tests: string[];
  /** Benchmark tasks only. */
  id?: string;
  hiddenTests?: string[];
  taskDir?: string;
}

export class TaskError extends Error {}

/** Files in a test folder that are not tests (fixtures, helpers, data) belong to the tests: never edited. */
const testFolder = /(^|\/)(tests?|__tests__|fixtures?)\//;

function listFiles(root: string, dir = root, out: string[] = []): string[] {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) { if (!isIgnoredDir(e.name)) listFiles(root, p, out); } else if (e.isFile()) out.push(relative(root, p).split(sep).join('/'));
  }
  return out;
}

export function loadTask(folder: string): RepairTask {
  if (!existsSync(folder) || !statSync(folder).isDirectory()) throw new TaskError(`not a folder: ${folder}`);
  const manifest = join(folder, 'task.json');
  if (existsSync(manifest) && existsSync(join(folder, 'workspace'))) {
    let t: { id?: string; language?: string; sources?: string[]; tests?: string[]; hiddenTests?: string[] };
    try { t = JSON.parse(readFileSync(manifest, 'utf8')); } catch (e) { throw new TaskError(`${manifest}: ${(e as Error).message}`); }
    if (t.language !== 'python' && t.language !== 'javascript') throw new TaskError(`${manifest}: language must be python or javascript`);
    if (!t.sources?.length || !t.tests?.length) throw new TaskError(`${manifest}: sources and tests are required`);
    return { root: join(folder, 'workspace'), language: t.language, sources: t.sources, tests: t.tests, id: t.id, hiddenTests: t.hiddenTests, taskDir: folder };
  }
  const files = listFiles(folder);
  const found = testDiscovery(folder);
  const pyTest = (f: string) => found.isPythonTest(f) || posix.basename(f) === 'conftest.py';
  const py = files.filter((f) => f.endsWith('.py'));
  const ts = runsTypeScript(folder);
  const js = files.filter((f) => /\.(c|m)?js$/.test(f) || ts && /\.(c|m)?tsx?$/.test(f) && !/\.d\.(c|m)?ts$/.test(f)).filter((f) => !runnerConfig.test(f));
  const pyTests = py.filter(pyTest);
  const jsTests = js.filter(found.isJsTest);
  const split = (code: string[], isTest: (f: string) => boolean) => ({
    sources: code.filter((f) => !isTest(f) && !testFolder.test(f)),
    tests: [...code.filter(isTest), ...code.filter((f) => !isTest(f) && testFolder.test(f))],
  });
  if (pyTests.length && pyTests.length >= jsTests.length) return { root: folder, language: 'python', ...split(py, pyTest) };
  if (jsTests.length) return { root: folder, language: 'javascript', ...split(js, found.isJsTest) };
  throw new TaskError(`no tests found in ${folder} (expected test_*.py / *_test.py for pytest, *.test.js for node --test, or *.test.ts for Jest and Vitest)`);
}

/** Configuration of the runner or the build at the project's top (jest.config.js, vitest.config.ts): never a source. */
const runnerConfig = /^[^/]*\.config\.(c|m)?[jt]s$/;

/** Whether Jest or Vitest runs the project's tests (its test script, dependencies or config file say so). */
function runsTypeScript(folder: string): boolean {
  let pkg: { scripts?: { test?: unknown }; dependencies?: object; devDependencies?: object; jest?: unknown } = {};
  try { pkg = JSON.parse(readFileSync(join(folder, 'package.json'), 'utf8')) ?? {}; } catch { /* no package.json: not a Jest or Vitest project */ }
  const deps = { ...pkg.dependencies, ...pkg.devDependencies };
  if (/(^|[\s/])(jest|vitest)\b/.test(String(pkg.scripts?.test ?? '')) || 'jest' in deps || 'vitest' in deps || pkg.jest !== undefined) return true;
  return readdirSync(folder).some((f) => /^(jest|vitest)\.config\.(c|m)?[jt]s$/.test(f));
}
