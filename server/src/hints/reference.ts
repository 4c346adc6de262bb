// A verified fix from the teacher's reference solution, for hints only (the reference is never shown). Student
// programs are usually written differently, so: the whole reference when it differs in a few lines (points at a
// line), else one function at a time: the student's function replaced by the reference's version of it, kept
// when that makes the failing test pass without breaking a passing one (points at the function).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTwoFilesPatch } from 'diff';
import { parse, grammarFor } from '../parse/parser';
import { functionsIn } from '../parse/queries';
import { applyFunctionEdit } from '../selfdebug/apply';
import { Verifier } from '../verify';
import { changedOriginalLines, type Exercise, type VerifiedFix } from './analyse';

/** Reference diffs up to this many changed lines are close enough to point at a line. */
const maxReferenceLines = 4;

export async function fixFromReference(ex: Exercise, failingTest: string): Promise<{ fix?: VerifiedFix; note?: string }> {
  const { task } = ex;
  const file = ex.solutionFile ?? (task.sources.length === 1 ? task.sources[0] : undefined);
  if (!file) return { note: 'the reference could not be matched to one source file (set solutionFile in the assignment)' };
  const grammar = grammarFor(file);
  if (grammar !== 'python' && grammar !== 'javascript') return { note: `the reference cannot be used for ${file}` };
  const reference = readFileSync(ex.referencePath!, 'utf8');
  const original = readFileSync(join(task.root, file), 'utf8');
  const v = await Verifier.open(task, { workers: 1 });
  try {
    const whole = await v.verify({ [file]: reference });
    if (whole.status !== 'passed') return { note: `the reference solution does not pass the tests (${whole.status})` };
    const diff = createTwoFilesPatch(`a/${file}`, `b/${file}`, original, reference);
    const changedLines = changedOriginalLines(diff);
    if (changedLines.length && changedLines.length <= maxReferenceLines) {
      const at = changedLines[0];
      const removes = diff.split('\n').some((l) => l.startsWith('-') && !l.startsWith('---'));
      return { fix: { origin: 'reference', file, original, fixed: reference, diff, changedLines, edit: { file, line: at, kind: removes ? 'condition' : 'insertStatement', before: original.split('\n')[at - 1] ?? '', after: '' } } };
    }
    const tree = await parse(grammar, reference);
    const defs = functionsIn(tree, grammar).filter((d) => d.kind !== 'class' && !d.isTest);
    const texts = defs.map((d) => ({ name: d.qualifiedName, text: reference.slice(d.startIndex, d.endIndex) }));
    tree.delete();
    for (const def of texts) {
      const swapped = await applyFunctionEdit(original, grammar, def.text);
      if (!swapped.replaced.length || swapped.resultParseError) continue;
      const verdict = await v.verify({ [file]: swapped.text });
      const broke = verdict.tests.some((t) => v.baseline.passing.includes(t.id) && t.status !== 'passed');
      if (broke || !verdict.testsFixed.includes(failingTest)) continue;
      const fnDiff = createTwoFilesPatch(`a/${file}`, `b/${file}`, original, swapped.text);
      const lines = changedOriginalLines(fnDiff);
      if (!lines.length) continue;
      return { fix: { origin: 'reference', file, original, fixed: swapped.text, diff: fnDiff, changedLines: lines, functionName: swapped.replaced[0], edit: { file, line: lines[0], kind: 'function', before: '', after: '' } } };
    }
    return { note: `the reference solution is written differently (${changedLines.length} lines differ) and no single function of it fixes the failing test` };
  } finally {
    await v.close();
  }
}
