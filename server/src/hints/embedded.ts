// Tutor hints without a model: built from a real failing test and a verified fix (embedded repair or the
// teacher's reference), at three levels (nudge -> location -> concept), never the solution. Every fact is
// checked: the named line is one the fix changes, input/expected/actual come from the test run, and the text
// passes the leak guard. Without a verified fix the hint is labelled 'fallback' and points at the top
// suspicious line from the localization instead.
import type { HintLevel, HintResponse, TestResult, TutorHint } from '../../../common/protocol';
import { grammarFor } from '../parse/parser';
import type { Analysis } from './analyse';
import { describeTest, hintTest } from './failing';
import { addedLines, checkLeak } from './leakGuard';
import { describeProblem } from './problem';
import { syntaxHint } from './syntax';

/** Concept help when the reference locates the bug in a whole function rather than one line. */
const functionConcept = 'List the cases this function has to handle (for example: no match, exactly one, several) and check what it returns in each; the failing input is one of them.';
const nudge = 'Work through this input by hand, one line at a time, and compare what your code computes with what it should compute.';

export function clampLevel(level: number | undefined, max: HintLevel): HintLevel {
  const l = Math.round(level ?? 1);
  return Math.max(1, Math.min(max, l)) as HintLevel;
}

/** The response when there is nothing to hint about (all tests pass, or the tests could not run). */
export function noHintReason(a: Analysis): HintResponse | undefined {
  if (a.failing.length) return undefined;
  // Warnings (a weaker sandbox, cut output) do not stop the tests from running.
  const problem = a.run.problems.find((p) => p.kind !== 'weakSandbox' && p.kind !== 'outputTruncated');
  if (problem) return { status: 'error', message: problem.message };
  return { status: 'allPassing', message: `all ${a.run.tests.length} tests pass: no hint needed` };
}

export async function embeddedHint(a: Analysis, requested: HintLevel): Promise<HintResponse & { leaksBlocked: number }> {
  if (a.syntax) {
    const s = a.syntax;
    const hint = await syntaxHint(s, s.fix, s.message, grammarFor(s.file) ?? 'python', s.original, requested, a.exercise.policy.maxLevel);
    return { status: 'hint', hint, leaksBlocked: 0 };
  }
  const none = noHintReason(a);
  if (none) return { ...none, leaksBlocked: 0 };
  const maxLevel = a.exercise.policy.maxLevel;
  const failing: TestResult = a.failing[0];
  const test = hintTest(a.exercise.task.root, failing);
  const about = describeTest(test, failing.status);
  const fix = a.fix;
  if (!fix) return { status: 'hint', hint: fallbackHint(a, clampLevel(requested, maxLevel), maxLevel, about, test), leaksBlocked: 0 };

  const grammar = grammarFor(fix.file) ?? 'python';
  const kind = fix.functionName
    ? { problem: 'function', where: `the function \`${fix.functionName}\`, from line ${fix.changedLines[0]}`, concept: functionConcept }
    : await describeProblem(grammar, fix.original, fix.edit, test);
  // A fact check, not a formality: the line named must be one the verified fix changes.
  const line = fix.changedLines.includes(fix.edit.line) ? fix.edit.line : fix.changedLines[0];
  const where = kind.where.replace(/line \d+/, `line ${line}`);
  const texts: Record<HintLevel, string> = {
    1: `${about} ${nudge}`,
    2: `${about} In ${fix.file}, look at ${where}.`,
    3: `${about} In ${fix.file}, look at ${where}. ${kind.concept}`,
  };
  let leaksBlocked = 0;
  const guard = { grammar, original: fix.original, added: addedLines(fix.diff) };
  // Highest allowed level first; a level whose text leaks is dropped for the one below.
  for (let level = clampLevel(requested, maxLevel); level >= 1; level--) {
    const text = texts[level as HintLevel];
    const leak = await checkLeak(text, guard);
    if (leak.leaks) { leaksBlocked++; continue; }
    const hint: TutorHint = {
      source: 'embedded', level: level as HintLevel, maxLevel, text, test, problem: kind.problem,
      location: level >= 2 ? { file: fix.file, line } : undefined,
      validation: { leakChecked: true, note: `verified fix from the ${{ reference: "teacher's reference solution", embedded: 'embedded repair engine', llm: 'LLM self-debugging engine' }[fix.origin]}; line ${line} is one it changes` },
    };
    return { status: 'hint', hint, leaksBlocked };
  }
  return { status: 'withheld', message: 'every hint text was blocked by the leak guard', leaksBlocked };
}

function fallbackHint(a: Analysis, level: HintLevel, maxLevel: HintLevel, about: string, test: TutorHint['test']): TutorHint {
  const top = a.repair?.localization?.lines.find((l) => l.evidence.statement) ?? a.repair?.localization?.lines[0];
  const why = a.repair?.status === 'syntaxError' ? a.repair.message : a.referenceNote ?? 'no verified fix was found';
  const where = top ? ` The line the failing tests run most suspiciously is line ${top.line} of ${top.file} (from test coverage, not a verified fix).` : '';
  const texts: Record<HintLevel, string> = {
    1: `${about} ${nudge}`,
    2: `${about}${where || ` ${nudge}`}`,
    3: `${about}${where} Write down the value of each variable after every line for this input, and find the first one that differs from what you expect.`,
  };
  return {
    source: 'fallback', level, maxLevel, text: texts[level], test,
    location: level >= 2 && top ? { file: top.file, line: top.line } : undefined,
    validation: { leakChecked: false, note: `location-free hint from the failing test: ${why}` },
  };
}
