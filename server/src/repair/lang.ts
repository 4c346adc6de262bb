// What the edit generators need to know per language: node types, operator families, related functions and
// methods, literal spellings, and the names in scope at a line (parameters, locals, module-level names).
import type { Node } from 'web-tree-sitter';
import { walk, type SourceFile } from './edits';

export interface LangInfo {
  binary: Set<string>;
  /** Operator families: a replacement stays within the family of the original operator. */
  families: string[][];
  notPrefix: (s: string) => string;
  trueLit: string;
  falseLit: string;
  nullLit: string;
  and: string;
  or: string;
  conditionParents: Set<string>;
  statementTypes: Set<string>;
  functionTypes: Set<string>;
  callType: string;
  /** Related callables: a call to one is tried with the others. */
  relatedCalls: string[][];
  relatedMethods: string[][];
  emptyValues: string[];
  wrappers: ((e: string) => string)[];
}

export const python: LangInfo = {
  binary: new Set(['binary_operator', 'comparison_operator', 'boolean_operator']),
  families: [['+', '-', '*', '/', '//', '%', '**'], ['<', '<=', '>', '>=', '==', '!='], ['and', 'or'], ['&', '|', '^', '<<', '>>'], ['in', 'not in'], ['is', 'is not']],
  notPrefix: (s) => `not (${s})`,
  trueLit: 'True', falseLit: 'False', nullLit: 'None', and: 'and', or: 'or',
  conditionParents: new Set(['if_statement', 'elif_clause', 'while_statement', 'conditional_expression', 'assert_statement', 'if_clause']),
  statementTypes: new Set(['expression_statement', 'return_statement', 'if_statement', 'for_statement', 'while_statement', 'break_statement', 'continue_statement', 'pass_statement', 'raise_statement', 'assert_statement', 'delete_statement']),
  functionTypes: new Set(['function_definition', 'lambda']),
  callType: 'call',
  relatedCalls: [['min', 'max'], ['any', 'all'], ['int', 'round', 'float', 'abs'], ['floor', 'ceil', 'round'], ['sorted', 'reversed', 'list'], ['sum', 'len', 'max', 'min'], ['str', 'repr'], ['isinstance', 'issubclass'], ['filter', 'map']],
  relatedMethods: [['append', 'extend', 'add'], ['pop', 'popleft', 'remove'], ['upper', 'lower', 'swapcase', 'title', 'capitalize'], ['isupper', 'islower', 'isdigit', 'isalpha', 'isalnum', 'isspace'], ['startswith', 'endswith'], ['find', 'rfind', 'index', 'count'], ['sort', 'reverse'], ['split', 'rsplit'], ['strip', 'lstrip', 'rstrip'], ['keys', 'values', 'items'], ['get', 'pop'], ['insert', 'append']],
  emptyValues: ['0', '1', '-1', "''", '[]', 'None', 'True', 'False'],
  wrappers: [(e) => `abs(${e})`, (e) => `len(${e})`, (e) => `int(${e})`, (e) => `str(${e})`, (e) => `sorted(${e})`, (e) => `list(${e})`, (e) => `float(${e})`, (e) => `round(${e})`, (e) => `set(${e})`, (e) => `sum(${e})`, (e) => `reversed(${e})`, (e) => `${e}.lower()`, (e) => `${e}.upper()`, (e) => `${e}.strip()`],
};

export const javascript: LangInfo = {
  binary: new Set(['binary_expression']),
  families: [['+', '-', '*', '/', '%', '**'], ['<', '<=', '>', '>=', '==', '!='], ['===', '!==', '<', '<=', '>', '>='], ['&&', '||', '??'], ['&', '|', '^', '<<', '>>', '>>>']],
  notPrefix: (s) => `!(${s})`,
  trueLit: 'true', falseLit: 'false', nullLit: 'null', and: '&&', or: '||',
  conditionParents: new Set(['if_statement', 'while_statement', 'do_statement', 'ternary_expression', 'for_statement']),
  statementTypes: new Set(['expression_statement', 'return_statement', 'if_statement', 'for_statement', 'for_in_statement', 'while_statement', 'break_statement', 'continue_statement', 'lexical_declaration', 'variable_declaration', 'throw_statement']),
  functionTypes: new Set(['function_declaration', 'function_expression', 'arrow_function', 'method_definition', 'generator_function_declaration']),
  callType: 'call_expression',
  relatedCalls: [['parseInt', 'parseFloat', 'Number'], ['String', 'Number', 'Boolean']],
  relatedMethods: [['min', 'max'], ['floor', 'ceil', 'round', 'trunc', 'abs'], ['push', 'unshift', 'concat'], ['pop', 'shift'], ['toUpperCase', 'toLowerCase'], ['startsWith', 'endsWith', 'includes'], ['indexOf', 'lastIndexOf', 'includes'], ['slice', 'substring', 'substr', 'splice'], ['some', 'every', 'filter', 'find'], ['map', 'filter', 'forEach', 'flatMap'], ['sort', 'reverse'], ['keys', 'values', 'entries'], ['trim', 'trimStart', 'trimEnd'], ['reduce', 'reduceRight'], ['split', 'join']],
  emptyValues: ['0', '1', '-1', "''", '[]', 'null', 'true', 'false'],
  wrappers: [(e) => `Math.abs(${e})`, (e) => `${e}.length`, (e) => `Math.floor(${e})`, (e) => `String(${e})`, (e) => `Number(${e})`, (e) => `Math.round(${e})`, (e) => `parseInt(${e})`, (e) => `Math.ceil(${e})`, (e) => `${e}.toLowerCase()`, (e) => `${e}.toUpperCase()`, (e) => `${e}.trim()`],
};

