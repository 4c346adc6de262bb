// Reads a source file's syntax tree for localization: which lines hold code of their own (as opposed
// to a `def` header, `else:`, a lone brace, a comment or a docstring, which coverage may mark as run
// but which are never where a fix goes), which only initialise a variable, and the first syntax error.
import type { Node, Tree } from 'web-tree-sitter';
import { parse, type GrammarId } from '../parse/parser';

export interface SourceShape {
  tree: Tree;
  /** 1-based line numbers that hold code of their own. */
  statementLines: Set<number>;
  /** The statement lines that are inside a function or method body. */
  functionLines: Set<number>;
  /**
   * Lines that only import, set a variable to a literal or a table of literals (`total = 0`,
   * `let seen = [];`, `const rank = { low: 1, high: 2 };` over any number of lines), or copy a
   * constructor parameter into a field (`self.value = value`).
   */
  literalInitLines: Set<number>;
  /** For each line of a simple statement written over several lines, the statement's first line. */
  statementStart: Map<number, number>;
  /** First syntax error, when the file does not parse. */
  syntaxError?: { line: number; message: string };
}

const functionTypes = new Set([
  'function_definition', 'class_definition', 'lambda',
  'function_declaration', 'function_expression', 'arrow_function', 'method_definition', 'class_declaration', 'class', 'generator_function_declaration', 'generator_function',
]);
const bodyFields = ['body'];
const trivialTokens = new Set(['{', '}', '(', ')', '[', ']', ';', ',', ':', 'else', 'try', 'finally', 'do', 'comment', 'pass', 'decorator', '@']);

/** True when the leaf belongs to a function or class header rather than to code that runs. */
function inHeader(leaf: Node): boolean {
  let child: Node = leaf;
  for (let p = leaf.parent; p; child = p, p = p.parent) {
    if (functionTypes.has(p.type)) {
      const inBody = bodyFields.some((f) => p.childForFieldName(f)?.id === child.id);
      return !inBody;
    }
    if (p.type === 'decorator') return true;
    if (p.type === 'block' || p.type === 'statement_block' || p.type === 'program' || p.type === 'module') return false;
  }
  return false;
}

/** A declaration whose every value is a function (`const f = (a) => {`) is a header too. */
function declaresOnlyFunctions(leaf: Node): boolean {
  for (let p = leaf.parent; p; p = p.parent) {
    if (p.type === 'lexical_declaration' || p.type === 'variable_declaration') {
      const values = p.namedChildren.filter((c): c is Node => !!c && c.type === 'variable_declarator').map((d) => d.childForFieldName('value'));
      return values.length > 0 && values.every((v) => !!v && functionTypes.has(v.type) && v.startPosition.row !== v.endPosition.row);
    }
    if (functionTypes.has(p.type) || p.type === 'statement_block') return false;
  }
  return false;
}

/** A statement that is only a string literal: a docstring, or a string used as a block comment. */
function isDocstring(leaf: Node): boolean {
  const stmt = leaf.type === 'string' ? leaf.parent : leaf.parent?.parent;
  return stmt?.type === 'expression_statement' && stmt.namedChildCount === 1 && stmt.namedChild(0)?.type === 'string';
}

const literalTypes = new Set(['integer', 'float', 'number', 'string', 'true', 'false', 'none', 'null', 'undefined', 'unary_operator', 'unary_expression']);
const emptyTypes = new Set(['list', 'dictionary', 'set', 'tuple', 'array', 'object']);

/** A literal, or a list, table or object of literals only (`{'zero': 0, 'one': 1}`). */
function isLiteral(n: Node | null): boolean {
  if (!n) return false;
  if (emptyTypes.has(n.type)) return n.namedChildren.every((c) => !c || c.type === 'comment' || isLiteral(c) || isLiteralPair(c));
  if (n.type === 'unary_operator' || n.type === 'unary_expression') return isLiteral(n.namedChild(n.namedChildCount - 1));
  return literalTypes.has(n.type);
}

function isLiteralPair(n: Node): boolean {
  const key = n.childForFieldName('key');
  return n.type === 'pair' && !!key && (isLiteral(key) || key.type === 'property_identifier') && isLiteral(n.childForFieldName('value'));
}

