// Runs Python tests with pytest (or unittest) inside the sandbox and turns the events of the shipped
// plugin into TestResults. When the interpreter dies mid-test (a hang the alarm could not break, a crash),
// that test is reported and the run resumes with the tests not yet reported.
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import type { RunProblem, TestResult, TestStatus } from '../../../common/results';
import { describeExit, type DriverContext, type DriverOutput, mapFrames, outputProblems, readEvents, runInScratch, tail, timedOutMessage, toWorkspacePath, watchProgress } from './driver';
import { noPythonTests } from './files';
import { pytestPluginModule, pytestPluginSource } from './pytestPlugin';
import type { PythonInfo } from './toolchain';
import { unittestRunnerSource } from './unittestRunner';

type Event = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const maxResumes = 25;

export async function runPython(ctx: DriverContext, py: PythonInfo, framework: 'pytest' | 'unittest', pytestArgs: string[] = []): Promise<DriverOutput> {
  const tool = ctx.scratch.toolDir;
  await fs.writeFile(join(tool, `${pytestPluginModule}.py`), pytestPluginSource);
  await fs.writeFile(join(tool, 'loopwise_unittest.py'), unittestRunnerSource);
  const resultsPath = join(tool, 'results.jsonl');
  const env: Record<string, string> = {
    LOOPWISE_RESULTS: resultsPath,
    LOOPWISE_TEST_TIMEOUT: String(ctx.testTimeoutS),
    PYTHONPATH: tool + (process.env.PYTHONPATH ? `:${process.env.PYTHONPATH}` : ''),
    ...(py.userBase ? { PYTHONUSERBASE: py.userBase } : {}),
  };
  const readOnly = [...py.paths, ...(py.userBase ? [py.userBase] : [])];

  const results = new Map<string, TestResult>();
  const problems: RunProblem[] = [];
  const seenProblems = new Set<string>();
  let collected: string[] | undefined;
  let targets = ctx.files;

  for (let attempt = 0; attempt <= maxResumes; attempt++) {
    await fs.rm(resultsPath, { force: true });
    await fs.rm(resultsPath + '.hang', { force: true });
    const args = framework === 'pytest'
      ? ['-m', 'pytest', '-p', pytestPluginModule, '-q', '--color=no', '--rootdir=.',
        '--continue-on-collection-errors', ...pytestArgs, ...(targets ?? [])]
      : [join(tool, 'loopwise_unittest.py'), ...(targets ?? [])];
    const stop = watchProgress(ctx, resultsPath, '"event": "result"', () => collected?.length);
    const run = await runInScratch(ctx, py.executable, args, readOnly, env);
    stop();
    const events: Event[] = readEvents(resultsPath);
    let started: string | undefined;
    let startedAt: Event | undefined;
    let lastCollectError: TestResult | undefined;
    for (const e of events) {
      if (e.event === 'collected' && !collected) collected = e.ids;
      else if (e.event === 'start') {
        started = e.id;
        startedAt = e;
      }
      else if (e.event === 'result') {
        results.set(e.id, toResult(ctx, e, framework));
        started = undefined;
      } else if (e.event === 'syntaxError') {
        const file = toWorkspacePath(ctx.scratch, e.file);
        const key = `${file}:${e.line}`;
        if (file && !seenProblems.has(key)) {
          seenProblems.add(key);
          problems.push({ kind: 'syntaxError', message: syntaxMessage(file, e), location: { file, line: e.line } });
        }
        if (file && lastCollectError) {
          lastCollectError.message = `cannot load this test file: ${syntaxMessage(file, e)}`;
          lastCollectError.traceback = [{ file, line: e.line }];
        }
      } else if (e.event === 'collectError') {
        const file = toWorkspacePath(ctx.scratch, e.file) ?? '<collection>';
        lastCollectError = e.timedOut
          ? { id: file, name: file, file, status: 'timedOut', message: e.message }
          : { id: file, name: file, file, status: 'error', message: `cannot load this test file:\n${errorLines(e.message)}` };
        results.set(`collect:${file}`, lastCollectError);
      }
    }
    const finished = events.find((e) => e.event === 'finished');
    if (run.aborted) break;
    if (run.timedOut) {
      if (started) results.set(started, { ...placeholder(ctx, started, startedAt), status: 'timedOut', message: 'the run was stopped (run time limit) while this test was running' });
      problems.push({ kind: 'runTimedOut', message: `the test run hit its time limit and was stopped; ${results.size} results were collected before that` });
      break;
    }
    // pytest ends with 2 (interrupted) or 3 (internal error) when a test broke the session itself: report
    // that test like a crash below and resume; anything else is the normal end of the run.
    const brokeOff = finished && (finished.exitstatus === 2 || finished.exitstatus === 3) && started;
    if (finished && !brokeOff) {
      if (finished.exitstatus === 5 && results.size === 0) problems.push(noTests(ctx));
      if (finished.exitstatus >= 2 && finished.exitstatus <= 4 && results.size === 0) problems.push(crashed(framework, run.stdout + run.stderr));
      break;
    }
    if (!events.length) {
      problems.push(crashed(framework, run.stderr || run.stdout));
      break;
    }
    if (started) {
      const hung = await fs.stat(resultsPath + '.hang').then((s) => s.size > 0, () => false);
      results.set(started, hung
        ? { ...placeholder(ctx, started, startedAt), status: 'timedOut', message: `timed out after ${ctx.testTimeoutS} s and could not be interrupted (a long call outside Python, or the timeout was caught)` }
        : { ...placeholder(ctx, started, startedAt), status: 'error', message: `the test run broke off while running this test (${describeExit(run)})\n${tail(run.stderr || run.stdout, 10)}` });
    }
    targets = (collected ?? []).filter((id) => !results.has(id));
    if (!targets.length) break;
    ctx.progress(`resuming after ${started ?? 'a crash'}`);
  }
  if (framework === 'unittest' && results.size === 0 && !problems.length) problems.push(noTests(ctx));
  if (collected && results.size === 0 && !problems.length) problems.push(noTests(ctx));
  return { tests: [...results.values()], problems: [...problems, ...outputProblems(results.values())] };
}

