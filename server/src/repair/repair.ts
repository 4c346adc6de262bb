// Entry point of the embedded repair engine: checks the sources parse, opens a verifier (baseline run),
// localizes the fault, searches for a verified edit and returns the fixes best first with unified diffs.
// The user's folder is never written: candidates only ever exist in the workers' memory.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Localization } from '../../../common/localize';
import type { RepairFix, RepairProgress, RepairResult } from '../../../common/repair';
import { localize, withExtraScores } from '../localize/localize';
import { createParser, grammarFor } from '../parse/parser';
import { Verifier } from '../verify/verifier';
import { firstSyntaxError, type SourceFile } from './edits';
import { rankFixes } from './choose';
import { search, type RankedLine } from './search';

export interface RepairOptions {
  root: string;
  language: 'python' | 'javascript';
  sources: string[];
  tests: string[];
  /** Time budget in seconds (default 30). */
  budgetS?: number;
  maxCandidates?: number;
  signal?: AbortSignal;
  onProgress?: (p: RepairProgress) => void;
  /** Extra verified fixes wanted after the first (default 0: stop at the first). */
  alternatives?: number;
  /** Warm workers (default: one per core, at most 4). */
  workers?: number;
}

export async function repair(o: RepairOptions): Promise<RepairResult> {
  const started = Date.now();
  const budgetMs = (o.budgetS ?? 30) * 1000;
  const deadline = started + budgetMs;
  const seconds = () => (Date.now() - started) / 1000;
  const progress = (phase: RepairProgress['phase'], candidatesTried: number, message: string) => o.onProgress?.({ phase, candidatesTried, seconds: seconds(), message });
  const result = (r: Partial<RepairResult> & Pick<RepairResult, 'status'>): RepairResult => ({
    fixes: [], candidatesTried: 0, candidatesPerSecond: 0, failingTests: [], ...r, seconds: seconds(),
  });

  const sources = new Map<string, SourceFile>();
  const parsers = new Map<string, Awaited<ReturnType<typeof createParser>>>();
  for (const file of o.sources) {
    const grammar = grammarFor(file);
    if (!grammar) throw new Error(`cannot repair ${file}: not a Python or JavaScript file`);
    const text = await readFile(join(o.root, file), 'utf8');
    const parser = await createParser(grammar);
    const tree = parser.parse(text);
    if (!tree) throw new Error(`cannot parse ${file}`);
    parsers.set(file, parser);
    sources.set(file, { file, text, tree, grammar, python: grammar === 'python' });
  }
  const task = { root: o.root, language: o.language, sources: o.sources, tests: o.tests };
  try {
    const broken = [...sources.values()].find((s) => s.tree.rootNode.hasError);
    if (broken) {
      const at = firstSyntaxError(broken.tree);
      const loc = await localize({ ...task, signal: o.signal, budgetMs: 5000, mutation: false, valueLines: 0 }).catch(() => undefined);
      const line = (at?.startPosition.row ?? 0) + 1;
      return result({ status: 'syntaxError', localization: loc, message: `${broken.file}:${line}: the code does not parse, so no repair was searched; fix the syntax error first` });
    }
    if (o.signal?.aborted) return result({ status: 'cancelled' });
    progress('baseline', 0, 'running the tests on the original code');
    const verifier = await Verifier.open(task, { workers: o.workers });
    const locAbort = new AbortController();
    const onAbort = () => locAbort.abort();
    o.signal?.addEventListener('abort', onAbort, { once: true });
    let localization: Localization | undefined;
    try {
      const failingTests = verifier.baseline.failing;
      if (!failingTests.length && !verifier.baseline.collectErrors.length) {
        return result({ status: 'alreadyPassing', message: `all ${verifier.baseline.tests.length} tests pass: nothing to repair` });
      }
      // Spectrum + tracebacks only: the search itself is the mutation analysis, and its outcome is fed back.
      // Its instrumented test run goes to the verifier's warm worker (no second cold start).
      const locPromise = localize({ ...task, verifier, signal: locAbort.signal, budgetMs: Math.max(2000, Math.min(10000, budgetMs * 0.3)), mutation: false, valueLines: 0 })
        .catch(() => undefined);
      progress('localize', 0, 'localizing the fault');
      // The localization's instrumented run is slow to start: search top-down meanwhile (mutations only),
      // then search again, in the localization's order, whatever was not tried yet.
      // Candidates per second counts the time spent verifying, not the wait for the localization.
      let busyMs = 0;
      const timed = <T>(p: Promise<T>, start = Date.now()) => p.then((v) => { busyMs += Date.now() - start; return v; });
      const seen = new Set<string>();
      const common = {
        verifier, sources, parsers, deadline, maxCandidates: o.maxCandidates ?? 20000, seen,
        alternatives: o.alternatives ?? 0, alternativesMs: Math.min(3000, budgetMs / 10),
        onProgress: (tried: number, message: string) => progress('search', tried, message),
      };
      const located = new AbortController();
      const early = timed(search({ ...common, lines: rankedLines(undefined, sources), mutationsOnly: true, signal: o.signal ? AbortSignal.any([o.signal, located.signal]) : located.signal }));
      localization = await locPromise;
      located.abort();
      let outcome = await early;
      if (o.signal?.aborted) return result({ status: outcome.found.length ? 'fixed' : 'cancelled', localization, failingTests, fixes: rankFixes(outcome.found, sources) });
      if (!outcome.found.length) {
        const late = await timed(search({ ...common, lines: rankedLines(localization, sources), signal: o.signal }));
        outcome = { found: late.found, tried: outcome.tried + late.tried, cancelled: late.cancelled };
      }
      const searchS = Math.max(0.001, busyMs / 1000);
      // Several fixes: measure how much each changes behaviour beyond the tests (overfitting guard).
      const kept = outcome.found.length > 1 && !o.signal?.aborted
        ? await Promise.all(outcome.found.map((f) => verifier.behaviourKept(f.files).catch(() => undefined)))
        : [];
      const fixes: RepairFix[] = rankFixes(outcome.found, sources, kept);
      if (localization && fixes.length) localization = withExtraScores(localization, fixLineScores(fixes[0]));
      const status = fixes.length ? 'fixed' : outcome.cancelled ? 'cancelled' : 'noFix';
      // No fix: the localization is what the user is left with, so spend what remains of the budget
      // (at most 10 s) sharpening it with mutation evidence on the same warm workers.
      const leftMs = deadline - Date.now();
      if (status === 'noFix' && localization?.status === 'ranked' && leftMs > 3000) {
        progress('localize', outcome.tried, 'no fix found: refining the localization with mutants');
        const refined = await localize({ ...task, verifier, signal: o.signal, budgetMs: Math.min(10000, leftMs), mutation: { verifier }, valueLines: 0 })
          .catch(() => undefined);
        if (refined?.status === 'ranked' && refined.lines.length) localization = refined;
      }
      return result({
        status, fixes, localization, failingTests, candidatesTried: outcome.tried,
        candidatesPerSecond: Math.round(outcome.tried / searchS * 10) / 10,
        message: status === 'noFix' ? `no fix found within budget (${outcome.tried} candidates tried)` : undefined,
      });
    } finally {
      o.signal?.removeEventListener('abort', onAbort);
      await verifier.close();
    }
  } finally {
    for (const s of sources.values()) s.tree.delete();
    for (const p of parsers.values()) p.delete();
  }
}

/** The verified fix is the strongest evidence of where the bug is: its lines go to the top. */
function fixLineScores(fix: RepairFix): Record<string, number> {
  const out: Record<string, number> = {};
  for (const e of fix.edits) out[`${e.file}:${e.line}`] = 10;
  return out;
}

/** Lines to search, most suspicious first; without a localization, every code line of the sources. */
function rankedLines(loc: Localization | undefined, sources: Map<string, SourceFile>): RankedLine[] {
  if (loc?.status === 'ranked' && loc.lines.length) {
    return loc.lines.filter((l) => sources.has(l.file)).map((l) => ({ file: l.file, line: l.line, score: l.score, rank: l.rank }));
  }
  const out: RankedLine[] = [];
  for (const s of sources.values()) {
    s.text.split('\n').forEach((text, i) => {
      const t = text.trim();
      if (t && !t.startsWith('#') && !t.startsWith('//') && !/^(def|class|function)\b/.test(t)) out.push({ file: s.file, line: i + 1, score: 1, rank: out.length + 1 });
    });
  }
  return out;
}
