// Turns verified candidates into fixes with unified diffs, ordered so the fix least likely to overfit the
// tests comes first.
import { createTwoFilesPatch } from 'diff';
import type { RepairFix } from '../../../common/repair';
import { editSize, type SourceFile } from './edits';
import type { Found } from './search';

export function unifiedDiff(path: string, before: string, after: string): string {
  return createTwoFilesPatch(`a/${path}`, `b/${path}`, before, after, undefined, undefined, { context: 3 });
}

/**
 * Best first: fewer edits, then the fix that keeps the original behaviour on more inputs near the tests'
 * (in steps of 10%: small differences are noise), then the smaller edit, the more natural kind, the first found.
 */
export function rankFixes(found: Found[], sources: Map<string, SourceFile>, kept: (number | undefined)[] = []): RepairFix[] {
  const prior = (f: Found) => f.edits.reduce((p, e) => p * e.prior, 1);
  const bucket = (i: number) => Math.round((kept[i] ?? 0) * 10);
  const ordered = found.map((f, i) => ({ f, i, size: editSize(f.edits) }))
    .sort((a, b) => a.f.edits.length - b.f.edits.length || bucket(b.i) - bucket(a.i) || a.size - b.size || prior(b.f) - prior(a.f) || a.i - b.i);
  return ordered.map(({ f, i, size }) => {
    const files = Object.entries(f.files).map(([path, newText]) => ({ path, newText }));
    return {
      diff: files.map(({ path, newText }) => unifiedDiff(path, sources.get(path)!.text, newText)).join(''),
      files,
      edits: f.edits.map((e) => ({ file: e.file, line: e.line, kind: e.kind, before: sources.get(e.file)!.text.slice(e.start, e.end), after: e.text })),
      testsFixed: f.verdict.testsFixed,
      size,
      ...(kept[i] !== undefined ? { behaviourKept: Math.round(kept[i]! * 1000) / 1000 } : {}),
    };
  });
}
