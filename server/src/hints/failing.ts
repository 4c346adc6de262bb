// The failing test a hint talks about, taken from a real test run: its id, the call under test (from the
// framework's message or the assertion line of the test file), and expected/actual exactly as reported.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { HintTest, TestResult, TestRunResult } from '../../../common/protocol';

const failed = (t: TestResult) => t.status === 'failed' || t.status === 'error' || t.status === 'timedOut';

/** The call under test: pytest's "where X = call(...)" explanation, else the assertion line's left side. */
export function callUnderTest(root: string, t: TestResult): string | undefined {
  const where = t.message?.match(/where .*? = ([A-Za-z_][\w.]*\(.*\))\s*$/m);
  if (where) return where[1];
  const at = t.assertion ?? (t.traceback?.length ? t.traceback[0] : undefined);
  if (!at) return undefined;
  let line: string | undefined;
  try { line = readFileSync(join(root, at.file), 'utf8').split('\n')[at.line - 1]; } catch { return undefined; }
  const m = line?.trim().match(/^assert\s+(.+?)\s*(==|!=|is not|is)\s*.+$/) ?? line?.trim().match(/^self\.assert\w*\((.+?),/);
  const call = m?.[1] ?? line?.trim().match(/([A-Za-z_][\w.]*\(.*\))/)?.[1];
  return call && /\(/.test(call) ? call : undefined;
}

/** The failing tests of a run, most informative first (expected/actual known, then a short message). */
export function failingTests(run: TestRunResult): TestResult[] {
  const score = (t: TestResult) => (t.expected !== undefined && t.actual !== undefined ? 0 : t.status === 'failed' ? 1 : 2);
  return run.tests.filter(failed).sort((a, b) => score(a) - score(b));
}

export function hintTest(root: string, t: TestResult): HintTest {
  return { id: t.id, input: callUnderTest(root, t), expected: t.expected, actual: t.actual, message: firstLine(t.message) };
}

function firstLine(s: string | undefined): string | undefined {
  return s?.split('\n')[0].slice(0, 300);
}

/** One sentence about the failing test, e.g. "`search(100, [])` should give 0 but gives None (test ...)." */
export function describeTest(t: HintTest, status?: TestResult['status']): string {
  const what = t.input ? `\`${t.input}\`` : `The test ${t.id}`;
  const which = t.input ? ` (test ${t.id})` : '';
  if (status === 'timedOut') return `${what} does not finish${which}: something keeps running for this input.`;
  if (t.expected !== undefined && t.actual !== undefined) return `${what} should give ${t.expected} but gives ${t.actual}${which}.`;
  if (t.message) return `${what} fails${which}: ${t.message.replace(/[.!?]?\s*$/, '.')}`;
  return `${what} fails${which}.`;
}
