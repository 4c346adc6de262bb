// LLM tutor hints after GPT4Hints-GPT3.5Val: the tutor model writes an explanation and one concise hint from
// the problem, the failing test, the buggy program and the verified fix; the student model then tries n repairs
// without the hint and n with it (each verified by running the tests); the hint is accepted when
// with >= without and (with/n >= alpha or (with - without)/n >= beta), else regenerated once, then withheld.
// The leak guard runs before any validation. Without a verified fix the embedded fallback answers.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { HintLevel, HintResponse, TutorHint } from '../../../common/protocol';
import { TokenBudget } from '../llm/budget';
import type { ChatMessage, LlmClient } from '../llm/client';
import { createTwoFilesPatch } from 'diff';
import { isConfigured } from '../llm/config';
import { candidateFromReply } from '../selfdebug/candidate';
import { fixWithLlm } from '../selfdebug/session';
import { parseReply } from '../selfdebug/reply';
import { Verifier } from '../verify';
import { changedOriginalLines, type Analysis, type VerifiedFix } from './analyse';
import { embeddedHint } from './embedded';
import { hintTest } from './failing';
import { addedLines, checkLeak } from './leakGuard';
import { syntaxLlmHint } from './syntaxLlm';
import { grammarFor } from '../parse/parser';

export interface LlmHintOptions {
  client: LlmClient;
  /** Student attempts with and without the hint (default 5 each). */
  n?: number;
  budget?: TokenBudget;
  signal?: AbortSignal;
}

export type LlmHintResponse = HintResponse & { leaksBlocked: number; engineNote?: string; tokens?: number };

/** Splits the tutor's reply into its explanation and its one hint ("HINT:" line, else the last paragraph). */
export function parseTutorReply(text: string): { explanation: string; hint: string } {
  const m = text.match(/^\s*\**hint\**\s*:\s*([\s\S]+)$/im);
  const hint = (m ? m[1] : text.trim().split(/\n\s*\n/).pop() ?? '').trim();
  const explanation = (m ? text.slice(0, m.index) : text).replace(/^\s*\**explanation\**\s*:\s*/im, '').trim();
  return { explanation, hint };
}

/** Acceptance rule of the validation step (alpha, beta: the teacher's precision knob). */
export function acceptHint(withHint: number, without: number, n: number, alpha: number, beta: number): boolean {
  return withHint >= without && (withHint / n >= alpha || (withHint - without) / n >= beta);
}

function testLines(a: Analysis): string {
  const t = hintTest(a.exercise.task.root, a.failing[0]);
  return [`Failing test: ${t.id}`, t.input && `Input: ${t.input}`, t.expected !== undefined && `Expected: ${t.expected}`, t.actual !== undefined && `Actual: ${t.actual}`, t.message && `Message: ${t.message}`]
    .filter(Boolean).join('\n');
}

function tutorPrompt(a: Analysis, previous?: string): ChatMessage[] {
  const fix = a.fix!;
  return [
    { role: 'system', content: 'You are a programming tutor. Explain the bug to yourself, then write ONE concise hint (at most two sentences) that helps the student find and fix it on their own. The hint must not contain code from the fix or say which exact edit to make.' },
    { role: 'user', content: [
      a.exercise.description && `Problem: ${a.exercise.description}`, testLines(a),
      `Student program (${fix.file}):\n\`\`\`\n${fix.original}\`\`\``, `A verified fix (never show it):\n\`\`\`diff\n${fix.diff}\`\`\``,
      previous && `A previous hint did not help students enough or revealed the fix: "${previous}". Write a different one.`,
      'Answer as:\nEXPLANATION: ...\nHINT: ...',
    ].filter(Boolean).join('\n\n') },
  ];
}

function studentPrompt(a: Analysis, hint?: string): ChatMessage[] {
  const fix = a.fix!;
  return [
    { role: 'system', content: 'You are a student fixing your program. Reply with the whole corrected file in one fenced code block.' },
    { role: 'user', content: [a.exercise.description && `Problem: ${a.exercise.description}`, testLines(a), `My program (${fix.file}):\n\`\`\`\n${fix.original}\`\`\``, hint && `Hint from the tutor: ${hint}`].filter(Boolean).join('\n\n') },
  ];
}

