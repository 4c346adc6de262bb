// `loopwise run <folder> [--json] [--timeout-s N] [--run-timeout-s N] [--file F]...`: runs a workspace's
// tests headless with the same engine as the language server. Exit 0 when all pass, 1 when any fails,
// 2 on a usage or environment error (missing folder, unsupported language, framework not installed).
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { frameworkNames, type TestResult, type TestRunResult } from '../../../common/results';
import { runTests } from '../run';
import { UsageError } from '../errors';
import { blockingMessage, environmentProblems } from './project';

const usage = `Usage: loopwise run <folder> [--json] [--timeout-s N] [--run-timeout-s N] [--file PATH]...

Runs the tests of <folder> in a sandbox and prints the failures.
  --json             print the full result (TestRunResult) as JSON
  --timeout-s N      per-test time limit in seconds (default 10)
  --run-timeout-s N  whole-run time limit in seconds (default 120)
  --file PATH        only this test file, or the tests related to this source file (repeatable)`;

export default async function run(args: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args, allowPositionals: true,
      options: {
        json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
        'timeout-s': { type: 'string' }, 'run-timeout-s': { type: 'string' }, file: { type: 'string', multiple: true },
      },
    });
  } catch (err) {
    throw new UsageError(`${err instanceof Error ? err.message : String(err)}\n\n${usage}`);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    console.log(usage);
    return 0;
  }
  if (positionals.length !== 1) throw new UsageError(`expected one folder\n\n${usage}`);
  const root = resolve(positionals[0]);
  if (!isDirectory(root)) throw new UsageError(`folder not found: ${positionals[0]}`);
  const testTimeoutS = seconds(values['timeout-s'], '--timeout-s', 10);
  const runTimeoutS = seconds(values['run-timeout-s'], '--run-timeout-s', 120);

  const abort = new AbortController();
  const onSignal = () => abort.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const result = await runTests({
    root, testTimeoutS, runTimeoutS, files: values.file, signal: abort.signal,
    onProgress: values.json || !process.stderr.isTTY ? undefined : (m) => process.stderr.write(`\r\x1b[K${m}`),
  });
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
  if (!values.json && process.stderr.isTTY) process.stderr.write('\r\x1b[K');

  const blocked = result.tests.length === 0 && result.problems.some((p) => environmentProblems.includes(p.kind));
  // `loopwise run … | head` closes stdout early: that is not an error of the run.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => { if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0); });
  if (values.json) console.log(JSON.stringify(result, null, 2));
  else if (blocked) throw new UsageError(blockingMessage(result.problems));
  else printHuman(result);
  if (blocked) return 2;
  const s = result.summary;
  const broken = result.problems.some((p) => p.kind === 'syntaxError' || p.kind === 'runnerCrashed' || p.kind === 'runTimedOut' || p.kind === 'noTests');
  return s.failed + s.errors + s.timedOut > 0 || broken ? 1 : 0;
}

function printHuman(r: TestRunResult): void {
  for (const t of r.tests) {
    if (t.status === 'passed' || t.status === 'skipped') continue;
    console.log(describeFailure(t));
  }
  for (const p of r.problems) {
    if (p.kind === 'unsupportedLanguage' || p.kind === 'frameworkMissing') continue; // printed as the error
    const where = p.location ? `${p.location.file}:${p.location.line}: ` : '';
    console.log(`${p.kind === 'weakSandbox' || p.kind === 'outputTruncated' ? 'warning' : 'problem'}: ${where && !p.message.startsWith(where) ? where : ''}${p.message}`);
  }
  const s = r.summary;
  const parts = [`${s.passed} passed`, `${s.failed} failed`];
  if (s.errors) parts.push(`${s.errors} errors`);
  if (s.timedOut) parts.push(`${s.timedOut} timed out`);
  if (s.skipped) parts.push(`${s.skipped} skipped`);
  console.log(`${parts.join(', ')} (${r.framework ? frameworkNames[r.framework] : r.language}, ${(r.durationMs / 1000).toFixed(1)} s, sandbox: ${r.sandbox})`);
}

/** One line per failing test, compiler style ("file:line: ..."), plus the deepest user frame when it differs. */
function describeFailure(t: TestResult): string {
  const at = t.assertion ?? (t.line ? { file: t.file, line: t.line } : undefined);
  const where = at ? `${at.file}:${at.line}` : t.file;
  const values = t.expected !== undefined || t.actual !== undefined ? ` (expected ${t.expected}, actual ${t.actual})` : '';
  let message = (t.message ?? '').split('\n').map((l) => l.trim()).find(Boolean);
  if (values && message?.endsWith(':')) message = message.slice(0, -1); // node:assert's "...strictly equal:" heads a diff
  let line = `${where}: ${t.status.toUpperCase()} ${t.name}${message ? `: ${message}` : ''}${values}`;
  const deepest = t.traceback?.[t.traceback.length - 1];
  if (deepest && (deepest.file !== at?.file || deepest.line !== at?.line)) {
    line += `\n    at ${deepest.file}:${deepest.line}${deepest.function ? ` in ${deepest.function}` : ''}`;
  }
  return line;
}

function seconds(value: string | undefined, flag: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`${flag} must be a positive number of seconds, got '${value}'`);
  return n;
}

function isDirectory(p: string): boolean {
  try { return statSync(p).isDirectory(); } catch { return false; }
}
