// The LLM self-debugging loop: ask the fixer model to explain then fix, turn each reply into a candidate,
// verify it like the embedded engine (every test, no regressions), and feed the failures of the best attempt
// back. N rounds of K candidates at different temperatures; stops at the first verified fix, on a stall
// (the same failure twice in a row), or when the time or token budget runs out.
import { createHash } from 'node:crypto';
import { createTwoFilesPatch } from 'diff';
import type { TokenBudget } from '../llm/budget';
import type { LlmClient } from '../llm/client';
import { LlmError, type LlmErrorKind } from '../llm/errors';
import { candidateFromReply, type RejectReason } from './candidate';
import { buildPrompt, describeFailure, type AttemptFeedback, type Diagnosis } from './prompt';
import { parseReply } from './reply';

/** The part of the verifier session (server/src/verify/verifier.ts) the loop uses. */
export interface CandidateVerifier {
  baseline: { tests: string[]; failing: string[] };
  verify(files: Record<string, string>): Promise<{ status: string; tests: { id: string; status: string }[]; testsFixed: string[]; message?: string }>;
}

export interface SelfDebugInput {
  language: 'python' | 'javascript';
  /** Editable sources and test files: path (relative to the root) -> text. */
  sources: Record<string, string>;
  tests: Record<string, string>;
  description?: string;
  /** Source the localization points at first. */
  primary?: string;
}

export interface SelfDebugOptions {
  client: LlmClient;
  verifier: CandidateVerifier;
  budget: TokenBudget;
  /** Failures of the original code (with localization when available). */
  initial: Diagnosis;
  /** Describes the failures of a candidate (files overlaid on the original), for the feedback. */
  diagnose?: (files: Record<string, string>, signal?: AbortSignal) => Promise<Diagnosis>;
  rounds?: number;
  candidatesPerRound?: number;
  temperatures?: number[];
  timeBudgetMs?: number;
  signal?: AbortSignal;
  onProgress?: (p: SelfDebugProgress) => void;
}

export interface SelfDebugProgress {
  round: number;
  candidate: number;
  phase: 'asking' | 'verifying' | 'rejected' | 'failed' | 'passed';
  detail?: string;
  tokensUsed: number;
}

export interface Attempt {
  round: number;
  temperature: number;
  explanation: string;
  outcome: 'passed' | 'failed' | 'rejected' | 'llmError' | 'cancelled';
  reason?: RejectReason;
  /** Why the model call failed (llmError attempts). */
  errorKind?: LlmErrorKind;
  message?: string;
  files?: Record<string, string>;
  changed?: string[];
  /** Tests failing with this candidate (verified attempts). */
  failing?: string[];
  testsFixed?: string[];
}

export interface ProposedFix {
  files: Record<string, string>;
  diff: string;
  explanation: string;
  changed: string[];
  round: number;
  testsFixed: string[];
  /** Failing tests left (empty for a verified fix). */
  failing: string[];
}

export type StopReason = 'verified' | 'rounds' | 'stall' | 'time' | 'tokens' | 'cancelled' | 'llmError';

export interface SelfDebugResult {
  status: 'fixed' | 'notFixed' | 'cancelled' | 'llmError';
  stopReason: StopReason;
  /** One line a user reads: what happened and why the loop stopped. */
  message: string;
  /** A verified fix: every test passes. The only thing ever offered for applying. */
  fix?: ProposedFix;
  /** The unverified attempt that got furthest: for viewing only, never applied. */
  bestAttempt?: ProposedFix;
  attempts: Attempt[];
  rounds: number;
  tokens: ReturnType<TokenBudget['summary']>;
  ms: number;
}

const defaultTemperatures = [0.2, 0.7, 1.0];

export function renderDiff(before: Record<string, string>, after: Record<string, string>): string {
  return Object.keys(after).map((p) => createTwoFilesPatch(`a/${p}`, `b/${p}`, before[p] ?? '', after[p], undefined, undefined, { context: 3 })
    .split('\n').slice(1).join('\n')).join('');
}

const hashFiles = (files: Record<string, string>) => createHash('sha1').update(JSON.stringify(Object.entries(files).sort())).digest('hex');

