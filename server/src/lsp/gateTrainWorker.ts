// The gate's training thread (bundled as dist/gateTrainWorker.js, a worker_threads entry of its own): reads every
// stored event and fits the model there, so the language server's main thread keeps answering requests while a
// model is trained. Posts the model or the reason there is none yet; any other failure is the worker's error.
import { parentPort, workerData } from 'node:worker_threads';
import type { SuggestionEvent } from '../../../common/events';
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
    return { model: trainGate(storedEvents(job.dir)) };
  } catch (err) {
    if (err instanceof TrainError) return { notTrained: err.message };
    throw err;
  }
}

/**
 * Every stored event. The main thread may rotate the files while this thread reads them (a listed file is renamed
 * before it is opened): then the files are listed and read once more.
 */
function storedEvents(dir: string): SuggestionEvent[] {
  try {
    return new EventStore({ dir }).read().events;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    return new EventStore({ dir }).read().events;
  }
}

if (parentPort) parentPort.postMessage(run(workerData as TrainJob));
