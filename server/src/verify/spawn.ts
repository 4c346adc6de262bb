// Starts a long-lived verification worker inside the sandbox of run/sandbox.ts: bubblewrap when it works
// (no network, read-only system, HOME hidden, only the scratch copy writable, private /tmp and pid
// namespace, dies with us); otherwise a plain process in its own group. Per-candidate rlimits are applied
// by the worker itself, which is why CAP_SETUID/SETGID/KILL are kept: as root it drops each candidate to
// nobody (so RLIMIT_NPROC binds) and must still be able to kill what the candidate forked.
import { spawn, type ChildProcess } from 'node:child_process';
import { bwrapArgs, sandboxKind, type SandboxKind } from '../run/sandbox';

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

/** Spawns `command args` in the sandbox, stdin/stdout piped for the JSON-lines protocol. */
export function spawnWorker(place: WorkerPlace, command: string, args: string[], env: NodeJS.ProcessEnv): WorkerSpawn {
  const kind = process.platform === 'linux' ? sandboxKind() : 'rlimits';
  const argv = kind === 'bubblewrap' ? [...bwrapArgs(place, ['CAP_SETUID', 'CAP_SETGID', 'CAP_KILL']), command, ...args] : [command, ...args];
  const child = spawn(argv[0], argv.slice(1), { cwd: place.cwd, env, detached: true, stdio: ['pipe', 'pipe', 'pipe'] });
  return { child, sandbox: kind };
}