export async function selfDebug(input: SelfDebugInput, o: SelfDebugOptions): Promise<SelfDebugResult> {
  const started = Date.now();
  const rounds = o.rounds ?? 3;
  const k = o.candidatesPerRound ?? 3;
  const temps = o.temperatures ?? defaultTemperatures;
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(), o.timeBudgetMs ?? 180_000);
  const attempts: Attempt[] = [];
  const history: AttemptFeedback[] = [];
  const verdicts = new Map<string, Attempt>();
  // Per candidate: the same code is never verified or diagnosed twice (and a repeat is then recognisably the same).
  const diagnoses = new Map<string, Diagnosis | undefined>();
  const task = { sources: input.sources, tests: Object.keys(input.tests), testTexts: input.tests, primary: input.primary };
  let stop: StopReason = 'rounds';
  let fatal: string | undefined;
  let fix: ProposedFix | undefined;
  let previousSignature: string | undefined;
  let round = 0;
  const proposed = (a: Attempt): ProposedFix => ({
    files: a.files!, diff: renderDiff(input.sources, a.files!), explanation: a.explanation, changed: a.changed ?? [],
    round: a.round, testsFixed: a.testsFixed ?? [], failing: a.failing ?? [],
  });

  try {
    for (round = 1; round <= rounds; round++) {
      if (o.signal?.aborted) { stop = 'cancelled'; break; }
      if (deadline.signal.aborted) { stop = 'time'; break; }
      if (o.budget.exhausted) { stop = 'tokens'; break; }
      const messages = await buildPrompt({ language: input.language, sources: input.sources, tests: input.tests, diagnosis: o.initial, history, description: input.description });
      const winner = new AbortController();
      const signal = AbortSignal.any([winner.signal, deadline.signal, ...(o.signal ? [o.signal] : [])]);
      const progress = (candidate: number, phase: SelfDebugProgress['phase'], detail?: string) =>
        o.onProgress?.({ round, candidate, phase, detail, tokensUsed: o.budget.used });

      const one = async (c: number): Promise<Attempt> => {
        const temperature = temps[c % temps.length];
        const base: Attempt = { round, temperature, explanation: '', outcome: 'llmError' };
        progress(c, 'asking');
        let text: string;
        try {
          text = (await o.client.chat('fixer', messages, { temperature, signal, budget: o.budget, maxTokens: 2048 })).text;
        } catch (err) {
          const e = err instanceof LlmError ? err : new LlmError('badReply', String(err));
          return { ...base, outcome: e.kind === 'cancelled' ? 'cancelled' : 'llmError', errorKind: e.kind, message: e.message };
        }
        const reply = parseReply(text);
        const cand = await candidateFromReply(reply, task);
        if (!cand.ok) {
          progress(c, 'rejected', cand.message);
          return { ...base, explanation: reply.explanation, outcome: 'rejected', reason: cand.reason, message: cand.message };
        }
        const key = hashFiles(cand.files);
        const seen = verdicts.get(key);
        if (seen) return { ...seen, round, temperature, explanation: reply.explanation || seen.explanation };
        if (signal.aborted) return { ...base, outcome: 'cancelled', explanation: reply.explanation };
        progress(c, 'verifying', cand.changed.join(', '));
        let v: Awaited<ReturnType<CandidateVerifier['verify']>>;
        try {
          v = await o.verifier.verify(cand.files);
        } catch (err) {
          // A verifier that cannot run this candidate (e.g. it was closed by a cancellation) fails only it.
          return { ...base, explanation: reply.explanation, outcome: 'failed', files: cand.files, changed: cand.changed, failing: o.verifier.baseline.tests,
            message: `the candidate could not be verified: ${err instanceof Error ? err.message : String(err)}` };
        }
        const failing = v.status === 'passed' ? [] : failingOf(v, o.verifier.baseline.tests);
        const attempt: Attempt = {
          ...base, explanation: reply.explanation, outcome: v.status === 'passed' ? 'passed' : 'failed', files: cand.files, changed: cand.changed,
          failing, testsFixed: v.testsFixed, message: verdictMessage(v),
        };
        verdicts.set(key, attempt);
        progress(c, attempt.outcome === 'passed' ? 'passed' : 'failed', failing.join(', '));
        if (attempt.outcome === 'passed') winner.abort();
        return attempt;
      };

      const results = await Promise.all(Array.from({ length: k }, (_, c) => one(c)));
      attempts.push(...results);
      const passed = results.find((a) => a.outcome === 'passed');
      if (passed) {
        fix = proposed(passed);
        stop = 'verified';
        break;
      }
      if (o.signal?.aborted) { stop = 'cancelled'; break; }
      if (deadline.signal.aborted) { stop = 'time'; break; }
      const errors = results.filter((a) => a.outcome === 'llmError');
      if (errors.some((a) => a.errorKind === 'budget')) { stop = 'tokens'; break; }
      if (errors.length === results.length) {
        stop = 'llmError';
        fatal = errors[0].message;
        break;
      }
      const fatalError = errors.find((a) => !['timeout', 'rateLimited', 'server', 'badReply'].includes(a.errorKind ?? ''));
      if (fatalError) { stop = 'llmError'; fatal = fatalError.message; break; }

      const verified = results.filter((a) => a.outcome === 'failed').sort((a, b) => a.failing!.length - b.failing!.length);
      const best = verified[0];
      const rejected = results.filter((a) => a.outcome === 'rejected');
      let outcome: string;
      let signature: string;
      if (best) {
        // Code that does not load has nothing more to say than its error; anything else is run again with
        // localization, for the failure messages and the values at the suspicious lines.
        const loads = best.message === undefined || !best.message.startsWith('the code does not load');
        const key = hashFiles(best.files!);
        if (loads && !diagnoses.has(key)) diagnoses.set(key, await o.diagnose?.(best.files!, o.signal).catch(() => undefined));
        const diagnosis = diagnoses.get(key);
        const failures = diagnosis?.failures.length ? diagnosis.failures.slice(0, 6).map(describeFailure).join('\n') : best.failing!.map((id) => `- ${id}: failed`).join('\n');
        outcome = `${best.message ? best.message + '\n' : ''}${best.failing!.length} test(s) still fail:\n${failures}`;
        if (diagnosis?.values.length) outcome += `\nValues seen with this attempt:\n${diagnosis.values.slice(0, 3).map((v) => `- ${v.file}:${v.line}: ${v.snapshots.slice(0, 2).map((x) => JSON.stringify(x.before)).join(' ; ')}`).join('\n')}`;
        signature = `${best.failing!.slice().sort().join(',')}|${best.message ?? ''}|${diagnosis?.failures.map((f) => f.message ?? '').join('|') ?? ''}`;
      } else {
        outcome = 'No usable fix.';
        signature = `rejected:${rejected.map((a) => a.reason).sort().join(',')}`;
      }
      if (rejected.length) outcome += `\nOther replies were rejected: ${[...new Set(rejected.map((a) => a.message))].join(' ')}`;
      history.push({ round, diff: best ? renderDiff(input.sources, best.files!) : '', outcome });
      if (signature === previousSignature) { stop = 'stall'; break; }
      previousSignature = signature;
    }
  } finally {
    clearTimeout(timer);
  }
  if (round > rounds) round = rounds;

  const unverified = attempts.filter((a) => a.outcome === 'failed').sort((a, b) => a.failing!.length - b.failing!.length || a.round - b.round)[0];
  const tokens = o.budget.summary();
  const status: SelfDebugResult['status'] = fix ? 'fixed' : stop === 'cancelled' ? 'cancelled' : stop === 'llmError' ? 'llmError' : 'notFixed';
  return {
    status, stopReason: stop, fix, bestAttempt: fix ? undefined : unverified && proposed(unverified), attempts, rounds: round, tokens, ms: Date.now() - started,
    message: summarize(stop, round, tokens.total, fatal, fix),
  };
}

