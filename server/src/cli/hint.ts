// `loopwise hint <folder> [--json] [--level 1|2|3] [--engine embedded|llm]`: a tutor hint for a student's
// folder (nudge, location or concept), never the fix. Without a configured model the embedded engine answers
// and says so. Exit codes: 0 a hint (or nothing to hint), 1 hint withheld, 2 usage error (with --json, stdout
// still gets one JSON object, its reason in `error`).
import { parseArgs } from 'node:util';
import type { HintLevel, HintResponse } from '../../../common/protocol';
import { TaskError } from '../repair/task';
import { AssignmentError } from '../hints/assignment';
import { hintForFolder, type PipelineResponse } from '../hints/pipeline';
import { UsageError } from '../errors';
import { printJsonError, whyNotRunnable } from './project';

const usage = 'usage: loopwise hint <folder> [--json] [--level 1|2|3] [--engine embedded|llm] [--base-url URL] [--model NAME] [--budget-s N]';

export function parseLevel(v: string | undefined): HintLevel {
  if (v === undefined) return 1;
  if (v !== '1' && v !== '2' && v !== '3') throw new UsageError(`--level must be 1, 2 or 3, got '${v}'`);
  return Number(v) as HintLevel;
}

export default async function hint(args: string[]): Promise<number> {
  if (!args.includes('--json')) return run(args);
  try {
    return await run(args);
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    printJsonError(message);
    console.error(`loopwise: ${message}`);
    return 2;
  }
}

async function run(args: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args, allowPositionals: true, options: {
      json: { type: 'boolean' }, level: { type: 'string' }, engine: { type: 'string' }, 'base-url': { type: 'string' },
      model: { type: 'string' }, 'budget-s': { type: 'string' }, help: { type: 'boolean', short: 'h' },
    } });
  } catch (e) {
    throw new UsageError(`${(e as Error).message}\n${usage}`);
  }
  const v = parsed.values;
  if (v.help) { console.log(usage); return 0; }
  if (parsed.positionals.length !== 1) throw new UsageError(usage);
  const engine = v.engine ?? 'auto';
  if (!['auto', 'embedded', 'llm'].includes(engine)) throw new UsageError(`unknown engine '${engine}' (expected embedded or llm)`);
  const budgetS = v['budget-s'] === undefined ? undefined : Number(v['budget-s']);
  if (budgetS !== undefined && !(budgetS > 0)) throw new UsageError(`--budget-s must be a positive number of seconds, got '${v['budget-s']}'`);
  const blocked = await whyNotRunnable(parsed.positionals[0]);
  if (blocked) throw new UsageError(blocked);
  let r: PipelineResponse;
  try {
    r = await hintForFolder(parsed.positionals[0], {
      level: parseLevel(v.level), engine: engine as 'auto' | 'embedded' | 'llm', baseUrl: v['base-url'], model: v.model, budgetS,
    });
  } catch (e) {
    if (e instanceof TaskError || e instanceof AssignmentError) throw new UsageError(e.message);
    throw e;
  }
  // The analysis holds the verified fix and the reference: a student never sees them.
  const shown = { status: r.status, hint: r.hint, message: r.message, engineNote: r.engineNote };
  if (v.json) console.log(JSON.stringify(shown, null, 2));
  else print(r);
  return r.status === 'withheld' ? 1 : 0;
}

function print(r: HintResponse & { engineNote?: string }): void {
  if (r.engineNote) console.log(`(${r.engineNote})`);
  if (!r.hint) { console.log(r.message ?? r.status); return; }
  const h = r.hint;
  const label = { embedded: 'hint', llm: 'hint (tutor model, validated)', fallback: 'hint (no verified fix: from the failing test and test coverage only)', syntax: 'syntax hint' }[h.source];
  console.log(`${label}, level ${h.level} of ${h.maxLevel}:`);
  console.log(h.text);
  if (h.level < h.maxLevel) console.log(`\nmore help: loopwise hint <folder> --level ${h.level + 1}`);
}
