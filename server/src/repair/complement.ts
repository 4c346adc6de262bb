// A sub-expression wrapped in its complement or negation at one line: `price * rate` for
// `price * (1 - rate)`, `x` for `-x`. Only operands of arithmetic and stored values get them, so a line
// offers a handful; the other wraps (abs, len, casts) belong to the synthesis.
import type { Node } from 'web-tree-sitter';
import { edit, type Edit, type SourceFile } from './edits';
import { nodesOnRow } from './mutate';

export const complementPrior = 0.55;

const arithmetic = new Set(['+', '-', '*', '/', '//', '%']);
const operandTypes = new Set(['identifier', 'integer', 'float', 'number', 'call', 'call_expression', 'subscript', 'subscript_expression', 'attribute', 'member_expression', 'parenthesized_expression']);

/** Whether `n` is an operand of an arithmetic binary expression, or the value an assignment or return stores. */
function wrappable(n: Node): 'operand' | 'value' | undefined {
  const p = n.parent;
  if (!p || !operandTypes.has(n.type)) return undefined;
  if ((p.type === 'binary_operator' || p.type === 'binary_expression') && arithmetic.has(p.childForFieldName('operator')?.text ?? '')) return 'operand';
  if ((p.type === 'assignment' || p.type === 'assignment_expression') && p.childForFieldName('right')?.id === n.id) return 'value';
  if (p.type === 'variable_declarator' && p.childForFieldName('value')?.id === n.id) return 'value';
  if (p.type === 'return_statement') return 'value';
  return undefined;
}

export function complementAt(src: SourceFile, line: number): Edit[] {
  const out: Edit[] = [];
  for (const n of nodesOnRow(src.tree.rootNode, line - 1)) {
    const where = wrappable(n);
    if (!where) continue;
    // A constant's complement is just another constant: the constant mutations cover it.
    if (/^(integer|float|number)$/.test(n.type)) continue;
    const complement = `1 - ${n.text}`;
    out.push(edit(src, n, where === 'operand' ? `(${complement})` : complement, 'complement', complementPrior));
    out.push(edit(src, n, `-${n.text}`, 'complement', complementPrior * 0.8));
  }
  return out;
}
