// Structural queries over a syntax tree: the named functions, methods and classes of a file, the tests
// it declares, and the function enclosing a line. Used by diagnostics, fault localization and repair.
// Lines are 1-based (as in test results); indexes are UTF-16 offsets into the parsed text.
import type { Node, Tree } from 'web-tree-sitter';
import type { GrammarId } from './parser';

export type DefinitionKind = 'function' | 'method' | 'class';

export interface Span {
  /** 1-based first and last line (inclusive). */
  startLine: number;
  endLine: number;
  /** UTF-16 offsets: text.slice(startIndex, endIndex) is the whole definition (decorators included). */
  startIndex: number;
  endIndex: number;
}

export interface Definition extends Span {
  name: string;
  /** Names of the enclosing classes/functions and this one, joined by '.' (e.g. "Stack.push"). */
  qualifiedName: string;
  kind: DefinitionKind;
  /** Named and placed like a test (pytest/unittest conventions; JS test callbacks are in testsIn). */
  isTest: boolean;
}

export interface TestDeclaration extends Span {
  /** The test's own name: the function name (Python) or the string passed to test()/it()/describe(). */
  name: string;
  /** Enclosing suites (test classes, describe blocks) then the name, outermost first. */
  path: string[];
  kind: 'test' | 'suite';
}

function spanOf(node: Node): Span {
  return { startLine: node.startPosition.row + 1, endLine: node.endPosition.row + 1, startIndex: node.startIndex, endIndex: node.endIndex };
}

/** Named functions, methods and classes in document order (outer before inner). */
export function functionsIn(tree: Tree, grammar: GrammarId): Definition[] {
  const out: Definition[] = [];
  const visit = grammar === 'python' ? visitPython : visitScript;
  visit(tree.rootNode, [], out);
  return out;
}

/** The innermost named function or method whose span contains the 1-based line. */
export function enclosingFunction(tree: Tree, grammar: GrammarId, line: number): Definition | undefined {
  let best: Definition | undefined;
  for (const d of functionsIn(tree, grammar)) {
    if (d.kind === 'class' || line < d.startLine || line > d.endLine) continue;
    if (!best || d.startIndex >= best.startIndex) best = d;
  }
  return best;
}

/** Tests and suites the file declares, in document order. */
export function testsIn(tree: Tree, grammar: GrammarId): TestDeclaration[] {
  if (grammar !== 'python') {
    const out: TestDeclaration[] = [];
    visitTestCalls(tree.rootNode, [], out);
    return out;
  }
  return functionsIn(tree, grammar)
    .filter((d) => d.isTest)
    .map(({ startLine, endLine, startIndex, endIndex, name, qualifiedName, kind }) =>
      ({ startLine, endLine, startIndex, endIndex, name, path: qualifiedName.split('.'), kind: kind === 'class' ? 'suite' : 'test' }));
}

/** The innermost test (not suite) whose span contains the 1-based line. */
export function testAt(tree: Tree, grammar: GrammarId, line: number): TestDeclaration | undefined {
  let best: TestDeclaration | undefined;
  for (const t of testsIn(tree, grammar)) {
    if (t.kind === 'test' && line >= t.startLine && line <= t.endLine && (!best || t.startIndex >= best.startIndex)) best = t;
  }
  return best;
}

// ---- Python

function visitPython(node: Node, scope: Definition[], out: Definition[]): void {
  for (const child of node.namedChildren) {
    if (!child) continue;
    const def = child.type === 'decorated_definition' ? child.childForFieldName('definition') : child;
    if (def && (def.type === 'function_definition' || def.type === 'class_definition')) {
      const d = pythonDefinition(def, child, scope);
      if (d) {
        out.push(d);
        const body = def.childForFieldName('body');
        if (body) visitPython(body, [...scope, d], out);
        continue;
      }
    }
    visitPython(child, scope, out);
  }
}

function pythonDefinition(def: Node, outer: Node, scope: Definition[]): Definition | undefined {
  const name = def.childForFieldName('name')?.text;
  if (!name) return undefined;
  const parent = scope[scope.length - 1];
  const isClass = def.type === 'class_definition';
  const kind: DefinitionKind = isClass ? 'class' : parent?.kind === 'class' ? 'method' : 'function';
  let isTest: boolean;
  if (isClass) {
    const bases = def.childForFieldName('superclasses')?.text ?? '';
    isTest = (scope.every((s) => s.kind === 'class' && s.isTest) && /^Test/.test(name)) || /\bTestCase\b/.test(bases);
  } else if (kind === 'method') {
    isTest = parent.isTest && /^test/.test(name);
  } else {
    isTest = scope.length === 0 && /^test/.test(name);
  }
  const qualifiedName = [...scope.map((s) => s.name), name].join('.');
  return { ...spanOf(outer), name, qualifiedName, kind, isTest };
}

// ---- JavaScript / TypeScript

