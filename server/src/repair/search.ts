// The repair search: candidates from the mutation and synthesis generators at the most suspicious lines,
// ordered by suspiciousness x prior, deduplicated by resulting text, parse-checked, and verified on the warm
// workers (several in flight). Single edits first; then pairs built on "partial" candidates (some failing
// tests fixed, others not) while budget remains. After the first fix it goes on for a short while, so the
// fixes found can be ranked against each other. A partial fix that breaks no passing test is reported, for
// the repair to continue from it (base: the search then edits on top of it).
import type { Parser } from 'web-tree-sitter';
import type { Verdict, Verifier } from '../verify/verifier';
import { applyEdits, overlaps, type Candidate, type Edit, type SourceFile } from './edits';
import { mutationsAt } from './mutate';
import { synthesisAt } from './synthesize';
import { conditionSynthesis } from './conditions';
import { reportedUndefined, restructureAt } from './restructure';
import { offByOneAt } from './offbyone';
import { complementAt } from './complement';
import { regexAt } from './regex';
import { expectedErrors } from './expected-errors';
import { raiseGuardsAt } from './raise-guard';
import { earlyReturnsAt } from './early-return';
import { defaultsAt } from './defaults';
import { sameOperatorAt } from './same-operator';
import { independent, leadingTests } from './partial';

export interface RankedLine {
  file: string;
  line: number;
  score: number;
  rank: number;
}

/** An edit of a found fix, with the text it replaces (offsets are in the text the search started from). */
export interface FoundEdit extends Edit {
  before: string;
}

export interface Found {
  edits: FoundEdit[];
  files: Record<string, string>;
  verdict: Verdict;
}

/** After the first verified fix the search goes on for `ms` (shared by the searches of one repair, which set
 * `until` when the first is found), collecting at most `max` fixes. After the first partial fix of an
 * independent bug (`partialAt`, see independent) a search without a fix ends with its current step, or `ms` later. */
export interface MoreFixes {
  ms: number;
  max: number;
  until?: number;
  partialAt?: number;
}

export interface SearchOptions {
  verifier: Verifier;
  sources: Map<string, SourceFile>;
  parsers: Map<string, Parser>;
  lines: RankedLine[];
  deadline: number;
  maxCandidates: number;
  more: MoreFixes;
  /** Full texts of the files a partial fix changed: the search continues from it (sources hold those texts). */
  base?: Record<string, string>;
  /** Failing tests the base already makes pass: a partial fix must make more pass. */
  fixedBefore?: number;
  /** Steps to run, [from, to) (default all; the first wave of lines is steps 0-3). */
  steps?: [number, number];
  /** The search from the original resumed after a continuation: partial fixes no longer end it. */
  resumed?: boolean;
  signal?: AbortSignal;
  onProgress?: (tried: number, message: string, best?: string) => void;
  /** Resulting texts already tried (shared between searches of one repair). */
  seen?: Set<string>;
  /** Only the cheap mutation operators (the search that runs while the localization is still coming). */
  mutationsOnly?: boolean;
}

export interface SearchOutcome {
  found: Found[];
  /** Partial fixes that break no passing test, most failing tests fixed first. */
  partials: Found[];
  tried: number;
  cancelled: boolean;
  /** The first step not run (a search that stopped at a partial fix after its first wave resumes there). */
  next: number;
}

/** Full re-runs of partial candidates per search (they cost a whole test run each). */
const PARTIAL_CHECKS = 12;

/** How much a line's suspiciousness weighs: its score relative to the best, and its rank. */
function lineWeights(lines: RankedLine[]): Map<string, number> {
  const max = Math.max(1e-9, ...lines.map((l) => l.score));
  const out = new Map<string, number>();
  for (const l of lines) out.set(`${l.file}:${l.line}`, 0.5 * Math.max(0, l.score) / max + 0.5 / (1 + 0.35 * (l.rank - 1)));
  return out;
}

type Generator = (src: SourceFile, line: number) => Edit[];

