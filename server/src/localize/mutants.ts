// Generates a few mutants of one source line on its syntax tree (operator and constant changes,
// dropped operands, swapped arguments, negated conditions, a variable swapped for another, the
// statement removed), for mutation-based localization. Every mutant is the whole file's text; one
// that does not compile is reported invalid when run.
import type { Node, Tree } from 'web-tree-sitter';

export interface Mutant {
  file: string;
  line: number;
  kind: string;
  text: string;
}

const alternatives: Record<string, string[]> = {
  '+': ['-', '*'], '-': ['+', '%', '*'], '*': ['/', '+', '%'], '/': ['*', '%', '//'], '//': ['/', '%', '*'], '%': ['//', '/', '-'],
  '<': ['<=', '>', '=='], '<=': ['<', '>=', '=='], '>': ['>=', '<', '=='], '>=': ['>', '<=', '=='],
  '==': ['!=', '<=', '>='], '!=': ['==', '<', '>'], '===': ['!==', '<=', '>='], '!==': ['===', '<', '>'],
  and: ['or'], or: ['and'], '&&': ['||'], '||': ['&&'],
};
const functionTypes = new Set(['function_definition', 'function_declaration', 'function_expression', 'arrow_function', 'method_definition', 'lambda', 'module', 'program']);
const binaryTypes = new Set(['binary_expression', 'binary_operator', 'comparison_operator', 'boolean_operator']);
const statementTypes = new Set(['expression_statement', 'return_statement', 'lexical_declaration', 'variable_declaration', 'assignment', 'augmented_assignment', 'break_statement', 'continue_statement']);

interface Edit { start: number; end: number; text: string; kind: string }

function nodesOnLine(root: Node, row: number): Node[] {
  const found: Node[] = [];
  const visit = (n: Node) => {
    if (n.endPosition.row < row || n.startPosition.row > row) return;
    if (n.startPosition.row === row) found.push(n);
    for (const c of n.children) if (c) visit(c);
  };
  visit(root);
  return found;
}

function editsFor(node: Node, python: boolean): Edit[] {
  const edits: Edit[] = [];
  if (binaryTypes.has(node.type)) {
    const op = node.childForFieldName('operator') ?? node.children.find((c) => !!c && !c.isNamed && alternatives[c.type]) ?? null;
    const left = node.childForFieldName('left') ?? node.namedChild(0);
    const right = node.childForFieldName('right') ?? node.namedChild(node.namedChildCount - 1);
    if (op && alternatives[op.type]) {
      for (const alt of alternatives[op.type]) edits.push({ start: op.startIndex, end: op.endIndex, text: alt, kind: `operator ${op.type} -> ${alt}` });
    }
    if (left && right && node.type !== 'comparison_operator') {
      edits.push({ start: node.startIndex, end: node.endIndex, text: left.text, kind: 'drop right operand' });
      edits.push({ start: node.startIndex, end: node.endIndex, text: right.text, kind: 'drop left operand' });
      if (op && ['-', '/', '//', '%', '+'].includes(op.type)) {
        const between = node.text.slice(left.endIndex - node.startIndex, right.startIndex - node.startIndex);
        edits.push({ start: node.startIndex, end: node.endIndex, text: right.text + between + left.text, kind: 'swap operands' });
      }
    }
  } else if (node.type === 'argument_list' || node.type === 'arguments') {
    const args = node.namedChildren.filter((c): c is Node => !!c && c.type !== 'comment');
    for (let i = 0; i + 1 < Math.min(args.length, 3); i++) {
      const [a, b] = [args[i], args[i + 1]];
      const swapped = b.text + node.text.slice(a.endIndex - node.startIndex, b.startIndex - node.startIndex) + a.text;
      edits.push({ start: a.startIndex, end: b.endIndex, text: swapped, kind: 'swap arguments' });
    }
  } else if (node.type === 'integer' || node.type === 'number') {
    const v = Number(node.text);
    if (Number.isInteger(v)) {
      edits.push({ start: node.startIndex, end: node.endIndex, text: String(v + 1), kind: 'constant +1' });
      edits.push({ start: node.startIndex, end: node.endIndex, text: String(v - 1), kind: 'constant -1' });
    }
  } else if (['true', 'false', 'True', 'False'].includes(node.type)) {
    const flip: Record<string, string> = { true: 'false', false: 'true', True: 'False', False: 'True' };
    edits.push({ start: node.startIndex, end: node.endIndex, text: flip[node.text], kind: 'flip boolean' });
  } else if ((node.type === 'not_operator' || (node.type === 'unary_expression' && node.child(0)?.type === '!'))) {
    const arg = node.childForFieldName('argument') ?? node.namedChild(0);
    if (arg) edits.push({ start: node.startIndex, end: node.endIndex, text: arg.text, kind: 'drop negation' });
  } else if (['if_statement', 'while_statement', 'elif_clause'].includes(node.type)) {
    const cond = node.childForFieldName('condition');
    if (cond) {
      const inner = python ? `not (${cond.text})` : `(!${cond.text})`;
      const text = !python && cond.type === 'parenthesized_expression' ? `(!${cond.text})` : inner;
      edits.push({ start: cond.startIndex, end: cond.endIndex, text, kind: 'negate condition' });
    }
    if (node.type === 'if_statement' && node.parent?.type !== 'else_clause') {
      // A whole conditional that should not be there (a special case handled wrongly).
      edits.push({ start: node.startIndex, end: node.endIndex, text: python ? 'pass' : ';', kind: 'delete statement' });
    }
  } else if (statementTypes.has(node.type) && node.startPosition.row === node.endPosition.row) {
    const decl = node.type === 'lexical_declaration' || node.type === 'variable_declaration';
    if (!decl) edits.push({ start: node.startIndex, end: node.endIndex, text: python ? 'pass' : ';', kind: 'delete statement' });
  }
  return edits;
}

