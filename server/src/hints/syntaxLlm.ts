// Syntax-error explanations with a model (PyFiXV): the tutor model explains the parse error, and the explanation
// is validated by back-repair: the student model, given only the program and the explanation, must return a
// program that parses and differs by a small edit, in at least ceil(alpha * n) of n attempts. Otherwise the
// embedded syntax hint is used (and said so).
import type { HintLevel, TutorHint } from '../../../common/protocol';
import type { TokenBudget } from '../llm/budget';
import type { LlmClient } from '../llm/client';
import { parse, grammarFor } from '../parse/parser';
import { parseReply } from '../selfdebug/reply';
import type { Analysis } from './analyse';
import { checkLeak } from './leakGuard';
import { editDistance, maxDistance, syntaxHint } from './syntax';

export interface BackRepairResult {
  hint: TutorHint;
  leaksBlocked: number;
  note?: string;
}

async function parsesNear(grammar: 'python' | 'javascript', original: string, reply: string): Promise<boolean> {
  const code = parseReply(reply).blocks.map((b) => b.code).pop();
  if (!code) return false;
  const tree = await parse(grammar, code);
  const ok = !tree.rootNode.hasError;
  tree.delete();
  return ok && editDistance(original.trimEnd(), code.trimEnd()) <= maxDistance * 2;
}

export async function syntaxLlmHint(a: Analysis, level: HintLevel, o: { client: LlmClient; n: number; budget: TokenBudget; signal?: AbortSignal }): Promise<BackRepairResult> {
  const s = a.syntax!;
  const grammar = (grammarFor(s.file) === 'python' ? 'python' : 'javascript') as 'python' | 'javascript';
  const { alpha, maxLevel } = a.exercise.policy;
  const fallback = await syntaxHint(s, s.fix, s.message, grammar, s.original, level, maxLevel);
  const reply = await o.client.chat('tutor', [
    { role: 'system', content: 'You are a programming tutor. Explain this syntax error to a beginner in one or two sentences, naming the line, without writing the corrected code.' },
    { role: 'user', content: `Parser message: ${s.message} (${s.file}:${s.line})\n\nProgram:\n\`\`\`\n${s.original}\`\`\`${s.fix ? `\n\nA verified repair (do not show it):\n\`\`\`\n${s.fix.fixed.split('\n')[s.fix.line - 1]}\n\`\`\`` : ''}` },
  ], { temperature: 0.3, budget: o.budget, signal: o.signal });
  const explanation = reply.text.trim();
  const added = s.fix ? [s.fix.fixed.split('\n')[s.fix.line - 1]] : [];
  const leak = await checkLeak(explanation, { grammar, original: s.original, added });
  if (!explanation || leak.leaks) return { hint: fallback, leaksBlocked: leak.leaks ? 1 : 0, note: leak.leaks ? `the model's explanation was blocked by the leak guard (${leak.reason}): embedded syntax hint` : 'the model gave no explanation: embedded syntax hint' };
  let ok = 0;
  for (let i = 0; i < o.n; i++) {
    const attempt = await o.client.chat('student', [
      { role: 'system', content: 'Fix the syntax error in this program using only the explanation. Reply with the whole corrected file in one fenced code block.' },
      { role: 'user', content: `Explanation: ${explanation}\n\nProgram:\n\`\`\`\n${s.original}\`\`\`` },
    ], { temperature: 0.8, budget: o.budget, signal: o.signal });
    if (await parsesNear(grammar, s.original, attempt.text)) ok++;
  }
  const needed = Math.ceil(alpha * o.n);
  if (ok < needed) return { hint: fallback, leaksBlocked: 0, note: `back-repair validation failed (${ok}/${o.n} repairs parse, ${needed} needed): embedded syntax hint` };
  return {
    hint: { ...fallback, source: 'syntax', text: explanation, validation: { leakChecked: true, withHint: ok, attempts: o.n, note: `back-repair: ${ok}/${o.n} student repairs from the explanation alone parse (${needed} needed)` } },
    leaksBlocked: 0,
  };
}
