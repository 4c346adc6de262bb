// Which files of a project are tests, by the rules of the runner that runs them and the project's own
// configuration: pytest's python_files and testpaths (pytest.ini, pyproject.toml, tox.ini, setup.cfg),
// mocha's spec (.mocharc.*, package.json "mocha"), the paths or globs after `node --test` in the test
// script, else node --test's default patterns. Used by `run`'s detection and by fix/hint's task alike.
import { existsSync, readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import { globToRegExp, iniValue, mochaSpec, tomlValue } from './discoveryConfig';
import { isJsTest as jestLikeTest } from './files';

export interface TestDiscovery {
  isPythonTest(rel: string): boolean;
  isJsTest(rel: string): boolean;
}

/** node --test's default patterns (Node 20), and the same names in TypeScript for a tsx loader. */
const nodeName = /^(.*\.test|.*-test|.*_test|test-.*|test)\.(c|m)?js$/;
const nodeNameTs = /^(.*\.test|.*-test|.*_test|test-.*|test)\.(c|m)?ts$/;
const jsFile = /\.(c|m)?js$/;

export function isNodeDefaultTest(rel: string): boolean {
  const name = posix.basename(rel);
  return nodeName.test(name) || nodeNameTs.test(name) || (jsFile.test(rel) && /(^|\/)test\//.test(rel));
}

export function testDiscovery(root: string): TestDiscovery {
  const python = pytestRules(root);
  const js = jsRules(root);
  return { isPythonTest: python, isJsTest: js };
}

function read(root: string, name: string): string | undefined {
  try { return readFileSync(join(root, name), 'utf8'); } catch { return undefined; }
}

/** pytest reads the first of these that has a pytest section; the rest are ignored. */
function pytestRules(root: string): (rel: string) => boolean {
  let files = ['test_*.py', '*_test.py'];
  let paths: string[] = [];
  const sources: [string, (text: string, key: string) => string[] | undefined][] = [
    ['pytest.ini', (t, k) => iniValue(t, ['pytest', 'tool:pytest'], k)],
    ['pyproject.toml', (t, k) => tomlValue(t, 'tool.pytest.ini_options', k)],
    ['tox.ini', (t, k) => iniValue(t, ['pytest'], k)],
    ['setup.cfg', (t, k) => iniValue(t, ['tool:pytest'], k)],
  ];
  for (const [name, get] of sources) {
    const text = read(root, name);
    if (text === undefined) continue;
    const section = name === 'pyproject.toml' ? /^\[tool\.pytest\.ini_options\]/m : name === 'setup.cfg' ? /^\[tool:pytest\]/m : /^\[(tool:)?pytest\]/m;
    if (!section.test(text)) continue;
    files = get(text, 'python_files') ?? files;
    paths = (get(text, 'testpaths') ?? []).map((p) => p.replace(/^\.\//, '').replace(/\/$/, ''));
    break;
  }
  const names = files.map((f) => globToRegExp(f));
  return (rel) => {
    if (!rel.endsWith('.py')) return false;
    if (paths.length && !paths.some((p) => p === '.' || rel === p || rel.startsWith(p + '/'))) return false;
    const name = posix.basename(rel);
    return names.some((re) => re.test(name));
  };
}

interface PackageJson { scripts?: Record<string, string>; mocha?: unknown; dependencies?: Record<string, string>; devDependencies?: Record<string, string> }

function jsRules(root: string): (rel: string) => boolean {
  let pkg: PackageJson = {};
  try { pkg = JSON.parse(read(root, 'package.json') ?? '{}') ?? {}; } catch { /* not JSON: no configuration */ }
  const script = String(pkg.scripts?.test ?? '');
  const deps = { ...pkg.dependencies, ...pkg.devDependencies };
  // Jest and Vitest discover their own tests (testMatch, include): the broad rule only tells a test file apart.
  if (/(^|[\s/])(jest|vitest)\b/.test(script) || 'jest' in deps || 'vitest' in deps) return jestLikeTest;
  const usesMocha = /(^|[\s/])mocha\b/.test(script) || 'mocha' in deps || pkg.mocha !== undefined
    || ['.mocharc.json', '.mocharc.jsonc', '.mocharc.yml', '.mocharc.yaml', '.mocharc.js', '.mocharc.cjs'].some((f) => existsSync(join(root, f)));
  if (usesMocha) {
    const spec = mochaSpec(root, pkg.mocha, read);
    const res = spec.map((s) => globToRegExp(s.replace(/^\.\//, '')));
    return (rel) => res.some((re) => re.test(rel));
  }
  const args = nodeTestArgs(script);
  if (args.length) {
    const res = args.map((a) => (/[*?{[]/.test(a) ? globToRegExp(a.replace(/^\.\//, '')) : undefined));
    return (rel) => args.some((a, i) => {
      const re = res[i];
      if (re) return re.test(rel);
      const p = a.replace(/^\.\//, '').replace(/\/$/, '');
      // A file names itself; a folder is searched with the default patterns (Node 20).
      return rel === p || (rel.startsWith(p + '/') && isNodeDefaultTest(rel.slice(p.length + 1)));
    });
  }
  return isNodeDefaultTest;
}

/** Flags of node that take the next word as their value (that word names no test file). */
const valueFlags = new Set(['-r', '--require', '--import', '--loader', '--experimental-loader', '--test-reporter', '--test-reporter-destination',
  '--test-name-pattern', '--test-skip-pattern', '--test-concurrency', '--test-timeout', '--conditions', '-C', '--env-file', '--input-type']);

/** The file arguments of `node … --test …` in a test script ('node --test' alone: none). */
export function nodeTestArgs(script: string): string[] {
  for (const command of script.split(/&&|\|\||;/)) {
    const words = command.trim().match(/"[^"]*"|'[^']*'|\S+/g)?.map((w) => w.replace(/^["']|["']$/g, '')) ?? [];
    const node = words.findIndex((w) => /(^|\/)node$/.test(w));
    if (node < 0 || !words.includes('--test')) continue;
    const out: string[] = [];
    for (let i = node + 1; i < words.length; i++) {
      const w = words[i];
      if (valueFlags.has(w)) i++;
      else if (!w.startsWith('-')) out.push(w);
    }
    return out;
  }
  return [];
}