function toResult(ctx: DriverContext, e: Event, framework: 'pytest' | 'unittest'): TestResult {
  const file = toWorkspacePath(ctx.scratch, e.file) ?? (e.module ? String(e.module) : String(e.id).split('::')[0]);
  const name = framework === 'pytest' ? String(e.id).split('::').slice(1).join('::') || e.name : String(e.id).split('.').slice(-2).join('.');
  const r: TestResult = {
    id: framework === 'pytest' ? e.id : `${file}::${String(e.id).split('.').slice(-2).join('::')}`,
    name,
    file,
    status: e.status as TestStatus,
    ...(e.line ? { line: e.line } : {}),
    ...(typeof e.durationMs === 'number' ? { durationMs: e.durationMs } : {}),
  };
  if (e.status === 'timedOut') r.message = timedOutMessage(ctx);
  else if (e.message) r.message = e.message;
  if (e.expected != null) r.expected = e.expected;
  if (e.actual != null) r.actual = e.actual;
  Object.assign(r, mapFrames(ctx.scratch, e.frames, file));
  if (e.output) r.output = e.output;
  if (e.outputBytes) r.outputBytes = e.outputBytes;
  return r;
}

/** pytest marks the error itself with 'E   ' in a long report; keep those lines when there are any. */
function errorLines(longrepr: string): string {
  const marked = longrepr.split('\n').filter((l) => l.startsWith('E ')).map((l) => l.slice(1).trim());
  return marked.length ? marked.slice(-10).join('\n') : tail(longrepr, 10);
}

/** The result of a test whose process died under it: what its start event said. */
function placeholder(ctx: DriverContext, id: string, start: Event | undefined): TestResult {
  const file = toWorkspacePath(ctx.scratch, start?.file) ?? id.split('::')[0];
  return { id, name: id.split('::').slice(1).join('::') || id, file, status: 'error', ...(start?.line ? { line: start.line } : {}) };
}

function syntaxMessage(file: string, e: Event): string {
  if (/unicode error|codec can't decode/.test(e.message)) {
    return `${file}:${e.line}: the file is not valid UTF-8 (${e.message.replace(/^SyntaxError: \(unicode error\) /, '')}). ` +
      `Save it as UTF-8, or declare its encoding on the first line, e.g. "# -*- coding: latin-1 -*-".`;
  }
  return `${file}:${e.line}: ${e.message}`;
}

function noTests(ctx: DriverContext): RunProblem {
  return {
    kind: 'noTests',
    message: ctx.files?.length
      ? `no tests found in ${ctx.files.join(', ')}`
      : noPythonTests,
  };
}

function crashed(framework: string, output: string): RunProblem {
  return { kind: 'runnerCrashed', message: `${framework} could not run the tests:\n${tail(output, 20)}` };
}

