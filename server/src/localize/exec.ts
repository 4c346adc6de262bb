// The one place localization runs user code: through the project's sandbox, in a scratch copy, with
// the interpreter the test runner would use. Keeps the sandbox call and its limits out of the runners.
import { scrubbedEnv } from '../run/env';
import { runSandboxed, type Scratch } from '../run/sandbox';
import { findNode, findPython } from '../run/toolchain';

export interface Interpreter {
  executable: string;
  /** Folders the interpreter loads from, mounted read-only in the sandbox. */
  paths: string[];
  env: Record<string, string>;
}

export interface ExecResult {
  exitCode: number | null;
  timedOut: boolean;
  output: string;
}

/** Where a cold (sandboxed) run happens: a scratch copy of the project and the interpreter to use. */
export interface ColdRun {
  scratch: Scratch;
  interpreter: Interpreter;
}

/** A problem with the environment or the input that localization reports instead of a ranking. */
export class LocalizeProblem extends Error {}

export class LocalizeCancelled extends Error {
  constructor() {
    super('localization cancelled');
  }
}

export async function interpreterFor(language: 'python' | 'javascript', root: string): Promise<Interpreter> {
  if (language === 'javascript') {
    const node = findNode();
    return { executable: node.executable, paths: node.paths, env: node.env };
  }
  const py = await findPython(root);
  if (!py) throw new LocalizeProblem('no Python interpreter found (looked for .venv/venv in the project and python3 on PATH)');
  if (!py.pytest) throw new LocalizeProblem(`pytest is not installed for ${py.executable}: install it (pip install pytest) to localize faults`);
  return { executable: py.executable, paths: py.paths, env: py.userBase ? { PYTHONUSERBASE: py.userBase } : {} };
}

export async function execSandboxed(interp: Interpreter, args: string[], scratch: Scratch, env: Record<string, string>, timeoutMs: number, signal?: AbortSignal): Promise<ExecResult> {
  if (signal?.aborted) throw new LocalizeCancelled();
  const r = await runSandboxed(interp.executable, args, {
    cwd: scratch.workspace,
    writable: [scratch.dir],
    readOnly: [...interp.paths, ...scratch.linked],
    timeoutMs: Math.max(1000, Math.round(timeoutMs)),
    memoryMb: 2048,
    maxProcesses: 64,
    env: scrubbedEnv(scratch.homeDir, scratch.tmpDir, { ...interp.env, ...env }),
    signal,
  });
  if (r.aborted || signal?.aborted) throw new LocalizeCancelled();
  return { exitCode: r.code, timedOut: r.timedOut, output: `${r.stdout}\n${r.stderr}` };
}
