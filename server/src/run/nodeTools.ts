// The files Loopwise writes into the scratch folder to run node:test and mocha files: a reporter that
// appends one JSON line per finished test to $LOOPWISE_RESULTS (synchronously, so a killed process loses
// nothing), and a preloaded watchdog that kills the process when a test overruns its time limit and
// records what each test prints.
// node:test cannot interrupt a synchronous infinite loop, and --test-timeout in Node 20 also
// limits a whole file; the watchdog runs in a worker thread so it still fires while the main thread spins.

export const nodeReporterSource = String.raw`
import { appendFileSync } from 'node:fs';
import { inspect } from 'node:util';

const out = process.env.LOOPWISE_RESULTS;
const show = (v) => { const s = typeof v === 'string' ? JSON.stringify(v) : inspect(v, { depth: 4, breakLength: Infinity }); return s.length > 2000 ? s.slice(0, 2000) + '...' : s; };

function describeError(err) {
  if (!err) return undefined;
  const cause = err.cause && typeof err.cause === 'object' ? err.cause : undefined;
  const e = { failureType: err.failureType, code: err.code, message: String((cause && cause.message) || err.message || err) };
  if (cause) {
    e.name = cause.name;
    e.stack = typeof cause.stack === 'string' ? cause.stack : undefined;
    const isOk = cause.operator === '==' && cause.expected === true;
    if (cause.code === 'ERR_ASSERTION' && 'expected' in cause && !isOk) {
      e.expected = show(cause.expected);
      e.actual = show(cause.actual);
      e.operator = cause.operator;
    }
  }
  return e;
}

export default async function* loopwiseReporter(source) {
  const path = [];
  for await (const event of source) {
    const d = event.data || {};
    if (event.type === 'test:start') {
      path[d.nesting] = d.name;
      path.length = d.nesting + 1;
    } else if (event.type === 'test:pass' || event.type === 'test:fail') {
      const record = {
        event: 'result', name: d.name, path: [...path.slice(0, d.nesting), d.name], file: d.file, line: d.line, nesting: d.nesting,
        suite: d.details && d.details.type === 'suite', passed: event.type === 'test:pass',
        skip: d.skip !== undefined && d.skip !== false, todo: d.todo !== undefined && d.todo !== false,
        durationMs: d.details && d.details.duration_ms, error: describeError(d.details && d.details.error),
      };
      appendFileSync(out, JSON.stringify(record) + '\n');
    }
  }
}
`;

const watchdogWorkerSource = `
const { workerData: w } = require('node:worker_threads');
const { appendFileSync } = require('node:fs');
setInterval(() => {
  const now = Date.now();
  // A blocked main thread outside any test (loading, top-level code) gets at least 5 s, so a slow start on a busy machine is not taken for a hang.
  if ((w.clock[0] && now - w.clock[0] > w.timeoutMs) || now - w.clock[1] > Math.max(w.timeoutMs, 5000)) {
    appendFileSync(w.out, JSON.stringify({ event: 'killed', inTest: w.clock[0] > 0 }) + '\\n');
    process.kill(process.pid, 'SIGKILL');
  }
}, 100);
`;

/** Shared start of both watchdogs: the clock, the heartbeat and the worker that kills on overrun. */
const watchdogPrelude = String.raw`
const { Worker } = require('node:worker_threads');
const { appendFileSync } = require('node:fs');

const out = process.env.LOOPWISE_RESULTS;
const timeoutMs = Number(process.env.LOOPWISE_TEST_TIMEOUT_MS) || 10000;
const skip = new Set(JSON.parse(process.env.LOOPWISE_SKIP || '[]'));
// [0]: when the running test began (0: none); [1]: last heartbeat of the main thread.
const clock = new Float64Array(new SharedArrayBuffer(16));
clock[1] = Date.now();
setInterval(() => { clock[1] = Date.now(); }, 200).unref();
// What a test prints is kept per test (capped) and still passed through to the real stream.
const maxOutput = 65536;
let current = null, captured = '', capturedBytes = 0;
for (const stream of [process.stdout, process.stderr]) {
  const write = stream.write.bind(stream);
  stream.write = (chunk, ...rest) => {
    if (current !== null) {
      const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
      capturedBytes += Buffer.byteLength(text);
      if (captured.length < maxOutput) captured += text.slice(0, maxOutput - captured.length);
    }
    return write(chunk, ...rest);
  };
}
const begin = (name, more) => {
  appendFileSync(out, JSON.stringify({ event: 'begin', name, ...more }) + '\n');
  current = name; captured = ''; capturedBytes = 0;
  clock[0] = Date.now();
};
const end = () => {
  clock[0] = 0;
  if (current !== null && captured) appendFileSync(out, JSON.stringify({ event: 'output', name: current, output: captured, bytes: capturedBytes }) + '\n');
  current = null;
};
const watchdog = new Worker(${JSON.stringify(watchdogWorkerSource)}, { eval: true, workerData: { clock, timeoutMs, out } });
`;

/**
 * Preloaded with --import into node:test files (an ES module, so it can wait): a worker thread only boots while
 * this thread's event loop turns, so top-level code that never yields would otherwise run with no watchdog.
 */
export const nodeWatchdogSource = String.raw`
import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
` + watchdogPrelude + String.raw`
const { beforeEach, afterEach } = require('node:test');
beforeEach((t) => {
  if (skip.has(t.name)) throw new Error('loopwise: skipped, it timed out in an earlier attempt');
  begin(t.name);
});
afterEach(end);
await new Promise((resolve) => watchdog.once('online', () => { watchdog.unref(); resolve(); }));
`;

/** Loaded with mocha --require: root hooks (mocha skips timed-out tests itself, through --grep --invert). */
export const mochaWatchdogSource = watchdogPrelude + String.raw`
watchdog.unref();
exports.mochaHooks = {
  beforeEach() {
    const t = this.currentTest;
    begin(t ? t.fullTitle() : '', t ? { title: t.title, file: t.file } : {});
  },
  afterEach: end,
};
`;
