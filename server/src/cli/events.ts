// `loopwise events export|delete|stats --dir <store>`: the user's handles on the local suggestion-event store
// (export everything to one JSONL file, delete everything, or count what is there).
import { parseArgs } from 'node:util';
import { UnsupportedVersionError } from '../events/jsonl';
import { EventStore } from '../events/store';
import { UsageError } from '../errors';

const help = `Usage:
  loopwise events export --dir <store folder> --out <file.jsonl>
  loopwise events delete --dir <store folder> --yes
  loopwise events stats  --dir <store folder>`;

export default async function events(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  if (!sub || sub === '--help' || sub === '-h') { console.log(help); return sub ? 0 : 2; }
  let values;
  try {
    ({ values } = parseArgs({ args: rest, options: { dir: { type: 'string' }, out: { type: 'string' }, yes: { type: 'boolean' } } }));
  } catch (e) { throw new UsageError(`${(e as Error).message}\n\n${help}`); }
  if (!values.dir) throw new UsageError(`events ${sub}: --dir <store folder> is required`);
  const store = new EventStore({ dir: values.dir });
  try {
    if (sub === 'export') {
      if (!values.out) throw new UsageError('events export: --out <file.jsonl> is required');
      console.log(`exported ${store.exportTo(values.out)} events to ${values.out}`);
    } else if (sub === 'delete') {
      if (!values.yes) throw new UsageError('events delete removes every stored event: add --yes to confirm');
      const n = store.files().length;
      store.deleteAll();
      console.log(`deleted ${n} event file(s) in ${values.dir}`);
    } else if (sub === 'stats') {
      const d = store.read();
      console.log(JSON.stringify({ files: store.files(), events: d.events.length, malformedLines: d.malformedLines, tornLines: d.tornLines }, null, 2));
    } else throw new UsageError(`unknown events subcommand '${sub}'\n\n${help}`);
  } catch (e) {
    if (e instanceof UnsupportedVersionError) throw new UsageError(e.message);
    throw e;
  } finally {
    store.close();
  }
  return 0;
}
