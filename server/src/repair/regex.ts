// Regular-expression edits at one line, for JavaScript regex literals and the pattern strings of Python's
// `re` calls: a quantifier (+ * ?) added, changed or dropped, an anchor (^ $) added or dropped, a character
// class member dropped or a common one added, a class negated or not, a JavaScript flag added or dropped.
import type { Node } from 'web-tree-sitter';
import { walk, type Edit, type SourceFile } from './edits';

export const regexPrior = 0.7;

const reCalls = /^re\.(sub|subn|match|search|fullmatch|findall|finditer|split|compile)$/;
/** Members a class most often lacks: word characters, whitespace, digits, the separators. */
const classAdds = ['\\s', '_', '-', ' ', '.', '0-9', 'A-Z', 'a-z', '\\w', "'"];

interface Pattern {
  /** Offset of the pattern's first character in the file. */
  at: number;
  text: string;
  line: number;
  flags?: Node;
}

/** The regex patterns on `row`: JavaScript literals, and the first argument of a Python `re.*` call. */
function patternsOnRow(src: SourceFile, row: number): Pattern[] {
  const out: Pattern[] = [];
  walk(src.tree.rootNode, (n) => {
    if (n.startPosition.row !== row) return;
    if (n.type === 'regex') {
      const body = n.childForFieldName('pattern') ?? n.namedChildren.find((c) => c?.type === 'regex_pattern');
      const flags = n.childForFieldName('flags') ?? n.namedChildren.find((c) => c?.type === 'regex_flags') ?? undefined;
      if (body) out.push({ at: body.startIndex, text: body.text, line: row + 1, flags: flags ?? undefined });
      else out.push({ at: n.startIndex + 1, text: '', line: row + 1 });
    } else if (n.type === 'call' && reCalls.test(n.childForFieldName('function')?.text ?? '')) {
      const first = n.childForFieldName('arguments')?.namedChildren[0];
      const content = first?.type === 'string' ? first.namedChildren.filter((c) => c?.type === 'string_content') : [];
      if (content.length === 1 && content[0]) out.push({ at: content[0].startIndex, text: content[0].text, line: row + 1 });
    }
  });
  return out;
}

interface Atom { start: number; end: number; quant?: { start: number; end: number }; cls?: boolean }

/** The pattern's atoms (escapes, classes, groups, single characters) with the quantifier after each. */
function atoms(p: string): Atom[] {
  const out: Atom[] = [];
  const open: number[] = [];
  for (let i = 0; i < p.length;) {
    const c = p[i];
    let end = i + 1;
    let cls = false;
    if (c === '\\') end = i + 2;
    else if (c === '[') {
      cls = true;
      let j = i + 1;
      if (p[j] === '^') j++;
      if (p[j] === ']') j++;
      while (j < p.length && p[j] !== ']') j += p[j] === '\\' ? 2 : 1;
      end = Math.min(p.length, j + 1);
    } else if (c === '(') { open.push(i); i++; continue; }
    else if (c === ')') { const s = open.pop(); out.push(...quantified(p, s ?? i, i + 1)); i = out[out.length - 1].quant?.end ?? i + 1; continue; }
    else if (c === '|' || c === '^' || c === '$') { i++; continue; }
    else if ('+*?{'.includes(c)) { i++; continue; }
    const [a] = quantified(p, i, end);
    out.push({ ...a, cls });
    i = a.quant?.end ?? end;
  }
  return out;
}

function quantified(p: string, start: number, end: number): Atom[] {
  const m = /^(?:[+*?]|\{\d*,?\d*\})\??/.exec(p.slice(end));
  return [{ start, end, quant: m && m[0] ? { start: end, end: end + m[0].length } : undefined }];
}

/** The members of a character class body (`a-z`, `\d`, `_`), with offsets in the pattern. */
function members(p: string, a: Atom): { start: number; end: number }[] {
  const out: { start: number; end: number }[] = [];
  let i = a.start + 1;
  if (p[i] === '^') i++;
  while (i < a.end - 1) {
    let end = p[i] === '\\' ? i + 2 : i + 1;
    if (p[end] === '-' && end + 1 < a.end - 1) end = p[end + 1] === '\\' ? end + 3 : end + 2;
    out.push({ start: i, end });
    i = end;
  }
  return out;
}

/** Edited patterns (whole new pattern text) for one pattern, the likeliest kinds first. */
export function patternVariants(p: string): string[] {
  const out: string[] = [];
  const splice = (s: number, e: number, t: string) => p.slice(0, s) + t + p.slice(e);
  const list = atoms(p);
  for (const a of list) {
    if (!a.quant) for (const q of ['+', '*', '?']) out.push(splice(a.end, a.end, q));
  }
  for (const a of list) {
    if (!a.quant) continue;
    const q = p.slice(a.quant.start, a.quant.end);
    for (const alt of ['+', '*', '?', '']) if (alt !== q) out.push(splice(a.quant.start, a.quant.end, alt));
  }
  if (p.startsWith('^')) out.push(p.slice(1)); else out.push('^' + p);
  if (p.endsWith('$') && !p.endsWith('\\$')) out.push(p.slice(0, -1)); else out.push(p + '$');
  for (const a of list.filter((x) => x.cls)) {
    const negated = p[a.start + 1] === '^';
    out.push(negated ? splice(a.start + 1, a.start + 2, '') : splice(a.start + 1, a.start + 1, '^'));
    const ms = members(p, a);
    if (ms.length > 1) for (const m of ms) out.push(splice(m.start, m.end, ''));
    const body = p.slice(a.start, a.end);
    for (const add of classAdds) if (!body.includes(add)) out.push(splice(a.end - 1, a.end - 1, add === '-' ? '\\-' : add));
  }
  return [...new Set(out)].filter((x) => x !== p && x.length > 0);
}

export function regexAt(src: SourceFile, line: number): Edit[] {
  const out: Edit[] = [];
  for (const pat of patternsOnRow(src, line - 1)) {
    for (const v of patternVariants(pat.text)) {
      // A quote inside a Python string would end it.
      if (src.python && /['"]/.test(v) && !/['"]/.test(pat.text)) continue;
      out.push({ file: src.file, start: pat.at, end: pat.at + pat.text.length, text: v, kind: 'regex', line: pat.line, prior: regexPrior });
    }
    if (pat.flags || !src.python) {
      const flags = pat.flags?.text ?? '';
      const at = pat.flags ? pat.flags.startIndex : pat.at + pat.text.length + 1;
      for (const f of ['g', 'i', 'm']) {
        const text = flags.includes(f) ? flags.replace(f, '') : flags + f;
        out.push({ file: src.file, start: at, end: at + flags.length, text, kind: 'regex', line: pat.line, prior: regexPrior * 0.7 });
      }
    }
  }
  return out;
}
