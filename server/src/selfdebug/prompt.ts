// The explain-then-fix prompt: the failing tests (their code, expected and actual), the traceback, the ranked
// suspicious lines with the runtime values seen there, the source, and what earlier attempts did and how they
// failed. Large sources are trimmed to the functions the evidence points at.
import type { RuntimeValues, SuspiciousLine } from '../../../common/localize';
import type { StackFrame } from '../../../common/results';
import type { ChatMessage } from '../llm/client';
import { parse, grammarFor } from '../parse/parser';
import { enclosingFunction, functionsIn, testsIn } from '../parse/queries';

export interface FailureInfo {
  id: string;
  status: string;
  message?: string;
  expected?: string;
  actual?: string;
  traceback?: StackFrame[];
}

/** What the tests say about one version of the code. */
export interface Diagnosis {
  failures: FailureInfo[];
  suspicious: SuspiciousLine[];
  values: RuntimeValues[];
}

/** One earlier attempt, as fed back to the model. */
export interface AttemptFeedback {
  round: number;
  /** The attempt as a unified diff against the original ('' when no reply held usable code). */
  diff: string;
  outcome: string;
}

export interface PromptInput {
  language: 'python' | 'javascript';
  sources: Record<string, string>;
  tests: Record<string, string>;
  diagnosis: Diagnosis;
  history: AttemptFeedback[];
  description?: string;
  /** Above this many characters of source, only the relevant functions are shown. */
  maxSourceChars?: number;
}

const system = (lang: string) => `You are an expert ${lang} programmer fixing a bug so that every test passes.
Answer in two parts:
1. Explanation: in a few sentences, say what the code does wrong and why the failing tests fail.
2. Fix: the corrected function(s) in full, in one fenced \`\`\`${lang} code block.
Rules: change only the existing functions of the source files (no new functions, same names and signatures);
never change the tests; do not special-case the test inputs.`;

const fence = (lang: string, code: string) => '```' + lang + '\n' + code.replace(/\s+$/, '') + '\n```';
const clip = (s: string, n: number) => (s.length > n ? s.slice(0, n) + ' ...' : s);

async function sourceSection(path: string, text: string, focusLines: number[], maxChars: number, lang: string): Promise<string> {
  const grammar = grammarFor(path);
  if (text.length <= maxChars || !grammar) return `### ${path}\n${fence(lang, clip(text, maxChars * 2))}`;
  const tree = await parse(grammar, text);
  try {
    const defs = functionsIn(tree, grammar).filter((d) => d.kind !== 'class');
    const keep = new Set(focusLines.map((l) => enclosingFunction(tree, grammar, l)).filter((d) => d !== undefined).map((d) => d.qualifiedName));
    const shown = defs.filter((d) => keep.has(d.qualifiedName));
    const others = defs.filter((d) => !keep.has(d.qualifiedName) && !shown.some((s) => s.startIndex <= d.startIndex && s.endIndex >= d.endIndex));
    const body = shown.map((d) => text.slice(d.startIndex, d.endIndex)).join('\n\n');
    const signatures = others.map((d) => text.split('\n')[d.startLine - 1].trim()).slice(0, 60);
    return `### ${path} (large file: only the functions the failures point at; the rest is unchanged)\n` +
      fence(lang, clip(body, maxChars)) + (signatures.length ? `\nOther definitions in ${path}: ${signatures.join(' | ')}` : '');
  } finally {
    tree.delete();
  }
}

/** The code of a failing test, found by its name in the test files. */
async function testCode(id: string, tests: Record<string, string>): Promise<string | undefined> {
  const name = id.split('::').pop()?.replace(/\[.*\]$/, '') ?? id;
  for (const [path, text] of Object.entries(tests)) {
    const grammar = grammarFor(path);
    if (!grammar) continue;
    const tree = await parse(grammar, text);
    try {
      const t = testsIn(tree, grammar).find((d) => d.kind === 'test' && (d.name === name || id.endsWith(d.path.join('::')) || id.endsWith(d.path.join(' > '))));
      if (t) return text.slice(t.startIndex, t.endIndex);
    } finally {
      tree.delete();
    }
  }
  return undefined;
}

