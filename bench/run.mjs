// `npm run bench`: runs every bench/*.bench.ts (or only those named on the command line) in turn.
// Each benchmark prints its own figures; this runner only sequences them and reports failures.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';

const wanted = process.argv.slice(2);
const files = readdirSync('bench').filter((f) => f.endsWith('.bench.ts')).sort()
  .filter((f) => !wanted.length || wanted.some((w) => f.includes(w)));
let failed = 0;
for (const f of files) {
  console.log(`\n== bench/${f}`);
  const r = spawnSync(process.execPath, ['--import', 'tsx', `bench/${f}`], { stdio: 'inherit' });
  if (r.status !== 0) { failed++; console.log(`bench/${f} failed (exit ${r.status})`); }
}
process.exit(failed ? 1 : 0);
