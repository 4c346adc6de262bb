// Scratch copies: the verifier works on a private copy of the task folder so the user's files (or a
// benchmark suite) are never written. Version-control and dependency folders are linked, not copied.
import { chmodSync, cpSync, existsSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const linkOnly = new Set(['node_modules', '.venv', 'venv']);
const skip = new Set(['.git', '.hg', '__pycache__', '.pytest_cache']);

export function makeScratch(root: string): string {
  if (!existsSync(root)) throw new Error(`folder not found: ${root}`);
  const dir = mkdtempSync(join(tmpdir(), 'loopwise-verify-'));
  // Candidates run as an unprivileged user when we are root: let it traverse into the copy.
  chmodSync(dir, 0o711);
  for (const name of readdirSync(root)) {
    if (skip.has(name)) continue;
    if (linkOnly.has(name)) symlinkSync(join(root, name), join(dir, name));
    else cpSync(join(root, name), join(dir, name), { recursive: true, filter: (src) => !src.split(/[\\/]/).some((p) => skip.has(p)) });
  }
  return dir;
}

export function removeScratch(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}
