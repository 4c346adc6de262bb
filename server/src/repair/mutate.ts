// Single-token and small structural mutations at one line, on the syntax tree: operator replacement,
// constants, identifiers and calls, operand/argument swaps, dropping an operand or a wrapper call,
// index/slice bounds, element swaps, condition negation, update/augmented operators and statement deletion.
import type { Node } from 'web-tree-sitter';
import { edit, walk, type Edit, type SourceFile } from './edits';
import { attributeTerms, langOf, scopeAt, type LangInfo } from './lang';

export const priors: Record<string, number> = {
  comparison: 1, arithmetic: 0.9, boolean: 0.9, constant: 0.8, negate: 0.7, dropUnary: 0.6, identifier: 0.6, field: 0.5, relatedCall: 0.6,
  index: 0.6, slice: 0.6, update: 0.7, swap: 0.5, dropOperand: 0.5, dropCall: 0.45, dropArgument: 0.35, deleteStatement: 0.35, bitwise: 0.4,
};

const commutative = new Set(['==', '!=', '===', '!==', 'and', 'or', '&&', '||', '&', '|', '^']);

function familyKind(op: string): string {
  if (['<', '<=', '>', '>=', '==', '!=', '===', '!==', 'in', 'not in', 'is', 'is not'].includes(op)) return 'comparison';
  if (['and', 'or', '&&', '||', '??'].includes(op)) return 'boolean';
  if (['&', '|', '^', '<<', '>>', '>>>'].includes(op)) return 'bitwise';
  return 'arithmetic';
}

function alternatives(info: LangInfo, op: string): string[] {
  const out = new Set<string>();
  for (const fam of info.families) if (fam.includes(op)) for (const o of fam) if (o !== op) out.add(o);
  return [...out];
}

function numberVariants(text: string, python: boolean): string[] {
  const v = Number(text.replace(/_/g, ''));
  if (!Number.isFinite(v)) return [];
  const out = new Set<string>();
  const isInt = /^-?\d+$/.test(text.replace(/_/g, ''));
  const fmt = (x: number) => (isInt ? String(x) : python && Number.isInteger(x) ? x.toFixed(1) : String(x));
  for (const x of [v + 1, v - 1, 0, 1, -1, -v, v * 2, v + 2, v - 2, 2]) if (x !== v) out.add(fmt(x));
  if (!isInt) out.add(String(Math.round(v)));
  return [...out];
}

/** Named nodes that start on `row` (0-based), outermost first. */
export function nodesOnRow(root: Node, row: number): Node[] {
  const out: Node[] = [];
  const visit = (n: Node): void => {
    if (n.endPosition.row < row || n.startPosition.row > row) return;
    if (n.startPosition.row === row) out.push(n);
    for (const c of n.namedChildren) if (c) visit(c);
  };
  visit(root);
  return out;
}

/** The condition node of a statement or expression that has one, as it appears without parentheses. */
export function conditionOf(n: Node): Node | undefined {
  const c = n.childForFieldName('condition');
  if (!c) return undefined;
  if (c.type === 'parenthesized_expression' && c.namedChildren[0]) return c.namedChildren[0];
  return c;
}

/** Whether a node is the condition of an if/while/ternary (JavaScript's parentheses looked through). */
export function isConditionNode(n: Node, info: LangInfo): boolean {
  let holder = n.parent;
  if (holder?.type === 'parenthesized_expression' && holder.parent && conditionOf(holder.parent)?.id === n.id) holder = holder.parent;
  return !!holder && info.conditionParents.has(holder.type) && conditionOf(holder)?.id === n.id;
}

