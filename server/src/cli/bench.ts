// `loopwise bench <subcommand> ...`: benchmarks of the engines on suites in the task-folder format.
// Each subcommand is one entry in the table below and lives with the engine it measures.
import { UsageError } from './usage';

type Subcommand = (args: string[]) => Promise<number>;

const subcommands: Record<string, () => Promise<Subcommand>> = {
  repair: async () => (await import('../repair/bench')).default,
};

const usage = `usage: loopwise bench <${Object.keys(subcommands).join('|')}> <suite-dir> [options]`;

export default async function bench(args: string[]): Promise<number> {
  const [name, ...rest] = args;
  if (!name || name === '--help' || name === '-h') {
    console.log(usage);
    return name ? 0 : 2;
  }
  const load = subcommands[name];
  if (!load) throw new UsageError(`unknown benchmark '${name}'\n${usage}`);
  return (await load())(rest);
}
