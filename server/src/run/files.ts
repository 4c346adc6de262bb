// Finding a project's files: a bounded walk of the workspace, which of them are tests, and which tests
// are related to a source file (so a save runs only the tests that exercise it).
import { promises as fs } from 'node:fs';
import { basename, extname, join, posix } from 'node:path';

const ignoredDirs = new Set(['node_modules', '.venv', 'venv', 'env', '.env', '.git', '.hg', '.svn', '__pycache__', '.tox', '.nox',
  '.pytest_cache', '.mypy_cache', 'site-packages', 'dist', 'build', 'out', 'coverage', '.next', '.loopwise']);
const maxFiles = 20000;

/** Dependency, build and tool folders no walk of the project enters. */
export function isIgnoredDir(name: string): boolean {
  return ignoredDirs.has(name) || name.startsWith('.');
}

/** Workspace-relative paths (with '/') of the project's files, dependency and build folders left out. */
export async function listFiles(root: string): Promise<string[]> {
  const found: string[] = [];
  async function walk(dir: string, rel: string): Promise<void> {
    if (found.length >= maxFiles) return;
    let entries;
    try { entries = await fs.readdir(dir, { withFileTypes: true }); } catch { return; }
    for (const e of entries) {
      if (found.length >= maxFiles) return;
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) {
        if (!isIgnoredDir(e.name)) await walk(join(dir, e.name), r);
      } else if (e.isFile()) {
        found.push(r);
      }
    }
  }
  await walk(root, '');
  return found.sort();
}

const jsExt = /\.(c|m)?jsx?$/;
const tsExt = /\.(c|m)?tsx?$/;

/** What `run`, `fix` and `hint` say when a Python project has no tests. */
export const noPythonTests = 'no tests found: Python test files are named test_*.py or *_test.py, with functions named test_*';

export function isPythonTest(rel: string): boolean {
  const b = posix.basename(rel);
  return /^test_.*\.py$/.test(b) || /_test\.py$/.test(b);
}

/** node --test's default patterns, plus *.spec.* and their TypeScript twins. */
export function isJsTest(rel: string): boolean {
  if (!jsExt.test(rel) && !(tsExt.test(rel) && !rel.endsWith('.d.ts'))) return false;
  const stem = posix.basename(rel).replace(/\.[^.]+$/, '');
  return /[.\-_](test|spec)$/.test(stem) || /^test-/.test(stem) || stem === 'test' || /(^|\/)(test|tests|__tests__)\//.test(rel);
}

export function isTestFile(rel: string): boolean {
  return rel.endsWith('.py') ? isPythonTest(rel) : isJsTest(rel);
}

export function isTypeScript(rel: string): boolean {
  return tsExt.test(rel) && !jsExt.test(rel);
}

/**
 * Test files related to `wanted` (workspace-relative): a test file stands for itself; a source file brings
 * the tests that import it or are named after it. Empty when nothing matches.
 */
export async function relatedTests(root: string, tests: string[], wanted: string[]): Promise<string[]> {
  const picked = new Set<string>();
  const sources: string[] = [];
  for (const w of wanted.map((f) => f.split('\\').join('/'))) {
    if (tests.includes(w)) picked.add(w);
    else sources.push(w);
  }
  for (const src of sources) {
    const stem = basename(src, extname(src));
    const importRe = src.endsWith('.py')
      ? new RegExp(`^\\s*(from\\s+[\\w.]*\\b${escape(stem)}\\b|import\\s+[\\w., ]*\\b${escape(stem)}\\b)`, 'm')
      : new RegExp(`(require\\(|from\\s+|import\\()\\s*['"][^'"]*\\b${escape(stem)}(\\.[cm]?[jt]sx?)?['"]`);
    for (const t of tests) {
      if (picked.has(t)) continue;
      const tStem = basename(t).replace(/\.[^.]+$/, '');
      if (tStem.replace(/^test_|_test$|[.\-_](test|spec)$/g, '') === stem) { picked.add(t); continue; }
      let text: string;
      try { text = await fs.readFile(join(root, t), 'latin1'); } catch { continue; }
      if (importRe.test(text)) picked.add(t);
    }
  }
  return [...picked].sort();
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
