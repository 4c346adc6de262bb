// Candidate repairs of a syntax error: tree-sitter's MISSING nodes (the token it expected) and the tokens
// around its first ERROR node, where one token is inserted (`' of ' + p` for `' of '  p`, a `:` or `)` at a
// line end, a `,` between two arguments), deleted (a stray token) or replaced. Only candidates after which
// the whole file parses are kept, likeliest first; the tests decide between them.
import type { Node, Parser } from 'web-tree-sitter';
import { firstSyntaxError, type Edit, type SourceFile } from './edits';

interface Token { text: string; start: number; end: number; row: number }

const lexer = /"(?:[^"\\\n]|\\.)*"?|'(?:[^'\\\n]|\\.)*'?|`(?:[^`\\]|\\.)*`?|[A-Za-z_$][\w$]*|\d+(?:\.\d+)?|===|!==|\*\*|\/\/|==|!=|<=|>=|=>|&&|\|\||[-+*/%]=|\S/g;

/** Tokens of rows [from, to] of the text (comments left out), with their offsets. */
function tokens(text: string, from: number, to: number, python: boolean): Token[] {
  const out: Token[] = [];
  const lines = text.split('\n');
  let at = 0;
  for (let r = 0; r < lines.length && r <= to; r++) {
    if (r >= from) {
      const line = lines[r];
      const comment = python ? /(^|\s)#/.exec(line) : /(^|\s)\/\//.exec(line);
      const code = comment && !/["'`]/.test(line.slice(0, comment.index)) ? line.slice(0, comment.index) : line;
      for (const m of code.matchAll(lexer)) out.push({ text: m[0], start: at + m.index!, end: at + m.index! + m[0].length, row: r });
    }
    at += lines[r].length + 1;
  }
  return out;
}

const endsOperand = (t: Token) => /^([\w$]|["'`\d)\]}])/.test(t.text[0]) && !/^(if|elif|else|while|for|return|def|function|const|let|var|not|and|or|in|is|lambda|new|typeof)$/.test(t.text);
const startsOperand = (t: Token) => /^([\w$]|["'`\d([{])/.test(t.text[0]) && !/^(and|or|in|is|if|else|for)$/.test(t.text);

function missingNodes(root: Node): Node[] {
  const out: Node[] = [];
  const visit = (n: Node): void => {
    if (n.isMissing) out.push(n);
    if (!n.hasError) return;
    for (const c of n.children) if (c) visit(c);
  };
  visit(root);
  return out;
}

interface Scored { edit: Edit; score: number }

/** All one-token edits in the window around the first error, scored by kind and distance from the error. */
function proposals(src: SourceFile): Scored[] {
  const py = src.python;
  const out: Scored[] = [];
  const add = (start: number, end: number, text: string, kind: string, row: number, score: number) => {
    out.push({ edit: { file: src.file, start, end, text, kind, line: row + 1, prior: score }, score });
  };
  for (const m of missingNodes(src.tree.rootNode)) {
    if (m.type && !/^[a-z_]+$/.test(m.type)) add(m.startIndex, m.startIndex, m.type, 'syntaxInsert', m.startPosition.row, 2);
  }
  const err = firstSyntaxError(src.tree);
  if (!err) return out;
  const fromRow = Math.max(0, err.startPosition.row - 1);
  const toRow = Math.min(err.endPosition.row, err.startPosition.row + 2);
  const toks = tokens(src.text, fromRow, toRow, py).slice(0, 120);
  const errAt = Math.max(0, toks.findIndex((t) => t.end > err.startIndex));
  const near = (i: number) => 1 / (1 + 0.25 * Math.abs(i - errAt));
  const binary = py ? ['+', ',', '-', '*', '/', '==', '=', 'and', 'or', '%'] : ['+', ',', '-', '*', '/', '===', '=', '&&', '||', '%'];
  const closers = py ? [')', ']', '}', ':', ','] : [')', ']', '}', ';', ',', ':'];
  const openers = ['(', '[', '{'];
  toks.forEach((a, i) => {
    const b = toks[i + 1] as Token | undefined;
    const lineEnd = !b || b.row !== a.row;
    const w = near(i + 1);
    if (b && !lineEnd && endsOperand(a) && startsOperand(b)) binary.forEach((op, k) => add(a.end, b.start, op === ',' ? ', ' : ` ${op} `, 'syntaxInsert', a.row, w * (k === 0 ? 1 : k === 1 ? 0.9 : 0.6)));
    closers.forEach((c) => add(a.end, a.end, c, 'syntaxInsert', a.row, w * (lineEnd ? 1 : 0.8)));
    if (b) openers.forEach((c) => add(b.start, b.start, c, 'syntaxInsert', b.row, w * 0.5));
    // A stray token goes with the space before it, unless that space is the line's indentation.
    const prev = toks[i - 1];
    const from = prev && prev.row === a.row ? prev.end : a.start;
    add(from, a.end, '', 'syntaxDelete', a.row, near(i) * 0.6);
    if (/^[^\w\s"'`]+$/.test(a.text)) {
      for (const r of [...new Set([...closers, ...openers, '.', '=', py ? '==' : '==='])]) if (r !== a.text) add(a.start, a.end, r, 'syntaxReplace', a.row, near(i) * 0.5);
    }
  });
  return out;
}

/**
 * Edits after which the file parses, best first, at most `max`; parsing stops after `maxParses` proposals
 * (a large file costs milliseconds per parse).
 */
export function syntaxCandidates(src: SourceFile, parser: Parser, max = 40, maxParses = 800): Edit[] {
  const ranked = proposals(src).sort((x, y) => y.score - x.score);
  const out: Edit[] = [];
  const seen = new Set<string>();
  let parses = 0;
  for (const { edit } of ranked) {
    if (out.length >= max || parses >= maxParses) break;
    const text = src.text.slice(0, edit.start) + edit.text + src.text.slice(edit.end);
    if (seen.has(text)) continue;
    seen.add(text);
    parses++;
    const tree = parser.parse(text);
    const ok = !!tree && !tree.rootNode.hasError;
    tree?.delete();
    if (ok) out.push(edit);
  }
  return out;
}