function verdictMessage(v: { status: string; message?: string }): string | undefined {
  switch (v.status) {
    case 'failed': return undefined;
    case 'invalid': return `the code does not load: ${v.message ?? ''}`;
    case 'timedOut': return 'some tests did not finish in time (an endless loop or very slow code?).';
    default: return `the test run crashed${v.message ? `: ${v.message}` : ''}.`;
  }
}

function failingOf(v: { status: string; tests: { id: string; status: string }[] }, all: string[]): string[] {
  const passed = new Set(v.tests.filter((t) => t.status === 'passed' || t.status === 'skipped').map((t) => t.id));
  if (v.status === 'invalid' || v.status === 'crashed') return all.length ? all : ['(the code does not load)'];
  const failing = v.tests.filter((t) => !passed.has(t.id)).map((t) => t.id);
  return failing.length ? failing : all.filter((t) => !passed.has(t));
}

function summarize(stop: StopReason, round: number, tokens: number, fatal: string | undefined, fix?: ProposedFix): string {
  const spent = `${tokens} tokens`;
  switch (stop) {
    case 'verified': return `Verified fix found in round ${fix!.round} (${fix!.changed.join(', ')}); every test passes. ${spent}.`;
    case 'rounds': return `No verified fix after ${round} round(s); ${spent}. The best attempt can be viewed but is not applied.`;
    case 'stall': return `Stopped in round ${round}: the model repeated the same failing attempt (stall); ${spent}.`;
    case 'time': return `Stopped: the time budget ran out in round ${round}; ${spent}.`;
    case 'tokens': return `Stopped: the token budget is spent (${spent}); raise loopwise.llm.tokenBudget to allow more.`;
    case 'cancelled': return `Cancelled in round ${round}; ${spent}.`;
    case 'llmError': return `The model could not be used: ${fatal ?? 'unknown error'}`;
  }
}
