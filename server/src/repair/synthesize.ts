// Synthesis at one line, for bugs a one-token mutation cannot fix ("missing logic"): wrap an expression
// (abs, len, casts), add a term to an expression or a clause to a condition, insert a guard with an early
// return, or insert a statement built from templates or copied from elsewhere in the same file.
import type { Node } from 'web-tree-sitter';
import { edit, insertAt, walk, type Edit, type SourceFile } from './edits';
import { attributeTerms, enclosingFunction, langOf, scopeAt, type LangInfo } from './lang';
import { isConditionNode, nodesOnRow } from './mutate';

export const synthPriors: Record<string, number> = {
  addTerm: 0.35, wrap: 0.3, addClause: 0.25, insertGuard: 0.22, insertStatement: 0.15, replaceStatement: 0.2, methodWrap: 0.25, condition: 0.5,
};

const valueTypes = new Set(['identifier', 'call', 'call_expression', 'subscript', 'subscript_expression', 'attribute', 'member_expression', 'binary_operator', 'binary_expression', 'parenthesized_expression', 'integer', 'number']);

/** Small boolean expressions over the variables in scope, the clauses and guards are built from. */
export function conditionAtoms(info: LangInfo, vars: string[], python: boolean): string[] {
  const out: string[] = [];
  for (const v of vars.slice(0, 8)) {
    if (python) out.push(`not ${v}`, `${v} == 0`, `${v} < 0`, `${v} > 0`, `${v} == 1`, `${v} is None`, `len(${v}) == 0`, `${v} % 2 == 0`, `${v} % 2 == 1`, `len(${v}) == 1`);
    else out.push(`!${v}`, `${v} == 0`, `${v} < 0`, `${v} > 0`, `${v} == 1`, `${v} == null`, `${v}.length == 0`, `${v} % 2 == 0`, `${v} % 2 == 1`, `${v}.length == 1`);
  }
  const cmp = ['<', '<=', '==', '!='];
  const pairs = vars.slice(0, 6);
  for (let i = 0; i < pairs.length; i++) for (let j = 0; j < pairs.length; j++) if (i !== j) for (const op of cmp) if (op !== '==' && op !== '!=' || i < j) out.push(`${pairs[i]} ${op} ${pairs[j]}`);
  void info;
  return out;
}

