// An early return for the input the line cannot handle: `if not xs: return 0` before `sum(xs) / len(xs)`,
// `if d == 0: return 0` before a division by d, `if (!xs.length) return null;` before `xs[0]` or `max(xs)`.
// Only lines that divide, index or take an extreme get one, so the count stays a handful per line.
import type { Node } from 'web-tree-sitter';
import { insertAt, walk, type Edit, type SourceFile } from './edits';
import { enclosingFunction, langOf } from './lang';
import { nodesOnRow } from './mutate';
import { indentOf, lineStart } from './synthesize';

export const earlyReturnPrior = 0.55;

/** The sequence a length is taken of: `len(xs)` or `xs.length`. */
function lengthOf(n: Node): string | undefined {
  if (n.type === 'call' && n.childForFieldName('function')?.text === 'len') return n.childForFieldName('arguments')?.namedChildren[0]?.text;
  if (n.type === 'member_expression' && n.childForFieldName('property')?.text === 'length') return n.childForFieldName('object')?.text;
  return undefined;
}

/** Empty-input tests the line needs: a sequence that must not be empty, or a divisor that must not be 0. */
function hazards(src: SourceFile, stmt: Node): string[] {
  const py = src.python;
  const empty = (s: string) => (py ? `not ${s}` : `${s}.length === 0`);
  const out: string[] = [];
  walk(stmt, (n) => {
    if (n.startPosition.row !== stmt.startPosition.row) return;
    if ((n.type === 'binary_operator' || n.type === 'binary_expression') && ['/', '//', '%'].includes(n.childForFieldName('operator')?.text ?? '')) {
      const d = n.childForFieldName('right');
      const seq = d && lengthOf(d.type === 'parenthesized_expression' ? d.namedChildren[0]! : d);
      if (seq) out.push(empty(seq));
      else if (d && /^(identifier|attribute|member_expression)$/.test(d.type)) out.push(py ? `${d.text} == 0` : `${d.text} === 0`);
    }
    if ((n.type === 'subscript' || n.type === 'subscript_expression') && /^-?[01]$/.test(n.childForFieldName(py ? 'subscript' : 'index')?.text ?? '')) {
      const seq = n.childForFieldName(py ? 'value' : 'object');
      if (seq && /^(identifier|attribute|member_expression)$/.test(seq.type)) out.push(empty(seq.text));
    }
    const fn = n.type === 'call' || n.type === 'call_expression' ? n.childForFieldName('function')?.text : undefined;
    if (fn && /^(max|min|Math\.max|Math\.min)$/.test(fn)) {
      const arg = n.childForFieldName('arguments')?.namedChildren[0];
      const seq = arg?.type === 'spread_element' ? arg.namedChildren[0] : arg;
      if (seq?.type === 'identifier' && (py || arg?.type === 'spread_element')) out.push(empty(seq.text));
    }
  });
  return [...new Set(out)].slice(0, 3);
}

export function earlyReturnsAt(src: SourceFile, line: number): Edit[] {
  const info = langOf(src);
  const stmt = nodesOnRow(src.tree.rootNode, line - 1).find((n) => info.statementTypes.has(n.type));
  if (!stmt) return [];
  const fn = enclosingFunction(stmt, info);
  if (!info.functionTypes.has(fn.type) || fn.type === 'lambda') return [];
  const conds = hazards(src, stmt);
  if (!conds.length) return [];
  const values = src.python ? ['0', 'None', '[]', '0.0', "''"] : ['0', 'null', '[]', 'undefined', "''"];
  const body = fn.childForFieldName('body')?.namedChildren.filter((c): c is Node => !!c && c.type !== 'comment') ?? [];
  const first = body[0]?.type === 'expression_statement' && body[0].namedChildren[0]?.type === 'string' && body.length > 1 ? body[1] : body[0];
  const places = [stmt, ...(first && first.id !== stmt.id ? [first] : [])];
  const out: Edit[] = [];
  values.forEach((v, k) => {
    for (const cond of conds) {
      places.forEach((at, p) => {
        const indent = indentOf(src.text, at.startIndex);
        const text = src.python ? `${indent}if ${cond}:\n${indent}    return ${v}\n` : `${indent}if (${cond}) return ${v};\n`;
        out.push(insertAt(src, lineStart(src.text, at.startIndex), at.startPosition.row + 1, text, 'earlyReturn', earlyReturnPrior / (1 + 0.2 * k) * (p ? 0.8 : 1)));
      });
    }
  });
  return out;
}
