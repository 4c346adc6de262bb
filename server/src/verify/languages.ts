// How to start the warm worker for each language: the interpreter (found by run/toolchain.ts, its folders
// mounted read-only in the sandbox), the worker source and its arguments. As root, the scratch copy is
// handed to nobody first, since the Python worker runs each candidate as nobody.
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import type { Scratch } from '../run/scratch';
import { scrubbedEnv } from '../run/env';
import { listFiles } from '../run/files';
import { findNode, findPython } from '../run/toolchain';
import { inspectProject } from '../run/detect';
import { JEST_WORKER } from './jestWorker';
import { NODE_WORKER } from './nodeWorker';
import { PYTHON_WORKER } from './pythonWorker';
import { VITEST_WORKER } from './vitestWorker';
import { WorkerProcess } from './worker';

export class ToolMissing extends Error {}

/** The user the Python worker runs candidates as when it is root (see pythonWorker.ts). */
const NOBODY = 65534;

export async function startWorker(language: 'python' | 'javascript', scratch: Scratch): Promise<WorkerProcess> {
  const env = scrubbedEnv(scratch.homeDir, scratch.tmpDir, { PYTHONDONTWRITEBYTECODE: '1', PYTHONHASHSEED: '0' });
  const place = { cwd: scratch.workspace, writable: [scratch.dir], readOnly: [...scratch.linked] };
  if (language === 'python') {
    const py = await findPython(scratch.root);
    if (!py) throw new ToolMissing('python3 was not found on PATH');
    if (!py.pytest) throw new ToolMissing(`pytest is not installed for ${py.executable} (pip install pytest)`);
    place.readOnly.push(...py.paths);
    if (py.userBase) env.PYTHONUSERBASE = py.userBase;
    if (process.getuid?.() === 0) await shareWithNobody(scratch);
    // As for `loopwise run` (run/detect.ts): hypothesis' plugin, loaded whenever it is installed, imports all
    // of hypothesis at a session's end, which costs seconds in a candidate's fresh session.
    const args = await usesHypothesis(scratch) ? [] : ['-p', 'no:hypothesispytest'];
    return new WorkerProcess(place, py.executable, ['-c', PYTHON_WORKER, scratch.workspace, ...args], env);
  }
  const node = findNode();
  place.readOnly.push(...node.paths);
  const project = await inspectProject(scratch.root);
  if (project.framework === 'vitest' && project.runner) {
    return new WorkerProcess(place, node.executable, ['--input-type=module', '-e', VITEST_WORKER, scratch.workspace, project.runner], { ...env, ...node.env });
  }
  if (project.framework === 'jest' && project.runner) {
    return new WorkerProcess(place, node.executable, ['-e', JEST_WORKER, scratch.workspace, project.runner], { ...env, ...node.env });
  }
  // node:test: the test files `loopwise run` runs (run/discovery.ts), not a guess of the worker's own.
  const tests = project.framework === 'node-test' ? project.tests.filter((f) => /\.(c|m)?js$/.test(f)) : [];
  return new WorkerProcess(place, node.executable, ['--max-old-space-size=1024', '--experimental-vm-modules', '-e', NODE_WORKER, scratch.workspace, ...tests], { ...env, ...node.env });
}

const hypothesis = new WeakMap<Scratch, Promise<boolean>>();

function usesHypothesis(scratch: Scratch): Promise<boolean> {
  let found = hypothesis.get(scratch);
  if (!found) {
    found = listFiles(scratch.workspace).then(async (files) => {
      for (const f of files.filter((name) => name.endsWith('.py'))) {
        if ((await fs.readFile(join(scratch.workspace, f), 'latin1').catch(() => '')).includes('hypothesis')) return true;
      }
      return false;
    });
    hypothesis.set(scratch, found);
  }
  return found;
}

const shared = new WeakMap<Scratch, Promise<void>>();

/**
 * Makes the copy, HOME and TMPDIR nobody's, so a candidate may write where the tests write when run as
 * root (`loopwise run`). Group root keeps them writable for the worker itself, which runs as root but
 * without CAP_DAC_OVERRIDE in bubblewrap. Links (node_modules, .venv) are left alone: they lead to the
 * user's own folders.
 */
function shareWithNobody(scratch: Scratch): Promise<void> {
  let done = shared.get(scratch);
  if (!done) {
    done = Promise.all([scratch.workspace, scratch.homeDir, scratch.tmpDir].map(handOver)).then(() => undefined);
    shared.set(scratch, done);
  }
  return done;
}

async function handOver(path: string): Promise<void> {
  const st = await fs.lstat(path);
  if (st.isSymbolicLink()) return;
  await fs.chown(path, NOBODY, 0);
  await fs.chmod(path, (st.mode & 0o7777) | (st.isDirectory() ? 0o770 : 0o660));
  if (!st.isDirectory()) return;
  await Promise.all((await fs.readdir(path)).map((name) => handOver(join(path, name))));
}
