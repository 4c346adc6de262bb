// Turns verified candidates into fixes, best first: the smallest edit wins (small patches overfit the tests
// less often), then the more natural edit kind (higher prior), then the one found first.
import { createTwoFilesPatch } from 'diff';
import type { RepairFix } from '../../../common/repair';
import { editSize, type SourceFile } from './edits';
import type { Found } from './search';

export function unifiedDiff(path: string, before: string, after: string): string {
  return createTwoFilesPatch(`a/${path}`, `b/${path}`, before, after, undefined, undefined, { context: 3 });
}

export function rankFixes(found: Found[], sources: Map<string, SourceFile>): RepairFix[] {
  const prior = (f: Found) => f.edits.reduce((p, e) => p * e.prior, 1);
  const ordered = found.map((f, i) => ({ f, i, size: editSize(f.edits) }))
    .sort((a, b) => a.f.edits.length - b.f.edits.length || a.size - b.size || prior(b.f) - prior(a.f) || a.i - b.i);
  return ordered.map(({ f, size }) => {
    const files = Object.entries(f.files).map(([path, newText]) => ({ path, newText }));
    return {
      diff: files.map(({ path, newText }) => unifiedDiff(path, sources.get(path)!.text, newText)).join(''),
      files,
      edits: f.edits.map((e) => ({ file: e.file, line: e.line, kind: e.kind, before: sources.get(e.file)!.text.slice(e.start, e.end), after: e.text })),
      testsFixed: f.verdict.testsFixed,
      size,
    };
  });
}
