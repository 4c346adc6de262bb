// Runs a command on user code in a sandbox: bubblewrap when it works (no network, read-only system,
// writable scratch only, private /tmp, HOME hidden), otherwise rlimits only. Both add memory, file-size
// and process limits, a wall-clock timeout, output caps and a kill of the whole process tree.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import type { RunProblem } from '../../../common/results';

export { makeScratchCopy, type Scratch } from './scratch';

export type SandboxKind = 'bubblewrap' | 'rlimits';

export interface SandboxOptions {
  cwd: string;
  /** Paths the child may write (default: [cwd]). Everything else is read-only or hidden. */
  writable?: string[];
  /** Extra paths to expose read-only, e.g. linked dependency folders or an interpreter under HOME. */
  readOnly?: string[];
  timeoutMs: number;
  /** Data-segment limit (RLIMIT_DATA), default 2048. */
  memoryMb?: number;
  /** Default 256. Only enforced for non-root users (the kernel exempts root from RLIMIT_NPROC). */
  maxProcesses?: number;
  /** Per stream; the rest is read and dropped. Default 1 MiB. */
  maxOutputBytes?: number;
  /** Largest file the child may write (RLIMIT_FSIZE), default 256. */
  maxFileMb?: number;
  /** The complete environment of the child: pass scrubbedEnv(...), never process.env. */
  env: Record<string, string>;
  signal?: AbortSignal;
}

export interface SandboxResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  aborted: boolean;
  /** stdout or stderr went over maxOutputBytes. */
  truncated: boolean;
  sandbox: SandboxKind;
  durationMs: number;
}

let kindCache: SandboxKind | undefined;
/** Whether this bwrap takes --perms (0.5 and later): without it, the private /tmp is not world-writable. */
let bwrapPerms = false;

/** Which sandbox this machine gives us. LOOPWISE_SANDBOX=rlimits forces the weaker one (tests use it). */
export function sandboxKind(): SandboxKind {
  if (process.env.LOOPWISE_SANDBOX === 'rlimits') return 'rlimits';
  if (kindCache) return kindCache;
  const probe = (extra: string[]) => spawnSync('bwrap', ['--ro-bind', '/', '/', ...extra, '--unshare-net', '--unshare-pid', '--die-with-parent', '--cap-drop', 'ALL', 'true'], { stdio: 'ignore', timeout: 5000 }).status === 0;
  bwrapPerms = probe(['--perms', '1777', '--tmpfs', '/tmp']);
  kindCache = bwrapPerms || probe([]) ? 'bubblewrap' : 'rlimits';
  return kindCache;
}

export function weakSandboxProblem(): RunProblem {
  return {
    kind: 'weakSandbox',
    message: 'bubblewrap (bwrap) is not available, so tests run with resource limits only: they can use the network ' +
      'and read your files. Install bubblewrap (e.g. `apt install bubblewrap`) for the full sandbox.',
  };
}

