// Working out what a workspace is: its language, its test framework and test files, and the toolchain
// that runs them; or, when it cannot be run, a problem that says what to install.
import { existsSync, promises as fs, realpathSync } from 'node:fs';
import { delimiter, dirname, extname, join } from 'node:path';
import type { Framework, RunProblem, TestRunResult } from '../../../common/results';
import { testDiscovery } from './discovery';
import { isTypeScript, listFiles } from './files';
import { findNode, findPython, type NodeInfo, type PythonInfo } from './toolchain';

export interface ProjectInfo {
  language: TestRunResult['language'];
  framework?: Framework;
  problems: RunProblem[];
  /** Test files the framework will run (workspace-relative). */
  tests: string[];
  python?: PythonInfo;
  node?: NodeInfo;
  /** Absolute path of the project's own mocha (bin/mocha.js). */
  mocha?: string;
  /** Absolute path of the project's own Jest or Vitest entry script. */
  runner?: string;
  /** Set when TypeScript tests can run: the project has tsx installed. */
  tsLoader?: boolean;
  /** Extra pytest arguments: plugins that cost startup time and that these tests do not use are left out. */
  pytestArgs?: string[];
}

const otherRunners = ['ava', 'jasmine', 'tap', 'karma', 'uvu'];
/** The entry script of each runner Loopwise runs with the project's own copy, inside its package. */
const entries = { mocha: ['mocha', 'bin', 'mocha.js'], jest: ['jest', 'bin', 'jest.js'], vitest: ['vitest', 'vitest.mjs'] };

export async function inspectProject(root: string): Promise<ProjectInfo> {
  const files = await listFiles(root);
  const discovery = testDiscovery(root);
  const pyTests = files.filter(discovery.isPythonTest);
  const jsTests = files.filter((f) => !f.endsWith('.py') && discovery.isJsTest(f));
  const count = (re: RegExp) => files.filter((f) => re.test(f)).length;
  const py = count(/\.py$/), js = count(/\.[cm]?jsx?$/), ts = count(/\.[cm]?tsx?$/);
  const hasPackage = files.includes('package.json');
  const language = ts > js || jsTests.some(isTypeScript) ? 'typescript' : 'javascript';
  if (jsTests.length > pyTests.length) return inspectJs(root, files, jsTests, language);
  if (pyTests.length) return inspectPython(root, pyTests);
  if (hasPackage || (js + ts > 0 && py === 0)) return inspectJs(root, files, jsTests, language);
  if (py > 0) return inspectPython(root, pyTests);
  return { language: 'unknown', tests: [], problems: [unsupported(files)] };
}

async function inspectPython(root: string, tests: string[]): Promise<ProjectInfo> {
  const python = await findPython(root);
  if (!python) {
    return { language: 'python', tests, problems: [{ kind: 'frameworkMissing', message: 'Python 3 was not found (no python3 on PATH, no .venv in the project). Install Python 3 and pytest (`python3 -m pip install pytest`).' }] };
  }
  const texts = await Promise.all([...tests, 'conftest.py'].map((t) => fs.readFile(join(root, t), 'latin1').catch(() => '')));
  if (python.pytest) {
    // hypothesis' pytest plugin loads for every run when installed and costs about a second of startup.
    const pytestArgs = texts.some((t) => t.includes('hypothesis')) ? [] : ['-p', 'no:hypothesispytest'];
    return { language: 'python', framework: 'pytest', tests, python, problems: [], pytestArgs };
  }
  // Without pytest only unittest.TestCase classes run; plain test_ functions need pytest.
  const needsPytest = tests.findIndex((_, i) => /^\s*(import|from)\s+pytest\b|@pytest\./m.test(texts[i]) || !/\bunittest\b|TestCase\b/.test(texts[i]));
  if (needsPytest >= 0) {
    return { language: 'python', tests, python, problems: [{ kind: 'frameworkMissing', message: `These tests need pytest, which is not installed for ${python.executable}. Install it with \`${python.executable} -m pip install pytest\`.`, location: { file: tests[needsPytest], line: 1 } }] };
  }
  return { language: 'python', framework: 'unittest', tests, python, problems: [] };
}

