// What the Jest and Vitest drivers share: one sandboxed run of the project's own runner with its JSON
// report and the shipped reporter's event stream, repeated with a hung test (or file) left out until the
// run completes, and the mapping of the Jest-shaped JSON report (both runners write one) to TestResults.
import { promises as fs, readFileSync } from 'node:fs';
import { inspect } from 'node:util';
import { join } from 'node:path';
import type { RunProblem, TestResult, TestStatus } from '../../../common/results';
import { type DriverContext, type DriverOutput, formatBytes, killedTest, lineOf, mapFrames, outputProblems, readEvents, runInScratch, tail, timedOutMessage, toWorkspacePath, watchProgress } from './driver';
import { parseStack } from './nodeTest';
import type { SandboxResult } from './sandbox';
import type { NodeInfo } from './toolchain';

type Event = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export interface JsAssertion {
  ancestorTitles: string[];
  title: string;
  status: string;
  duration?: number | null;
  failureMessages?: string[];
  failureDetails?: unknown[];
  location?: { line: number } | null;
}

export interface JsFileReport {
  name: string;
  status: string;
  message?: string;
  assertionResults: JsAssertion[];
}

/** What a failed test's error says, as far as the runner gives it. */
export interface ErrorDetails {
  message?: string;
  expected?: string;
  actual?: string;
  stack?: string;
}

export interface JsRunnerSpec {
  name: 'jest' | 'vitest';
  /** The runner's command line after the node executable, for one attempt. */
  args(report: string, skipTests: string[][], skipFiles: string[]): string[];
  /** The error of a failed test, from the report entry and the reporter's 'result' event. */
  details(a: JsAssertion, streamed: Event | undefined): ErrorDetails;
  /** Why a test file could not run (no test in it ran), from the report and the event stream. */
  fileError(f: JsFileReport, events: Event[]): string;
}

const maxAttempts = 20;

export async function runJsRunner(ctx: DriverContext, node: NodeInfo, spec: JsRunnerSpec): Promise<DriverOutput> {
  const eventsPath = join(ctx.scratch.toolDir, 'events.jsonl');
  const reportPath = join(ctx.scratch.toolDir, `${spec.name}.json`);
  const timedOut: TestResult[] = [];
  const skipTests: string[][] = [];
  const skipFiles: string[] = [];
  const problems: RunProblem[] = [];
  for (let attempt = 0; attempt < maxAttempts; attempt++) {
    await fs.rm(eventsPath, { force: true });
    await fs.rm(reportPath, { force: true });
    // The runner's own limit ends async hangs; the watchdog's, a little later, the synchronous ones.
    const env = { ...node.env, LOOPWISE_RESULTS: eventsPath, LOOPWISE_HANG_MS: String(ctx.testTimeoutS * 1000 + 2000) };
    const stop = watchProgress(ctx, eventsPath, '"event":"result"', () => undefined);
    const run = await runInScratch(ctx, node.executable, spec.args(reportPath, skipTests, skipFiles), node.paths, env).finally(stop);
    const events: Event[] = readEvents(eventsPath);
    const killed = events.find((e) => e.event === 'killed');
    if (killed) {
      const file = toWorkspacePath(ctx.scratch, killed.file) ?? String(killed.file);
      if (Array.isArray(killed.titles) && !skipTests.some((t) => t.join('\0') === killed.titles.join('\0'))) {
        skipTests.push(killed.titles);
        const name = killed.titles.join(' > ');
        timedOut.push(killedTest(ctx, file, name, lineOf(join(ctx.scratch.workspace, file), killed.titles[killed.titles.length - 1])));
        ctx.progress(`'${name}' timed out; running the other tests`);
        continue;
      }
      if (!Array.isArray(killed.titles) && !skipFiles.includes(file)) {
        skipFiles.push(file);
        timedOut.push({ id: file, name: file, file, status: 'timedOut', message: `${file} stopped responding outside any test (an infinite loop in top-level code?)` });
        ctx.progress(`${file} stopped responding; running the other files`);
        continue;
      }
    }
    if (run.timedOut || run.aborted || killed) {
      if (!run.aborted) problems.push({ kind: 'runTimedOut', message: `the ${spec.name} run hit its time limit and was stopped` });
      return { tests: [...streamedResults(ctx, events), ...timedOut], problems };
    }
    const report = readReport(reportPath);
    if (!report) return { tests: timedOut, problems: [...problems, loadFailure(ctx, spec.name, run)] };
    const skipped = new Set(skipTests.map((t) => t.join(' > ')));
    const tests = toResults(ctx, spec, report, events).filter((t) => !skipped.has(t.name) && !skipFiles.includes(t.file));
    problems.push(...syntaxProblems(tests), ...outputProblems(tests));
    if (run.truncated) problems.push({ kind: 'outputTruncated', message: `${spec.name} printed more than ${formatBytes(1 << 20)}; the rest of its output was dropped` });
    if (!tests.length && !timedOut.length) problems.push({ kind: 'noTests', message: `${spec.name} found no tests (see its configuration: ${spec.name === 'jest' ? 'testMatch, roots' : 'test.include, test.dir'})` });
    return { tests: [...tests, ...timedOut], problems };
  }
  return { tests: timedOut, problems };
}

