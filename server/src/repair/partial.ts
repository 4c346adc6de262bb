// Partial fixes: a verified edit that makes some failing tests pass and breaks no passing test is offered as
// such, and the search continues from it, so independent bugs are fixed one after another. The continuation
// edits the partial fix's text: these helpers move lines between that text and the original and compose
// what the continuation finds with the partial fix it started from.
import type { RepairPartialFix } from '../../../common/repair';
import type { Parser } from 'web-tree-sitter';
import type { TestOutcome } from '../verify/verifier';
import type { Candidate, SourceFile } from './edits';
import { toFix } from './choose';
import { enclosingFunction, langOf } from './lang';
import type { Found, FoundEdit, RankedLine } from './search';

const newlines = (s: string) => s.split('\n').length - 1;

/** A test's group: its id without the parameters (the cases of one parametrized test are one group). */
const group = (id: string) => id.replace(/\[[^\]]*\]$/, '');

/**
 * Whether a partial fix looks like the fix of one of several independent bugs: it makes whole groups of
 * failing tests pass, none of the still failing tests in the same group. Some cases of a parametrized test
 * fixed and others not is more often a wrong edit of the one bug than a second bug.
 */
export function independent(fixed: string[], failing: string[]): boolean {
  const done = new Set(fixed);
  const groups = new Set(fixed.map(group));
  return failing.every((t) => done.has(t) || !groups.has(group(t)));
}

/**
 * The failing tests to run first for a candidate: those whose id or failure message names the function it
 * edits. Fail-fast stops at the first failing test, so without this a candidate that fixes the second of
 * two independent bugs would fail on the first bug's test and never be seen to fix anything.
 */
export function leadingTests(c: Candidate, sources: Map<string, SourceFile>, failing: TestOutcome[]): string[] | undefined {
  if (failing.length < 2) return undefined;
  const e = c.edits[0];
  const src = sources.get(e.file);
  const at = src?.tree.rootNode.descendantForIndex(e.start);
  const name = at && enclosingFunction(at, langOf(src!)).childForFieldName('name')?.text;
  if (!name || name.length < 3) return undefined;
  // Not tests that hung on the original: most candidates would hang there too, at a higher limit.
  const lead = failing.filter((t) => t.status !== 'timedOut' && (t.id.includes(name) || t.message?.includes(name))).map((t) => t.id);
  return lead.length && lead[0] !== failing[0].id ? lead : undefined;
}

/** The sources as the partial fix left them (new syntax trees for the files it changed). */
export function baseSources(base: Found, sources: Map<string, SourceFile>, parsers: Map<string, Parser>): Map<string, SourceFile> {
  const out = new Map(sources);
  for (const [file, text] of Object.entries(base.files)) {
    const tree = parsers.get(file)?.parse(text);
    if (tree) out.set(file, { ...sources.get(file)!, text, tree });
  }
  return out;
}

/** Frees the syntax trees baseSources made. */
export function disposeBase(based: Map<string, SourceFile>, sources: Map<string, SourceFile>): void {
  for (const [file, s] of based) if (s !== sources.get(file)) s.tree.delete();
}

/** Lines of the original (edits in its coordinates) as lines of the edited text. */
export function shiftLines(lines: RankedLine[], edits: FoundEdit[]): RankedLine[] {
  return lines.map((l) => {
    let line = l.line;
    for (const e of edits) if (e.file === l.file && l.line > e.line + newlines(e.before)) line += newlines(e.text) - newlines(e.before);
    return { ...l, line };
  });
}

/** A line of the edited text (edits in the original's coordinates) as a line of the original. */
function originalLine(file: string, line: number, edits: FoundEdit[]): number {
  let shift = 0;
  for (const e of [...edits].filter((x) => x.file === file).sort((a, b) => a.line - b.line)) {
    if (line > e.line + shift + newlines(e.text)) shift += newlines(e.text) - newlines(e.before);
  }
  return line - shift;
}

/** What a continuation from `base` found, as a fix of the original: base's edits and its own, in original lines. */
export function compose(base: Found, f: Found): Found {
  const own = f.edits.map((e) => ({ ...e, line: originalLine(e.file, e.line, base.edits) }));
  return { edits: [...base.edits, ...own], files: { ...base.files, ...f.files }, verdict: f.verdict };
}

export function toPartialFix(f: Found, sources: Map<string, SourceFile>, failing: string[]): RepairPartialFix {
  const fixed = new Set(f.verdict.testsFixed);
  return {
    ...toFix(f, sources),
    testsStillFailing: failing.filter((t) => !fixed.has(t)),
    summary: `makes ${fixed.size} of ${failing.length} failing test${failing.length === 1 ? '' : 's'} pass`,
  };
}
