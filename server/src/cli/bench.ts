// `loopwise bench <subcommand> ...`: benchmarks of the engines on suites in the task-folder format.
// Each subcommand is one entry in the table below and lives with the engine it measures.
import benchRepair from '../repair/bench';
import benchHints from '../hints/bench';
import { UsageError } from '../errors';

type Subcommand = (args: string[]) => Promise<number>;

const subcommands: Record<string, Subcommand> = {
  repair: benchRepair,
  hints: benchHints,
};

const usage = `usage: loopwise bench <${Object.keys(subcommands).join('|')}> <suite-dir> [options]`;

export default async function bench(args: string[]): Promise<number> {
  const [name, ...rest] = args;
  if (name === '--help' || name === '-h') {
    console.log(usage);
    return 0;
  }
  if (!name) throw new UsageError(usage);
  const run = subcommands[name];
  if (!run) throw new UsageError(`unknown benchmark '${name}'\n${usage}`);
  return run(rest);
}
