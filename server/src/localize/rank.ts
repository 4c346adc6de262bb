// Combines the localization signals into one ranking: the spectrum (Ochiai) first, raised for lines
// where failing tests crashed and for lines whose mutants change the failing tests' outcomes, lowered
// for lines that hold no code of their own and a little for literal initialisations, plus any extra
// score a caller feeds back. The first line of a statement written over several lines takes the
// statement's best score; exact ties go to the line nearest the point of failure.
import type { FailingTest, SuspicionEvidence, SuspiciousLine } from '../../../common/localize';
import type { Spectra } from './spectrum';

export type MutationEvidence = NonNullable<SuspicionEvidence['mutation']>;

export interface RankInput {
  spectra: Spectra;
  failingTests: FailingTest[];
  /** Per file, the lines that hold code of their own (see statements.ts). */
  statementLines: Map<string, Set<number>>;
  /** Per file, lines that only import or set a literal (see statements.ts). */
  literalInitLines?: Map<string, Set<number>>;
  /** Per file, the first line of each multi-line statement's lines (see statements.ts). */
  statementStart?: Map<string, Map<number, number>>;
  mutation?: Map<string, MutationEvidence>;
  /** Extra score per "file:line" (e.g. from the repair search), added to the combined score. */
  extraScores?: Map<string, number>;
  /** Source files in the order they were given, for stable tie order. */
  sources: string[];
}

export const weights = { traceback: 0.3, mutation: 0.6, nonStatement: 0.5, literalInit: 0.1 };

export const lineKey = (file: string, line: number): string => `${file}:${line}`;

/** How deep each line sits among the failing tests' frames in source files: 1 = where the error was raised. */
function tracebackDepths(failing: FailingTest[], sources: Set<string>): Map<string, { depth: number; share: number }> {
  const found = new Map<string, { depth: number; count: number }>();
  for (const t of failing) {
    const frames = t.traceback.filter((f) => sources.has(f.file));
    const seen = new Set<string>();
    frames.reverse().forEach((f, i) => {
      const key = lineKey(f.file, f.line);
      if (seen.has(key)) return;
      seen.add(key);
      const prev = found.get(key);
      found.set(key, { depth: Math.min(prev?.depth ?? Infinity, i + 1), count: (prev?.count ?? 0) + 1 });
    });
  }
  const total = Math.max(1, failing.length);
  return new Map([...found].map(([k, v]) => [k, { depth: v.depth, share: v.count / total }]));
}

export function rankLines(input: RankInput): SuspiciousLine[] {
  const { spectra } = input;
  const sources = new Set(input.sources);
  const depths = tracebackDepths(input.failingTests, sources);
  const fileOrder = new Map(input.sources.map((f, i) => [f, i]));
  const ranked: SuspiciousLine[] = [];
  const groupOf = (file: string, line: number) => {
    const start = input.statementStart?.get(file)?.get(line);
    return start === undefined ? undefined : lineKey(file, start);
  };
  for (const s of spectra.lines) {
    if (s.failed === 0) continue;
    const key = lineKey(s.file, s.line);
    const statement = input.statementLines.get(s.file)?.has(s.line) ?? true;
    const tb = depths.get(key);
    const mutation = input.mutation?.get(key);
    const extra = input.extraScores?.get(key);
    let score = s.ochiai;
    if (tb) score += (weights.traceback * tb.share) / tb.depth;
    if (mutation) score += weights.mutation * mutation.score;
    if (!statement) score *= weights.nonStatement;
    // Mutants still lift a wrong initial value above the rest; without them, the computation is likelier.
    if (input.literalInitLines?.get(s.file)?.has(s.line)) score -= weights.literalInit;
    if (extra) score += extra;
    const evidence: SuspicionEvidence = {
      failedCovering: s.failed, passedCovering: s.passed, totalFailed: spectra.totalFailed, totalPassed: spectra.totalPassed,
      ochiai: s.ochiai, dstar: s.dstar, statement,
      ...(tb ? { tracebackDepth: tb.depth } : {}),
      ...(mutation ? { mutation } : {}),
      ...(extra ? { extra } : {}),
    };
    ranked.push({ file: s.file, line: s.line, score, rank: 0, ochiai: s.ochiai, evidence });
  }
  shareStatementScores(ranked, groupOf);
  const distance = failureDistance(input.failingTests, sources);
  ranked.sort((a, b) => b.score - a.score || b.evidence.dstar - a.evidence.dstar || distance(a) - distance(b)
    || (fileOrder.get(a.file) ?? 0) - (fileOrder.get(b.file) ?? 0) || a.line - b.line);
  ranked.forEach((r, i) => { r.rank = i + 1; });
  return ranked;
}

/**
 * A statement written over several lines is as suspicious on its first line as on its best-evidenced
 * one (the evidence may land on any of its lines; the first is where a reader looks). The other lines
 * keep their own scores, so that one long statement does not fill the top of the ranking.
 */
function shareStatementScores(ranked: SuspiciousLine[], groupOf: (file: string, line: number) => string | undefined): void {
  const best = new Map<string, number>();
  for (const r of ranked) {
    const g = r.evidence.statement ? groupOf(r.file, r.line) : undefined;
    if (g !== undefined) best.set(g, Math.max(best.get(g) ?? -Infinity, r.score));
  }
  for (const r of ranked) {
    const top = best.get(lineKey(r.file, r.line));
    if (r.evidence.statement && top !== undefined && top > r.score) r.score = top - 1e-3 * (top - r.score);
  }
}

/** Lines away from the nearest line where a failing test raised, in the same file (Infinity elsewhere). */
function failureDistance(failing: FailingTest[], sources: Set<string>): (l: SuspiciousLine) => number {
  const raised = failing.map((t) => [...t.traceback].reverse().find((f) => sources.has(f.file))).filter((f) => !!f);
  return (l) => Math.min(Infinity, ...raised.filter((f) => f.file === l.file).map((f) => Math.abs(f.line - l.line)));
}

/** The Ochiai-only ranking of the same spectra (the baseline benchmarks compare against). */
export function rankByOchiai(spectra: Spectra, sources: string[]): SuspiciousLine[] {
  return rankLines({ spectra, failingTests: [], statementLines: new Map(), sources });
}