function readReport(path: string): JsFileReport[] | undefined {
  try {
    const r = JSON.parse(readFileSync(path, 'utf8'));
    return Array.isArray(r.testResults) ? r.testResults : undefined;
  } catch {
    return undefined;
  }
}

const statusOf: Record<string, TestStatus> = { passed: 'passed', failed: 'failed' };

function toResults(ctx: DriverContext, spec: JsRunnerSpec, report: JsFileReport[], events: Event[]): TestResult[] {
  const streamed = new Map<string, Event>();
  for (const e of events) if (e.event === 'result') streamed.set(`${e.file}\0${e.titles.join('\0')}`, e);
  const tests: TestResult[] = [];
  for (const f of report) {
    const file = toWorkspacePath(ctx.scratch, f.name) ?? f.name;
    if (!f.assertionResults.length) {
      if (f.status === 'failed') tests.push(fileFailure(ctx, file, spec.fileError(f, events)));
      continue;
    }
    for (const a of f.assertionResults) {
      const titles = [...a.ancestorTitles, a.title];
      const name = titles.join(' > ');
      const ev = streamed.get(`${f.name}\0${titles.join('\0')}`);
      const r: TestResult = { id: `${file}::${name}`, name, file, status: statusOf[a.status] ?? 'skipped' };
      const line = a.location?.line ?? ev?.line ?? lineOf(join(ctx.scratch.workspace, file), a.title);
      if (line) r.line = line;
      if (typeof a.duration === 'number') r.durationMs = Math.round(a.duration);
      if (ev?.output) {
        r.output = ev.output;
        if (ev.bytes > Buffer.byteLength(ev.output)) r.outputBytes = ev.bytes;
      }
      if (r.status === 'failed') {
        const d = spec.details(a, ev);
        if (/^(Exceeded timeout of \d+ ms for a test|Test timed out in \d+ms)/.test(d.message ?? '')) {
          r.status = 'timedOut';
          r.message = timedOutMessage(ctx);
        } else {
          r.message = d.message;
          if (d.expected !== undefined && d.actual !== undefined) { r.expected = d.expected; r.actual = d.actual; }
          Object.assign(r, userFrames(ctx, d.stack, file));
        }
      }
      tests.push(r);
    }
  }
  return tests;
}

/** Frames in the project's own files (the runner's and dependencies' frames left out). */
export function userFrames(ctx: DriverContext, stack: string | undefined, file?: string): Pick<TestResult, 'traceback' | 'assertion'> {
  return mapFrames(ctx.scratch, parseStack(stack).filter((f) => !f.file.includes('/node_modules/')), file);
}

/** A test file none of whose tests ran: a syntax error, a missing import, a throw at load time. */
function fileFailure(ctx: DriverContext, file: string, message: string): TestResult {
  const text = stripAnsi(message);
  const r: TestResult = { id: file, name: file, file, status: 'error', message: `${file} failed to run:\n${tail(text, 25)}` };
  const at = syntaxErrorAt(ctx, text);
  if (at) {
    r.message = at.message;
    r.traceback = [{ file: at.file, line: at.line }];
  } else {
    Object.assign(r, userFrames(ctx, text));
  }
  return r;
}

