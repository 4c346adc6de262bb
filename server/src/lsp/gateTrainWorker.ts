// The gate's training thread (bundled as dist/gateTrainWorker.js, a worker_threads entry of its own): reads every
// stored event and fits the model there, so the language server's main thread keeps answering requests while a
// model is trained. Posts the model or the reason there is none yet; any other failure is the worker's error.
import { parentPort, workerData } from 'node:worker_threads';
import type { GateModel } from '../../../common/gate/index';
import { EventStore } from '../events/store';
import { trainGate, TrainError } from '../gate/train';

/** What the main thread sends: the event store's folder (the thread reads the files itself). */
export interface TrainJob {
  dir: string;
}

export type TrainOutcome = { model: GateModel } | { notTrained: string };

function run(job: TrainJob): TrainOutcome {
  try {
    return { model: trainGate(new EventStore({ dir: job.dir }).read().events) };
  } catch (err) {
    if (err instanceof TrainError) return { notTrained: err.message };
    throw err;
  }
}

if (parentPort) parentPort.postMessage(run(workerData as TrainJob));