export function runSandboxed(cmd: string, args: string[], opts: SandboxOptions): Promise<SandboxResult> {
  const kind = sandboxKind();
  const argv = [...limitArgs(opts), ...(kind === 'bubblewrap' ? bwrapArgs(opts) : []), cmd, ...args];
  const started = Date.now();
  const maxOut = opts.maxOutputBytes ?? 1 << 20;
  return new Promise((resolvePromise) => {
    const result: SandboxResult = {
      code: null, signal: null, stdout: '', stderr: '', timedOut: false, aborted: false, truncated: false, sandbox: kind, durationMs: 0,
    };
    if (opts.signal?.aborted) {
      resolvePromise({ ...result, aborted: true });
      return;
    }
    const child = spawn(argv[0], argv.slice(1), { cwd: opts.cwd, env: opts.env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [], err: Buffer[] = [];
    const sizes = { out: 0, err: 0 };
    const collect = (into: Buffer[], key: 'out' | 'err') => (chunk: Buffer) => {
      const room = maxOut - sizes[key];
      if (room > 0) into.push(room >= chunk.length ? chunk : chunk.subarray(0, room));
      if (chunk.length > room) result.truncated = true;
      sizes[key] += chunk.length;
    };
    child.stdout.on('data', collect(out, 'out'));
    child.stderr.on('data', collect(err, 'err'));
    const kill = () => { if (child.pid) killTree(child.pid); };
    const timer = setTimeout(() => { result.timedOut = true; kill(); }, opts.timeoutMs);
    const onAbort = () => { result.aborted = true; kill(); };
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
      // A background grandchild may still hold the pipes or run on: nothing may outlive the run.
      kill();
      child.stdout.destroy();
      child.stderr.destroy();
      result.stdout = Buffer.concat(out).toString('utf8');
      result.stderr = Buffer.concat(err).toString('utf8');
      result.durationMs = Date.now() - started;
      resolvePromise(result);
    };
    child.on('error', (e) => {
      result.stderr += `cannot start ${cmd}: ${e.message}`;
      result.code = 127;
      finish();
    });
    child.on('exit', (code, signal) => {
      result.code = code;
      result.signal = signal;
      setTimeout(finish, 1000).unref();
    });
    child.on('close', finish);
  });
}

function limitArgs(opts: SandboxOptions): string[] {
  const mem = (opts.memoryMb ?? 2048) * 1024 * 1024;
  const fsize = (opts.maxFileMb ?? 256) * 1024 * 1024;
  const running = processesOfUser();
  // Without /proc the current count is unknown, and a cap below it would stop the child from forking at all.
  const nproc = running === undefined ? undefined : running + (opts.maxProcesses ?? 256);
  if (existsSync('/usr/bin/prlimit') || existsSync('/bin/prlimit')) {
    return ['prlimit', `--data=${mem}`, `--fsize=${fsize}`, '--core=0', ...(nproc ? [`--nproc=${nproc}`] : []), '--'];
  }
  const script = `ulimit -d ${mem / 1024} && ulimit -f ${fsize / 512} && ulimit -c 0 ${nproc ? `&& ulimit -u ${nproc} ` : ''}&& exec "$@"`;
  return ['sh', '-c', script, 'sh'];
}

/**
 * The bubblewrap command line for one sandboxed process. `keepCaps` are the capabilities left after
 * --cap-drop ALL: only the verifier's long-lived workers need any (to drop candidates to nobody and kill them).
 */
export function bwrapArgs(opts: Pick<SandboxOptions, 'cwd' | 'writable' | 'readOnly'>, keepCaps: string[] = []): string[] {
  sandboxKind();
  // /tmp is world-writable as on the host: the verifier runs candidates as nobody when we are root.
  const a = ['bwrap', '--ro-bind', '/', '/', '--dev', '/dev', '--proc', '/proc', ...(bwrapPerms ? ['--perms', '1777'] : []), '--tmpfs', '/tmp', '--tmpfs', '/run'];
  // The real home holds credentials (~/.ssh, ~/.aws, ~/.npmrc): hide it; what tests need is re-mounted below.
  const home = homedir();
  const fresh = ['/tmp', '/run'];
  if (home && home !== '/' && existsSync(home)) {
    a.push('--tmpfs', home);
    fresh.push(home);
  }
  const readOnly = opts.readOnly ?? [];
  const writable = opts.writable ?? [opts.cwd];
  const mounts = [...readOnly, ...writable];
  const made = new Set<string>();
  // bwrap creates the folders leading to a mount inside a fresh tmpfs as 0700, which an unprivileged
  // candidate cannot cross (a pyenv Python under /root, a scratch copy under a nested TMPDIR): create
  // them readable first.
  const parents = (p: string) => {
    const top = bwrapPerms ? fresh.find((f) => p.startsWith(f + '/')) : undefined;
    if (!top) return;
    const parts = p.slice(top.length + 1).split('/');
    for (let i = 1; i < parts.length; i++) {
      const d = `${top}/${parts.slice(0, i).join('/')}`;
      if (made.has(d) || mounts.some((m) => d === m || d.startsWith(m + '/'))) continue;
      made.add(d);
      a.push('--perms', '0755', '--dir', d);
    }
  };
  for (const p of readOnly) {
    parents(p);
    a.push('--ro-bind-try', p, p);
  }
  for (const p of writable) {
    parents(p);
    a.push('--bind', p, p);
  }
  a.push('--unshare-net', '--unshare-pid', '--unshare-ipc', '--unshare-uts', '--die-with-parent', '--new-session',
    '--cap-drop', 'ALL', ...keepCaps.flatMap((c) => ['--cap-add', c]), '--chdir', opts.cwd, '--');
  return a;
}

/** RLIMIT_NPROC counts every process of the user, so the cap is "what runs now" plus the allowance. */
function processesOfUser(): number | undefined {
  const uid = process.getuid?.() ?? 0;
  const entries = safeReaddir('/proc');
  if (!entries.length) return undefined;
  let n = 0;
  for (const name of entries) {
    if (!/^\d+$/.test(name)) continue;
    try { if (statSync(`/proc/${name}`).uid === uid) n++; } catch { /* exited meanwhile */ }
  }
  return n;
}

/** Kills a process, its process group and every descendant (found through /proc), with SIGKILL; returns their pids. */
export function killTree(pid: number): number[] {
  const victims = [pid, ...descendants(pid)];
  try { process.kill(-pid, 'SIGKILL'); } catch { /* group already gone */ }
  for (const p of victims) {
    try { process.kill(p, 'SIGKILL'); } catch { /* already gone */ }
  }
  return victims;
}

/** Resolves once none of `pids` runs any more (gone or a zombie), or after `maxMs`. */
export async function whenGone(pids: number[], maxMs = 3000): Promise<void> {
  const until = Date.now() + maxMs;
  const running = (p: number) => {
    try { return readFileSync(`/proc/${p}/stat`, 'utf8').split(') ')[1]?.[0] !== 'Z'; } catch { return false; }
  };
  while (pids.some(running) && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
}

function descendants(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const name of safeReaddir('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const list = children.get(ppid) ?? [];
      list.push(Number(name));
      children.set(ppid, list);
    } catch { /* exited meanwhile */ }
  }
  const found: number[] = [];
  const queue = [root];
  while (queue.length) {
    for (const c of children.get(queue.pop()!) ?? []) {
      found.push(c);
      queue.push(c);
    }
  }
  return found;
}

function safeReaddir(dir: string): string[] {
  try { return readdirSync(dir); } catch { return []; }
}