export function langOf(src: SourceFile): LangInfo {
  return src.python ? python : javascript;
}

/** The innermost function around a node, or the module. */
export function enclosingFunction(node: Node, info: LangInfo): Node {
  let n: Node | null = node;
  while (n) {
    if (info.functionTypes.has(n.type)) return n;
    if (!n.parent) return n;
    n = n.parent;
  }
  return node;
}

export interface Scope {
  /** Variables: parameters and names assigned in the enclosing function. */
  variables: string[];
  /** Functions defined at module level (callable names). */
  functions: string[];
}

const pyBuiltins = new Set(['len', 'range', 'print', 'int', 'str', 'list', 'dict', 'set', 'min', 'max', 'abs', 'sum', 'sorted', 'True', 'False', 'None', 'self']);

/** Names visible at a node: the enclosing function's parameters and assigned names, module-level definitions. */
export function scopeAt(src: SourceFile, node: Node): Scope {
  const info = langOf(src);
  const fn = enclosingFunction(node, info);
  const vars = new Set<string>();
  const add = (n: Node | null | undefined) => { if (n && n.type === 'identifier' && !pyBuiltins.has(n.text)) vars.add(n.text); };
  walk(fn, (n) => {
    if (n !== fn && info.functionTypes.has(n.type) && n.type !== 'lambda' && n.type !== 'arrow_function') return;
    switch (n.type) {
      case 'parameters': case 'formal_parameters': case 'lambda_parameters':
        for (const p of n.namedChildren) { add(p); add(p?.childForFieldName('name') ?? p?.namedChildren[0]); add(p?.childForFieldName('left')); }
        break;
      case 'assignment': case 'augmented_assignment': case 'for_statement': case 'for_in_clause': case 'variable_declarator': case 'for_in_statement':
        add(n.childForFieldName('left') ?? n.childForFieldName('name'));
        for (const c of (n.childForFieldName('left') ?? n.childForFieldName('name'))?.namedChildren ?? []) add(c);
        break;
      case 'identifier':
        if (n.parent && (n.parent.type === 'formal_parameters' || n.parent.type === 'arrow_function' && n.parent.childForFieldName('parameter')?.id === n.id)) add(n);
        break;
    }
  });
  const functions = new Set<string>();
  const root = src.tree.rootNode;
  for (const top of root.namedChildren) {
    if (!top) continue;
    const name = top.childForFieldName('name');
    if (name && (top.type === 'function_definition' || top.type === 'function_declaration')) functions.add(name.text);
    if (top.type === 'lexical_declaration' || top.type === 'variable_declaration') {
      for (const d of top.namedChildren) {
        const value = d?.childForFieldName('value');
        const nm = d?.childForFieldName('name');
        if (nm && value && (value.type === 'arrow_function' || value.type === 'function_expression' || value.type === 'function')) functions.add(nm.text);
      }
    }
  }
  return { variables: [...vars].filter((v) => !functions.has(v)), functions: [...functions] };
}

/** Short attribute / member expressions used in the enclosing function (`node.next`, `s.length`). */
export function attributeTerms(src: SourceFile, at: Node): string[] {
  const info = langOf(src);
  const out = new Set<string>();
  walk(enclosingFunction(at, info), (n) => {
    if ((n.type === 'attribute' || n.type === 'member_expression') && n.text.length <= 30 && !n.text.includes('(') && n.parent?.type !== 'call' && n.parent?.type !== 'call_expression') out.add(n.text);
  });
  return [...out].slice(0, 6);
}