async function inspectJs(root: string, files: string[], tests: string[], language: 'javascript' | 'typescript'): Promise<ProjectInfo> {
  const pkg = await readPackage(root);
  const deps = { ...pkg.dependencies, ...pkg.devDependencies };
  const testScript = String(pkg.scripts?.test ?? '');
  const node = withHoistedModules(findNode(), root);
  const problems: RunProblem[] = [];
  const runner = await jsRunnerOf(root, files, pkg);
  if (runner) {
    const found = [join(root, 'node_modules'), ...ancestorModules(root)].map((d) => join(d, ...entries[runner])).find(existsSync);
    // The real path: the sandbox mounts linked dependency folders at their targets, and a project under
    // /tmp is not visible inside it (its /tmp is private).
    const entry = found && realpathSync(found);
    const framework = runner;
    if (!entry) {
      return { language, framework, tests, node, problems: [{ kind: 'frameworkMissing', message: `This project uses ${runner} (package.json) but it is not installed: run \`npm install\` in the project folder.` }] };
    }
    if (runner === 'mocha') return { language, framework: 'mocha', tests, node, mocha: entry, problems, tsLoader: hasTsx(root) };
    return { language, framework, tests, node, runner: entry, problems };
  }
  const other = otherRunners.find((r) => r in deps || new RegExp(`\\b${r}\\b`).test(testScript));
  if (other) {
    return { language, tests, node, problems: [{ kind: 'frameworkMissing', message: `This project's tests use ${other}, which Loopwise cannot run yet. Supported: node --test (node:test), mocha, Jest and Vitest.` }] };
  }
  const tsLoader = hasTsx(root);
  let runnable = tests;
  const tsTests = tests.filter(isTypeScript);
  if (tsTests.length && !tsLoader) {
    runnable = tests.filter((t) => !isTypeScript(t));
    problems.push({ kind: 'frameworkMissing', message: `TypeScript test files (${tsTests.slice(0, 3).join(', ')}${tsTests.length > 3 ? ', …' : ''}) need a loader on Node 20: install tsx in the project (\`npm install --save-dev tsx\`).`, location: { file: tsTests[0], line: 1 } });
    if (!runnable.length) return { language, tests: tsTests, node, problems };
  }
  if (!runnable.length) {
    problems.push({ kind: 'noTests', message: 'no tests found: JavaScript test files are named *.test.js, *.spec.js, *_test.js, test-*.js or live in a test/ folder' });
    return { language, framework: 'node-test', tests: [], node, problems };
  }
  return { language, framework: 'node-test', tests: runnable, node, problems, tsLoader };
}

/**
 * Which of mocha, Jest and Vitest runs the project's tests: the one its "test" script calls, else the one a
 * configuration file is there for (package.json "jest", a vite.config with a test section), else a dependency.
 */
async function jsRunnerOf(root: string, files: string[], pkg: PackageJson): Promise<'mocha' | 'jest' | 'vitest' | undefined> {
  const script = String(pkg.scripts?.test ?? '');
  const called = (['vitest', 'jest', 'mocha'] as const).map((r) => ({ r, at: script.search(new RegExp(`(^|[\\s/&;|(])${r}\\b`)) }))
    .filter((x) => x.at >= 0).sort((a, b) => a.at - b.at)[0];
  if (called) return called.r;
  const top = new Set(files.filter((f) => !f.includes('/')));
  const has = (re: RegExp) => [...top].some((f) => re.test(f));
  const configExt = '\\.(c|m)?(j|t)s$';
  if (has(new RegExp(`^vitest\\.(config|workspace)${configExt}`))) return 'vitest';
  if (has(new RegExp(`^jest\\.config(${configExt}|\\.json$)`)) || pkg.jest) return 'jest';
  if (has(/^\.mocharc\./)) return 'mocha';
  const viteConfig = [...top].find((f) => new RegExp(`^vite\\.config${configExt}`).test(f));
  if (viteConfig && /\btest\s*:/.test(await fs.readFile(join(root, viteConfig), 'utf8').catch(() => ''))) return 'vitest';
  const deps = { ...pkg.dependencies, ...pkg.devDependencies };
  return (['vitest', 'jest', 'mocha'] as const).find((r) => r in deps);
}

/** node_modules folders above the project (a monorepo hoists dependencies there), nearest first. */
function ancestorModules(root: string): string[] {
  const found: string[] = [];
  for (let dir = dirname(root); ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'node_modules'))) found.push(join(dir, 'node_modules'));
    if (dir === dirname(dir)) return found;
  }
}

/** The scratch copy has no parent folders: hoisted dependencies are reached through NODE_PATH, read-only. */
function withHoistedModules(node: NodeInfo, root: string): NodeInfo {
  const hoisted = ancestorModules(root);
  if (!hoisted.length) return node;
  return { ...node, env: { ...node.env, NODE_PATH: hoisted.join(delimiter) }, paths: [...node.paths, ...hoisted] };
}

function hasTsx(root: string): boolean {
  return existsSync(join(root, 'node_modules', 'tsx', 'package.json'));
}

interface PackageJson {
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  scripts?: Record<string, string>;
  jest?: unknown;
}

async function readPackage(root: string): Promise<PackageJson> {
  try {
    const parsed = JSON.parse(await fs.readFile(join(root, 'package.json'), 'utf8'));
    return parsed && typeof parsed === 'object' ? parsed : {};
  } catch {
    return {};
  }
}

function unsupported(files: string[]): RunProblem {
  const exts = new Map<string, number>();
  for (const f of files) {
    const e = extname(f);
    if (e) exts.set(e, (exts.get(e) ?? 0) + 1);
  }
  const top = [...exts.entries()].sort((a, b) => b[1] - a[1]).slice(0, 4).map(([e, n]) => `${n} ${e}`).join(', ');
  return {
    kind: 'unsupportedLanguage',
    message: `Loopwise runs Python (pytest, unittest) and JavaScript/TypeScript (node --test, mocha, Jest, Vitest) tests; ` +
      (files.length ? `this folder has no such files (found ${top}).` : 'this folder is empty.'),
  };
}
