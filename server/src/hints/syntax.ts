// Syntax-error hints after PyFiXV: a fixed program and an explanation, validated by re-parsing (tree-sitter)
// and a small edit distance. The embedded engine tries simple repairs near the reported line (missing colon,
// unbalanced brackets, indentation, `=` in a condition, unclosed string); the fixed program is only used to
// check the explanation, never shown in tutor mode. With a model, see syntaxLlm.ts (back-repair validation).
import type { HintLevel, TutorHint } from '../../../common/protocol';
import { parse, type GrammarId } from '../parse/parser';
import { checkLeak } from './leakGuard';

export type SyntaxKind = 'missingColon' | 'brackets' | 'indentation' | 'assignInCondition' | 'unclosedString';

export interface SyntaxFix {
  file: string;
  /** 1-based line the repair changes. */
  line: number;
  kind: SyntaxKind;
  fixed: string;
  /** Characters inserted, deleted or replaced. */
  distance: number;
}

/** Repairs changing more characters than this are not "simple" and are not offered. */
export const maxDistance = 6;

export function editDistance(a: string, b: string): number {
  let s = 0;
  while (s < a.length && s < b.length && a[s] === b[s]) s++;
  let e = 0;
  while (e < a.length - s && e < b.length - s && a[a.length - 1 - e] === b[b.length - 1 - e]) e++;
  const x = a.slice(s, a.length - e);
  const y = b.slice(s, b.length - e);
  let prev = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const cur = [i];
    for (let j = 1; j <= y.length; j++) cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (x[i - 1] === y[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[y.length];
}

const blockOpener = /^\s*(def|class|if|elif|else|for|while|try|except|finally|with|async\s+def)\b/;
const pairs: Record<string, string> = { '(': ')', '[': ']', '{': '}' };

function lineCandidates(line: string, previous: string | undefined): { kind: SyntaxKind; text: string }[] {
  const out: { kind: SyntaxKind; text: string }[] = [];
  const code = line.replace(/\s+$/, '');
  if (blockOpener.test(code) && !code.endsWith(':')) out.push({ kind: 'missingColon', text: code + ':' });
  const stack: string[] = [];
  let extra = -1;
  for (let i = 0; i < code.length; i++) {
    const c = code[i];
    if (pairs[c]) stack.push(pairs[c]);
    else if (')]}'.includes(c)) { if (stack[stack.length - 1] === c) stack.pop(); else if (extra < 0) extra = i; }
  }
  if (stack.length) {
    const closers = stack.reverse().join('');
    out.push({ kind: 'brackets', text: code.endsWith(':') ? code.slice(0, -1) + closers + ':' : code + closers });
  }
  if (extra >= 0) out.push({ kind: 'brackets', text: code.slice(0, extra) + code.slice(extra + 1) });
  const cond = code.match(/^(\s*(?:if|elif|while)\s+[^=!<>]*?[^=!<>])=([^=].*)$/);
  if (cond) out.push({ kind: 'assignInCondition', text: `${cond[1]}==${cond[2]}` });
  if (((code.match(/"/g)?.length ?? 0) % 2) === 1) out.push({ kind: 'unclosedString', text: code.replace(/(\)?:?)$/, '"$1') });
  if (((code.match(/'/g)?.length ?? 0) % 2) === 1) out.push({ kind: 'unclosedString', text: code.replace(/(\)?:?)$/, "'$1") });
  if (previous !== undefined) {
    const prevIndent = previous.match(/^\s*/)![0];
    const body = code.trimStart();
    const indents = [prevIndent, prevIndent + '    ', prevIndent.slice(0, -4)];
    for (const indent of indents) if (indent + body !== code) out.push({ kind: 'indentation', text: indent + body });
  }
  return out;
}

/** The smallest simple repair near `line` that makes the whole file parse, or undefined. */
export async function repairSyntax(file: string, grammar: GrammarId, text: string, line: number): Promise<SyntaxFix | undefined> {
  const lines = text.split('\n');
  const found: SyntaxFix[] = [];
  for (const at of [line, line - 1, line + 1]) {
    if (at < 1 || at > lines.length) continue;
    const prev = lines.slice(0, at - 1).reverse().find((l) => l.trim());
    for (const c of lineCandidates(lines[at - 1], prev)) {
      const fixed = [...lines.slice(0, at - 1), c.text, ...lines.slice(at)].join('\n');
      const distance = editDistance(text, fixed);
      if (distance === 0 || distance > maxDistance) continue;
      const tree = await parse(grammar, fixed);
      const ok = !tree.rootNode.hasError;
      tree.delete();
      if (ok) found.push({ file, line: at, kind: c.kind, fixed, distance });
    }
    if (found.length) break;
  }
  return found.sort((a, b) => a.distance - b.distance)[0];
}

const explain: Record<SyntaxKind, { where: string; concept: string }> = {
  missingColon: { where: 'the end of line %', concept: 'A line that opens a block (def, if, elif, else, for, while, ...) has to be finished before its indented body starts.' },
  brackets: { where: 'the brackets on line %', concept: 'Every opening bracket needs a matching closing one of the same kind: count them on this line.' },
  indentation: { where: 'the indentation of line %', concept: 'Lines in the same block must start at the same column, and a block body is indented one level more than the line that opens it.' },
  assignInCondition: { where: 'the condition on line %', concept: 'A condition compares two values; a single equals sign assigns a value instead of comparing.' },
  unclosedString: { where: 'the text in quotes on line %', concept: 'A string starts and ends with the same kind of quote.' },
};

/** The syntax hint at a level; a level whose text would leak the repaired line falls back to the nudge. */
export async function syntaxHint(at: { file: string; line: number }, fix: SyntaxFix | undefined, message: string, grammar: GrammarId, original: string, level: HintLevel, maxLevel: HintLevel): Promise<TutorHint> {
  const l = Math.min(level, maxLevel) as HintLevel;
  const about = `${grammar === 'python' ? 'Python' : 'The parser'} cannot read line ${at.line} of ${at.file}: ${message}.`;
  if (!fix) {
    return { source: 'syntax', level: l, maxLevel, text: `${about} Read that line and the one before it carefully, symbol by symbol.`, validation: { leakChecked: false, note: 'no simple repair parses: the hint repeats the parser message only' } };
  }
  const e = explain[fix.kind];
  const texts: Record<HintLevel, string> = {
    1: `${about} Read that line and the one before it carefully, symbol by symbol.`,
    2: `${about} Look at ${e.where.replace('%', String(fix.line))} of ${fix.file}.`,
    3: `${about} Look at ${e.where.replace('%', String(fix.line))} of ${fix.file}. ${e.concept}`,
  };
  const added = [fix.fixed.split('\n')[fix.line - 1]];
  const leak = await checkLeak(texts[l], { grammar, original, added });
  return {
    source: 'syntax', level: l, maxLevel, text: leak.leaks ? texts[1] : texts[l], problem: fix.kind, location: l >= 2 ? { file: fix.file, line: fix.line } : undefined,
    validation: { leakChecked: true, note: `a ${fix.distance}-character repair on line ${fix.line} makes the file parse again` },
  };
}
