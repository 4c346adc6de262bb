// Runs node:test files, one sandboxed node process per file with the shipped reporter and watchdog.
// When the watchdog kills a file's process, the test it was running is reported as timed out and the
// file is run again with that test skipped, so the tests after it are still reported.
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import type { RunProblem, TestResult, TestStatus } from '../../../common/results';
import { attachOutput, describeExit, type DriverContext, type DriverOutput, outputProblems, formatBytes, killedTest, lineOf, mapFrames, readEvents, runInScratch, tail, toWorkspacePath } from './driver';
import { isTypeScript } from './files';
import { nodeReporterSource, nodeWatchdogSource } from './nodeTools';
import type { SandboxResult } from './sandbox';
import type { NodeInfo } from './toolchain';

type Event = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const maxAttempts = 20;

export async function runNodeTests(ctx: DriverContext, node: NodeInfo, tsLoader: boolean): Promise<DriverOutput> {
  const tool = ctx.scratch.toolDir;
  const reporter = join(tool, 'loopwise-reporter.mjs');
  const watchdog = join(tool, 'loopwise-watchdog.mjs');
  await fs.writeFile(reporter, nodeReporterSource);
  await fs.writeFile(watchdog, nodeWatchdogSource);
  const files = ctx.files ?? [];
  const tests: TestResult[] = [];
  const problems: RunProblem[] = [];
  for (const [i, file] of files.entries()) {
    if (ctx.signal?.aborted || Date.now() >= ctx.deadline) break;
    ctx.progress(`running ${file}`, i, files.length);
    const args = [...(tsLoader && isTypeScript(file) ? ['--import', 'tsx'] : []), '--import', watchdog, `--test-reporter=${reporter}`, file];
    const out = await runFile(ctx, node, file, args);
    tests.push(...out.tests);
    problems.push(...out.problems);
  }
  if (Date.now() >= ctx.deadline && !ctx.signal?.aborted) {
    problems.push({ kind: 'runTimedOut', message: 'the test run hit its time limit and was stopped before all test files ran' });
  }
  return { tests, problems };
}

/** Runs one test file, resuming after each test the watchdog had to kill. */
async function runFile(ctx: DriverContext, node: NodeInfo, file: string, args: string[]): Promise<DriverOutput> {
  const resultsPath = join(ctx.scratch.toolDir, 'results.jsonl');
  const timedOut: TestResult[] = [];
  const skip: string[] = [];
  let last: { events: Event[]; run: SandboxResult } | undefined;
  for (let attempt = 0; attempt < maxAttempts; attempt++) {
    await fs.rm(resultsPath, { force: true });
    const env = { ...node.env, LOOPWISE_RESULTS: resultsPath, LOOPWISE_TEST_TIMEOUT_MS: String(ctx.testTimeoutS * 1000), LOOPWISE_SKIP: JSON.stringify(skip) };
    const run = await runInScratch(ctx, node.executable, args, node.paths, env);
    const events: Event[] = readEvents(resultsPath);
    last = { events, run };
    if (!events.some((e) => e.event === 'killed')) break;
    const begun = events.filter((e) => e.event === 'begin').pop();
    const killedInTest = events.find((e) => e.event === 'killed')?.inTest;
    if (!killedInTest || !begun || skip.includes(begun.name)) {
      timedOut.push({ id: file, name: file, file, status: 'timedOut', message: `${file} stopped responding outside any test for more than ${Math.max(ctx.testTimeoutS, 5)} s (an infinite loop in top-level code?)` });
      last = undefined;
      break;
    }
    skip.push(begun.name);
    const line = lineOf(join(ctx.scratch.workspace, file), begun.name);
    timedOut.push(killedTest(ctx, file, begun.name, line));
    ctx.progress(`${file}: '${begun.name}' timed out; running the rest of the file`);
  }
  if (!last) return { tests: timedOut, problems: [] };
  const tests = collectResults(ctx, file, last.events, new Set(skip), timedOut);
  attachOutput(tests, last.events, (t) => t.name.split(' > ').pop()!);
  const outcome = fileOutcome(ctx, file, last.run, tests.length + timedOut.length);
  const all = [...tests, ...timedOut, ...outcome.tests].sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
  const perTest = outputProblems(tests);
  const problems = perTest.length ? outcome.problems.filter((p) => p.kind !== 'outputTruncated') : outcome.problems;
  return { tests: all, problems: [...problems, ...perTest] };
}

