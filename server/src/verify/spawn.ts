// Starts a long-lived verification worker inside the sandbox of run/sandbox.ts: bubblewrap when it works
// (no network, read-only system, HOME hidden, only the scratch copy writable, private /tmp and pid
// namespace, dies with us); otherwise a plain process in its own group. Per-candidate rlimits are applied
// by the worker itself, which is why CAP_SETUID/SETGID/KILL are kept: as root it drops each candidate to
// nobody (so RLIMIT_NPROC binds) and must still be able to kill what the candidate forked.
import { spawn, type ChildProcess } from 'node:child_process';
import { homedir } from 'node:os';
import { sandboxKind, type SandboxKind } from '../run/sandbox';

export interface WorkerSpawn {
  child: ChildProcess;
  sandbox: SandboxKind;
}

export interface WorkerPlace {
  /** Working directory: the scratch copy of the task. */
  cwd: string;
  /** Writable paths (the scratch folder). */
  writable: string[];
  /** Original folders the copy links to (dependencies), mounted read-only. */
  readOnly: string[];
}

function bwrapArgs(place: WorkerPlace): string[] {
  const a = ['--ro-bind', '/', '/', '--dev', '/dev', '--proc', '/proc', '--tmpfs', '/tmp', '--tmpfs', '/run'];
  const home = homedir();
  if (home && home !== '/') a.push('--tmpfs', home);
  for (const p of place.readOnly) a.push('--ro-bind-try', p, p);
  for (const p of place.writable) a.push('--bind', p, p);
  a.push('--unshare-net', '--unshare-pid', '--unshare-ipc', '--unshare-uts', '--die-with-parent', '--new-session',
    '--cap-drop', 'ALL', '--cap-add', 'CAP_SETUID', '--cap-add', 'CAP_SETGID', '--cap-add', 'CAP_KILL', '--chdir', place.cwd, '--');
  return a;
}

/** Spawns `command args` in the sandbox, stdin/stdout piped for the JSON-lines protocol. */
export function spawnWorker(place: WorkerPlace, command: string, args: string[], env: NodeJS.ProcessEnv): WorkerSpawn {
  const kind = process.platform === 'linux' ? sandboxKind() : 'rlimits';
  const argv = kind === 'bubblewrap' ? ['bwrap', ...bwrapArgs(place), command, ...args] : [command, ...args];
  const child = spawn(argv[0], argv.slice(1), { cwd: place.cwd, env, detached: true, stdio: ['pipe', 'pipe', 'pipe'] });
  return { child, sandbox: kind };
}