function isVariableRef(n: Node): boolean {
  const p = n.parent;
  if (!p) return false;
  if (p.type === 'keyword_argument' && p.childForFieldName('name')?.id === n.id) return false;
  if ((p.type === 'function_definition' || p.type === 'function_declaration' || p.type === 'class_definition') && p.childForFieldName('name')?.id === n.id) return false;
  if (p.type === 'parameters' || p.type === 'formal_parameters' || p.type === 'default_parameter' || p.type === 'typed_parameter') return false;
  if (p.type === 'attribute' && p.childForFieldName('attribute')?.id === n.id) return false;
  if (p.type === 'variable_declarator' && p.childForFieldName('name')?.id === n.id) return false;
  if ((p.type === 'call' || p.type === 'call_expression') && p.childForFieldName('function')?.id === n.id) return false;
  if (p.type === 'import_from_statement' || p.type === 'dotted_name' || p.type === 'aliased_import') return false;
  return true;
}

function isCallee(n: Node): boolean {
  const p = n.parent;
  return !!p && (p.type === 'call' || p.type === 'call_expression') && p.childForFieldName('function')?.id === n.id;
}

/**
 * The data fields the file names (read or declared, on any object), most used first: the other field a
 * misused `r.width` may have meant (`r.height`). Methods are left out: a call is not a field read.
 */
function fieldNames(src: SourceFile): string[] {
  const count = new Map<string, number>();
  const add = (name: string) => count.set(name, (count.get(name) ?? 0) + 1);
  walk(src.tree.rootNode, (n) => {
    if (n.type === 'member_expression' || n.type === 'attribute') {
      const prop = n.childForFieldName(n.type === 'attribute' ? 'attribute' : 'property');
      if (prop && !isCallee(n) && /identifier$/.test(prop.type)) add(prop.text);
    } else if (n.type === 'shorthand_property_identifier' || n.type === 'shorthand_property_identifier_pattern') {
      add(n.text);
    } else if ((n.type === 'pair' || n.type === 'property_signature' || n.type === 'public_field_definition') && n.namedChildren[0]?.type === 'property_identifier') {
      add(n.namedChildren[0].text);
    }
  });
  return [...count].sort((a, b) => b[1] - a[1]).map(([name]) => name).slice(0, 8);
}

function operatorTokens(n: Node): Node[] {
  const named = new Set(n.namedChildren.map((c) => c?.id));
  return n.children.filter((c): c is Node => !!c && !named.has(c.id) && c.type !== '(' && c.type !== ')');
}

