// Partial fixes: a verified edit that makes some failing tests pass and breaks no passing test is offered as
// such, and the search continues from it, so independent bugs are fixed one after another. The continuation
// edits the partial fix's text: these helpers move lines between that text and the original and compose
// what the continuation finds with the partial fix it started from.
import type { RepairPartialFix } from '../../../common/repair';
import type { Parser } from 'web-tree-sitter';
import type { SourceFile } from './edits';
import { toFix } from './choose';
import type { Found, FoundEdit, RankedLine } from './search';

const newlines = (s: string) => s.split('\n').length - 1;

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
