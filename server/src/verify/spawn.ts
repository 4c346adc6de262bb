// Starts a long-lived verification worker inside the sandbox: bubblewrap when it works (no network, the
// whole file system read-only except the task's scratch copy, private /tmp and pid namespace, dies with
// us); otherwise a plain process in its own group (rlimits are still applied per candidate by the worker).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';

let bwrapUsable: boolean | undefined;

/** Whether bubblewrap can create the namespaces we need on this machine (checked once per process). */
export function bubblewrapWorks(): boolean {
  if (bwrapUsable === undefined) {
    const r = spawnSync('bwrap', [...bwrapArgs('/'), 'true'], { stdio: 'ignore', timeout: 5000 });
    bwrapUsable = r.status === 0;
  }
  return bwrapUsable;
}

function bwrapArgs(scratch: string): string[] {
  const args = ['--ro-bind', '/', '/', '--dev', '/dev', '--proc', '/proc', '--tmpfs', '/tmp'];
  if (scratch !== '/') args.push('--bind', scratch, scratch);
  args.push('--unshare-net', '--unshare-pid', '--unshare-ipc', '--unshare-uts', '--die-with-parent', '--new-session', '--chdir', scratch === '/' ? '/' : scratch);
  return args;
}

export interface WorkerSpawn {
  child: ChildProcess;
  sandbox: 'bubblewrap' | 'rlimits';
}

/** Environment for user code: no secrets (API keys) from ours, only what interpreters need. */
export function workerEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const keep = ['PATH', 'HOME', 'LANG', 'LC_ALL', 'PYTHONPATH', 'NODE_PATH', 'SYSTEMROOT', 'TMPDIR'];
  const env: NodeJS.ProcessEnv = {};
  for (const k of keep) if (process.env[k] !== undefined) env[k] = process.env[k];
  return { ...env, PYTHONDONTWRITEBYTECODE: '1', PYTHONHASHSEED: '0', ...extra };
}

/** Spawns `command args` with cwd = scratch, stdin/stdout piped for the JSON-lines protocol. */
export function spawnWorker(scratch: string, command: string, args: string[], env: NodeJS.ProcessEnv): WorkerSpawn {
  const opts = { cwd: scratch, env, stdio: ['pipe', 'pipe', 'pipe'] as ('pipe')[] };
  if (process.platform === 'linux' && bubblewrapWorks()) {
    return { child: spawn('bwrap', [...bwrapArgs(scratch), command, ...args], opts), sandbox: 'bubblewrap' };
  }
  return { child: spawn(command, args, { ...opts, detached: true }), sandbox: 'rlimits' };
}
