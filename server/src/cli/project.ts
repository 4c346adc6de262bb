// What `run`, `fix` and `hint` share before they start: whether the folder's tests can be run at all, in
// the words `loopwise run` uses (an unsupported runner or language, a runner not installed, no tests), and
// how a command reports its failure on stdout in --json mode.
import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { RunProblem } from '../../../common/results';
import { inspectProject, type ProjectInfo } from '../run/detect';
import { noPythonTests } from '../run/files';

/** Problems that mean the tests could not be run at all: an environment error (exit 2). */
export const environmentProblems: RunProblem['kind'][] = ['unsupportedLanguage', 'frameworkMissing'];

/** The message for problems that stop a run, as `loopwise run` prints it. */
export function blockingMessage(problems: RunProblem[]): string {
  return problems.filter((p) => environmentProblems.includes(p.kind)).map((p) => p.message).join('\n');
}

/**
 * Why the tests of `folder` cannot run (the project folder of a benchmark task is its workspace/), or
 * undefined when they can. Same detection as `loopwise run`, so the three commands say the same thing.
 */
export async function whyNotRunnable(folder: string): Promise<string | undefined> {
  const abs = resolve(folder);
  if (!isDirectory(abs)) return `folder not found: ${folder}`;
  const root = existsSync(join(abs, 'task.json')) && isDirectory(join(abs, 'workspace')) ? join(abs, 'workspace') : abs;
  const project = await inspectProject(root);
  if (!runnable(project)) return blockingMessage(project.problems) || project.problems.map((p) => p.message).join('\n') || 'no tests found';
  if (!project.tests.length) {
    const none = project.problems.find((p) => p.kind === 'noTests');
    if (none) return none.message;
    if (project.language === 'python') return noPythonTests;
  }
  return undefined;
}

function runnable(p: ProjectInfo): boolean {
  if (!p.framework) return false;
  if (!p.problems.some((x) => environmentProblems.includes(x.kind))) return true;
  // A missing loader for some test files still leaves the others to run; a missing runner leaves nothing.
  if (p.framework === 'mocha') return !!p.mocha;
  if (p.framework === 'jest' || p.framework === 'vitest') return !!p.runner;
  return p.tests.length > 0;
}

/** --json: a failed command still writes one JSON object to stdout, with the reason in `error`. */
export function printJsonError(message: string): void {
  console.log(JSON.stringify({ status: 'error', error: message }, null, 2));
}

function isDirectory(p: string): boolean {
  try { return statSync(p).isDirectory(); } catch { return false; }
}