/** Offset of the start of the line holding `offset`. */
export function lineStart(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

/** The indentation (spaces and tabs) of the line holding `offset`. */
export function indentOf(text: string, offset: number): string {
  const start = lineStart(text, offset);
  return /^[ \t]*/.exec(text.slice(start))![0];
}

/** Statements (one line each) elsewhere in the file, to try inserting near the suspicious line. */
function donorStatements(src: SourceFile, exclude: number): string[] {
  const info = langOf(src);
  const out = new Set<string>();
  walk(src.tree.rootNode, (n) => {
    if (n.startPosition.row === exclude || n.startPosition.row !== n.endPosition.row) return;
    if (['expression_statement', 'return_statement', 'break_statement', 'continue_statement'].includes(n.type) && !n.text.startsWith('"') && !n.text.startsWith("'")) out.add(n.text);
    void info;
  });
  return [...out].slice(0, 30);
}

export function synthesisAt(src: SourceFile, line: number): Edit[] {
  const info = langOf(src);
  const row = line - 1;
  const out: Edit[] = [];
  const nodes = nodesOnRow(src.tree.rootNode, row);
  if (!nodes.length) return out;
  const scope = scopeAt(src, nodes[0]);
  // Names used on the line come first: a missing clause or guard is usually about them.
  const lineText = src.text.split('\n')[row] ?? '';
  const used = (v: string) => new RegExp(`\\b${v.replace(/[.$]/g, '\\$&')}\\b`).test(lineText);
  const vars = [...scope.variables, ...attributeTerms(src, nodes[0])].sort((a, b) => Number(used(b)) - Number(used(a)));
  const atoms = conditionAtoms(info, vars, src.python);
  for (const n of nodes) {
    const p = n.parent;
    const isCondition = isConditionNode(n, info);
    if (isCondition) {
      for (const a of atoms) {
        // Both orders: a clause guarding the original (`x is None or x.next is None`) must come first.
        for (const text of [`${n.text} ${info.and} ${a}`, `${n.text} ${info.or} ${a}`, `${a} ${info.or} ${n.text}`, `${a} ${info.and} ${n.text}`]) {
          out.push(edit(src, n, text, 'addClause', synthPriors.addClause));
        }
      }
    }
    if ((n.type === 'true' || n.type === 'false') && !isCondition) {
      // `return True` where the answer is a condition (`return depth == 0`).
      for (const a of atoms.slice(0, 60)) out.push(edit(src, n, a, 'condition', synthPriors.condition * 0.6));
    }
    if (!valueTypes.has(n.type) || isCondition) continue;
    if (p && (p.type === 'call' || p.type === 'call_expression') && p.childForFieldName('function')?.id === n.id) continue;
    if (p && (p.type === 'attribute' || p.type === 'member_expression') && p.childForFieldName(p.type === 'attribute' ? 'attribute' : 'property')?.id === n.id) continue;
    if (isAssignTarget(n)) continue;
    const e = /^(identifier|integer|number|call|call_expression|subscript|subscript_expression|attribute|member_expression|parenthesized_expression)$/.test(n.type) ? n.text : `(${n.text})`;
    for (const w of info.wrappers) out.push(edit(src, n, w(e), 'wrap', synthPriors.wrap));
    // Inside a larger expression the new term needs parentheses to bind as intended (`n * (n + 1)`).
    const nested = !!p && /binary|unary|comparison|boolean|subscript|attribute|member/.test(p.type) && !(p.type.startsWith('subscript') && p.childForFieldName(p.type === 'subscript' ? 'subscript' : 'index')?.id === n.id);
    const term = (t: string) => (nested ? `(${e} ${t})` : `${e} ${t}`);
    for (const t of ['+ 1', '- 1', '* 2', src.python ? '// 2' : '/ 2']) out.push(edit(src, n, term(t), 'addTerm', synthPriors.addTerm));
    if (n.type.startsWith('call') || n.type === 'identifier') {
      // Trim the ends of a computed sequence, or drop its duplicates.
      const tails = src.python ? [`${e}[1:]`, `${e}[:-1]`, `list(set(${e}))`, `sorted(set(${e}))`] : [`${e}.slice(1)`, `${e}.slice(0, -1)`, `Array.from(new Set(${e}))`, `[...${e}].sort()`];
      for (const t of tails) out.push(edit(src, n, t, 'methodWrap', synthPriors.methodWrap));
    }
    for (const v of vars.slice(0, 9)) {
      if (v === n.text) continue;
      out.push(edit(src, n, term(`+ ${v}`), 'addTerm', synthPriors.addTerm * 0.6), edit(src, n, term(`- ${v}`), 'addTerm', synthPriors.addTerm * 0.6));
      if (n.type === 'identifier') out.push(edit(src, n, src.python ? `${e}[${v}:]` : `${e}.slice(${v})`, 'methodWrap', synthPriors.methodWrap), edit(src, n, src.python ? `${e}[:${v}]` : `${e}.slice(0, ${v})`, 'methodWrap', synthPriors.methodWrap));
    }
  }
  const ret = nodes.find((n) => n.type === 'return_statement');
  const value = ret?.namedChildren[0];
  if (ret && value) {
    // A value computed by a statement and then dropped (`xs.filter(f); return xs;`): return it instead.
    for (const d of donorStatements(src, row)) {
      const expr = d.replace(/;$/, '');
      if (!d.startsWith('return') && !/^(break|continue)\b/.test(d) && !/^[\w.]+\s*[-+*/]?=[^=]/.test(expr) && expr !== value.text) out.push(edit(src, value, expr, 'returnValue', synthPriors.insertStatement * 1.5));
    }
  }
  const stmt = nodes.find((n) => info.statementTypes.has(n.type));
  if (stmt) out.push(...insertions(src, info, stmt, atoms, vars, row));
  if (stmt && stmt.startPosition.row === stmt.endPosition.row && /^(expression|return|break|continue|pass)_statement$/.test(stmt.type)) {
    // The wrong statement in the right place: `break` where the loop must `return i`, and the reverse.
    const loops = ['break', 'continue'].map((k) => (src.python ? k : `${k};`));
    for (const d of [...donorStatements(src, row), ...loops]) if (d !== stmt.text) out.push(edit(src, stmt, d, 'replaceStatement', synthPriors.replaceStatement));
  }
  if (stmt && stmt.startPosition.row === stmt.endPosition.row && stmt.type === 'expression_statement') {
    // A statement that must only run sometimes: `if (e1 == e2) ret.add(e1);`.
    const indent = indentOf(src.text, stmt.startIndex);
    const onLine = vars.filter(used);
    const relevant = atoms.filter((a) => onLine.some((v) => new RegExp(`\\b${v.replace(/[.$]/g, '\\$&')}\\b`).test(a)));
    for (const a of relevant.slice(0, 80)) {
      out.push(edit(src, stmt, src.python ? `if ${a}:\n${indent}    ${stmt.text}` : `if (${a}) ${stmt.text}`, 'guardStatement', synthPriors.insertGuard));
    }
  }
  return out;
}

function isAssignTarget(n: Node): boolean {
  const p = n.parent;
  if (!p) return false;
  return (['assignment', 'augmented_assignment', 'assignment_expression', 'augmented_assignment_expression', 'for_statement', 'for_in_clause'].includes(p.type) && p.childForFieldName('left')?.id === n.id)
    || (p.type === 'variable_declarator' && p.childForFieldName('name')?.id === n.id);
}

/** Guards (`if c: return v`) and statements inserted before the statement at the line. */
function insertions(src: SourceFile, info: LangInfo, stmt: Node, atoms: string[], vars: string[], row: number): Edit[] {
  const out: Edit[] = [];
  const at = lineStart(src.text, stmt.startIndex);
  const indent = indentOf(src.text, stmt.startIndex);
  const fn = enclosingFunction(stmt, info);
  const returns = new Set<string>();
  walk(fn, (n) => { if (n.type === 'return_statement' && n.namedChildren[0] && n.text.length < 60) returns.add(n.namedChildren[0].text); });
  const values = [...returns, ...info.emptyValues, ...vars.slice(0, 4)];
  const guard = (cond: string, value: string) => (src.python ? `${indent}if ${cond}:\n${indent}    return ${value}\n` : `${indent}if (${cond}) return ${value};\n`);
  for (const a of atoms.slice(0, 24)) for (const v of values.slice(0, 8)) out.push(insertAt(src, at, row + 1, guard(a, v), 'insertGuard', synthPriors.insertGuard));
  for (const d of donorStatements(src, row)) {
    out.push(insertAt(src, at, row + 1, `${indent}${d}\n`, 'insertStatement', synthPriors.insertStatement));
    const nl = src.text.indexOf('\n', stmt.endIndex);
    const after = nl >= 0 ? nl + 1 : src.text.length;
    if (stmt.startPosition.row === stmt.endPosition.row) out.push(insertAt(src, after, row + 2, `${indent}${d}\n`, 'insertStatement', synthPriors.insertStatement));
  }
  for (const v of vars.slice(0, 6)) {
    for (const m of src.python ? ['sort()', 'reverse()', 'pop()'] : ['sort((a, b) => a - b)', 'reverse()', 'pop()']) out.push(insertAt(src, at, row + 1, `${indent}${v}.${m}${src.python ? '' : ';'}\n`, 'insertStatement', synthPriors.insertStatement));
  }
  return out;
}
