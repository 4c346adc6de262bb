// Deterministic leak guard for tutor hints: a hint must not hand the student the fix. Code spans in the hint
// (backticks, fenced or indented blocks) are parsed with tree-sitter and their tokens compared with the lines
// the verified fix adds; quoting the student's own code is allowed, writing the new line is not.
import type { Node } from 'web-tree-sitter';
import { parse, type GrammarId } from '../parse/parser';

export interface LeakCheck {
  leaks: boolean;
  /** Why the hint was rejected (which span matched which added line). */
  reason?: string;
}

export interface FixLines {
  grammar: GrammarId;
  /** The student's program before the fix. */
  original: string;
  /** Lines the fix adds or rewrites (text of the fixed program). */
  added: string[];
}

/** Share of an added line's tokens a single code span may contain before it counts as the fix. */
export const overlapThreshold = 0.6;

/** Code spans of a hint: fenced blocks, inline backtick spans, and 4-space indented lines. */
export function codeSpans(hint: string): string[] {
  const spans: string[] = [];
  const withoutFences = hint.replace(/```[^\n]*\n([\s\S]*?)(```|$)/g, (_m, body: string) => { spans.push(body); return ' '; });
  for (const m of withoutFences.matchAll(/`([^`\n]+)`/g)) spans.push(m[1]);
  const indented = withoutFences.split('\n').filter((l) => /^( {4}|\t)\S/.test(l)).map((l) => l.trim());
  if (indented.length) spans.push(indented.join('\n'));
  return spans.filter((s) => s.trim());
}

function leaves(node: Node, out: string[]): string[] {
  if (node.type === 'comment') return out;
  if (node.childCount === 0 || node.type === 'string') {
    const t = node.text.trim();
    if (t) out.push(t);
    return out;
  }
  for (const c of node.children) if (c) leaves(c, out);
  return out;
}

/** Tokens of a code fragment as tree-sitter sees them (identifiers, operators, literals, keywords). */
export async function codeTokens(grammar: GrammarId, code: string): Promise<string[]> {
  const tree = await parse(grammar, dedentAll(code));
  try {
    return leaves(tree.rootNode, []);
  } finally {
    tree.delete();
  }
}

function dedentAll(code: string): string {
  const lines = code.split('\n');
  const indent = Math.min(...lines.filter((l) => l.trim()).map((l) => l.match(/^\s*/)![0].length));
  return lines.map((l) => l.slice(Number.isFinite(indent) ? indent : 0)).join('\n');
}

const normalise = (s: string) => s.replace(/\s+/g, '');

function multisetOverlap(a: string[], b: string[]): number {
  const counts = new Map<string, number>();
  for (const t of a) counts.set(t, (counts.get(t) ?? 0) + 1);
  let n = 0;
  for (const t of b) {
    const c = counts.get(t) ?? 0;
    if (c > 0) { n++; counts.set(t, c - 1); }
  }
  return n;
}

/** Operators the fix introduces that the original program does not use, e.g. `<=` replacing `<`. */
async function newOperators(fix: FixLines): Promise<string[]> {
  const before = new Set(await codeTokens(fix.grammar, fix.original));
  const after = (await Promise.all(fix.added.map((l) => codeTokens(fix.grammar, l)))).flat();
  return [...new Set(after.filter((t) => /^[<>=!+\-*/%&|^~]{2,}$/.test(t) && !before.has(t)))];
}

export async function checkLeak(hint: string, fix: FixLines): Promise<LeakCheck> {
  const original = normalise(fix.original);
  const added = fix.added.map((l) => l.trim()).filter((l) => l && !original.includes(normalise(l)));
  if (!added.length) return { leaks: false };
  // A whole new line anywhere in the hint, even in prose, is the fix.
  for (const line of added) {
    if (normalise(line).length >= 4 && normalise(hint).includes(normalise(line))) return { leaks: true, reason: `the hint contains the fixed line \`${line}\`` };
  }
  const addedTokens = await Promise.all(added.map((l) => codeTokens(fix.grammar, l)));
  for (const span of codeSpans(hint)) {
    // The student's own code may be quoted back to them.
    if (original.includes(normalise(span))) continue;
    const tokens = await codeTokens(fix.grammar, span);
    for (let i = 0; i < added.length; i++) {
      const want = addedTokens[i];
      if (want.length < 2) continue;
      const shared = multisetOverlap(tokens, want);
      if (shared >= 2 && shared / want.length >= overlapThreshold) {
        return { leaks: true, reason: `code \`${span.trim()}\` shares ${shared} of ${want.length} tokens with the fixed line \`${added[i]}\`` };
      }
    }
  }
  // Prose such as "use <= instead" names the edit without a code span.
  for (const op of await newOperators(fix)) {
    const re = new RegExp(`(^|[^<>=!+\\-*/%&|^~])${op.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&')}($|[^<>=!+\\-*/%&|^~])`);
    if (re.test(hint)) return { leaks: true, reason: `the hint names the operator \`${op}\` the fix introduces` };
  }
  return { leaks: false };
}

/** Lines a unified diff adds, per file (the '+' lines without the marker). */
export function addedLines(diff: string): string[] {
  return diff.split('\n').filter((l) => l.startsWith('+') && !l.startsWith('+++')).map((l) => l.slice(1));
}
