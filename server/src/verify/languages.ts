// How to start the warm worker for each language: the interpreter, the worker source and its arguments.
import { NODE_WORKER } from './nodeWorker';
import { PYTHON_WORKER } from './pythonWorker';
import { workerEnv } from './spawn';
import { WorkerProcess } from './worker';

export function pythonCommand(): string {
  return process.env.LOOPWISE_PYTHON || 'python3';
}

export function startWorker(language: 'python' | 'javascript', scratch: string): WorkerProcess {
  if (language === 'python') return new WorkerProcess(scratch, pythonCommand(), ['-c', PYTHON_WORKER, scratch], workerEnv());
  return new WorkerProcess(scratch, process.execPath, ['--max-old-space-size=1024', '-e', NODE_WORKER, scratch], workerEnv({ ELECTRON_RUN_AS_NODE: '1' }));
}
