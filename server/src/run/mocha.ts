// Runs a mocha project's tests with its own mocha (node_modules) and mocha's JSON reporter, in the
// sandbox. The shipped root-hook watchdog kills a test that overruns; the run is then repeated with
// the timed-out tests left out (--grep --invert) so the others are still reported.
import { existsSync, promises as fs, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunProblem, TestResult, TestStatus } from '../../../common/results';
import { attachOutput, type DriverContext, type DriverOutput, killedTest, lineOf, outputProblems, mapFrames, readEvents, runInScratch, tail, toWorkspacePath } from './driver';
import { parseStack } from './nodeTest';
import { mochaWatchdogSource } from './nodeTools';
import type { NodeInfo } from './toolchain';

interface MochaTest {
  title: string;
  fullTitle: string;
  file?: string;
  duration?: number;
  err?: { message?: string; stack?: string; name?: string; code?: string; expected?: unknown; actual?: unknown; operator?: string };
}

interface MochaReport {
  tests: MochaTest[];
  failures: MochaTest[];
  pending: MochaTest[];
}

const maxAttempts = 20;

export async function runMocha(ctx: DriverContext, node: NodeInfo, mochaBin: string, tsLoader: boolean): Promise<DriverOutput> {
  const tool = ctx.scratch.toolDir;
  const hook = join(tool, 'loopwise-mocha-hooks.cjs');
  const events = join(tool, 'events.jsonl');
  const report = join(tool, 'mocha.json');
  await fs.writeFile(hook, mochaWatchdogSource);
  const timedOut: TestResult[] = [];
  const skip: string[] = [];
  const problems: RunProblem[] = [];
  for (let attempt = 0; attempt < maxAttempts; attempt++) {
    await fs.rm(events, { force: true });
    await fs.rm(report, { force: true });
    const args = [mochaBin, ...(tsLoader ? ['--import', 'tsx'] : []), '--reporter', 'json', '--reporter-option', `output=${report}`,
      '--require', hook, '--timeout', String(ctx.testTimeoutS * 1000), '--exit', '--no-color',
      ...(skip.length ? ['--grep', skip.map(escapeRegExp).join('|'), '--invert'] : []), ...(ctx.files ?? [])];
    const env = { ...node.env, LOOPWISE_RESULTS: events, LOOPWISE_TEST_TIMEOUT_MS: String(ctx.testTimeoutS * 1000) };
    const run = await runInScratch(ctx, node.executable, args, node.paths, env);
    const evs = readEvents(events);
    if (evs.some((e) => e.event === 'killed')) {
      const begun = evs.filter((e) => e.event === 'begin').pop();
      const name = begun ? String(begun.name) : '';
      if (!name || skip.includes(name) || !evs.some((e) => e.event === 'killed' && e.inTest)) {
        problems.push({ kind: 'runTimedOut', message: `mocha stopped responding outside any test for more than ${Math.max(ctx.testTimeoutS, 5)} s (an infinite loop while loading the test files?)` });
        break;
      }
      skip.push(name);
      const file = toWorkspacePath(ctx.scratch, begun?.file as string | undefined) ?? '';
      const line = file ? lineOf(join(ctx.scratch.workspace, file), String(begun?.title)) : undefined;
      timedOut.push(killedTest(ctx, file, name, line));
      ctx.progress(`'${name}' timed out; running the other tests`);
      continue;
    }
    if (run.timedOut || run.aborted) {
      if (run.timedOut) problems.push({ kind: 'runTimedOut', message: 'the test run hit its time limit and was stopped' });
      break;
    }
    if (!existsSync(report)) {
      problems.push(loadFailure(ctx, run.stderr || run.stdout));
      break;
    }
    const parsed = parseReport(readFileSync(report, 'utf8'));
    if (!parsed) {
      problems.push({ kind: 'runnerCrashed', message: `mocha's JSON report could not be read:\n${tail(run.stderr)}` });
      break;
    }
    const tests = toResults(ctx, parsed);
    attachOutput(tests, evs, (t) => t.name);
    problems.push(...outputProblems(tests));
    if (!tests.length && !timedOut.length) problems.push({ kind: 'noTests', message: 'mocha found no tests (by default it runs ./test/*.{js,cjs,mjs}; see .mocharc for spec)' });
    return { tests: [...tests.filter((r) => !skip.includes(r.name)), ...timedOut], problems };
  }
  return { tests: timedOut, problems };
}

function parseReport(text: string): MochaReport | undefined {
  try {
    const r = JSON.parse(text);
    return Array.isArray(r.tests) ? r : undefined;
  } catch {
    return undefined;
  }
}

function toResults(ctx: DriverContext, report: MochaReport): TestResult[] {
  const failed = new Map(report.failures.map((t) => [t.fullTitle, t]));
  const pending = new Set(report.pending.map((t) => t.fullTitle));
  return report.tests.map((t) => {
    const file = toWorkspacePath(ctx.scratch, t.file) ?? '';
    const fail = failed.get(t.fullTitle);
    const err = fail?.err && Object.keys(fail.err).length ? fail.err : undefined;
    let status: TestStatus = pending.has(t.fullTitle) ? 'skipped' : err ? 'failed' : 'passed';
    if (err && (err.code === 'ERR_MOCHA_TIMEOUT' || /^Timeout of \d+ms exceeded/.test(err.message ?? ''))) status = 'timedOut';
    const r: TestResult = { id: `${file}::${t.fullTitle}`, name: t.fullTitle, file, status };
    const line = file ? lineOf(join(ctx.scratch.workspace, file), t.title) : undefined;
    if (line) r.line = line;
    if (typeof t.duration === 'number') r.durationMs = t.duration;
    if (err) {
      r.message = err.name && err.name !== 'AssertionError' ? `${err.name}: ${err.message}` : err.message;
      if ('expected' in err && err.operator !== '==') { r.expected = show(err.expected); r.actual = show(err.actual); }
      Object.assign(r, mapFrames(ctx.scratch, parseStack(err.stack), file));
    }
    return r;
  });
}

function loadFailure(ctx: DriverContext, output: string): RunProblem {
  const syntax = /^(\/[^\n]+?):(\d+)\n[\s\S]*?\n(SyntaxError: [^\n]+)/m.exec(output);
  const where = syntax && toWorkspacePath(ctx.scratch, syntax[1]);
  if (syntax && where) return { kind: 'syntaxError', message: `${where}:${syntax[2]}: ${syntax[3]}`, location: { file: where, line: Number(syntax[2]) } };
  return { kind: 'runnerCrashed', message: `mocha could not run the tests:\n${tail(output)}` };
}

function show(v: unknown): string {
  // mocha's JSON reporter has already turned both values into text
  const s = typeof v === 'string' ? v : JSON.stringify(v) ?? String(v);
  return s.length > 2000 ? s.slice(0, 2000) + '...' : s;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
