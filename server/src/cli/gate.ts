// `loopwise gate train|eval|louo`: trains the show/hide gate from event files, evaluates a model on events
// (the issue's figures as JSON), and runs the leave-one-user-out comparison against the baseline.
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { GateModelError, loadGateModel, type CompiledGate } from '../../../common/gate/model';
import { decodeEvents, UnsupportedVersionError, type DecodedEvents } from '../events/jsonl';
import { evaluateGate } from '../gate/evaluate';
import { leaveOneUserOut } from '../gate/louo';
import { trainGate, TrainError } from '../gate/train';
import { UsageError } from '../errors';

const help = `Usage:
  loopwise gate train --events <file.jsonl> [--events <more.jsonl>] --out <model.json>
  loopwise gate eval  --model <model.json> --events <file.jsonl> [--json <out.json>]
  loopwise gate louo  --events <file.jsonl> [--json <out.json>]

train  fits both gate stages (model chosen on held-out users/time blocks) and writes the model file.
eval   scores every decided suggestion in time order and prints the figures as JSON.
louo   leave-one-user-out: per-user and pooled figures next to a length+log-probability baseline.`;

function readEvents(files: string[]): DecodedEvents {
  const all: DecodedEvents = { events: [], malformedLines: 0, tornLines: 0, problems: [] };
  for (const f of files) {
    let text: string;
    try { text = readFileSync(f, 'utf8'); } catch (e) { throw new UsageError(`cannot read events file ${f}: ${(e as Error).message}`); }
    let d: DecodedEvents;
    try { d = decodeEvents(text, f); } catch (e) { if (e instanceof UnsupportedVersionError) throw new UsageError(e.message); throw e; }
    all.events.push(...d.events);
    all.malformedLines += d.malformedLines;
    all.tornLines += d.tornLines;
    all.problems.push(...d.problems.map((p) => `${f} ${p}`));
  }
  return all;
}

function readModel(file: string): CompiledGate {
  let json: unknown;
  try { json = JSON.parse(readFileSync(file, 'utf8')); } catch (e) { throw new UsageError(`cannot read model ${file}: ${(e as Error).message}`); }
  try { return loadGateModel(json); } catch (e) { if (e instanceof GateModelError) throw new UsageError(`${file}: ${e.message}`); throw e; }
}

function emit(report: object, jsonOut: string | undefined): void {
  const text = JSON.stringify(report, null, 2);
  console.log(text);
  if (jsonOut) writeFileSync(jsonOut, text + '\n');
}

function warnSkipped(d: DecodedEvents): void {
  if (d.malformedLines || d.tornLines) console.error(`loopwise: skipped ${d.malformedLines} malformed and ${d.tornLines} torn line(s)${d.problems.length ? `; first: ${d.problems[0]}` : ''}`);
}

export default async function gate(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  if (!sub || sub === '--help' || sub === '-h') { console.log(help); return sub ? 0 : 2; }
  if (!['train', 'eval', 'louo'].includes(sub)) throw new UsageError(`unknown gate subcommand '${sub}'\n\n${help}`);
  let values;
  try {
    ({ values } = parseArgs({ args: rest, options: { events: { type: 'string', multiple: true }, out: { type: 'string' }, model: { type: 'string' }, json: { type: 'string' }, help: { type: 'boolean', short: 'h' } } }));
  } catch (e) { throw new UsageError(`${(e as Error).message}\n\n${help}`); }
  if (values.help) { console.log(help); return 0; }
  const events = values.events ?? [];
  if (!events.length) throw new UsageError(`gate ${sub}: --events <file.jsonl> is required\n\n${help}`);
  if (sub === 'train') {
    if (!values.out) throw new UsageError(`gate train: --out <model.json> is required`);
    const d = readEvents(events);
    warnSkipped(d);
    let model;
    try { model = trainGate(d.events); } catch (e) { if (e instanceof TrainError) throw new UsageError(`gate train: ${e.message}`); throw e; }
    writeFileSync(values.out, JSON.stringify(model) + '\n');
    const s = (m: typeof model.stage1) => `${m.heldOut.chosen} (held-out AUC ${m.heldOut.auc}, hide at keep 95% ${m.heldOut.hideAtKeep95})`;
    console.log(`trained on ${model.trainedOn.decisions} decisions (${model.trainedOn.accepted} accepted, ${model.trainedOn.users} users); malformed lines ${d.malformedLines}`);
    const c = model.cascade!.heldOut;
    const pc = (v: number) => `${(v * 100).toFixed(1)}%`;
    console.log(`stage 1: ${s(model.stage1)}\nstage 2: ${s(model.stage2)}`);
    console.log(`both stages at keep-rate 0.95 (held out): kept ${pc(c.keptAccepted)} of accepted (lower bound over users ${pc(c.keptAcceptedLow)}), hid ${pc(c.hiddenRejected)} of rejected\nwrote ${values.out}`);
    return 0;
  }
  if (sub === 'eval') {
    if (!values.model) throw new UsageError(`gate eval: --model <model.json> is required`);
    const gateModel = readModel(values.model);
    const d = readEvents(events);
    emit({ ...evaluateGate(gateModel, d.events), malformedLines: d.malformedLines, tornLines: d.tornLines }, values.json);
    return 0;
  }
  // louo
  const d = readEvents(events);
  warnSkipped(d);
  const report = leaveOneUserOut(d.events, {}, (f) => console.error(
    `${f.user}: n=${f.decisions} acc=${f.accepted} auc=${f.auc} hide95=${f.hideAtKeep95} s1auc=${f.stage1.auc} [${f.chosen.stage2}/${f.chosen.stage1}] baseline auc=${f.baseline.auc}`));
  emit({ ...report, malformedLines: d.malformedLines }, values.json);
  return 0;
}
