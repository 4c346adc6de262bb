// FolderJobs: one job per folder; a newer job cancels the running one and starts only once it has ended.
import assert from 'node:assert/strict';
import { CancellationTokenSource } from 'vscode-languageserver/node';
import { FolderJobs } from '../../../server/src/lsp/folderJobs';

/** A job that runs until its signal aborts, then takes a moment to clean up (like killing a process tree). */
function untilAborted(log: string[], name: string) {
  return (signal: AbortSignal) => new Promise<string>((resolve) => {
    log.push(`${name} started`);
    signal.addEventListener('abort', () => setTimeout(() => {
      log.push(`${name} ended (${String(signal.reason)})`);
      resolve(name);
    }, 20), { once: true });
  });
}

describe('FolderJobs', () => {
  it('cancels the running job of a folder with the reason and starts the newer one after it ended', async () => {
    const jobs = new FolderJobs();
    const log: string[] = [];
    const first = jobs.run('/a', 'superseded', [], untilAborted(log, 'first'));
    const second = jobs.run('/a', 'superseded', [], async () => {
      log.push('second started');
      return 'second';
    });
    assert.equal(await first, 'first');
    assert.equal(await second, 'second');
    assert.deepEqual(log, ['first started', 'first ended (superseded)', 'second started']);
    assert.equal(jobs.has('/a'), false);
  });

  it('leaves other folders alone, aborts on a cancelled token, and shutdown waits for every job', async () => {
    const jobs = new FolderJobs();
    const log: string[] = [];
    const source = new CancellationTokenSource();
    const a = jobs.run('/a', undefined, [source.token], untilAborted(log, 'a'));
    const b = jobs.run('/b', undefined, [], untilAborted(log, 'b'));
    await new Promise((r) => setImmediate(r));
    assert.ok(jobs.has('/a') && jobs.has('/b'));
    source.cancel();
    assert.equal(await a, 'a');
    assert.equal(jobs.has('/a'), false);
    assert.ok(jobs.has('/b'), 'the job of another folder keeps running');
    await jobs.shutdown();
    assert.equal(await b, 'b');
    assert.equal(jobs.has('/b'), false);
    assert.equal(log.filter((l) => l.includes('ended')).length, 2);
  });
});