const functionValues = new Set(['arrow_function', 'function_expression', 'function', 'generator_function']);
const classNodes = new Set(['class_declaration', 'abstract_class_declaration', 'class']);

function visitScript(node: Node, scope: Definition[], out: Definition[]): void {
  for (const child of node.namedChildren) {
    if (!child) continue;
    const found = scriptDefinition(child, scope);
    if (found) {
      out.push(found.def);
      visitScript(found.body, [...scope, found.def], out);
    } else {
      visitScript(child, scope, out);
    }
  }
}

/** A named definition at `node`, and the node to search for nested ones. */
function scriptDefinition(node: Node, scope: Definition[]): { def: Definition; body: Node } | undefined {
  const make = (name: string, kind: DefinitionKind, span: Node, body: Node) => ({
    def: { ...spanOf(span), name, qualifiedName: [...scope.map((s) => s.name), name].join('.'), kind, isTest: false },
    body,
  });
  switch (node.type) {
    case 'function_declaration':
    case 'generator_function_declaration': {
      const name = node.childForFieldName('name')?.text;
      return name ? make(name, 'function', node, node) : undefined;
    }
    case 'class_declaration':
    case 'abstract_class_declaration': {
      const name = node.childForFieldName('name')?.text;
      return name ? make(name, 'class', node, node) : undefined;
    }
    case 'method_definition': {
      const name = node.childForFieldName('name')?.text;
      return name ? make(name, 'method', node, node) : undefined;
    }
    case 'variable_declarator': {
      // const f = () => ...; const g = function () {...}; const C = class {...}
      const name = node.childForFieldName('name');
      const value = node.childForFieldName('value');
      if (name?.type !== 'identifier' || !value) return undefined;
      if (functionValues.has(value.type)) return make(name.text, 'function', declarationOf(node), value);
      if (classNodes.has(value.type)) return make(name.text, 'class', declarationOf(node), value);
      return undefined;
    }
    case 'assignment_expression': {
      // module.exports.f = function () {...}; exports.g = () => ...
      const left = node.childForFieldName('left');
      const right = node.childForFieldName('right');
      if (!left || !right || !functionValues.has(right.type)) return undefined;
      const name = left.type === 'member_expression' ? left.childForFieldName('property')?.text : left.type === 'identifier' ? left.text : undefined;
      return name ? make(name, 'function', node, right) : undefined;
    }
    case 'pair': {
      // { key: () => ... } inside an object literal
      const key = node.childForFieldName('key');
      const value = node.childForFieldName('value');
      if (!key || !value || !functionValues.has(value.type)) return undefined;
      return make(key.text.replace(/^['"]|['"]$/g, ''), 'method', node, value);
    }
    default:
      return undefined;
  }
}

/** The whole `const f = ...;` statement when the declarator is its only one, else the declarator. */
function declarationOf(declarator: Node): Node {
  const decl = declarator.parent;
  if (decl && (decl.type === 'lexical_declaration' || decl.type === 'variable_declaration') && decl.namedChildCount === 1) {
    return decl.parent?.type === 'export_statement' ? decl.parent : decl;
  }
  return declarator;
}

const testFunctions = new Set(['test', 'it', 'specify']);
const suiteFunctions = new Set(['describe', 'suite', 'context']);
const modifiers = new Set(['only', 'skip', 'todo', 'concurrent', 'failing']);

function visitTestCalls(node: Node, suites: string[], out: TestDeclaration[]): void {
  for (const child of node.namedChildren) {
    if (!child) continue;
    const decl = child.type === 'call_expression' ? testCall(child, suites) : undefined;
    if (decl) {
      out.push(decl);
      visitTestCalls(child, decl.path, out);
    } else {
      visitTestCalls(child, suites, out);
    }
  }
}

function testCall(call: Node, suites: string[]): TestDeclaration | undefined {
  const callee = call.childForFieldName('function');
  const args = call.childForFieldName('arguments');
  if (!callee || !args) return undefined;
  let base: string | undefined;
  if (callee.type === 'identifier') base = callee.text;
  else if (callee.type === 'member_expression') {
    const object = callee.childForFieldName('object');
    const property = callee.childForFieldName('property')?.text ?? '';
    if (object?.type === 'identifier' && modifiers.has(property)) base = object.text;
    // node:test subtests: t.test('name', fn)
    else if (object?.type === 'identifier' && property === 'test') base = 'test';
  }
  const kind = base && testFunctions.has(base) ? 'test' : base && suiteFunctions.has(base) ? 'suite' : undefined;
  const first = args.namedChildren[0];
  if (!kind || !first) return undefined;
  const name = stringValue(first);
  if (name === undefined) return undefined;
  return { ...spanOf(call), name, path: [...suites, name], kind };
}

function stringValue(node: Node): string | undefined {
  if (node.type === 'string') return node.text.slice(1, -1);
  if (node.type === 'template_string' && !node.namedChildren.some((c) => c?.type === 'template_substitution')) return node.text.slice(1, -1);
  return undefined;
}
