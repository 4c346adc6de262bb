// Fault localization entry point: checks the sources parse, runs the tests once with per-test
// coverage in a sandboxed scratch copy, ranks lines by spectrum and traceback, breaks ties with
// mutants, and records the failing tests' local values at the top lines.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { FailingTest, Localization, SuspiciousLine } from '../../../common/localize';
import { grammarFor } from '../parse/parser';
import { makeScratchCopy, type Scratch } from '../run/sandbox';
import { interpreterFor, LocalizeCancelled, LocalizeProblem, type ColdRun } from './exec';
import { observe, type LocalizeLanguage } from './observe';
import { isFailure } from './records';
import { lineKey, rankLines } from './rank';
import { computeSpectra } from './spectrum';
import { readShape } from './statements';
import { compilerSyntaxError } from './syntax-check';
import { mutationEvidence, type MutationOptions } from './mutation';
import { recordValues } from './values';
import type { Verifier } from '../verify/verifier';
import type { TestCoverage } from '../verify/selection';

export interface LocalizeProgress {
  phase: 'coverage' | 'ranking' | 'mutation' | 'values';
  message: string;
}

export interface LocalizeOptions {
  root: string;
  language: LocalizeLanguage;
  /** Editable source files, relative to root. */
  sources: string[];
  /** Test files (and test data), relative to root. */
  tests: string[];
  signal?: AbortSignal;
  /** Overall time budget (default 20 s); later phases are skipped when it runs out. */
  budgetMs?: number;
  testTimeoutMs?: number;
  onProgress?: (p: LocalizeProgress) => void;
  /** Extra score per "file:line", e.g. fed back by the repair search. */
  extraScores?: Record<string, number>;
  /** Mutation-based tie-breaking (default on). Pass a verifier to reuse its warm workers. */
  mutation?: false | MutationOptions;
  /** How many top lines get runtime values (default 5; 0 = none). */
  valueLines?: number;
  /** An open verifier on the same task: Python test runs then use its warm worker instead of a cold start. */
  verifier?: Verifier;
  /** Given the per-test coverage of the run, e.g. for the verifier's test selection (no run of its own). */
  onCoverage?: (coverage: TestCoverage) => void;
}

export { LocalizeCancelled };

const emptyTimings = (): Localization['timings'] => ({ coverageMs: 0, rankingMs: 0, mutationMs: 0, valuesMs: 0, totalMs: 0 });

