// Test helpers for the repair and verify tests: a private TMPDIR (so every scratch copy, and therefore every
// worker's command line, names it) and a scan of /proc for processes that mention a path.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function withTmpdir(): { dir: string; restore(): void } {
  const previous = process.env.TMPDIR;
  const dir = mkdtempSync(join(tmpdir(), 'lw-test-'));
  process.env.TMPDIR = dir;
  return {
    dir,
    restore() {
      if (previous === undefined) delete process.env.TMPDIR; else process.env.TMPDIR = previous;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Pids of live processes whose command line contains `needle`. */
export function processesMentioning(needle: string): number[] {
  const out: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    try {
      const cmd = readFileSync(`/proc/${name}/cmdline`, 'utf8');
      const state = readFileSync(`/proc/${name}/stat`, 'utf8').split(') ')[1]?.[0];
      if (cmd.includes(needle) && state !== 'Z') out.push(Number(name));
    } catch { /* exited meanwhile */ }
  }
  return out;
}