function collectResults(ctx: DriverContext, file: string, events: Event[], skipped: Set<string>, timedOut: TestResult[]): TestResult[] {
  const results = events.filter((e) => e.event === 'result');
  const tests: TestResult[] = [];
  results.forEach((e, i) => {
    // Children are reported before their parent: an entry followed by a shallower one is a parent.
    const isParent = e.suite || results.slice(0, i).some((c) => c.nesting > e.nesting && c.path.slice(0, e.nesting + 1).join('\0') === e.path.join('\0'));
    if (isParent || skipped.has(e.name)) return;
    const rel = toWorkspacePath(ctx.scratch, e.file) ?? file;
    const name = e.path.join(' > ');
    let status: TestStatus = e.skip || e.todo ? 'skipped' : e.passed ? 'passed' : 'failed';
    if (!e.passed && e.error?.failureType === 'testTimeoutFailure') status = 'timedOut';
    // Under tsx the reported line is one of the transpiled code: look the test up in the source instead.
    const line = isTypeScript(rel) ? lineOf(join(ctx.scratch.workspace, rel), e.name) ?? e.line : e.line;
    const r: TestResult = { id: `${rel}::${name}`, name, file: rel, status, ...(line ? { line } : {}) };
    if (typeof e.durationMs === 'number') r.durationMs = Math.round(e.durationMs);
    if (!e.passed && e.error) {
      const err = e.error;
      r.message = err.name && err.name !== 'AssertionError' ? `${err.name}: ${err.message}` : err.message;
      if (err.expected !== undefined) { r.expected = err.expected; r.actual = err.actual; }
      Object.assign(r, mapFrames(ctx.scratch, parseStack(err.stack), rel));
    }
    if (!timedOut.some((t) => t.id === r.id)) tests.push(r);
  });
  return tests;
}

/**
 * A file that reported no test ran as a plain script: exit 0 passes (as with `node --test`), anything
 * else is an error of the file (syntax error, missing module, throw at load time).
 */
function fileOutcome(ctx: DriverContext, file: string, run: SandboxResult, reported: number): DriverOutput {
  const problems: RunProblem[] = [];
  if (run.truncated) problems.push({ kind: 'outputTruncated', message: `${file} printed more than ${formatBytes(1 << 20)}; the rest of its output was dropped` });
  if (reported || run.aborted || run.timedOut) return { tests: [], problems };
  if (run.code === 0) return { tests: [{ id: file, name: file, file, status: 'passed' }], problems };
  const error: TestResult = { id: file, name: file, file, status: 'error', message: `${file} failed to load (${describeExit(run)}):\n${tail(run.stderr || run.stdout)}` };
  const syntax = /^(\/[^\n]+?):(\d+)\n[\s\S]*?\n(SyntaxError: [^\n]+)/m.exec(run.stderr);
  const where = syntax && toWorkspacePath(ctx.scratch, syntax[1]);
  if (syntax && where) {
    const message = `${where}:${syntax[2]}: ${syntax[3]}`;
    problems.push({ kind: 'syntaxError', message, location: { file: where, line: Number(syntax[2]) } });
    error.message = message;
    error.traceback = [{ file: where, line: Number(syntax[2]) }];
  } else {
    Object.assign(error, mapFrames(ctx.scratch, parseStack(run.stderr)));
  }
  return { tests: [error], problems };
}

/** V8 stack lines, innermost first, turned into frames outermost first. */
export function parseStack(stack: string | undefined): { file: string; line: number; function?: string }[] {
  if (!stack) return [];
  const frames: { file: string; line: number; function?: string }[] = [];
  for (const line of stack.split('\n')) {
    const m = /^\s*at (?:(.*?) \()?(.+?):(\d+):\d+\)?$/.exec(line);
    if (!m || m[2].startsWith('node:')) continue;
    frames.push({ file: m[2].startsWith('file://') ? decodeURIComponent(new URL(m[2]).pathname) : m[2], line: Number(m[3]), ...(m[1] ? { function: m[1] } : {}) });
  }
  return frames.reverse();
}
