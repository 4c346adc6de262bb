// One cancellable job per workspace folder (a test run, a repair search). Starting a job cancels the
// folder's running one and waits until it has ended, so two jobs never share a folder's sandbox; and
// the server can cancel them all at exit.
import type { CancellationToken } from 'vscode-languageserver/node';

interface Job {
  controller: AbortController;
  /** Settles once the job has fully ended (its processes are gone). */
  finished: Promise<void>;
}

export class FolderJobs {
  private readonly active = new Map<string, Job>();

  has(folder: string): boolean {
    return this.active.has(folder);
  }

  /**
   * Runs `job` as the folder's only job: the running one is aborted (with `reason`) and awaited first.
   * Cancelling any of `cancelOn` aborts the signal handed to `job`.
   */
  async run<T>(folder: string, reason: string | undefined, cancelOn: (CancellationToken | undefined)[], job: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const controller = new AbortController();
    let release!: () => void;
    const current: Job = { controller, finished: new Promise<void>((r) => (release = r)) };
    const previous = this.active.get(folder);
    this.active.set(folder, current);
    const subscriptions = cancelOn.map((t) => t?.onCancellationRequested(() => controller.abort()));
    try {
      if (previous) {
        previous.controller.abort(reason);
        await previous.finished;
      }
      return await job(controller.signal);
    } finally {
      for (const s of subscriptions) s?.dispose();
      if (this.active.get(folder) === current) this.active.delete(folder);
      release();
    }
  }

  /** Aborting kills the jobs' process trees synchronously, so this works inside process.on('exit'). */
  abortAll(): void {
    for (const j of this.active.values()) j.controller.abort();
  }

  /** Cancels every job and waits until their processes are gone. */
  async shutdown(): Promise<void> {
    const jobs = [...this.active.values()];
    for (const j of jobs) j.controller.abort();
    await Promise.all(jobs.map((j) => j.finished));
  }
}
