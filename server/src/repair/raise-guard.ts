// A missing guard that raises or throws: `if amount > stock: raise ValueError('not enough stock')` before the
// statement at the line, or at the start of its function. The exception type and message are the ones the
// failing tests expect (expected-errors.ts); the conditions compare what the line computes with.
import type { Node } from 'web-tree-sitter';
import { insertAt, walk, type Edit, type SourceFile } from './edits';
import type { ExpectedError } from './expected-errors';
import { enclosingFunction, langOf, scopeAt } from './lang';
import { nodesOnRow } from './mutate';
import { indentOf, lineStart } from './synthesize';

export const raiseGuardPrior = 0.6;

const termTypes = new Set(['identifier', 'call', 'call_expression', 'attribute', 'member_expression', 'subscript', 'subscript_expression']);

/** Conditions worth guarding the line with, each with its weight: what its arithmetic can get wrong first. */
function conditions(src: SourceFile, stmt: Node): { cond: string; w: number }[] {
  const py = src.python;
  const out: { cond: string; w: number }[] = [];
  const terms: string[] = [];
  const vars = new Set(scopeAt(src, stmt).variables);
  walk(stmt, (n) => {
    if (n.startPosition.row !== stmt.startPosition.row) return;
    if (n.type === 'binary_operator' || n.type === 'binary_expression') {
      const op = n.childForFieldName('operator')?.text;
      const l = n.childForFieldName('left')?.text, r = n.childForFieldName('right')?.text;
      if (l && r && op === '-') out.push({ cond: `${r} > ${l}`, w: 1 }, { cond: `${r} >= ${l}`, w: 0.8 });
      if (r && (op === '/' || op === '//' || op === '%')) out.push({ cond: `${r} == 0`, w: 1 });
    }
    const p = n.parent;
    const callee = p && (p.type === 'call' || p.type === 'call_expression') && p.childForFieldName('function')?.id === n.id;
    const receiver = p && (p.type === 'attribute' || p.type === 'member_expression') && p.childForFieldName('object')?.id === n.id && p.parent?.childForFieldName('function')?.id === p.id;
    if (termTypes.has(n.type) && !callee && !receiver && n.text.length <= 40 && (n.type !== 'identifier' || vars.has(n.text))) terms.push(n.text);
  });
  const unique = [...new Set(terms)].slice(0, 5);
  for (const t of unique) {
    for (const c of py ? [`${t} < 0`, `not ${t}`, `${t} is None`, `${t} <= 0`] : [`${t} < 0`, `!${t}`, `${t} == null`, `${t} <= 0`]) out.push({ cond: c, w: 0.7 });
  }
  for (let i = 0; i < unique.length; i++) {
    for (let j = 0; j < unique.length; j++) if (i !== j) out.push({ cond: `${unique[i]} > ${unique[j]}`, w: 0.6 }, { cond: `${unique[i]} >= ${unique[j]}`, w: 0.5 });
  }
  return [...new Map(out.map((c) => [c.cond, c])).values()].slice(0, 48);
}

function quoted(s: string): string {
  return `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

function guardText(src: SourceFile, indent: string, cond: string, e: ExpectedError): string {
  if (src.python) return `${indent}if ${cond}:\n${indent}    raise ${e.type}(${quoted(e.message)})\n`;
  return `${indent}if (${cond}) throw new ${e.type}(${quoted(e.message)});\n`;
}

/** The first statement of the function's body (after a docstring), where argument checks go. */
function bodyStart(fn: Node): Node | undefined {
  const body = fn.childForFieldName('body');
  const stmts = body?.namedChildren.filter((c): c is Node => !!c && c.type !== 'comment') ?? [];
  const first = stmts[0];
  if (first?.type === 'expression_statement' && first.namedChildren[0]?.type === 'string' && stmts.length > 1) return stmts[1];
  return first;
}

export function raiseGuardsAt(src: SourceFile, line: number, expected: readonly ExpectedError[]): Edit[] {
  if (!expected.length) return [];
  const info = langOf(src);
  const stmt = nodesOnRow(src.tree.rootNode, line - 1).find((n) => info.statementTypes.has(n.type));
  if (!stmt) return [];
  const fn = enclosingFunction(stmt, info);
  if (!info.functionTypes.has(fn.type)) return [];
  const places: { at: Node; w: number }[] = [{ at: stmt, w: 1 }];
  const first = bodyStart(fn);
  if (first && first.id !== stmt.id) places.push({ at: first, w: 0.8 });
  const out: Edit[] = [];
  for (const { cond, w } of conditions(src, stmt)) {
    for (const e of expected) {
      for (const place of places) {
        const indent = indentOf(src.text, place.at.startIndex);
        out.push(insertAt(src, lineStart(src.text, place.at.startIndex), place.at.startPosition.row + 1, guardText(src, indent, cond, e), 'raiseGuard', raiseGuardPrior * w * place.w));
      }
    }
  }
  return out;
}