export async function localize(o: LocalizeOptions): Promise<Localization> {
  const started = Date.now();
  const budgetMs = o.budgetMs ?? 20000;
  const left = () => budgetMs - (Date.now() - started);
  const timings = emptyTimings();
  const base = { language: o.language, lines: [], failingTests: [], passingTests: 0, values: [], timings };
  const finish = (loc: Localization): Localization => {
    timings.totalMs = Date.now() - started;
    return loc;
  };

  const texts = new Map<string, string>();
  const statementLines = new Map<string, Set<number>>();
  const functionLines = new Map<string, Set<number>>();
  const literalInitLines = new Map<string, Set<number>>();
  const statementStart = new Map<string, Map<number, number>>();
  let unparsed: { file: string; line: number; message: string } | undefined;
  for (const file of o.sources) {
    let text: string;
    try {
      text = await readFile(join(o.root, file), 'utf8');
    } catch {
      return finish({ ...base, status: 'runFailed', reason: `source file ${file} cannot be read` });
    }
    texts.set(file, text);
    const grammar = grammarFor(file);
    if (!grammar) continue;
    const shape = await readShape(grammar, text);
    statementLines.set(file, shape.statementLines);
    functionLines.set(file, shape.functionLines);
    literalInitLines.set(file, shape.literalInitLines);
    statementStart.set(file, shape.statementStart);
    shape.tree.delete();
    if (shape.syntaxError && !unparsed) unparsed = { file, ...shape.syntaxError };
  }

  // The interpreter and the scratch copy are only needed for a cold run or the syntax check: with a warm
  // verifier they are made when its worker cannot run the tests.
  let scratch: Scratch | undefined;
  let coldRun: Promise<ColdRun> | undefined;
  const cold = () => coldRun ??= (async () => {
    const interpreter = await interpreterFor(o.language, o.root);
    scratch = await makeScratchCopy(o.root);
    return { scratch, interpreter };
  })();
  try {
    if (unparsed) {
      // The compiler knows the exact line; tree-sitter's recovery may report a later one.
      const check = await cold();
      const exact = await compilerSyntaxError(o.language, check.interpreter, check.scratch, unparsed.file, o.signal);
      const at = { file: unparsed.file, ...(exact ?? unparsed) };
      const line: SuspiciousLine = {
        file: at.file, line: at.line, score: 1, rank: 1, ochiai: 0,
        evidence: { failedCovering: 0, passedCovering: 0, totalFailed: 0, totalPassed: 0, ochiai: 0, dstar: 0, statement: true },
      };
      return finish({ ...base, status: 'syntaxError', reason: `${at.file}:${at.line}: ${at.message}`, lines: [line] });
    }
    o.onProgress?.({ phase: 'coverage', message: 'running the tests with coverage' });
    const t0 = Date.now();
    const testTimeoutMs = o.testTimeoutMs ?? 2000;
    // Time is kept for the later phases only when there are any: a Jest or Vitest start alone takes seconds.
    const later = o.mutation !== false || (o.valueLines ?? 5) > 0;
    const run = await observe({
      language: o.language, cold, sources: o.sources, tests: o.tests, coverage: true,
      testTimeoutMs, budgetMs: Math.max(2000, later ? left() * 0.6 : left() - 200), signal: o.signal, tag: 'coverage', warm: o.verifier,
    });
    timings.coverageMs = Date.now() - t0;
    if (run.tests.length) o.onCoverage?.(run);
    const failing = run.tests.filter((t) => isFailure(t.status));
    const passing = run.tests.filter((t) => t.status === 'passed');
    const failingTests: FailingTest[] = failing.map((t) => ({
      id: t.id, status: t.status as FailingTest['status'], message: t.message, traceback: t.frames,
    }));
    const withTests = { ...base, failingTests, passingTests: passing.length };
    if (!run.tests.length) {
      return finish({ ...withTests, status: 'runFailed', reason: `no test ran: ${lastLines(run.output)}`, lines: linesInOutput(run.output, o.sources) });
    }
    if (!failing.length) {
      return finish({ ...withTests, status: 'allPassing', reason: `all ${passing.length} tests pass: nothing to localize` });
    }

    o.onProgress?.({ phase: 'ranking', message: 'ranking suspicious lines' });
    const t1 = Date.now();
    // Functions the test files call while loading ran for every test; top-level code is left out, as
    // it runs for any test at all and says nothing about this failure.
    const shared = run.loadLines.filter(([f, l]) => functionLines.get(f)?.has(l));
    const spectra = computeSpectra(shared.length ? run.tests.map((t) => ({ ...t, lines: [...t.lines, ...shared] })) : run.tests);
    const extraScores = o.extraScores ? new Map(Object.entries(o.extraScores)) : undefined;
    const rankInput = { spectra, failingTests, statementLines, literalInitLines, statementStart, extraScores, sources: o.sources };
    let lines = rankLines(rankInput);
    timings.rankingMs = Date.now() - t1;
    if (!lines.length) {
      const fromFrames = failingTests.flatMap((t) => [...t.traceback].reverse()).filter((f) => o.sources.includes(f.file));
      return finish({
        ...withTests, status: 'noCoverage', lines: pointAt(fromFrames),
        reason: 'the failing tests ran no line of the source files during the tests (is the error in a test file or at import time?)',
      });
    }

    const valueLines = o.valueLines ?? 5;
    // Values come last but are worth more to the user than the last few mutants: keep time for them.
    const valuesReserveMs = valueLines > 0 ? 3000 : 0;
    if (o.mutation !== false && left() - valuesReserveMs > 1500) {
      o.onProgress?.({ phase: 'mutation', message: 'trying mutants at the top lines' });
      const t2 = Date.now();
      const mutation = await mutationEvidence(lines, {
        root: o.root, language: o.language, sources: o.sources, tests: o.tests, texts, failing: failing.map((t) => t.id),
        budgetMs: Math.min(left() - valuesReserveMs - 500, budgetMs / 2), signal: o.signal, ...(o.mutation ?? {}),
      });
      if (mutation.size) lines = rankLines({ ...rankInput, mutation });
      timings.mutationMs = Date.now() - t2;
    }

    const values = [];
    if (valueLines > 0 && left() > 1000) {
      o.onProgress?.({ phase: 'values', message: 'recording local values at the top lines' });
      const t3 = Date.now();
      values.push(...await recordValues({
        language: o.language, cold, sources: o.sources, tests: o.tests, texts,
        lines: lines.slice(0, valueLines), failingTests: failing.map((t) => t.id).slice(0, 2),
        testTimeoutMs, budgetMs: Math.max(1000, left()), signal: o.signal, warm: o.verifier,
      }));
      timings.valuesMs = Date.now() - t3;
    }
    return finish({ ...withTests, status: 'ranked', lines, values });
  } catch (e) {
    if (e instanceof LocalizeProblem) return finish({ ...base, status: 'runFailed', reason: e.message });
    throw e;
  } finally {
    await coldRun?.catch(() => undefined);
    await scratch?.dispose();
  }
}

/** Adds scores fed back after the fact (e.g. by the repair search) and re-ranks. */
export function withExtraScores(loc: Localization, extra: Record<string, number>): Localization {
  const lines = loc.lines.map((l) => {
    const add = extra[lineKey(l.file, l.line)] ?? 0;
    return add ? { ...l, score: l.score + add, evidence: { ...l.evidence, extra: (l.evidence.extra ?? 0) + add } } : { ...l };
  });
  lines.sort((a, b) => b.score - a.score || a.rank - b.rank);
  lines.forEach((l, i) => { l.rank = i + 1; });
  return { ...loc, lines };
}

/** A ranking that only points at places (e.g. where importing a source failed), most relevant first. */
function pointAt(places: { file: string; line: number }[]): SuspiciousLine[] {
  const seen = new Set<string>();
  const unique = places.filter((p) => !seen.has(lineKey(p.file, p.line)) && seen.add(lineKey(p.file, p.line)));
  return unique.map((p, i) => ({
    file: p.file, line: p.line, score: 1 / (i + 1), rank: i + 1, ochiai: 0,
    evidence: { failedCovering: 0, passedCovering: 0, totalFailed: 0, totalPassed: 0, ochiai: 0, dstar: 0, statement: true, tracebackDepth: i + 1 },
  }));
}

/** Source locations a runner printed (e.g. a traceback of an import error), deepest first. */
function linesInOutput(output: string, sources: string[]): SuspiciousLine[] {
  const found: { file: string; line: number; at: number }[] = [];
  for (const file of sources) {
    const name = file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    for (const m of output.matchAll(new RegExp(`(?:^|[\\s"/(])${name}(?:", line |:)(\\d+)`, 'gm'))) found.push({ file, line: Number(m[1]), at: m.index ?? 0 });
  }
  return pointAt(found.sort((a, b) => b.at - a.at));
}

function lastLines(output: string): string {
  const lines = output.trim().split('\n').filter((l) => l.trim());
  return lines.slice(-6).join('\n') || '(no output)';
}
