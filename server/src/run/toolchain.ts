// Locating the interpreters that run a project's tests: the project's own virtualenv or python3 on PATH,
// probed once (outside the sandbox, away from user code) for its prefixes and whether pytest is importable;
// and node (the user's, not the editor's Electron binary).
import { execFile } from 'node:child_process';
import { existsSync, realpathSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { tmpdir } from 'node:os';
import { scrubbedEnv } from './env';

export interface PythonInfo {
  executable: string;
  version: string;
  pytest?: string;
  /** Folders the interpreter loads from (prefixes, sys.path, user site): mounted read-only in the sandbox. */
  paths: string[];
  /** Set when the user site-packages exists, so the child still finds packages installed with `pip --user`. */
  userBase?: string;
}

const probeScript = `
import json, os, site, sys, importlib.util
spec = importlib.util.find_spec('pytest')
version = None
if spec is not None:
    try:
        from importlib.metadata import version as v
        version = v('pytest')
    except Exception:
        version = 'unknown'
paths = [p for p in [sys.prefix, sys.base_prefix, sys.exec_prefix] + sys.path if p and os.path.isabs(p) and os.path.exists(p)]
ub = getattr(site, 'USER_BASE', None)
print(json.dumps({'executable': sys.executable, 'version': sys.version.split()[0], 'pytest': version,
  'paths': paths, 'userBase': ub if ub and os.path.isdir(ub) else None}))
`;

const pythonCache = new Map<string, Promise<PythonInfo | undefined>>();

/** The interpreter for `root`: its .venv/venv when present, else python3/python on PATH. */
export function findPython(root: string): Promise<PythonInfo | undefined> {
  const candidates = [join(root, '.venv', 'bin', 'python'), join(root, 'venv', 'bin', 'python')].filter(existsSync);
  const exe = candidates[0] ?? which('python3') ?? which('python');
  if (!exe) return Promise.resolve(undefined);
  let cached = pythonCache.get(exe);
  if (!cached) {
    cached = probePython(exe);
    pythonCache.set(exe, cached);
  }
  return cached;
}

function probePython(exe: string): Promise<PythonInfo | undefined> {
  const tmp = tmpdir();
  return new Promise((resolve) => {
    execFile(exe, ['-c', probeScript], { cwd: tmp, env: { ...scrubbedEnv(process.env.HOME ?? tmp, tmp) }, timeout: 15000 }, (err, stdout) => {
      if (err) return resolve(undefined);
      try {
        const info = JSON.parse(stdout.trim().split('\n').pop()!);
        resolve({ ...info, pytest: info.pytest ?? undefined, userBase: info.userBase ?? undefined });
      } catch {
        resolve(undefined);
      }
    });
  });
}

export interface NodeInfo {
  executable: string;
  /** Extra environment: ELECTRON_RUN_AS_NODE when only the editor's runtime is available. */
  env: Record<string, string>;
  paths: string[];
}

export function findNode(): NodeInfo {
  const onPath = which('node');
  const exe = onPath ? realpathSync(onPath) : process.execPath;
  const env: Record<string, string> = onPath || !process.versions.electron ? {} : { ELECTRON_RUN_AS_NODE: '1' };
  return { executable: exe, env, paths: [dirname(dirname(exe))] };
}

export function which(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const p = join(dir, name);
    if (existsSync(p)) return p;
  }
  return undefined;
}
