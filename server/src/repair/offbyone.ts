// Off-by-one edits at one line: `+ 1` / `- 1` added to the value an assignment, declaration or return
// stores (`lo = mid` for `lo = mid + 1`), or to a call argument. They are cheap and common enough to run in
// the mutation wave; the wider `+ 1` of the synthesis comes later and for every sub-expression.
import type { Node } from 'web-tree-sitter';
import { edit, type Edit, type SourceFile } from './edits';
import { nodesOnRow } from './mutate';

export const offByOnePrior = 0.75;

/** Values that take a `+ 1` without parentheses and where one is plausible (no strings, no conditions). */
const operandTypes = new Set(['identifier', 'integer', 'number', 'call', 'call_expression', 'subscript', 'subscript_expression', 'attribute', 'member_expression', 'parenthesized_expression']);

/** The value nodes an assignment, declaration or return on `n` stores (tuple elements one by one). */
function storedValues(n: Node): Node[] {
  let v: Node | null | undefined;
  if (n.type === 'assignment' || n.type === 'assignment_expression') v = n.childForFieldName('right');
  else if (n.type === 'variable_declarator') v = n.childForFieldName('value');
  else if (n.type === 'return_statement') v = n.namedChildren[0];
  if (!v) return [];
  if (v.type === 'expression_list' || v.type === 'tuple') return v.namedChildren.filter((c): c is Node => !!c);
  return [v];
}

/** A binary `x + k` / `x - k` with a number k: its own constant and operand edits already cover it. */
function hasUnitTerm(n: Node): boolean {
  if (n.type !== 'binary_operator' && n.type !== 'binary_expression') return false;
  const op = n.childForFieldName('operator')?.text;
  const right = n.childForFieldName('right');
  return (op === '+' || op === '-') && !!right && /^(integer|number)$/.test(right.type);
}

function plusMinus(src: SourceFile, v: Node, prior: number): Edit[] {
  if (hasUnitTerm(v)) return [];
  // A top-level arithmetic value binds at least as tightly as the added term: no parentheses needed.
  const arithmetic = /^(binary_operator|binary_expression)$/.test(v.type) && /^([-+*/%]|\/\/|\*\*)$/.test(v.childForFieldName('operator')?.text ?? '');
  if (!operandTypes.has(v.type) && !arithmetic) return [];
  return [edit(src, v, `${v.text} + 1`, 'offByOne', prior), edit(src, v, `${v.text} - 1`, 'offByOne', prior)];
}

export function offByOneAt(src: SourceFile, line: number): Edit[] {
  const out: Edit[] = [];
  for (const n of nodesOnRow(src.tree.rootNode, line - 1)) {
    for (const v of storedValues(n)) out.push(...plusMinus(src, v, offByOnePrior));
    if (n.type === 'arguments' || n.type === 'argument_list') {
      const args = n.namedChildren.filter((a): a is Node => !!a && a.type !== 'comment' && a.type !== 'keyword_argument');
      if (args.length <= 3) for (const a of args) out.push(...plusMinus(src, a, offByOnePrior * 0.7));
    }
  }
  return out;
}