export function mutationsAt(src: SourceFile, line: number): Edit[] {
  const info = langOf(src);
  const row = line - 1;
  const out: Edit[] = [];
  const nodes = nodesOnRow(src.tree.rootNode, row);
  let scope: ReturnType<typeof scopeAt> | undefined;
  let terms: string[] | undefined;
  let fields: string[] | undefined;
  for (const n of nodes) {
    const t = n.type;
    if (info.binary.has(t) || t === 'comparison_operator') {
      const ops = t === 'comparison_operator' ? operatorTokens(n) : [n.childForFieldName('operator')].filter((o): o is Node => !!o);
      for (const op of ops) {
        for (const alt of alternatives(info, op.text)) out.push(edit(src, op, alt, familyKind(op.text), priors[familyKind(op.text)]));
      }
      const left = n.childForFieldName('left') ?? n.namedChildren[0];
      const right = n.childForFieldName('right') ?? n.namedChildren[1];
      if (left && right && n.namedChildren.length === 2) {
        const opText = ops[0]?.text ?? '';
        if (!commutative.has(opText)) out.push(edit(src, n, `${right.text} ${opText} ${left.text}`, 'swap', priors.swap));
        if (t !== 'comparison_operator' && familyKind(opText) !== 'comparison') {
          out.push(edit(src, n, left.text, 'dropOperand', priors.dropOperand));
          out.push(edit(src, n, right.text, 'dropOperand', priors.dropOperand));
        }
      }
    } else if (t === 'not_operator' || (t === 'unary_operator' || t === 'unary_expression') && ['-', '!', '~', '+'].includes(n.child(0)?.text ?? '')) {
      const arg = n.childForFieldName('argument') ?? n.namedChildren[n.namedChildren.length - 1];
      if (arg) out.push(edit(src, n, arg.text, 'dropUnary', priors.dropUnary));
    } else if (t === 'integer' || t === 'float' || t === 'number') {
      for (const v of numberVariants(n.text, src.python)) out.push(edit(src, n, v, 'constant', priors.constant));
    } else if (t === 'string' && n.text.length > 2 && !n.text.startsWith('"""') && !n.text.startsWith("'''")) {
      if (n.parent?.type !== 'expression_statement') out.push(edit(src, n, n.text[0] === '`' ? '``' : "''", 'constant', priors.constant * 0.5));
    } else if (t === 'true' || t === 'false') {
      out.push(edit(src, n, t === 'true' ? info.falseLit : info.trueLit, 'constant', priors.constant));
    } else if (t === 'none' || t === 'null' || t === 'undefined') {
      for (const v of [info.falseLit, info.trueLit, '0']) out.push(edit(src, n, v, 'constant', priors.constant * 0.6));
    } else if (t === 'update_expression') {
      const op = operatorTokens(n)[0];
      if (op) out.push(edit(src, op, op.text === '++' ? '--' : '++', 'update', priors.update));
    } else if (t === 'augmented_assignment' || t === 'augmented_assignment_expression') {
      const op = n.childForFieldName('operator');
      if (op) {
        const base = op.text.slice(0, -1);
        for (const alt of alternatives(info, base)) out.push(edit(src, op, alt + '=', 'arithmetic', priors.arithmetic));
        out.push(edit(src, op, '=', 'arithmetic', priors.arithmetic * 0.5));
      }
    } else if (t === 'identifier' && isVariableRef(n)) {
      scope ??= scopeAt(src, n);
      for (const v of scope.variables.slice(0, 16)) if (v !== n.text) out.push(edit(src, n, v, 'identifier', priors.identifier));
      terms ??= attributeTerms(src, n);
      for (const v of terms) if (!v.startsWith(n.text + '.')) out.push(edit(src, n, v, 'identifier', priors.identifier * 0.6));
    } else if ((t === 'member_expression' || t === 'attribute') && !isCallee(n)) {
      const prop = n.childForFieldName(t === 'attribute' ? 'attribute' : 'property');
      fields ??= fieldNames(src);
      if (prop && /identifier$/.test(prop.type)) for (const f of fields) if (f !== prop.text) out.push(edit(src, prop, f, 'field', priors.field));
    } else if (t === 'call' || t === 'call_expression') {
      callMutations(src, info, n, out);
    } else if (t === 'subscript' || t === 'subscript_expression') {
      const idx = n.childForFieldName(t === 'subscript' ? 'subscript' : 'index');
      if (idx && idx.type !== 'slice') {
        out.push(edit(src, idx, `${idx.text} + 1`, 'index', priors.index), edit(src, idx, `${idx.text} - 1`, 'index', priors.index));
        if (src.python) out.push(edit(src, idx, '-1', 'index', priors.index * 0.5));
      }
    } else if (t === 'slice') {
      sliceMutations(src, n, out);
    } else if (t === 'array' || t === 'list' || t === 'tuple' || t === 'expression_list') {
      elementSwaps(src, n, out);
    }
    if (isConditionNode(n, info)) {
      out.push(edit(src, n, n.type === 'not_operator' || n.type === 'unary_expression' && n.text.startsWith('!') ? (n.namedChildren[0]?.text ?? n.text) : info.notPrefix(n.text), 'negate', priors.negate));
    }
    if (info.statementTypes.has(t) && n.startPosition.row === row) out.push(deleteStatement(src, n));
  }
  return out;
}

