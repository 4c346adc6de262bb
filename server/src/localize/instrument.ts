// Instruments a JavaScript file for runtime values: before the statement that starts each chosen line
// it inserts a probe call reporting the variables in scope there (as getters, so a `let` still in its
// temporal dead zone is simply skipped). Probes go on the same line, so line numbers do not move.
import type { Node } from 'web-tree-sitter';
import { grammarFor, parse } from '../parse/parser';

const functionTypes = new Set(['function_declaration', 'function_expression', 'arrow_function', 'method_definition', 'generator_function_declaration', 'generator_function']);
const blockTypes = new Set(['statement_block', 'program', 'switch_case', 'switch_default']);

function patternNames(node: Node | null, out: Set<string>): void {
  if (!node) return;
  if (node.type === 'identifier' || node.type === 'shorthand_property_identifier_pattern') {
    out.add(node.text);
    return;
  }
  if (node.type === 'pair_pattern') return patternNames(node.childForFieldName('value'), out);
  if (node.type === 'assignment_pattern') return patternNames(node.childForFieldName('left'), out);
  for (const c of node.namedChildren) patternNames(c, out);
}

/** Names declared by `node` itself (not inside nested functions). */
function declared(node: Node, out: Set<string>): void {
  if (node.type === 'variable_declarator') patternNames(node.childForFieldName('name'), out);
  else if (node.type === 'function_declaration' || node.type === 'class_declaration') {
    const name = node.childForFieldName('name');
    if (name) out.add(name.text);
    return;
  } else if (node.type === 'catch_clause') patternNames(node.childForFieldName('parameter'), out);
  if (functionTypes.has(node.type)) return;
  for (const c of node.namedChildren) if (c && c.type !== 'statement_block') declared(c, out);
}

/** Variables visible at `stmt`: parameters of enclosing functions and declarations before it. */
function namesInScope(stmt: Node): string[] {
  const names = new Set<string>();
  for (let child: Node = stmt, p = stmt.parent; p; child = p, p = p.parent) {
    if (functionTypes.has(p.type)) {
      patternNames(p.childForFieldName('parameters') ?? p.childForFieldName('parameter'), names);
    }
    for (const sibling of p.namedChildren) {
      if (!sibling || sibling.startIndex >= child.startIndex) break;
      declared(sibling, names);
    }
    if (p.type === 'for_statement' || p.type === 'for_in_statement') declared(p, names);
  }
  return [...names].filter((n) => /^[A-Za-z_$][\w$]*$/.test(n) && !n.startsWith('__lw'));
}

function statementAt(root: Node, row: number): Node | undefined {
  let found: Node | undefined;
  const visit = (n: Node) => {
    if (found || n.endPosition.row < row || n.startPosition.row > row) return;
    if (n.startPosition.row === row && /(_statement|_declaration)$/.test(n.type) && n.type !== 'function_declaration' && n.type !== 'class_declaration') {
      found = n;
      return;
    }
    for (const c of n.children) if (c) visit(c);
  };
  visit(root);
  return found;
}

export async function instrumentJs(file: string, text: string, lines: number[]): Promise<string> {
  const tree = await parse(grammarFor(file) ?? 'javascript', text);
  const inserts: { at: number; text: string; close?: number }[] = [];
  for (const line of new Set(lines)) {
    const stmt = statementAt(tree.rootNode, line - 1);
    if (!stmt) continue;
    const getters = namesInScope(stmt).map((n) => `${n}: () => ${n}`).join(', ');
    const probe = `globalThis.__lw_probe && globalThis.__lw_probe(${JSON.stringify(file)}, ${line}, {${getters}});`;
    const inBlock = !!stmt.parent && blockTypes.has(stmt.parent.type);
    inserts.push(inBlock ? { at: stmt.startIndex, text: probe } : { at: stmt.startIndex, text: `{${probe}`, close: stmt.endIndex });
  }
  tree.delete();
  const edits = inserts.flatMap((i) => (i.close === undefined ? [{ at: i.at, text: i.text }] : [{ at: i.at, text: i.text }, { at: i.close, text: '}' }]));
  edits.sort((a, b) => b.at - a.at);
  let out = text;
  for (const e of edits) out = out.slice(0, e.at) + e.text + out.slice(e.at);
  return out;
}
