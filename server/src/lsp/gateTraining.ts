// Runs one gate training in a worker thread (dist/gateTrainWorker.js) and resolves with its outcome; a thread
// that throws, cannot start, or exits without an answer rejects with the reason, so the server reports it and
// keeps running. Training is seconds of CPU on a large store: on the main thread it would stall every request.
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { TrainJob, TrainOutcome } from './gateTrainWorker';

/** The bundled worker next to the bundled server (scripts/build.mjs builds both into dist/). */
export const TRAIN_WORKER_FILE = join(__dirname, 'gateTrainWorker.js');

export function trainInWorker(job: TrainJob, file = TRAIN_WORKER_FILE): Promise<TrainOutcome> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const settle = (f: () => void) => { if (!settled) { settled = true; f(); } };
    const worker = new Worker(file, { workerData: job });
    worker.once('message', (outcome: TrainOutcome) => settle(() => resolve(outcome)));
    worker.once('error', (err) => settle(() => reject(err)));
    worker.once('exit', (code) => settle(() => reject(new Error(`the training thread exited (code ${code}) without a model`))));
  });
}
