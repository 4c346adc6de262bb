// Structural edits at one line that no token mutation reaches: a Python statement moved out of the block it
// sits in (a `return` indented one level too deep, so it runs inside the loop) or into the block just before
// it; a parameter renamed to a name the failing tests report as undefined (`def f(date): ... day ...`); a
// variable called as if it were a function (`seq(i)` for `seq[i]`); a misspelt name replaced by the closest
// name the file uses.
import type { Node } from 'web-tree-sitter';
import { editDistance } from '../hints/syntax';
import type { TestOutcome } from '../verify/verifier';
import { edit, walk, type Edit, type SourceFile } from './edits';
import { enclosingFunction, langOf, scopeAt } from './lang';
import { nodesOnRow } from './mutate';
import { indentOf, lineStart } from './synthesize';

export const restructurePriors: Record<string, number> = { moveOut: 0.45, moveIn: 0.3, renameParam: 0.8, unboundName: 0.8, callToIndex: 0.6 };

const blockOwners = new Set(['for_statement', 'while_statement', 'if_statement', 'elif_clause', 'else_clause', 'with_statement', 'try_statement']);

/** Offset just past the newline that ends the line holding `offset` (or the end of the text). */
function lineEnd(text: string, offset: number): number {
  const nl = text.indexOf('\n', offset);
  return nl < 0 ? text.length : nl + 1;
}

/** The whole lines of a node, re-indented from its own indentation to `to`. */
function reindented(text: string, node: Node, to: string): string {
  const from = indentOf(text, node.startIndex);
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
  const filler = only && removed === stmt ? `${indentOf(text, stmt.startIndex)}pass\n` : '';
  let target: Node | undefined = statementOf(first.owner);
  for (let level = 0; target && level < 3; level++) {
    const end = lineEnd(text, target.endIndex);
    if (end < removeTo) break;
    const moved = reindented(text, stmt, indentOf(text, target.startIndex));
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
  const moved = reindented(text, stmt, indentOf(text, last.startIndex));
  return [{ file: src.file, start: from, end: to, text: text.slice(from, lineStart(text, stmt.startIndex)) + moved, kind: 'moveIn', line: stmt.startPosition.row + 1, prior: restructurePriors.moveIn }];
}

/** An identifier that names a variable (used or bound), not an attribute, member or keyword-argument name. */
function isName(n: Node): boolean {
  const p = n.parent;
  if (n.type !== 'identifier' || !p) return false;
  if ((p.type === 'attribute' && p.childForFieldName('attribute')?.id === n.id) || (p.type === 'member_expression' && p.childForFieldName('property')?.id === n.id)) return false;
  return !(p.type === 'keyword_argument' && p.childForFieldName('name')?.id === n.id);
}

/** A name that is used (or assigned), not a parameter being declared. */
function isReference(n: Node): boolean {
  return isName(n) && !['parameters', 'formal_parameters', 'default_parameter', 'typed_parameter', 'lambda_parameters'].includes(n.parent!.type);
}

/**
 * Names the tests report as undefined: Python's `NameError: name 'x' is not defined`, JavaScript's
 * `ReferenceError: x is not defined`, in a failing test's message or a collection error.
 */
export function reportedUndefined(outcomes: readonly Pick<TestOutcome, 'message'>[]): Set<string> {
  const out = new Set<string>();
  for (const { message } of outcomes) {
    for (const m of (message ?? '').matchAll(/NameError: name '([\p{L}_][\p{L}\p{N}_]*)' is not defined|ReferenceError: ([\p{L}_$][\p{L}\p{N}_$]*) is not defined/gu)) out.add(m[1] ?? m[2]);
  }
  return out;
}

/** The file's names other than the undefined ones, and the unbound uses of each undefined name. */
interface FileNames {
  known: string[];
  uses: Map<string, Node[]>;
}

function fileNames(src: SourceFile, undefinedNames: ReadonlySet<string>): FileNames {
  const info = langOf(src);
  const known = new Set<string>([info.trueLit, info.falseLit, info.nullLit]);
  const uses = new Map<string, Node[]>();
  walk(src.tree.rootNode, (m) => {
    if (!isName(m)) return;
    if (!undefinedNames.has(m.text)) known.add(m.text);
    else if (isReference(m) && !scopeAt(src, m).variables.includes(m.text)) uses.set(m.text, [...(uses.get(m.text) ?? []), m]);
  });
  return { known: [...known], uses };
}

/**
 * A name the failing tests report as undefined, used at `n` where nothing binds it: a parameter renamed
 * to it (`def f(date): ... day ...`), or the name replaced at every unbound use by the closest name the
 * file uses (`True` for `true`, `possible_birthdays` for `possible_birthday`).
 */
function unbound(src: SourceFile, n: Node, names: FileNames): Edit[] {
  const fn = enclosingFunction(n, langOf(src));
  if (fn === n) return [];
  const scope = scopeAt(src, n);
  if (scope.variables.includes(n.text) || scope.functions.includes(n.text)) return [];
  const out: Edit[] = [];
  for (const p of fn.childForFieldName('parameters')?.namedChildren ?? []) {
    const name = p?.type === 'identifier' ? p : p?.childForFieldName('name') ?? p?.childForFieldName('left');
    if (name?.type === 'identifier') out.push(edit(src, name, n.text, 'renameParam', restructurePriors.renameParam));
  }
  const near = names.known.map((k) => ({ k, d: k.toLowerCase() === n.text.toLowerCase() ? 0 : editDistance(k, n.text) }))
    .filter((x) => x.d <= Math.max(1, Math.floor(n.text.length / 3))).sort((a, b) => a.d - b.d).slice(0, 4);
  // Every unbound use of the name changes at once (it is usually misspelt the same way each time).
  const uses = names.uses.get(n.text) ?? [n];
  const first = uses[0], last = uses[uses.length - 1];
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

/**
 * The structural edits at `line`. undefinedNames: the names the failing tests report as undefined (see
 * reportedUndefined); only those get renamed-parameter and misspelt-name edits.
 */
export function restructureAt(src: SourceFile, line: number, undefinedNames: ReadonlySet<string>): Edit[] {
  const info = langOf(src);
  const out: Edit[] = [];
  const seen = new Set<string>();
  let names: FileNames | undefined;
  for (const n of nodesOnRow(src.tree.rootNode, line - 1)) {
    if (src.python && info.statementTypes.has(n.type) && n.startPosition.row === line - 1) out.push(...moveOut(src, n), ...moveIn(src, n));
    if (undefinedNames.has(n.text) && isReference(n) && !seen.has(n.text)) {
      seen.add(n.text);
      names ??= fileNames(src, undefinedNames);
      out.push(...unbound(src, n, names));
    }
    if (n.type === 'call' || n.type === 'call_expression') out.push(...callToIndex(src, n));
  }
  return out;
}
