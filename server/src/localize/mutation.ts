// Mutation-based evidence (Metallaxis/MUSE style): mutate the top-ranked lines, run each mutant on
// the warm verification workers, and score a line by how its mutants change the tests' outcomes:
// a mutant that makes failing tests pass (or flips them without breaking passing ones) marks its line.
import type { SuspiciousLine } from '../../../common/localize';
import { grammarFor, parse } from '../parse/parser';
import { Verifier, type TestOutcome, type Verdict } from '../verify/verifier';
import { LocalizeCancelled } from './exec';
import { mutantsAt, type Mutant } from './mutants';
import { lineKey, type MutationEvidence } from './rank';

export interface MutationOptions {
  /** A verifier already open on the same task (its warm workers are reused, and it is not closed). */
  verifier?: Verifier;
  /** At most how many top lines to mutate (default 16) and mutants per line (default 8). */
  maxLines?: number;
  perLine?: number;
}

export interface MutationContext extends MutationOptions {
  root: string;
  language: 'python' | 'javascript';
  sources: string[];
  tests: string[];
  texts: Map<string, string>;
  failing: string[];
  budgetMs: number;
  signal?: AbortSignal;
}

/**
 * Metallaxis-style: Ochiai over the tests whose outcome a mutant changes, counting a failing test the
 * mutant makes pass fully and one it merely makes fail differently (an error, a hang, another wrong
 * value in the assertion) at a quarter, since almost any mutant of executed code does that.
 */
function mutantScore(fixedFailing: number, otherChangedFailing: number, brokePassing: number, totalFailed: number): number {
  const ochiai = (f: number, p: number) => (f + p === 0 ? 0 : f / Math.sqrt(totalFailed * (f + p)));
  return ochiai(fixedFailing, brokePassing) * 0.75 + ochiai(fixedFailing + otherChangedFailing, brokePassing) * 0.25;
}

/** Object addresses differ from run to run; they say nothing about the outcome. */
const normalized = (message: string) => message.replace(/\b0x[0-9a-f]+\b/gi, '0x');
/** The exception type a failure message starts with (`AssertionError: ...`). */
const errorType = (message: string) => /^([\w.]+):/.exec(message)?.[1];

/**
 * True when a test ran with the mutant and its outcome differs from the original's: another status,
 * or (where the runner reports messages) another wrong value asserted, or a crash turned into a wrong
 * value. A wrong value turned into a crash does not count: almost any mutant can make code crash.
 */
function failsDifferently(before: TestOutcome | undefined, after: TestOutcome | undefined): boolean {
  if (!after) return false;
  if (!before || before.status !== after.status) return true;
  if (before.message === undefined || after.message === undefined || normalized(before.message) === normalized(after.message)) return false;
  const type = errorType(after.message);
  return type === errorType(before.message) || type === 'AssertionError';
}

export async function mutationEvidence(ranked: SuspiciousLine[], ctx: MutationContext): Promise<Map<string, MutationEvidence>> {
  const started = Date.now();
  // Every line tied near the top gets mutants (ties are what mutation must break), at least the top few:
  // near the best combined score, or near the best spectrum score (a traceback may sit just after
  // the faulty line, e.g. in the body of the loop whose condition is wrong).
  const statements = ranked.filter((l) => l.evidence.statement);
  const best = statements[0]?.score ?? 0;
  const bestOchiai = Math.max(0, ...statements.map((l) => l.ochiai));
  const near = (l: SuspiciousLine, i: number) => i < 6 || l.score >= best - 0.15 || l.ochiai >= bestOchiai - 0.06;
  const lines = statements.filter(near).slice(0, ctx.maxLines ?? 16);
  const perLine: Mutant[][] = [];
  for (const l of lines) {
    const text = ctx.texts.get(l.file);
    const grammar = grammarFor(l.file);
    if (text === undefined || !grammar) continue;
    const tree = await parse(grammar, text);
    perLine.push(mutantsAt(l.file, text, tree, l.line, ctx.language === 'python', ctx.perLine ?? 8));
    tree.delete();
  }
  // Round robin over the lines, so that a budget cut short still leaves evidence on every line.
  const mutants: Mutant[] = [];
  for (let i = 0; perLine.some((ms) => i < ms.length); i++) for (const ms of perLine) if (i < ms.length) mutants.push(ms[i]);
  const evidence = new Map<string, MutationEvidence>();
  if (!mutants.length) return evidence;
  const verifier = ctx.verifier ?? await Verifier.open({ root: ctx.root, language: ctx.language, sources: ctx.sources, tests: ctx.tests });
  try {
    const { failing, passing, outcomes } = verifier.baseline;
    if (!failing.length) return evidence;
    const original = new Map(outcomes.map((t) => [t.id, t]));
    const record = (m: Mutant, verdict: Verdict) => {
      if (verdict.status === 'invalid' || !verdict.tests.length) return;
      const now = new Map(verdict.tests.map((t) => [t.id, t]));
      const status = new Map(verdict.tests.map((t) => [t.id, t.status]));
      const fixedFailing = failing.filter((id) => status.get(id) === 'passed').length;
      const changedFailing = failing.filter((id) => failsDifferently(original.get(id), now.get(id))).length;
      const brokePassing = passing.filter((id) => status.has(id) && status.get(id) !== 'passed').length;
      const key = lineKey(m.file, m.line);
      const prev = evidence.get(key) ?? { mutants: 0, fixedFailing: 0, brokePassing: 0, changedFailing: 0, score: 0, mean: 0 };
      const score = mutantScore(fixedFailing, changedFailing - fixedFailing, brokePassing, failing.length);
      evidence.set(key, {
        mutants: prev.mutants + 1,
        fixedFailing: Math.max(prev.fixedFailing, fixedFailing),
        changedFailing: Math.max(prev.changedFailing, changedFailing),
        brokePassing: prev.mutants ? Math.min(prev.brokePassing, brokePassing) : brokePassing,
        score: Math.max(prev.score, score),
        mean: (prev.mean * prev.mutants + score) / (prev.mutants + 1),
      });
    };
    // As many mutants in flight as the verifier has workers.
    let next = 0;
    const lane = async () => {
      while (next < mutants.length && Date.now() - started < ctx.budgetMs) {
        if (ctx.signal?.aborted) throw new LocalizeCancelled();
        const m = mutants[next++];
        record(m, await verifier.verify({ [m.file]: m.text }, { failFast: false }));
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, verifier.size) }, lane));
  } finally {
    if (!ctx.verifier) await verifier.close();
  }
  return evidence;
}
