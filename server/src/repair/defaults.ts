// A wrong default: the default values of the parameters of the function around a line, replaced by nearby
// constants (`def f(xs, start=1)` for `start=0`, `None` for `[]`, `sep=' '` for `sep=''`). The bug shows in
// the body, where the localizer points, so every line of the function offers them (deduplicated by text).
import type { Node } from 'web-tree-sitter';
import { edit, type Edit, type SourceFile } from './edits';
import { enclosingFunction, langOf } from './lang';
import { nodesOnRow } from './mutate';

export const defaultPrior = 0.4;

function variants(value: Node, python: boolean): string[] {
  const t = value.text;
  if (/^(integer|number|float)$/.test(value.type) || /^-\d/.test(t)) {
    const v = Number(t);
    if (!Number.isFinite(v)) return [];
    return [...new Set([v + 1, v - 1, 0, 1, -1].filter((x) => x !== v).map((x) => (value.type === 'float' && Number.isInteger(x) ? x.toFixed(1) : String(x))))];
  }
  const lits = python ? ['None', '0', '[]', "''", 'True', 'False'] : ['null', '0', '[]', "''", 'true', 'false', 'undefined'];
  if (/^(true|false)$/.test(value.type)) return [python ? (t === 'True' ? 'False' : 'True') : (t === 'true' ? 'false' : 'true')];
  if (/^(none|null|undefined|list|array|string|dictionary|object)$/.test(value.type) && t.length <= 12) {
    const out = lits.filter((l) => l !== t);
    if (value.type === 'string') out.unshift(t.length > 2 ? `${t[0]}${t[0]}` : `${t[0]} ${t[0]}`);
    return [...new Set(out)].slice(0, 5);
  }
  return [];
}

/** The default values of a function's parameters: Python `x=v` / `x: T = v`, JavaScript `x = v`. */
function defaults(fn: Node): Node[] {
  const params = fn.childForFieldName('parameters');
  const out: Node[] = [];
  for (const p of params?.namedChildren ?? []) {
    if (!p) continue;
    if (p.type === 'default_parameter' || p.type === 'typed_default_parameter') { const v = p.childForFieldName('value'); if (v) out.push(v); }
    if (p.type === 'assignment_pattern') { const v = p.childForFieldName('right'); if (v) out.push(v); }
  }
  return out;
}

export function defaultsAt(src: SourceFile, line: number): Edit[] {
  const info = langOf(src);
  const first = nodesOnRow(src.tree.rootNode, line - 1)[0];
  if (!first) return [];
  const fn = enclosingFunction(first, info);
  if (!info.functionTypes.has(fn.type)) return [];
  const out: Edit[] = [];
  for (const v of defaults(fn)) for (const alt of variants(v, src.python)) out.push(edit(src, v, alt, 'default', defaultPrior));
  return out;
}
