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
import { preference, rankFixes } from './choose';
import { repairSyntax } from './syntax-repair';
import { baseSources, compose, disposeBase, independent, shiftLines, toPartialFix } from './partial';
import { search, type Found, type MoreFixes, type RankedLine, type SearchOutcome } from './search';

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
  /** Warm workers (default: one per core, at most 4). */
  workers?: number;
}

export async function repair(o: RepairOptions): Promise<RepairResult> {
  const started = Date.now();
  const budgetMs = (o.budgetS ?? 30) * 1000;
  const deadline = started + budgetMs;
  const seconds = () => (Date.now() - started) / 1000;
  const progress = (phase: RepairProgress['phase'], candidatesTried: number, message: string, best?: string) => o.onProgress?.({ phase, candidatesTried, seconds: seconds(), message, ...(best ? { best } : {}) });
  const notes: string[] = [];
  const result = (r: Partial<RepairResult> & Pick<RepairResult, 'status'>): RepairResult => ({
    fixes: [], candidatesTried: 0, candidatesPerSecond: 0, failingTests: [], ...r, seconds: seconds(), ...(notes.length ? { notes } : {}),
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
      // One-token edits near the error that make the file parse, verified by the tests.
      const at = firstSyntaxError(broken.tree);
      const line = (at?.startPosition.row ?? 0) + 1;
      progress('search', 0, `${broken.file}:${line}: the code does not parse; trying small edits near the error`);
      const syntax = await repairSyntax({ task, src: broken, parser: parsers.get(broken.file)!, deadline, workers: o.workers, signal: o.signal });
      const rate = { candidatesTried: syntax.tried, candidatesPerSecond: Math.round(syntax.tried / Math.max(0.001, syntax.seconds) * 10) / 10 };
      if (syntax.fixes.length) return result({ status: 'fixed', fixes: syntax.fixes, failingTests: syntax.failingTests, ...rate });
      if (o.signal?.aborted) return result({ status: 'cancelled', ...rate });
      const loc = await localize({ ...task, signal: o.signal, budgetMs: 5000, mutation: false, valueLines: 0 }).catch(() => undefined);
      const tried = syntax.tried ? `none of the ${syntax.tried} small edits near it that make it parse passes the tests` : 'no small edit near it makes it parse';
      return result({ status: 'syntaxError', localization: loc, ...rate, message: `${broken.file}:${line}: the code does not parse, and ${tried}` });
    }
    if (o.signal?.aborted) return result({ status: 'cancelled' });
    progress('baseline', 0, 'running the tests on the original code');
    const verifier = await Verifier.open(task, { workers: o.workers });
    if (verifier.baseline.notes.length) notes.push(...verifier.baseline.notes);
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
      // Its per-test coverage goes to the verifier, which then runs a candidate on the tests covering its edit.
      const locPromise = localize({ ...task, verifier, onCoverage: (c) => verifier.useCoverage(c), signal: locAbort.signal, budgetMs: Math.max(2000, Math.min(10000, budgetMs * 0.3)), mutation: false, valueLines: 0 })
        .catch(() => undefined);
      progress('localize', 0, 'localizing the fault');
      // The localization's instrumented run is slow to start: search top-down meanwhile (mutations only),
      // then search again, in the localization's order, whatever was not tried yet.
      // Candidates per second counts the time spent verifying, not the wait for the localization.
      let busyMs = 0;
      const timed = <T>(p: Promise<T>, start = Date.now()) => p.then((v) => { busyMs += Date.now() - start; return v; });
      const seen = new Set<string>();
      // After the first fix the search goes on for at most 1 s or a quarter of the budget, whichever is
      // less, so the fixes found can be ranked against each other.
      const more: MoreFixes = { ms: Math.min(1000, budgetMs / 4), max: 12 };
      const common = {
        verifier, sources, parsers, deadline, maxCandidates: o.maxCandidates ?? 20000, seen, more,
        onProgress: (tried: number, message: string, best?: string) => progress('search', tried, message, best),
      };
      const located = new AbortController();
      const early = timed(search({ ...common, lines: rankedLines(undefined, sources), mutationsOnly: true, signal: o.signal ? AbortSignal.any([o.signal, located.signal]) : located.signal }));
      localization = await locPromise;
      located.abort();
      // The early search is always stopped by the localization's arrival: that is no cancellation.
      let outcome = { ...await early, cancelled: !!o.signal?.aborted };
      const lines = rankedLines(localization, sources);
      const open = () => !o.signal?.aborted && Date.now() < Math.min(deadline, more.until ?? Infinity);
      const add = (a: SearchOutcome, b: SearchOutcome): SearchOutcome => ({
        found: [...a.found, ...b.found], partials: [...a.partials, ...b.partials].sort((x, y) => y.verdict.testsFixed.length - x.verdict.testsFixed.length),
        tried: a.tried + b.tried, cancelled: b.cancelled, next: b.next,
      });
      if (open()) outcome = add(outcome, await timed(search({ ...common, lines, signal: o.signal })));
      // No fix but a partial one: continue from the best (each step must make more failing tests pass). While
      // the search from the original has steps left, the continuation gets its first wave of lines and at
      // most half of the time left, then the original's search resumes.
      const offered: Found[] = [];
      const resumeAt = outcome.next;
      const resumes = resumeAt < 8;
      while (!outcome.found.length && outcome.partials.length && open() && offered.length < 4) {
        const base = outcome.partials.find((f) => independent(f.verdict.testsFixed, failingTests)) ?? outcome.partials[0];
        offered.push(base);
        const summary = toPartialFix(base, sources, failingTests).summary;
        progress('search', outcome.tried, `partial fix: ${summary}; searching on from it`, `a partial fix (${summary})`);
        const based = baseSources(base, sources, parsers);
        more.partialAt = undefined;
        try {
          const next = await timed(search({
            ...common, sources: based, base: base.files, fixedBefore: base.verdict.testsFixed.length, lines: shiftLines(lines, base.edits), signal: o.signal,
            ...(resumes ? { steps: [0, 4] as [number, number], deadline: Date.now() + (deadline - Date.now()) / 2 } : {}),
          }));
          outcome = { ...next, tried: outcome.tried + next.tried, found: next.found.map((f) => compose(base, f)), partials: next.partials.map((f) => compose(base, f)) };
        } finally {
          disposeBase(based, sources);
        }
      }
      // The continuation found nothing: the search from the original goes on where it stopped.
      if (!outcome.found.length && offered.length && resumes && open()) {
        more.partialAt = undefined;
        outcome = add(outcome, await timed(search({ ...common, lines, steps: [resumeAt, 8], resumed: true, signal: o.signal })));
      }
      const searchS = Math.max(0.001, busyMs / 1000);
      // Several fixes: compare how much each changes behaviour beyond the tests (overfitting guard).
      const behaviour = outcome.found.length > 1 && !o.signal?.aborted
        ? await verifier.compareBehaviour(outcome.found.map((f) => f.files), Math.max(300, Math.min(1500, deadline - Date.now()))).catch(() => undefined)
        : undefined;
      const fixes: RepairFix[] = rankFixes(outcome.found, sources, behaviour);
      // No time was left to continue from a partial fix: it is still what the search has to offer.
      if (!outcome.found.length && !offered.length && outcome.partials.length) offered.push(outcome.partials[0]);
      const partialFixes = offered.map((f) => toPartialFix(f, sources, failingTests));
      if (localization && fixes.length) localization = withExtraScores(localization, fixLineScores(fixes[0]));
      const status = fixes.length ? 'fixed' : partialFixes.length ? 'partial' : outcome.cancelled ? 'cancelled' : 'noFix';
      // No fix: the localization is what the user is left with, so spend what remains of the budget
      // (at most 10 s) sharpening it with mutation evidence on the same warm workers.
      const leftMs = deadline - Date.now();
      if ((status === 'noFix' || status === 'partial') && localization?.status === 'ranked' && leftMs > 3000) {
        progress('localize', outcome.tried, 'no fix found: refining the localization with mutants');
        const refined = await localize({ ...task, verifier, signal: o.signal, budgetMs: Math.min(10000, leftMs), mutation: { verifier }, valueLines: 0 })
          .catch(() => undefined);
        if (refined?.status === 'ranked' && refined.lines.length) localization = refined;
      }
      return result({
        status, fixes, localization, failingTests, candidatesTried: outcome.tried,
        candidatesPerSecond: Math.round(outcome.tried / searchS * 10) / 10,
        ...(fixes.length ? { preference: preference(fixes, behaviour) } : {}),
        ...(partialFixes.length ? { partialFixes } : {}),
        message: status === 'noFix' ? `no fix found within budget (${outcome.tried} candidates tried)`
          : status === 'partial' ? `no complete fix found within budget (${outcome.tried} candidates tried); a partial fix ${partialFixes.at(-1)!.summary}` : undefined,
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
