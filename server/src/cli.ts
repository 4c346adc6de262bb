// Headless CLI: `loopwise <command> ...` drives the same engine as the language server.
// Each command lives in server/src/cli/<command>.ts; this file only dispatches and maps errors to exit codes.
import { UsageError } from './errors';

type Command = (args: string[]) => Promise<number>;

const commands: Record<string, () => Promise<Command>> = {
  run: async () => (await import('./cli/run')).default,
  gate: async () => (await import('./cli/gate')).default,
  events: async () => (await import('./cli/events')).default,
  collector: async () => (await import('./cli/collector')).default,
  fix: async () => (await import('./cli/fix')).default,
  bench: async () => (await import('./cli/bench')).default,
  hint: async () => (await import('./cli/hint')).default,
};

const help = `Usage: loopwise <command> [options]

Commands:
${Object.keys(commands).map((c) => '  ' + c).join('\n')}

Run 'loopwise <command> --help' for a command's options.`;

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h') {
    console.log(help);
    return name ? 0 : 2;
  }
  const load = commands[name];
  if (!load) throw new UsageError(`unknown command '${name}'\n\n${help}`);
  return (await load())(rest);
}

main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (err: unknown) => {
    if (err instanceof UsageError) {
      console.error(`loopwise: ${err.message}`);
      process.exitCode = 2;
    } else {
      console.error(`loopwise: ${err instanceof Error ? err.message : String(err)}`);
      if (process.env.LOOPWISE_DEBUG) console.error(err);
      process.exitCode = 2;
    }
  },
);
