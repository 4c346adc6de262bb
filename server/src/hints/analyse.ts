// What every hint engine needs about a student's folder: the exercise (task, assignment, reference), a real test
// run (failing inputs with expected/actual), and a verified fix with the lines it changes: from the embedded
// repair engine on the student's own code, else from the teacher's reference when it differs only a little.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTwoFilesPatch } from 'diff';
import type { RepairEdit, RepairResult, TestResult, TestRunResult } from '../../../common/protocol';
import { repair } from '../repair/repair';
import { loadTask, type RepairTask } from '../repair/task';
import { runTests } from '../run';
import { defaultPolicy, readAssignment, type HintPolicy } from './assignment';
import { failingTests } from './failing';
import { fixFromReference } from './reference';
import { repairSyntax, type SyntaxFix } from './syntax';
import { grammarFor } from '../parse/parser';

export interface Exercise {
  task: RepairTask;
  description?: string;
  /** Never shown: used to verify a fix and to locate the bug. */
  referencePath?: string;
  /** The source file the reference stands for. */
  solutionFile?: string;
  policy: HintPolicy;
}

export interface VerifiedFix {
  origin: 'embedded' | 'reference' | 'llm';
  file: string;
  original: string;
  fixed: string;
  diff: string;
  /** 1-based lines of the original the fix changes (an insertion counts the line it goes before). */
  changedLines: number[];
  edit: RepairEdit;
  /** Reference fixes at function granularity: the function whose reference version fixes the failing test. */
  functionName?: string;
}

export interface Analysis {
  exercise: Exercise;
  run: TestRunResult;
  failing: TestResult[];
  repair?: RepairResult;
  fix?: VerifiedFix;
  /** The program does not parse: the parser's message and the simple repair that makes it parse, if any. */
  syntax?: { file: string; line: number; message: string; original: string; fix?: SyntaxFix };
  /** Why the reference gave no verified fix, when it did not. */
  referenceNote?: string;
}

export function loadExercise(folder: string): Exercise {
  const task = loadTask(folder);
  const assignment = readAssignment(task.root);
  let referencePath = assignment?.referencePath;
  let description = assignment?.description;
  if (!referencePath && task.taskDir) {
    const meta = JSON.parse(readFileSync(join(task.taskDir, 'task.json'), 'utf8')) as { reference?: string; description?: string };
    if (meta.reference && existsSync(join(task.taskDir, meta.reference))) referencePath = join(task.taskDir, meta.reference);
    description ??= meta.description;
  }
  const tests = assignment?.tests ?? task.tests;
  return { task: { ...task, tests }, description, referencePath, solutionFile: assignment?.solutionFile, policy: assignment?.policy ?? defaultPolicy };
}

/** 1-based original lines a unified diff of one file touches. */
export function changedOriginalLines(diff: string): number[] {
  const out = new Set<number>();
  let line = 0;
  for (const l of diff.split('\n')) {
    const h = l.match(/^@@ -(\d+)/);
    if (h) { line = Number(h[1]); continue; }
    if (!line || l.startsWith('---') || l.startsWith('+++')) continue;
    if (l.startsWith('-')) out.add(line++);
    else if (l.startsWith('+')) out.add(line);
    else if (l.startsWith(' ')) line++;
  }
  return [...out].sort((a, b) => a - b);
}

export async function analyse(ex: Exercise, o: { budgetS?: number; signal?: AbortSignal } = {}): Promise<Analysis> {
  const { task } = ex;
  const run = await runTests({ root: task.root, signal: o.signal });
  const failing = failingTests(run);
  const a: Analysis = { exercise: ex, run, failing };
  const syntax = run.problems.find((p) => p.kind === 'syntaxError' && p.location);
  if (syntax?.location) {
    const { file, line } = syntax.location;
    const original = readFileSync(join(task.root, file), 'utf8');
    const message = syntax.message.replace(/^[^:]*:\d+:\s*/, '');
    a.syntax = { file, line, message, original, fix: await repairSyntax(file, grammarFor(file) ?? 'python', original, line) };
    return a;
  }
  if (!failing.length) return a;
  a.repair = await repair({ root: task.root, language: task.language, sources: task.sources, tests: task.tests, budgetS: o.budgetS ?? 20, signal: o.signal });
  const best = a.repair.fixes[0];
  if (best?.edits.length) {
    const edit = best.edits[0];
    const file = best.files.find((f) => f.path === edit.file);
    if (file) {
      const original = readFileSync(join(task.root, edit.file), 'utf8');
      const diff = createTwoFilesPatch(`a/${edit.file}`, `b/${edit.file}`, original, file.newText);
      a.fix = { origin: 'embedded', file: edit.file, original, fixed: file.newText, diff, changedLines: changedOriginalLines(diff), edit };
    }
  }
  if (!a.fix && ex.referencePath) {
    const r = await fixFromReference(ex, a.failing[0].id);
    a.fix = r.fix;
    a.referenceNote = r.note;
  }
  return a;
}
