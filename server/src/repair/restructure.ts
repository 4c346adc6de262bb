// Structural edits at one line that no token mutation reaches: a Python statement moved out of the block it
// sits in (a `return` indented one level too deep, so it runs inside the loop) or into the block just before
// it; a parameter renamed to the unbound name its body uses (`def f(date): ... day ...`); a variable called
// as if it were a function (`seq(i)` for `seq[i]`); a misspelt name replaced by the closest bound one.
import type { Node } from 'web-tree-sitter';
import { edit, walk, type Edit, type SourceFile } from './edits';
import { enclosingFunction, langOf, scopeAt } from './lang';
import { nodesOnRow } from './mutate';

export const restructurePriors: Record<string, number> = { moveOut: 0.45, moveIn: 0.3, renameParam: 0.8, unboundName: 0.8, callToIndex: 0.6 };

const blockOwners = new Set(['for_statement', 'while_statement', 'if_statement', 'elif_clause', 'else_clause', 'with_statement', 'try_statement']);

function lineStart(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

/** Offset just past the newline that ends the line holding `offset` (or the end of the text). */
function lineEnd(text: string, offset: number): number {
  const nl = text.indexOf('\n', offset);
  return nl < 0 ? text.length : nl + 1;
}

function indentAt(text: string, offset: number): string {
  return /^[ \t]*/.exec(text.slice(lineStart(text, offset)))![0];
}

/** The whole lines of a node, re-indented from its own indentation to `to`. */
function reindented(text: string, node: Node, to: string): string {
  const from = indentAt(text, node.startIndex);
  const lines = text.slice(lineStart(text, node.startIndex), lineEnd(text, node.endIndex)).replace(/\n?$/, '\n').split('\n');
  return lines.map((l) => (l.startsWith(from) ? to + l.slice(from.length) : l)).join('\n').replace(/\n+$/, '\n');
}

/** The compound statement (or clause) a block belongs to, and the statements of that block. */
function ownerOf(stmt: Node): { owner: Node; siblings: Node[] } | undefined {
  const block = stmt.parent;
  if (block?.type !== 'block' || !block.parent || !blockOwners.has(block.parent.type)) return undefined;
  return { owner: block.parent, siblings: block.namedChildren.filter((c): c is Node => !!c && c.type !== 'comment') };
}

/** The statement an owner belongs to (a clause's if/try statement), the unit a statement moves past. */
function statementOf(owner: Node): Node {
  return owner.type === 'elif_clause' || owner.type === 'else_clause' || owner.type === 'except_clause' || owner.type === 'finally_clause' ? owner.parent! : owner;
}

/**
 * Python: moves the statement on `line` out of its block, to just after each enclosing compound statement
 * up to the function body (the nearest first). A block left empty becomes `pass`, and an `else:` left
 * empty goes away.
 */
function moveOut(src: SourceFile, stmt: Node): Edit[] {
  const out: Edit[] = [];
  const text = src.text;
  const first = ownerOf(stmt);
  if (!first) return out;
  const only = first.siblings.length === 1;
  // What disappears from where the statement was.
  const removed = only && first.owner.type === 'else_clause' ? first.owner : stmt;
  const removeFrom = lineStart(text, removed.startIndex);
  const removeTo = lineEnd(text, removed.endIndex);
  const filler = only && removed === stmt ? `${indentAt(text, stmt.startIndex)}pass\n` : '';
  let target: Node | undefined = statementOf(first.owner);
  for (let level = 0; target && level < 3; level++) {
    const end = lineEnd(text, target.endIndex);
    if (end < removeTo) break;
    const moved = reindented(text, stmt, indentAt(text, target.startIndex));
    out.push({ file: src.file, start: removeFrom, end, text: filler + text.slice(removeTo, end) + moved, kind: 'moveOut', line: stmt.startPosition.row + 1, prior: restructurePriors.moveOut / (1 + level) });
    const up = ownerOf(target);
    target = up ? statementOf(up.owner) : undefined;
  }
  return out;
}

/** Python: moves the statement on `line` into the end of the loop or if block just before it. */
function moveIn(src: SourceFile, stmt: Node): Edit[] {
  const prev = stmt.previousNamedSibling;
  if (!prev || !['for_statement', 'while_statement', 'if_statement'].includes(prev.type)) return [];
  const body = prev.type === 'if_statement' ? prev.childForFieldName('consequence') : prev.childForFieldName('body');
  const last = body?.namedChildren.filter((c): c is Node => !!c && c.type !== 'comment').pop();
  if (!last || prev.type === 'if_statement' && prev.namedChildren.some((c) => c?.type === 'else_clause' || c?.type === 'elif_clause')) return [];
  const text = src.text;
  const from = lineEnd(text, last.endIndex);
  const to = lineEnd(text, stmt.endIndex);
  const moved = reindented(text, stmt, indentAt(text, last.startIndex));
  return [{ file: src.file, start: from, end: to, text: text.slice(from, lineStart(text, stmt.startIndex)) + moved, kind: 'moveIn', line: stmt.startPosition.row + 1, prior: restructurePriors.moveIn }];
}

// Names Python resolves without a definition in the file.
const pyBuiltins = new Set(('abs all any bool chr dict dir divmod enumerate filter float format frozenset getattr hasattr hash '
  + 'int isinstance issubclass iter len list map max min next object open ord pow print range repr reversed round set '
  + 'slice sorted str sum tuple type zip True False None self super Exception ValueError TypeError IndexError KeyError '
  + 'StopIteration NotImplemented input id vars globals locals callable bin hex oct').split(' '));
const jsGlobals = new Set(('undefined null true false NaN Infinity Math Number String Boolean Array Object JSON Set Map '
  + 'parseInt parseFloat isNaN isFinite console Symbol Date RegExp Error TypeError RangeError BigInt require module exports this').split(' '));

/** Names defined at module level: functions, classes, assigned names and imports. */
function moduleNames(root: Node): Set<string> {
  const out = new Set<string>();
  const collect = (n: Node | null | undefined) => {
    if (!n) return;
    if (n.type === 'identifier') out.add(n.text);
    else for (const c of n.namedChildren) collect(c);
  };
  for (const top of root.namedChildren) {
    if (!top) continue;
    collect(top.childForFieldName('name'));
    if (top.type === 'expression_statement') collect(top.namedChildren[0]?.childForFieldName('left'));
    if (top.type === 'lexical_declaration' || top.type === 'variable_declaration') for (const d of top.namedChildren) collect(d?.childForFieldName('name'));
    if (top.type.startsWith('import')) collect(top);
  }
  return out;
}

function isReference(n: Node): boolean {
  const p = n.parent;
  if (!p) return false;
  if ((p.type === 'attribute' && p.childForFieldName('attribute')?.id === n.id) || (p.type === 'member_expression' && p.childForFieldName('property')?.id === n.id)) return false;
  if (p.type === 'keyword_argument' && p.childForFieldName('name')?.id === n.id) return false;
  if (['parameters', 'formal_parameters', 'default_parameter', 'typed_parameter', 'lambda_parameters'].includes(p.type)) return false;
  return true;
}

/** Edit distance, for the names closest to a misspelt one. */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return row[b.length];
}

