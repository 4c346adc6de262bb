// How to start the warm worker for each language: the interpreter (found by run/toolchain.ts, its folders
// mounted read-only in the sandbox), the worker source and its arguments.
import type { Scratch } from '../run/scratch';
import { scrubbedEnv } from '../run/env';
import { findNode, findPython } from '../run/toolchain';
import { NODE_WORKER } from './nodeWorker';
import { PYTHON_WORKER } from './pythonWorker';
import { WorkerProcess } from './worker';

export class ToolMissing extends Error {}

export async function startWorker(language: 'python' | 'javascript', scratch: Scratch): Promise<WorkerProcess> {
  const env = scrubbedEnv(scratch.homeDir, scratch.tmpDir, { PYTHONDONTWRITEBYTECODE: '1', PYTHONHASHSEED: '0' });
  const place = { cwd: scratch.workspace, writable: [scratch.dir], readOnly: [...scratch.linked] };
  if (language === 'python') {
    const py = await findPython(scratch.root);
    if (!py) throw new ToolMissing('python3 was not found on PATH');
    if (!py.pytest) throw new ToolMissing(`pytest is not installed for ${py.executable} (pip install pytest)`);
    place.readOnly.push(...py.paths);
    if (py.userBase) env.PYTHONUSERBASE = py.userBase;
    return new WorkerProcess(place, py.executable, ['-c', PYTHON_WORKER, scratch.workspace], env);
  }
  const node = findNode();
  place.readOnly.push(...node.paths);
  return new WorkerProcess(place, node.executable, ['--max-old-space-size=1024', '-e', NODE_WORKER, scratch.workspace], { ...env, ...node.env });
}
