// The reporters Loopwise adds to a Jest or Vitest run, written into the scratch folder. Each appends one
// JSON line per event to $LOOPWISE_RESULTS (synchronously, so a killed run loses nothing): a test began,
// a test ended (with the error details the JSON report lacks), what it printed, and 'killed' from the hang
// watchdog. The runners' own --testTimeout cannot stop a synchronous loop; the watchdog, a worker thread
// of the runner's main process (Jest may run tests in that very thread), kills the run when a test overruns.

/**
 * Shared by both reporters (CommonJS): put(), the output cap, and the watchdog. watch(key, info, ms) (re)starts
 * a clock for one test file: when it runs out, the watchdog records 'killed' with info (the file, and the test
 * it was in, if any) and kills the runner. Outside any test (loading a file) the limit is longer.
 */
const reporterPrelude = String.raw`
const { appendFileSync } = require('node:fs');
const { Worker } = require('node:worker_threads');
const out = process.env.LOOPWISE_RESULTS;
const hangMs = Number(process.env.LOOPWISE_HANG_MS) || 12000;
const loadMs = Math.max(3 * hangMs, 30000);
const put = (o) => appendFileSync(out, JSON.stringify(o) + '\n');
const maxOutput = 65536;
const watchdog = new Worker(${JSON.stringify(String.raw`
const { parentPort, workerData: w } = require('node:worker_threads');
const { appendFileSync } = require('node:fs');
const clocks = new Map();
parentPort.on('message', (m) => { if (m.ms) clocks.set(m.key, { ...m, at: Date.now() }); else clocks.delete(m.key); });
setInterval(() => {
  for (const c of clocks.values()) {
    if (Date.now() - c.at < c.ms) continue;
    appendFileSync(w.out, JSON.stringify({ event: 'killed', ...c.info }) + '\n');
    process.kill(process.pid, 'SIGKILL');
  }
}, 100);
`)}, { eval: true, workerData: { out } });
watchdog.unref();
const watch = (key, info, ms) => watchdog.postMessage({ key, info, ms });
const unwatch = (key) => watchdog.postMessage({ key, ms: 0 });
`;

/** A Jest reporter (--reporters replaces the default ones, so the run prints little). */
export const jestReporterSource = reporterPrelude + String.raw`
module.exports = class LoopwiseJestReporter {
  onTestFileStart(test) {
    put({ event: 'file', file: test.path });
    watch(test.path, { file: test.path }, loadMs);
  }
  onTestCaseStart(test, r) {
    const titles = [...r.ancestorTitles, r.title];
    put({ event: 'begin', file: test.path, titles });
    watch(test.path, { file: test.path, titles }, hangMs);
  }
  onTestCaseResult(test, r) {
    put({ event: 'result', file: test.path, titles: [...r.ancestorTitles, r.title], status: r.status });
    watch(test.path, { file: test.path }, loadMs);
  }
  onTestResult(test, result) {
    unwatch(test.path);
    // Jest buffers console output per file, not per test.
    let output = '', bytes = 0;
    for (const entry of result.console || []) {
      const line = String(entry.message) + '\n';
      bytes += Buffer.byteLength(line);
      if (output.length < maxOutput) output += line.slice(0, maxOutput - output.length);
    }
    if (output) put({ event: 'fileOutput', file: test.path, output, bytes });
  }
};
`;

/**
 * A Vitest reporter (an ES module; Vitest loads it through Vite from inside the project). A worker sends
 * "test began" batched with later updates, never while it spins, so the clock runs per file from the last
 * result, and the test it stopped in is the first of the file's collected tests without a result.
 */
export const vitestReporterSource = `import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
` + reporterPrelude + String.raw`
const titlesOf = (t) => { const names = []; for (let s = t; s && s.type !== 'module'; s = s.parent) names.unshift(s.name); return names; };
const cut = (s) => (typeof s === 'string' ? (s.length > 2000 ? s.slice(0, 2000) + '...' : s) : undefined);
const describe = (e) => ({ name: e.name, message: e.message, stack: e.stack, expected: cut(e.expected), actual: cut(e.actual) });
const printed = new Map();
const pending = new Map();
const rewatch = (m) => {
  const next = (pending.get(m.id) || [])[0];
  watch(m.id, next ? { file: m.moduleId, titles: titlesOf(next) } : { file: m.moduleId }, next ? hangMs : loadMs);
};
export default class LoopwiseVitestReporter {
  onTestModuleQueued(m) { put({ event: 'file', file: m.moduleId }); watch(m.id, { file: m.moduleId }, loadMs); }
  onTestModuleCollected(m) {
    pending.set(m.id, [...m.children.allTests()].filter((t) => t.options.mode === 'run'));
    rewatch(m);
  }
  onUserConsoleLog(log) {
    if (!log.taskId) return;
    const p = printed.get(log.taskId) || { output: '', bytes: 0 };
    const text = String(log.content);
    p.bytes += Buffer.byteLength(text);
    if (p.output.length < maxOutput) p.output += text.slice(0, maxOutput - p.output.length);
    printed.set(log.taskId, p);
  }
  onTestCaseResult(t) {
    const r = t.result();
    const p = printed.get(t.id);
    put({ event: 'result', file: t.module.moduleId, titles: titlesOf(t), state: r.state, line: t.location && t.location.line,
      errors: (r.errors || []).map(describe), ...(p ? { output: p.output, bytes: p.bytes } : {}) });
    pending.set(t.module.id, (pending.get(t.module.id) || []).filter((x) => x.id !== t.id));
    rewatch(t.module);
  }
  onTestModuleEnd(m) {
    unwatch(m.id);
    const errors = m.errors().map(describe);
    if (errors.length) put({ event: 'moduleError', file: m.moduleId, errors });
  }
  onTestRunEnd(modules, errors) {
    if (errors.length) put({ event: 'runError', errors: errors.map(describe) });
  }
}
`;