/** Student repairs that make every test pass, out of n (each verified by the warm verifier). */
async function studentSuccesses(a: Analysis, v: Verifier, hint: string | undefined, o: LlmHintOptions & { n: number; budget: TokenBudget }): Promise<number> {
  const { task } = a.exercise;
  const sources = Object.fromEntries(task.sources.map((s) => [s, readFileSync(join(task.root, s), 'utf8')]));
  let ok = 0;
  for (let i = 0; i < o.n; i++) {
    const reply = await o.client.chat('student', studentPrompt(a, hint), { temperature: 0.8, budget: o.budget, signal: o.signal });
    const cand = await candidateFromReply(parseReply(reply.text), { sources, tests: task.tests, primary: a.fix!.file });
    if (!cand.ok) continue;
    const verdict = await v.verify(cand.files);
    if (verdict.status === 'passed') ok++;
  }
  return ok;
}

export async function llmHint(a: Analysis, level: HintLevel, o: LlmHintOptions): Promise<LlmHintResponse> {
  const budget = o.budget ?? new TokenBudget(o.client.config.tokenBudget, 'hint');
  if (a.syntax) {
    const r = await syntaxLlmHint(a, level, { client: o.client, n: o.n ?? 5, budget, signal: o.signal });
    return { status: 'hint', hint: r.hint, leaksBlocked: r.leaksBlocked, engineNote: r.note, tokens: budget.used };
  }
  // No fix from the embedded engine or the reference: the self-debugging engine may find one (verified).
  if (a.failing.length && !a.fix && isConfigured(o.client.config, 'fixer')) a.fix = await fixFromLlm(a, o.client, budget, o.signal);
  if (!a.failing.length || !a.fix) {
    const r = await embeddedHint(a, level);
    return { ...r, engineNote: a.failing.length ? 'no verified fix to ground a tutor-model hint: embedded fallback' : undefined };
  }
  const n = o.n ?? 5;
  const { alpha, beta, maxLevel } = a.exercise.policy;
  const fix = a.fix;
  const guard = { grammar: grammarFor(fix.file) ?? 'python' as const, original: fix.original, added: addedLines(fix.diff) };
  const v = await Verifier.open(a.exercise.task, { workers: 1 });
  let leaksBlocked = 0;
  let previous: string | undefined;
  const notes: string[] = [];
  // Students without the hint are only asked once a hint passed the leak guard.
  let without: number | undefined;
  try {
    for (let round = 0; round < 2; round++) {
      const reply = await o.client.chat('tutor', tutorPrompt(a, previous), { temperature: 0.3 + round * 0.4, budget, signal: o.signal });
      const { hint } = parseTutorReply(reply.text);
      previous = hint;
      if (!hint) { notes.push('the tutor model gave no hint'); continue; }
      const leak = await checkLeak(hint, guard);
      if (leak.leaks) { leaksBlocked++; notes.push(`hint blocked by the leak guard: ${leak.reason}`); continue; }
      without ??= await studentSuccesses(a, v, undefined, { ...o, n, budget });
      const withHint = await studentSuccesses(a, v, hint, { ...o, n, budget });
      if (acceptHint(withHint, without, n, alpha, beta)) {
        const test = hintTest(a.exercise.task.root, a.failing[0]);
        const out: TutorHint = {
          source: 'llm', level: Math.min(level, maxLevel) as HintLevel, maxLevel, text: hint, test,
          validation: { withHint, withoutHint: without, attempts: n, leakChecked: true, note: `student model fixed ${withHint}/${n} with the hint, ${without}/${n} without (alpha ${alpha}, beta ${beta})` },
        };
        return { status: 'hint', hint: out, leaksBlocked, tokens: budget.used };
      }
      notes.push(`hint not accepted: students fixed ${withHint}/${n} with it, ${without}/${n} without`);
    }
  } finally {
    await v.close();
  }
  return { status: 'withheld', message: `no hint passed validation (${notes.join('; ')})`, leaksBlocked, tokens: budget.used };
}

/** A fix from the LLM self-debugging engine, verified by running all tests, as a hint's grounding. */
async function fixFromLlm(a: Analysis, client: LlmClient, budget: TokenBudget, signal?: AbortSignal): Promise<VerifiedFix | undefined> {
  const { task, description } = a.exercise;
  const r = await fixWithLlm({ ...task, description }, { client, budget, signal, timeBudgetMs: 120_000 }).catch(() => undefined);
  const proposed = r && 'fix' in r ? r.fix : undefined;
  const file = proposed && Object.keys(proposed.files)[0];
  if (!proposed || !file) return undefined;
  const original = readFileSync(join(task.root, file), 'utf8');
  const diff = createTwoFilesPatch(`a/${file}`, `b/${file}`, original, proposed.files[file]);
  const changedLines = changedOriginalLines(diff);
  if (!changedLines.length) return undefined;
  return { origin: 'llm', file, original, fixed: proposed.files[file], diff, changedLines, edit: { file, line: changedLines[0], kind: 'llmFunction', before: '', after: '' } };
}