function singles(o: SearchOptions, lines: RankedLine[], generate: Generator): Candidate[] {
  const weights = lineWeights(o.lines);
  const out: Candidate[] = [];
  for (const l of lines) {
    const src = o.sources.get(l.file);
    if (!src) continue;
    const w = weights.get(`${l.file}:${l.line}`) ?? 0.1;
    for (const e of generate(src, l.line)) out.push({ edits: [e], score: w * e.prior });
  }
  return out.sort((a, b) => b.score - a.score);
}

export async function search(o: SearchOptions): Promise<SearchOutcome> {
  const seen = o.seen ?? new Set<string>();
  const found: Found[] = [];
  const partial: { c: Candidate; fixed: number }[] = [];
  const clean: Found[] = [];
  let checks = 0;
  let tried = 0;
  let stopAt = Math.min(o.deadline, o.more.until ?? Infinity);
  const afterPartial = () => !o.resumed && !found.length && o.more.partialAt !== undefined;
  const stopped = () => o.signal?.aborted || Date.now() >= stopAt || tried >= o.maxCandidates || found.length >= o.more.max
    || afterPartial() && Date.now() >= o.more.partialAt! + o.more.ms;
  const failingOutcomes = o.verifier.baseline.failing.map((id) => o.verifier.baseline.outcomes.find((t) => t.id === id) ?? { id, status: 'failed' as const });
  const withBefore = (edits: Edit[]): FoundEdit[] => edits.map((e) => ({ ...e, before: o.sources.get(e.file)!.text.slice(e.start, e.end) }));
  // A candidate that makes some failing tests pass: run every test on it to see whether it breaks none.
  const checkPartial = async (c: Candidate, files: Record<string, string>, first: Verdict): Promise<void> => {
    const best = Math.max(o.fixedBefore ?? 0, ...clean.map((f) => f.verdict.testsFixed.length));
    if (checks >= PARTIAL_CHECKS || first.testsFixed.length < best) return;
    checks++;
    const verdict = await o.verifier.verify(files, { failFast: false });
    const ok = new Set(verdict.tests.filter((t) => t.status === 'passed' || t.status === 'skipped').map((t) => t.id));
    if (verdict.status === 'failed' && verdict.testsFixed.length > (o.fixedBefore ?? 0) && o.verifier.baseline.passing.every((t) => ok.has(t))) {
      clean.push({ edits: withBefore(c.edits), files, verdict });
      if (independent(verdict.testsFixed, o.verifier.baseline.failing)) o.more.partialAt ??= Date.now();
    }
  };

  const materialize = (c: Candidate): Record<string, string> | undefined => {
    const byFile = new Map<string, Edit[]>();
    for (const e of c.edits) byFile.set(e.file, [...(byFile.get(e.file) ?? []), e]);
    const files: Record<string, string> = { ...o.base };
    for (const [file, edits] of byFile) {
      const src = o.sources.get(file)!;
      const text = applyEdits(src.text, edits);
      if (text === src.text) return undefined;
      files[file] = text;
    }
    const key = JSON.stringify(files);
    if (seen.has(key)) return undefined;
    seen.add(key);
    for (const [file, text] of Object.entries(files)) if (!parses(file)(text)) return undefined;
    return files;
  };

  // Candidates derived from a partial fix, verified before the rest of the queue.
  const urgent: Candidate[] = [];
  const run = async (queue: Candidate[]): Promise<void> => {
    let next = 0;
    const lane = async (): Promise<void> => {
      while ((urgent.length || next < queue.length) && !stopped()) {
        const c = urgent.shift() ?? queue[next++];
        const files = materialize(c);
        if (!files) continue;
        tried++;
        if (tried % 50 === 0) o.onProgress?.(tried, `${tried} candidates tried`);
        let verdict: Verdict;
        try {
          verdict = await o.verifier.verify(files, { lead: leadingTests(c, o.sources, failingOutcomes) });
        } catch (e) {
          if (o.signal?.aborted) return;
          throw e;
        }
        if (verdict.status === 'passed') {
          found.push({ edits: withBefore(c.edits), files, verdict });
          if (found.length === 1) o.onProgress?.(tried, 'verified fix found; comparing it with the alternatives found meanwhile', `a verified fix at ${c.edits.map((e) => `${e.file}:${e.line}`).join(', ')}`);
          o.more.until ??= Date.now() + o.more.ms;
          stopAt = Math.min(stopAt, o.more.until);
        } else if (verdict.testsFixed.length > (o.fixedBefore ?? 0)) {
          if (c.edits.length === 1) {
            partial.push({ c, fixed: verdict.testsFixed.length });
            urgent.push(...repeated(o.sources.get(c.edits[0].file)!, c));
          }
          if (!found.length) await checkPartial(c, files, verdict).catch(() => undefined);
        }
      }
    };
    await Promise.all(Array.from({ length: o.verifier.size }, lane));
  };

  const parses = (file: string) => (text: string) => {
    const tree = o.parsers.get(file)!.parse(text);
    const ok = !!tree && !tree.rootNode.hasError;
    tree?.delete();
    return ok;
  };
  // Per wave of lines: cheap mutations first, then conditions synthesized from runtime values, then the
  // wider synthesis space (wraps, added terms and clauses, guards, inserted statements).
  // Cheap mutations first over a wide set of lines (they are few per line), then conditions synthesized
  // from runtime values, then the wider synthesis space (wraps, added terms and clauses, guards,
  // inserted statements) at the top lines; then further out.
  const weights = lineWeights(o.lines);
  const pool: Candidate[] = [];
  const { outcomes, collectErrors } = o.verifier.baseline;
  const undefinedNames = reportedUndefined([...outcomes.filter((t) => t.status !== 'passed'), ...collectErrors]);
  const expected = expectedErrors(o.verifier.task.root, o.verifier.task.tests, o.verifier.baseline.failing, [...o.parsers.values()][0], o.verifier.task.language === 'python');
  const mutate = async (lines: RankedLine[]) => {
    const c = singles(o, lines, (src, line) => [
      ...mutationsAt(src, line), ...restructureAt(src, line, undefinedNames),
      ...offByOneAt(src, line),
      ...complementAt(src, line),
      ...regexAt(src, line),
      ...raiseGuardsAt(src, line, expected),
      ...earlyReturnsAt(src, line),
      ...defaultsAt(src, line),
      ...sameOperatorAt(src, line),
    ]);
    pool.push(...c.slice(0, 300));
    await run(c);
  };
  const conditions = async (lines: RankedLine[]) => {
    const c: Candidate[] = [];
    for (const l of lines) {
      const src = o.sources.get(l.file);
      if (!src || stopped()) continue;
      const edits = await conditionSynthesis(o.verifier, src, l.line, parses(l.file), o.signal).catch(() => []);
      for (const e of edits) c.push({ edits: [e], score: (weights.get(`${l.file}:${l.line}`) ?? 0.1) * e.prior });
    }
    await run(c.sort((a, b) => b.score - a.score));
  };
  const synthesize = async (lines: RankedLine[]) => {
    const c = singles(o, lines, synthesisAt);
    pool.push(...c.filter((x) => x.edits[0].prior >= 0.3).slice(0, 100));
    await run(c);
  };
  // Pairs on the partial fixes found so far: the best few after the first wave, the rest at the end.
  const combine = (limit: number) => run(pairs(partial, [...pool].sort((a, b) => b.score - a.score)).slice(0, limit));
  const steps = o.mutationsOnly ? [() => mutate(o.lines.slice(0, 40))] : [
    () => mutate(o.lines.slice(0, 16)), () => conditions(o.lines.slice(0, 4)), () => synthesize(o.lines.slice(0, 6)), () => combine(1500),
    () => mutate(o.lines.slice(16, 40)), () => conditions(o.lines.slice(4, 10)), () => synthesize(o.lines.slice(6, 16)), () => combine(20000),
  ];
  const [from, to] = o.mutationsOnly ? [0, steps.length] : o.steps ?? [0, steps.length];
  let next = from;
  // A partial fix ends the search after the current step: the repair continues from it, and comes back to
  // the step not finished (or the next one) when that leads nowhere.
  while (next < to && !stopped()) {
    await steps[next]();
    if (stopped()) break;
    next++;
    if (afterPartial()) break;
  }
  clean.sort((a, b) => b.verdict.testsFixed.length - a.verdict.testsFixed.length);
  return { found, partials: clean, tried, cancelled: !!o.signal?.aborted, next };
}

