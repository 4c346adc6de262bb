// How the collector gets a team's gate model: trainGate() (the extension's own training code) over the team's
// most recent events. The service runs it in a child process (`loopwise collector train-model`), because
// training takes seconds of CPU and must not stall uploads; tests may run it in-process.
import { spawn } from 'node:child_process';
import { trainGate } from '../gate/train';
import type { GateModel } from '../../../common/gate/model';
import type { Storage, Team } from './storage';

export type TrainFn = (team: Team, signal: AbortSignal) => Promise<GateModel>;

/** Trains in this process (tests and the train-model command itself). */
export function inProcessTrainer(storage: Storage, windowEvents: number): TrainFn {
  return async (team: Team) => trainGate(await storage.recentEvents(team.id, windowEvents));
}

const MAX_MODEL_BYTES = 32 * 1024 * 1024;

/**
 * Trains in a child process that runs this same CLI (`node [loader flags] <cli> collector train-model`),
 * so the collector's event loop keeps acknowledging uploads meanwhile.
 */
export function subprocessTrainer(db: string, windowEvents: number): TrainFn {
  return (team, signal) => new Promise<GateModel>((resolve, reject) => {
    const args = [...process.execArgv, process.argv[1], 'collector', 'train-model', '--db', db, '--team', team.name, '--train-window', String(windowEvents)];
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], signal, killSignal: 'SIGKILL' });
    const out: Buffer[] = [];
    let size = 0;
    let err = '';
    child.stdout.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_MODEL_BYTES) child.kill('SIGKILL');
      else out.push(c);
    });
    child.stderr.on('data', (c: Buffer) => { err = (err + c.toString('utf8')).slice(-4000); });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (code !== 0) {
        reject(new Error(`training process ${signal ? `killed by ${signal}` : `exited with ${code}`}: ${err.trim().split('\n').pop() ?? ''}`));
        return;
      }
      try {
        resolve(JSON.parse(Buffer.concat(out).toString('utf8')) as GateModel);
      } catch (e) {
        reject(new Error(`training process printed no model (${(e as Error).message})`));
      }
    });
  });
}
