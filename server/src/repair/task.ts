// What to repair in a folder: a benchmark task (task.json next to workspace/) or a plain project, where
// test files are found by the usual pytest / node --test naming rules and every other code file is a source.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

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

const pyTest = /(^|\/)(test_[^/]*|[^/]*_test)\.py$|(^|\/)conftest\.py$/;
const jsTest = /(^|\/)(test(-[^/]*)?|[^/]*[._-]test|[^/]*\.spec)\.(c|m)?js$|(^|\/)tests?\//;
const ignored = new Set(['node_modules', '.git', '__pycache__', '.venv', 'venv', '.pytest_cache']);

function listFiles(root: string, dir = root, out: string[] = []): string[] {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (ignored.has(e.name) || e.name.startsWith('.')) continue;
    const p = join(dir, e.name);
    if (e.isDirectory()) listFiles(root, p, out);
    else out.push(relative(root, p).split(sep).join('/'));
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
  const py = files.filter((f) => f.endsWith('.py'));
  const js = files.filter((f) => /\.(c|m)?js$/.test(f));
  const pyTests = py.filter((f) => pyTest.test(f));
  const jsTests = js.filter((f) => jsTest.test(f));
  if (pyTests.length && pyTests.length >= jsTests.length) {
    return { root: folder, language: 'python', sources: py.filter((f) => !pyTest.test(f)), tests: pyTests };
  }
  if (jsTests.length) return { root: folder, language: 'javascript', sources: js.filter((f) => !jsTest.test(f)), tests: jsTests };
  throw new TaskError(`no tests found in ${folder} (expected test_*.py / *_test.py for pytest, or *.test.js for node --test)`);
}