const keywords = new Set(['if', 'elif', 'else', 'for', 'while', 'in', 'is', 'not', 'and', 'or', 'return', 'def', 'function', 'const', 'let', 'var',
  'True', 'False', 'None', 'true', 'false', 'null', 'undefined', 'break', 'continue', 'pass', 'len', 'range']);
const isName = (t: string) => /^[A-Za-z_$][\w$]*$/.test(t) && !keywords.has(t);

interface Token { t: string; s: number; e: number }
function tokens(line: string): Token[] {
  return [...line.matchAll(/[A-Za-z_$][\w$]*|\d+(?:\.\d+)?|\S/g)].map((m) => ({ t: m[0], s: m.index!, e: m.index! + m[0].length }));
}
const shape = (toks: Token[]) => toks.map((x) => (isName(x.t) ? '_' : x.t)).join(' ');

/**
 * A partial fix repeated where a line of the same shape occurs again (code copied between functions carries
 * its bug along: `if days.count(day) > 1:` and `if months.count(month) > 1:`), with the names of that line
 * mapped into the edit: the edit at each copy alone with the original, and at every copy at once.
 */
function repeated(src: SourceFile, c: Candidate): Candidate[] {
  const e = c.edits[0];
  const before = src.text.slice(e.start, e.end);
  if (!before || before.includes('\n') || e.text.includes('\n')) return [];
  const lines = src.text.split('\n');
  const starts: number[] = [];
  for (let r = 0, at = 0; r < lines.length; r++) { starts.push(at); at += lines[r].length + 1; }
  const row = e.line - 1;
  const own = tokens(lines[row]);
  const from = own.findIndex((x) => x.s === e.start - starts[row]);
  const to = own.findIndex((x) => x.e === e.end - starts[row]);
  if (from < 0 || to < from) return [];
  const ownShape = shape(own);
  const copies: Edit[] = [];
  for (let r = 0; r < lines.length; r++) {
    if (r === row) continue;
    const other = tokens(lines[r]);
    if (other.length !== own.length || shape(other) !== ownShape) continue;
    const names = new Map<string, string>();
    let consistent = true;
    own.forEach((x, k) => {
      if (!isName(x.t)) return;
      if ((names.get(x.t) ?? other[k].t) !== other[k].t) consistent = false;
      names.set(x.t, other[k].t);
    });
    if (!consistent) continue;
    const text = e.text.replace(/[A-Za-z_$][\w$]*/g, (w) => names.get(w) ?? w);
    copies.push({ ...e, start: starts[r] + other[from].s, end: starts[r] + other[to].e, text, line: r + 1 });
  }
  const out = copies.map((x) => ({ edits: [e, x], score: c.score }));
  if (copies.length > 1) out.push({ edits: [e, ...copies], score: c.score });
  return out;
}

/** Two-edit candidates: each partial fix combined with the best single edits elsewhere. */
function pairs(partial: { c: Candidate; fixed: number }[], singlesPool: Candidate[]): Candidate[] {
  const out: Candidate[] = [];
  partial.sort((a, b) => b.fixed - a.fixed || b.c.score - a.c.score);
  for (const p of partial.slice(0, 30)) {
    const a = p.c.edits[0];
    for (const s of singlesPool) {
      const b = s.edits[0];
      if (overlaps(a, b)) continue;
      out.push({ edits: [a, b], score: p.c.score * s.score * (1 + p.fixed) });
    }
  }
  return out.sort((x, y) => y.score - x.score).slice(0, 20000);
}