/**
 * A name the function uses but nothing binds (a NameError waiting to happen): a parameter renamed to it
 * (`def f(date): ... day ...`), or the name replaced by the closest bound one (`true` for `True`,
 * `possible_birthday` for `possible_birthdays`).
 */
function unbound(src: SourceFile, n: Node): Edit[] {
  const info = langOf(src);
  const fn = enclosingFunction(n, info);
  const params = fn.childForFieldName('parameters');
  if (fn === n) return [];
  const scope = scopeAt(src, n);
  const globals = src.python ? pyBuiltins : jsGlobals;
  const modules = moduleNames(src.tree.rootNode);
  if (scope.variables.includes(n.text) || scope.functions.includes(n.text) || globals.has(n.text) || modules.has(n.text)) return [];
  const out: Edit[] = [];
  for (const p of params?.namedChildren ?? []) {
    const name = p?.type === 'identifier' ? p : p?.childForFieldName('name') ?? p?.childForFieldName('left');
    if (name?.type === 'identifier') out.push(edit(src, name, n.text, 'renameParam', restructurePriors.renameParam));
  }
  const known = [...new Set([...scope.variables, ...scope.functions, ...modules, ...globals])];
  const near = known.map((k) => ({ k, d: k.toLowerCase() === n.text.toLowerCase() ? 0 : distance(k, n.text) }))
    .filter((x) => x.d <= Math.max(1, Math.floor(n.text.length / 3))).sort((a, b) => a.d - b.d).slice(0, 4);
  // Every unbound use of the name changes at once (it is usually misspelt the same way each time).
  const uses: Node[] = [];
  walk(src.tree.rootNode, (m) => {
    if (m.type === 'identifier' && m.text === n.text && isReference(m) && !scopeAt(src, m).variables.includes(m.text)) uses.push(m);
  });
  const first = uses[0] ?? n, last = uses[uses.length - 1] ?? n;
  for (const { k } of near) {
    let text = '';
    let at = first.startIndex;
    for (const u of uses) { text += src.text.slice(at, u.startIndex) + k; at = u.endIndex; }
    out.push({ file: src.file, start: first.startIndex, end: last.endIndex, text, kind: 'unboundName', line: n.startPosition.row + 1, prior: restructurePriors.unboundName });
  }
  return out;
}

/** `seq(i)` where `seq` is a local variable, not a function: `seq[i]`. */
function callToIndex(src: SourceFile, call: Node): Edit[] {
  const fn = call.childForFieldName('function');
  const args = call.childForFieldName('arguments')?.namedChildren.filter((a): a is Node => !!a && a.type !== 'comment') ?? [];
  if (fn?.type !== 'identifier' || args.length !== 1 || args[0].type === 'keyword_argument') return [];
  const scope = scopeAt(src, call);
  if (!scope.variables.includes(fn.text) || scope.functions.includes(fn.text)) return [];
  return [edit(src, call, `${fn.text}[${args[0].text}]`, 'callToIndex', restructurePriors.callToIndex)];
}

export function restructureAt(src: SourceFile, line: number): Edit[] {
  const info = langOf(src);
  const out: Edit[] = [];
  const seen = new Set<string>();
  for (const n of nodesOnRow(src.tree.rootNode, line - 1)) {
    if (src.python && info.statementTypes.has(n.type) && n.startPosition.row === line - 1) out.push(...moveOut(src, n), ...moveIn(src, n));
    if (n.type === 'identifier' && isReference(n) && !seen.has(n.text)) {
      seen.add(n.text);
      out.push(...unbound(src, n));
    }
    if (n.type === 'call' || n.type === 'call_expression') out.push(...callToIndex(src, n));
  }
  return out;
}