export function describeFailure(f: FailureInfo): string {
  const lines = [`- ${f.id}: ${f.status}`];
  if (f.expected !== undefined) lines.push(`  expected: ${clip(f.expected, 300)}`);
  if (f.actual !== undefined) lines.push(`  actual:   ${clip(f.actual, 300)}`);
  if (f.message) lines.push(`  message: ${clip(f.message.trim(), 800).replace(/\n/g, '\n  ')}`);
  if (f.traceback?.length) lines.push(`  traceback (outermost first): ${f.traceback.map((s) => `${s.file}:${s.line}${s.function ? ` in ${s.function}` : ''}`).join(' -> ')}`);
  return lines.join('\n');
}

export async function buildPrompt(input: PromptInput): Promise<ChatMessage[]> {
  const lang = input.language;
  const maxChars = input.maxSourceChars ?? 12000;
  const { failures, suspicious, values } = input.diagnosis;
  const parts: string[] = [];
  if (input.description) parts.push(`## Task\n${clip(input.description, 2000)}`);

  const focus = new Map<string, number[]>();
  const addFocus = (file: string, line: number) => focus.set(file, [...(focus.get(file) ?? []), line]);
  for (const s of suspicious.slice(0, 8)) addFocus(s.file, s.line);
  for (const f of failures) for (const fr of f.traceback ?? []) if (fr.file in input.sources) addFocus(fr.file, fr.line);
  parts.push('## Source');
  for (const [path, text] of Object.entries(input.sources)) parts.push(await sourceSection(path, text, focus.get(path) ?? [], maxChars, lang));

  parts.push(`## Failing tests (${failures.length})`);
  for (const f of failures.slice(0, 6)) {
    const code = await testCode(f.id, input.tests);
    parts.push(describeFailure(f) + (code ? `\n  test code:\n${fence(lang, clip(code, 1500))}` : ''));
  }
  if (failures.length > 6) parts.push(`... and ${failures.length - 6} more failing tests.`);

  if (suspicious.length) {
    const lineText = (file: string, line: number) => input.sources[file]?.split('\n')[line - 1]?.trim() ?? '';
    parts.push('## Suspicious lines (most suspicious first, from test coverage)\n' + suspicious.slice(0, 8)
      .map((s) => `${s.rank}. ${s.file}:${s.line} (score ${s.score.toFixed(2)}): ${lineText(s.file, s.line)}`).join('\n'));
  }
  if (values.length) {
    const shown = values.slice(0, 8).map((v) => {
      const snaps = v.snapshots.slice(0, 3).map((s) => {
        const before = Object.entries(s.before).map(([k, x]) => `${k}=${x}`).join(', ');
        const after = s.returned !== undefined ? ` -> returns ${s.returned}` : s.after ? ` -> ${Object.entries(s.after).map(([k, x]) => `${k}=${x}`).join(', ')}` : '';
        return `    #${s.hit}: ${before}${after}`;
      });
      return `- ${v.file}:${v.line} in ${v.test}:\n${snaps.join('\n')}${v.omitted ? `\n    (${v.omitted} more executions)` : ''}`;
    });
    parts.push('## Runtime values at those lines during a failing test\n' + clip(shown.join('\n'), 4000));
  }
  for (const h of input.history) {
    const attempt = h.diff ? `Your change (a diff against the original):\n${fence('diff', clip(h.diff, 3000))}` : 'No reply held usable code.';
    parts.push(`## Attempt in round ${h.round} (did not work)\n${attempt}\nResult: ${clip(h.outcome, 2500)}`);
  }
  parts.push(input.history.length
    ? 'Explain why the previous attempt still fails and what the real bug is, then give a different, complete fix.'
    : 'Explain the bug first, then give the fix.');
  return [{ role: 'system', content: system(lang) }, { role: 'user', content: parts.join('\n\n') }];
}