function callMutations(src: SourceFile, info: LangInfo, n: Node, out: Edit[]): void {
  const fn = n.childForFieldName('function');
  const argsNode = n.childForFieldName('arguments');
  const args = argsNode?.namedChildren.filter((a): a is Node => !!a && a.type !== 'comment') ?? [];
  if (fn?.type === 'identifier') {
    const related = new Set<string>();
    for (const group of info.relatedCalls) if (group.includes(fn.text)) group.forEach((g) => related.add(g));
    for (const f of scopeAt(src, n).functions) related.add(f);
    related.delete(fn.text);
    for (const r of related) out.push(edit(src, fn, r, 'relatedCall', priors.relatedCall));
  } else if (fn && (fn.type === 'attribute' || fn.type === 'member_expression')) {
    const prop = fn.childForFieldName(fn.type === 'attribute' ? 'attribute' : 'property');
    if (prop) {
      for (const group of info.relatedMethods) {
        if (group.includes(prop.text)) for (const g of group) if (g !== prop.text) out.push(edit(src, prop, g, 'relatedCall', priors.relatedCall));
      }
    }
  }
  if (args.length === 1 && fn?.type === 'identifier' && args[0].type !== 'keyword_argument') out.push(edit(src, n, args[0].text, 'dropCall', priors.dropCall));
  if (args.length === 1 && fn && (fn.type === 'attribute' || fn.type === 'member_expression')) {
    // Receiver and argument swapped: `sub.indexOf(x)` for `x.indexOf(sub)`.
    const obj = fn.childForFieldName('object');
    const prop = fn.childForFieldName(fn.type === 'attribute' ? 'attribute' : 'property');
    if (obj && prop && /^(identifier|string)$/.test(obj.type) && /^(identifier|string|integer|number)$/.test(args[0].type)) {
      out.push(edit(src, n, `${args[0].text}.${prop.text}(${obj.text})`, 'swap', priors.swap));
    }
  }
  if (args.length >= 2) {
    for (let i = 0; i < args.length; i++) {
      for (let j = i + 1; j < args.length; j++) {
        const text = args.map((a, k) => (k === i ? args[j].text : k === j ? args[i].text : a.text)).join(', ');
        out.push({ ...edit(src, argsNode!, `(${text})`, 'swap', priors.swap) });
      }
      out.push(edit(src, argsNode!, `(${args.filter((_, k) => k !== i).map((a) => a.text).join(', ')})`, 'dropArgument', priors.dropArgument));
    }
  }
}

function sliceMutations(src: SourceFile, n: Node, out: Edit[]): void {
  for (const part of n.namedChildren) {
    if (!part) continue;
    out.push(edit(src, part, `${part.text} + 1`, 'slice', priors.slice), edit(src, part, `${part.text} - 1`, 'slice', priors.slice));
    out.push(edit(src, part, '', 'slice', priors.slice * 0.7));
  }
}

/** Two elements of a short array, list or tuple swapped (`[index, value]` for `[value, index]`). */
function elementSwaps(src: SourceFile, n: Node, out: Edit[]): void {
  const els = n.namedChildren.filter((c): c is Node => !!c && c.type !== 'comment');
  if (els.length < 2 || els.length > 4) return;
  for (let i = 0; i < els.length; i++) {
    for (let j = i + 1; j < els.length; j++) {
      const from = els[0].startIndex;
      const text = els.map((e, k) => (k === i ? els[j].text : k === j ? els[i].text : e.text));
      // Separators between elements are kept as they were.
      let joined = '';
      els.forEach((e, k) => { joined += text[k] + (k < els.length - 1 ? src.text.slice(e.endIndex, els[k + 1].startIndex) : ''); });
      out.push({ ...edit(src, n, joined, 'swap', priors.swap), start: from, end: els[els.length - 1].endIndex });
    }
  }
}

function deleteStatement(src: SourceFile, n: Node): Edit {
  // `pass` keeps a Python block that held only this statement valid.
  return edit(src, n, src.python ? 'pass' : '', 'deleteStatement', priors.deleteStatement);
}
