// Turns verified candidates into fixes with unified diffs, ordered so the fix least likely to overfit the
// tests comes first: the one that keeps the original's results on the most inputs the tests did not ask to
// change, then the smaller edit. Also says, in a sentence, why the first one was preferred.
import { createTwoFilesPatch } from 'diff';
import type { RepairFix, RepairPreference } from '../../../common/repair';
import type { BehaviourComparison } from '../verify/verifier';
import { editSize, type SourceFile } from './edits';
import type { Found } from './search';

export function unifiedDiff(path: string, before: string, after: string): string {
  return createTwoFilesPatch(`a/${path}`, `b/${path}`, before, after, undefined, undefined, { context: 3 });
}

export function toFix(f: Found, sources: Map<string, SourceFile>): RepairFix {
  const files = Object.entries(f.files).map(([path, newText]) => ({ path, newText }));
  return {
    diff: files.map(({ path, newText }) => unifiedDiff(path, sources.get(path)!.text, newText)).join(''),
    files,
    edits: f.edits.map((e) => ({ file: e.file, line: e.line, kind: e.kind, before: e.before, after: e.text })),
    testsFixed: f.verdict.testsFixed,
    size: editSize(f.edits),
  };
}

/**
 * Best first: the fix that gives the original's results on more of the compared inputs (a fix that changes
 * behaviour the tests never asked to change loses), then fewer edits, the smaller edit, the more natural
 * kind, the first found.
 */
export function rankFixes(found: Found[], sources: Map<string, SourceFile>, behaviour?: BehaviourComparison): RepairFix[] {
  const prior = (f: Found) => f.edits.reduce((p, e) => p * e.prior, 1);
  const kept = (i: number) => behaviour?.kept[i] ?? 0;
  const ordered = found.map((f, i) => ({ f, i, size: editSize(f.edits) }))
    .sort((a, b) => kept(b.i) - kept(a.i) || a.f.edits.length - b.f.edits.length || a.size - b.size || prior(b.f) - prior(a.f) || a.i - b.i);
  return ordered.map(({ f, i }) => ({
    ...toFix(f, sources),
    ...(behaviour ? { behaviourKept: Math.round(kept(i) / behaviour.compared * 1000) / 1000 } : {}),
  }));
}

/** How the first of the ranked fixes was preferred (undefined without a fix). */
export function preference(fixes: RepairFix[], behaviour?: BehaviourComparison): RepairPreference | undefined {
  if (!fixes.length) return undefined;
  const alternatives = fixes.length - 1;
  const others = alternatives === 0 ? 'no other verified fix found' : `${alternatives} alternative${alternatives === 1 ? '' : 's'}`;
  if (!behaviour) {
    const why = alternatives === 0 ? 'the only verified fix found' : `the smallest edit; ${others} (their behaviour beyond the tests could not be compared)`;
    return { alternatives, reason: why };
  }
  const keptInputs = Math.max(...behaviour.kept);
  return {
    keptInputs, comparedInputs: behaviour.compared, alternatives,
    reason: `keeps the original's results on ${keptInputs}/${behaviour.compared} other inputs; ${others}`,
  };
}