/** Statements that import, or only give variables literal values: seldom where a fault is. */
function isLiteralInit(stmt: Node): boolean {
  if (/^import/.test(stmt.type)) return true;
  if (stmt.type === 'lexical_declaration' || stmt.type === 'variable_declaration') {
    const values = stmt.namedChildren.filter((c): c is Node => !!c && c.type === 'variable_declarator').map((d) => d.childForFieldName('value'));
    return values.length > 0 && values.every(isLiteral);
  }
  if (stmt.type === 'expression_statement' && stmt.namedChildCount === 1) {
    const e = stmt.namedChild(0);
    if (e && (e.type === 'assignment' || e.type === 'assignment_expression') && isLiteral(e.childForFieldName('right'))) return true;
  }
  return isFieldCopy(stmt);
}

/** `self.name = name` / `this.name = name;` in a constructor: plumbing, seldom where a fault is. */
function isFieldCopy(stmt: Node): boolean {
  const e = stmt.type === 'expression_statement' && stmt.namedChildCount === 1 ? stmt.namedChild(0) : null;
  if (!e || (e.type !== 'assignment' && e.type !== 'assignment_expression')) return false;
  const left = e.childForFieldName('left');
  const right = e.childForFieldName('right');
  if (!left || right?.type !== 'identifier' || (left.type !== 'attribute' && left.type !== 'member_expression')) return false;
  const receiver = left.childForFieldName('object')?.text;
  if (receiver !== 'self' && receiver !== 'this') return false;
  for (let p = stmt.parent; p; p = p.parent) {
    if (p.type === 'function_definition') return p.childForFieldName('name')?.text === '__init__';
    if (p.type === 'method_definition') return p.childForFieldName('name')?.text === 'constructor';
    if (functionTypes.has(p.type)) return false;
  }
  return false;
}

const simpleStatementTypes = /^(expression_statement|return_statement|lexical_declaration|variable_declaration|assert_statement|raise_statement|throw_statement|delete_statement)$/;
/** True when the node contains a body of statements (e.g. a callback written out in full). */
function holdsStatements(n: Node): boolean {
  return n.namedChildren.some((c) => !!c && (c.type === 'block' || c.type === 'statement_block' || holdsStatements(c)));
}

function insideFunction(leaf: Node): boolean {
  for (let p = leaf.parent; p; p = p.parent) if (functionTypes.has(p.type) && !p.type.startsWith('class')) return true;
  return false;
}

function leaves(node: Node, out: Node[]): void {
  if (node.childCount === 0 || node.type === 'string' || node.type === 'comment' || node.type === 'template_string') {
    out.push(node);
    return;
  }
  for (const c of node.children) if (c) leaves(c, out);
}

function firstError(root: Node): Node | undefined {
  if (!root.hasError) return undefined;
  const stack: Node[] = [root];
  while (stack.length) {
    const n = stack.shift() as Node;
    if (n.isError || n.isMissing) return n;
    for (const c of n.children) if (c && (c.hasError || c.isMissing)) stack.push(c);
  }
  return root;
}

export async function readShape(grammar: GrammarId, text: string): Promise<SourceShape> {
  const tree = await parse(grammar, text);
  const all: Node[] = [];
  leaves(tree.rootNode, all);
  const statementLines = new Set<number>();
  const functionLines = new Set<number>();
  for (const leaf of all) {
    const row = leaf.startPosition.row + 1;
    if (statementLines.has(row) || trivialTokens.has(leaf.type)) continue;
    if (inHeader(leaf) || declaresOnlyFunctions(leaf) || isDocstring(leaf)) continue;
    statementLines.add(row);
    if (insideFunction(leaf)) functionLines.add(row);
  }
  const literalInitLines = new Set<number>();
  const statementStart = new Map<number, number>();
  const visit = (n: Node) => {
    const [first, last] = [n.startPosition.row, n.endPosition.row];
    if (/(_statement|_declaration)$/.test(n.type) && isLiteralInit(n)) for (let row = first; row <= last; row++) literalInitLines.add(row + 1);
    if (simpleStatementTypes.test(n.type) && first < last && !holdsStatements(n)) {
      for (let row = first; row <= last; row++) statementStart.set(row + 1, first + 1);
      return;
    }
    for (const c of n.namedChildren) if (c) visit(c);
  };
  visit(tree.rootNode);
  const err = firstError(tree.rootNode);
  const syntaxError = err
    ? { line: err.startPosition.row + 1, message: err.isMissing ? `syntax error: missing ${err.type}` : `syntax error near "${err.text.slice(0, 40)}"` }
    : undefined;
  return { tree, statementLines, functionLines, literalInitLines, statementStart, syntaxError };
}
