// Scratch copies of a workspace: user code always runs on a throwaway copy, never on the user's files.
// Sources are copied; large dependency folders (node_modules, virtualenvs) are symlinked to the original
// and mounted read-only by the sandbox, so a copy stays cheap. dispose() removes everything.
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, sep } from 'node:path';

/** Folders that are never needed to run tests and may be huge. */
const skipped = new Set(['.git', '.hg', '.svn', '__pycache__', '.pytest_cache', '.mypy_cache', '.ruff_cache', '.tox', '.nox', '.loopwise']);
/** Dependency folders: linked, not copied. */
const linkedNames = new Set(['node_modules', '.venv', 'venv', 'bower_components']);
const bigFileBytes = 64 * 1024 * 1024;

export interface Scratch {
  /** The scratch folder (writable in the sandbox); everything below is removed by dispose(). */
  dir: string;
  /** The copy of the workspace inside `dir`. Run user code with this as cwd. */
  workspace: string;
  /** For the runner's own files (plugins, reporters, result files); not part of the copy. */
  toolDir: string;
  /** HOME and TMPDIR of the child. */
  homeDir: string;
  tmpDir: string;
  /** The original workspace (absolute). */
  root: string;
  /** Original folders the copy links to; the sandbox mounts them read-only. */
  linked: string[];
  dispose(): Promise<void>;
}

/** Copies `root` into a fresh scratch folder. `base` overrides the parent folder (default: os.tmpdir()). */
export async function makeScratchCopy(root: string, base = tmpdir()): Promise<Scratch> {
  const absRoot = resolve(root);
  const dir = await fs.mkdtemp(join(base, 'loopwise-'));
  const scratch: Scratch = {
    dir,
    workspace: join(dir, 'ws'),
    toolDir: join(dir, 'tool'),
    homeDir: join(dir, 'home'),
    tmpDir: join(dir, 'tmp'),
    root: absRoot,
    linked: [],
    dispose: () => fs.rm(dir, { recursive: true, force: true, maxRetries: 3 }),
  };
  try {
    await Promise.all([scratch.toolDir, scratch.homeDir, scratch.tmpDir].map((d) => fs.mkdir(d)));
    await copyTree(absRoot, absRoot, scratch.workspace, scratch.linked);
  } catch (err) {
    await scratch.dispose();
    throw err;
  }
  return scratch;
}

async function copyTree(root: string, from: string, to: string, linked: string[]): Promise<void> {
  await fs.mkdir(to, { recursive: true });
  const entries = await fs.readdir(from, { withFileTypes: true });
  await Promise.all(entries.map(async (e) => {
    const src = join(from, e.name);
    const dst = join(to, e.name);
    if (e.isDirectory()) {
      if (skipped.has(e.name)) return;
      if (linkedNames.has(e.name)) {
        linked.push(src);
        await fs.symlink(src, dst);
        return;
      }
      await copyTree(root, src, dst, linked);
    } else if (e.isSymbolicLink()) {
      // A link inside the project stays relative; one leading out of it must still resolve from the copy.
      const target = await fs.readlink(src);
      const abs = resolve(from, target);
      const inside = abs === root || abs.startsWith(root + sep);
      if (!inside) linked.push(abs);
      await fs.symlink(inside ? target : abs, dst);
    } else if (e.isFile()) {
      // Big data files are linked (read-only in the sandbox) rather than copied on every run.
      if ((await fs.stat(src)).size > bigFileBytes) {
        linked.push(src);
        await fs.symlink(src, dst);
      } else {
        await fs.copyFile(src, dst);
      }
    }
    // sockets, fifos and devices are not part of a project
  }));
}