/** Where a parser says the syntax error is: Babel "file: message (line:col)", esbuild "file:line:col: ERROR", Vite's "Parse failure … At file:", TypeScript "file:line:col - error TS1xxx", Node "file:line" then the SyntaxError. */
function syntaxErrorAt(ctx: DriverContext, text: string): { file: string; line: number; message: string } | undefined {
  const patterns: [RegExp, (m: RegExpExecArray) => [string, string, string]][] = [
    [/SyntaxError: (\/[^\n:]+): ([^\n]+?) \((\d+):\d+\)/, (m) => [m[1], m[3], m[2]]],
    [/(\S+?):(\d+):\d+ - error (TS1\d{3}: [^\n]+)/, (m) => [m[1], m[2], m[3]]],
    [/(\/[^\n:]+):(\d+):\d+: ERROR: ([^\n]+)/, (m) => [m[1], m[2], m[3]]],
    [/Parse failure: ([^\n]+)\nAt file: (\/[^\n]+?):(\d+):\d+/, (m) => [m[2], m[3], m[1]]],
    [/^(\/[^\n]+?):(\d+)\n[\s\S]*?\n(SyntaxError: [^\n]+)/m, (m) => [m[1], m[2], m[3]]],
  ];
  for (const [re, pick] of patterns) {
    const m = re.exec(text);
    if (!m) continue;
    const [path, line, what] = pick(m);
    const file = path.startsWith('/') ? toWorkspacePath(ctx.scratch, path) : toWorkspacePath(ctx.scratch, join(ctx.scratch.workspace, path));
    if (file) return { file, line: Number(line), message: `${file}:${line}: ${what.startsWith('SyntaxError') ? what : `SyntaxError: ${what}`}` };
  }
  return undefined;
}

/** The problems a run's file failures bring: one 'syntaxError' per file that does not parse. */
export function syntaxProblems(tests: TestResult[]): RunProblem[] {
  return tests.filter((t) => t.status === 'error' && / SyntaxError: /.test(t.message ?? '') && t.traceback?.length)
    .map((t) => ({ kind: 'syntaxError' as const, message: t.message!, location: { file: t.traceback![0].file, line: t.traceback![0].line } }));
}

/** The results the reporter had streamed when the run was stopped (no JSON report then). */
function streamedResults(ctx: DriverContext, events: Event[]): TestResult[] {
  return events.filter((e) => e.event === 'result').map((e) => {
    const file = toWorkspacePath(ctx.scratch, e.file) ?? String(e.file);
    const name = e.titles.join(' > ');
    const state = String(e.status ?? e.state);
    return { id: `${file}::${name}`, name, file, status: statusOf[state] ?? (state === 'pass' ? 'passed' : state === 'fail' ? 'failed' : 'skipped') };
  });
}

/** The runner stopped before writing its report: a bad configuration, a crash, or no test files at all. */
function loadFailure(ctx: DriverContext, name: string, run: SandboxResult): RunProblem {
  const output = stripAnsi(`${run.stdout}\n${run.stderr}`);
  if (/No tests found|No test files found/.test(output)) return { kind: 'noTests', message: `${name} found no test files:\n${tail(output, 8)}` };
  const at = syntaxErrorAt(ctx, output);
  if (at) return { kind: 'syntaxError', message: at.message, location: { file: at.file, line: at.line } };
  return { kind: 'runnerCrashed', message: `${name} could not run the tests:\n${tail(output)}` };
}

export function stripAnsi(s: string): string {
  return s.replace(/\u001b\[[0-9;]*[A-Za-z]/g, ''); // eslint-disable-line no-control-regex
}

/** A value as the node:test and mocha results show it: strings quoted, everything else inspected. */
export function showValue(v: unknown): string {
  const s = typeof v === 'string' ? JSON.stringify(v) : inspect(v, { depth: 4, breakLength: Infinity });
  return s.length > 2000 ? s.slice(0, 2000) + '...' : s;
}

/** The runners' name filter (a regular expression over a test's titles joined by spaces) that leaves out `skip`. */
export function excludingNames(skip: string[][]): string {
  const names = skip.map((t) => t.join(' ').replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return `^(?!(?:.* )?(?:${names.join('|')})$)`;
}