/** Variable names used in the function around `node` (not called names or attribute names). */
function variablesAround(node: Node): string[] {
  let scope: Node | null = node;
  while (scope && !functionTypes.has(scope.type)) scope = scope.parent;
  const names = new Set<string>();
  const visit = (n: Node) => {
    if (n.type === 'identifier' && isVariable(n)) names.add(n.text);
    for (const c of n.namedChildren) if (c) visit(c);
  };
  if (scope) visit(scope);
  return [...names];
}

function isVariable(n: Node): boolean {
  const p = n.parent;
  if (!p) return false;
  if ((p.type === 'call' || p.type === 'call_expression') && p.childForFieldName('function')?.id === n.id) return false;
  if (p.type === 'attribute' && p.childForFieldName('attribute')?.id === n.id) return false;
  if (p.type === 'keyword_argument' && p.childForFieldName('name')?.id === n.id) return false;
  if (functionTypes.has(p.type) && p.childForFieldName('name')?.id === n.id) return false;
  return !['undefined', 'NaN', 'Infinity', 'self', 'this'].includes(n.text);
}

/** True when `n` is (part of) what a statement assigns or a loop binds, rather than a value it reads. */
function isBound(n: Node): boolean {
  let child: Node = n;
  for (let p = n.parent; p; child = p, p = p.parent) {
    const target = p.childForFieldName('left') ?? p.childForFieldName('name');
    if (target?.id === child.id && /assignment|declarator|for_statement|for_in_statement|for_in_clause/.test(p.type)) return true;
    if (p.type === 'parameters' || p.type === 'formal_parameters') return true;
    if (/statement$|^block$|^program$|^module$/.test(p.type)) return false;
  }
  return false;
}

/** Each variable read on the line replaced by another variable of the same function. */
function identifierEdits(nodes: Node[]): Edit[] {
  const edits: Edit[] = [];
  for (const n of nodes) {
    if (n.type !== 'identifier' || !isVariable(n) || isBound(n)) continue;
    for (const other of variablesAround(n)) {
      if (other !== n.text) edits.push({ start: n.startIndex, end: n.endIndex, text: other, kind: `variable ${n.text} -> ${other}` });
    }
  }
  return edits;
}

/** Up to `limit` mutants of `line` (1-based) of `text`, most telling kinds first. */
export function mutantsAt(file: string, text: string, tree: Tree, line: number, python: boolean, limit: number): Mutant[] {
  const nodes = nodesOnLine(tree.rootNode, line - 1);
  const edits = nodes.flatMap((n) => editsFor(n, python));
  const priority = (k: string) => (k.startsWith('operator') || k.startsWith('negate') ? 0 : k.startsWith('constant') || k.startsWith('flip') || k.startsWith('drop neg') || k.startsWith('swap') ? 1 : 2);
  edits.sort((a, b) => priority(a.kind) - priority(b.kind));
  // Variable swaps come last and only a few: each name can become many others.
  edits.push(...identifierEdits(nodes).slice(0, 6));
  const seen = new Set<string>();
  const mutants: Mutant[] = [];
  for (const e of edits) {
    const mutated = text.slice(0, e.start) + e.text + text.slice(e.end);
    if (mutated === text || seen.has(mutated)) continue;
    seen.add(mutated);
    mutants.push({ file, line, kind: e.kind, text: mutated });
    if (mutants.length >= limit) break;
  }
  return mutants;
}
