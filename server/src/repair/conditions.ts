// Condition synthesis from runtime values (angelic forcing, as in SemFix/Nopol): replace a branch condition
// by a probe; find the constant truth value that makes every failing test pass when forced; record the
// local values at each evaluation (with the original value in passing tests, the forced one in failing
// tests); then search small expressions over those locals that take exactly the required values.
import type { Node } from 'web-tree-sitter';
import type { Verifier, ProbeSnapshot } from '../verify/verifier';
import { applyEdits, edit, walk, type Edit, type SourceFile } from './edits';
import { enclosingFunction, langOf, scopeAt } from './lang';
import { isConditionNode, nodesOnRow } from './mutate';
import { conditionAtoms } from './synthesize';

const maxRows = 60;
const maxExprs = 2500;

function probeText(src: SourceFile, cond: Node, vars: string[]): string {
  if (src.python) return `__loopwise_probe__(lambda: (${cond.text}), locals())`;
  return `__loopwiseProbe(() => (${cond.text}), {${vars.map((v) => `${v}: () => ${v}`).join(', ')}})`;
}

function numbersIn(fn: Node): string[] {
  const out = new Set<string>(['0', '1']);
  walk(fn, (n) => { if ((n.type === 'integer' || n.type === 'number') && n.text.length <= 6) out.add(n.text); });
  return [...out].slice(0, 6);
}

/** Expressions over the recorded variables, simplest first. */
function expressions(src: SourceFile, cond: Node, vars: string[], numbers: string[]): string[] {
  const info = langOf(src);
  const atoms = conditionAtoms(info, vars, src.python);
  const out: string[] = [];
  for (const v of vars.slice(0, 8)) {
    for (const k of numbers) for (const op of ['<', '<=', '>', '>=', '==', '!=']) out.push(`${v} ${op} ${k}`);
    const len = src.python ? `len(${v})` : `${v}.length`;
    for (const k of numbers) for (const op of ['<', '==', '>']) out.push(`${len} ${op} ${k}`);
  }
  out.push(...atoms);
  const c = cond.text;
  const combined: string[] = [info.notPrefix(c)];
  for (const a of out.slice(0, 600)) combined.push(`${c} ${info.and} ${a}`, `${c} ${info.or} ${a}`, `${a} ${info.or} ${c}`);
  const all = [...new Set([...out, ...combined])];
  return all.sort((a, b) => a.length - b.length).slice(0, maxExprs);
}

function rowsOf(runs: { status: string; snaps: ProbeSnapshot[] }[], forced?: boolean): ProbeSnapshot[] {
  const rows: ProbeSnapshot[] = [];
  for (const r of runs) for (const s of r.snaps) rows.push(forced === undefined ? s : { env: s.env, value: forced });
  return rows;
}

/** Candidate edits that replace a branch condition on `line` by a synthesized one. */
export async function conditionSynthesis(verifier: Verifier, src: SourceFile, line: number, parses: (text: string) => boolean, signal?: AbortSignal): Promise<Edit[]> {
  const info = langOf(src);
  const out: Edit[] = [];
  const conds = nodesOnRow(src.tree.rootNode, line - 1).filter((n) => isConditionNode(n, info));
  const { failing, passing } = verifier.baseline;
  if (!failing.length) return out;
  for (const cond of conds.slice(0, 2)) {
    if (signal?.aborted) break;
    const vars = scopeAt(src, cond).variables;
    const probed = applyEdits(src.text, [edit(src, cond, probeText(src, cond, vars), 'probe', 0)]);
    if (!parses(probed)) continue;
    const files = { [src.file]: probed };
    const recorded = passing.length ? await verifier.probe(files, 'record', passing) : [];
    const kept = rowsOf(recorded.filter((r) => r.status === 'passed'));
    // A forced value that makes only some failing tests pass still counts (the others may fail because of a
    // second fault elsewhere): the expression must then fit the tests it fixes, and the search takes the
    // resulting partial fix further.
    const modes = [];
    for (const mode of ['true', 'false'] as const) {
      const forced = (await verifier.probe(files, mode, failing)).filter((r) => r.status === 'passed');
      if (forced.length) modes.push({ mode, forced });
    }
    modes.sort((a, b) => b.forced.length - a.forced.length);
    for (const { mode, forced } of modes) {
      const rows = [...kept.slice(0, maxRows / 2), ...rowsOf(forced, mode === 'true').slice(0, maxRows / 2)];
      const names = [...new Set(rows.flatMap((r) => Object.keys(r.env)))].filter((n) => /^[A-Za-z_$][\w$]*$/.test(n));
      if (!rows.length || !names.length) continue;
      const exprs = expressions(src, cond, names, numbersIn(enclosingFunction(cond, info)));
      const hits = await verifier.evaluate(exprs, rows);
      const share = forced.length / failing.length;
      for (const i of hits.slice(0, 25)) out.push(edit(src, cond, exprs[i], 'condition', 0.9 * (0.5 + 0.5 * share)));
    }
  }
  return out;
}
