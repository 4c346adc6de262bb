// What every framework driver shares: the run context, the sandboxed call with the standard limits,
// reading the JSON-lines results file the shipped plugins write, and mapping frames to the workspace.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { constants } from 'node:os';
import { isAbsolute, join, relative, sep } from 'node:path';
import type { RunProblem, SourceLocation, StackFrame, TestResult } from '../../../common/results';
import { scrubbedEnv } from './env';
import { isTestFile } from './files';
import { runSandboxed, type SandboxResult, type Scratch } from './sandbox';

export interface DriverContext {
  scratch: Scratch;
  /** Workspace-relative test files to run; undefined runs the framework's own discovery. */
  files?: string[];
  testTimeoutS: number;
  /** Epoch ms when the whole run must stop. */
  deadline: number;
  signal?: AbortSignal;
  progress: (message: string, done?: number, total?: number) => void;
}

export interface DriverOutput {
  tests: TestResult[];
  problems: RunProblem[];
}

/** Runs a tool inside the sandbox with the run's limits; `readOnly` adds toolchain folders. */
export function runInScratch(ctx: DriverContext, cmd: string, args: string[], readOnly: string[], env: Record<string, string>,
  timeoutMs = ctx.deadline - Date.now()): Promise<SandboxResult> {
  const s = ctx.scratch;
  return runSandboxed(cmd, args, {
    cwd: s.workspace,
    writable: [s.dir],
    readOnly: [...s.linked, ...readOnly],
    timeoutMs: Math.max(1, Math.min(timeoutMs, ctx.deadline - Date.now())),
    env: scrubbedEnv(s.homeDir, s.tmpDir, env),
    signal: ctx.signal,
    maxOutputBytes: 1 << 20,
  });
}

/** The JSON objects of a results file, ignoring a last line cut off by a kill. */
export function readEvents(path: string): Record<string, unknown>[] {
  if (!existsSync(path)) return [];
  const events: Record<string, unknown>[] = [];
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    try { events.push(JSON.parse(line)); } catch { /* partial line */ }
  }
  return events;
}

/** Reports progress while a results file grows: counts the lines carrying `marker`. Returns a stop function. */
export function watchProgress(ctx: DriverContext, path: string, marker: string, total: () => number | undefined): () => void {
  let lastSize = -1;
  const timer = setInterval(() => {
    try {
      const size = statSync(path).size;
      if (size === lastSize) return;
      lastSize = size;
      const done = readFileSync(path, 'utf8').split(marker).length - 1;
      const t = total();
      ctx.progress(t ? `ran ${done} of ${t} tests` : `ran ${done} tests`, done, t);
    } catch { /* not written yet */ }
  }, 500);
  return () => clearInterval(timer);
}

/** Workspace-relative '/'-path of a file in the scratch copy, or undefined when it lies outside. */
export function toWorkspacePath(scratch: Scratch, file: string | undefined | null): string | undefined {
  if (!file) return undefined;
  let abs = file.startsWith('file://') ? decodeURIComponent(new URL(file).pathname) : file;
  // mocha shortens stack paths to the working folder; other relative names ('<string>') are not files.
  if (!isAbsolute(abs)) abs = existsSync(join(scratch.workspace, abs)) ? join(scratch.workspace, abs) : '';
  if (!abs.startsWith(scratch.workspace + sep)) return undefined;
  return relative(scratch.workspace, abs).split(sep).join('/');
}

/**
 * Keeps the frames inside the workspace (outermost first) and finds the failing assertion: the deepest
 * frame in the test's own file, else in any file named like a test.
 */
export function mapFrames(scratch: Scratch, frames: { file?: string | null; line?: number | null; function?: string | null }[] | undefined,
  testFile?: string): { traceback?: StackFrame[]; assertion?: SourceLocation } {
  if (!frames?.length) return {};
  const traceback: StackFrame[] = [];
  for (const f of frames) {
    const file = toWorkspacePath(scratch, f.file);
    if (!file || !f.line) continue;
    traceback.push(f.function ? { file, line: f.line, function: f.function } : { file, line: f.line });
  }
  const deepestFirst = [...traceback].reverse();
  const inTest = deepestFirst.find((f) => f.file === testFile) ?? deepestFirst.find((f) => isTestFile(f.file));
  return {
    traceback: traceback.length ? traceback : undefined,
    assertion: inTest ? { file: inTest.file, line: inTest.line } : undefined,
  };
}

/** The last lines of a tool's output, for a message. */
export function tail(text: string, lines = 15): string {
  return text.trim().split('\n').slice(-lines).join('\n');
}

/** Where a test is declared, when the framework does not say: the first line naming it in quotes. */
export function lineOf(path: string, title: string): number | undefined {
  try {
    const lines = readFileSync(path, 'utf8').split('\n');
    const i = lines.findIndex((l) => l.includes(`'${title}'`) || l.includes(`"${title}"`) || l.includes(`\`${title}\``));
    return i >= 0 ? i + 1 : undefined;
  } catch {
    return undefined;
  }
}

/** What a test stopped at the per-test limit says, in every framework. */
export function timedOutMessage(ctx: DriverContext): string {
  return `timed out after ${ctx.testTimeoutS} s (still running: an infinite loop or a very slow computation?)`;
}

/** A test the watchdog killed at the per-test limit (the run then resumes after it). */
export function killedTest(ctx: DriverContext, file: string, name: string, line: number | undefined): TestResult {
  return { id: `${file}::${name}`, name, file, ...(line ? { line } : {}), status: 'timedOut', message: timedOutMessage(ctx) };
}

export function formatBytes(n: number): string {
  return n >= 1 << 20 ? `${(n / (1 << 20)).toFixed(1)} MB` : n >= 1024 ? `${Math.round(n / 1024)} KB` : `${n} bytes`;
}

/** How a process ended, e.g. "SIGKILL" or "exit code 1" (bubblewrap reports a signal as exit code 128+n). */
export function describeExit(run: { code: number | null; signal: NodeJS.Signals | null }): string {
  if (run.signal) return run.signal;
  if (run.code !== null && run.code > 128 && run.code < 160) {
    const name = Object.entries(constants.signals).find(([, n]) => n === run.code! - 128)?.[0];
    if (name) return name;
  }
  return `exit code ${run.code}`;
}

/** Attaches what each test printed (the watchdog's 'output' events, keyed by the name it saw). */
export function attachOutput(tests: TestResult[], events: Record<string, unknown>[], nameOf: (t: TestResult) => string): void {
  const printed = new Map<string, { output: string; bytes: number }>();
  for (const e of events) if (e.event === 'output') printed.set(String(e.name), { output: String(e.output), bytes: Number(e.bytes) });
  for (const t of tests) {
    const p = printed.get(nameOf(t));
    if (!p) continue;
    t.output = p.output;
    if (p.bytes > Buffer.byteLength(p.output)) t.outputBytes = p.bytes;
  }
}

/** One 'outputTruncated' problem per test whose printed output was cut. */
export function outputProblems(tests: Iterable<TestResult>): RunProblem[] {
  return [...tests].filter((r) => r.outputBytes).map((r) => ({
    kind: 'outputTruncated' as const,
    message: `${r.id} printed ${formatBytes(r.outputBytes!)}; only the first ${formatBytes(r.output?.length ?? 0)} are kept`,
    location: r.line ? { file: r.file, line: r.line } : undefined,
  }));
}
