// The Node harness Loopwise writes into a scratch copy to observe `node:test` tests one by one: it
// stands in for node:test's registration functions, runs each test with a time limit (vm timeouts
// stop endless synchronous loops), and takes V8 precise block coverage between tests through the
// inspector, so every test gets its own executed lines. It also collects the values that probes in
// an instrumented copy report while a chosen failing test runs. ES module test files are imported, their
// node:test resolved to the same stand-in through a module.register() resolve hook.

export const jsHarnessFile = '_loopwise_harness.cjs';

export interface JsHarnessConfig {
  root: string;
  sources: string[];
  testFiles: string[];
  testIds?: string[];
  out: string;
  testTimeoutMs: number;
  coverage: boolean;
  values?: { tests: string[]; maxHits: number; maxVars: number; maxRepr: number };
}

export const jsHarnessSource = String.raw`'use strict';
const fs = require('fs');
const path = require('path');
const Module = require('module');
const vm = require('vm');
const util = require('util');
const inspector = require('inspector');
const { pathToFileURL } = require('url');
const realTest = require('node:test');

const cfg = JSON.parse(fs.readFileSync(process.env.LOOPWISE_LOC_CONFIG, 'utf8'));
const root = fs.realpathSync(cfg.root);
const outFd = fs.openSync(cfg.out, 'a');
const emit = (record) => fs.writeSync(outFd, JSON.stringify(record) + '\n');
const sourceByUrl = new Map(cfg.sources.map((rel) => [pathToFileURL(path.join(root, rel)).href, rel]));
const sourceByPath = new Map(cfg.sources.map((rel) => [path.join(root, rel), rel]));
const lineStarts = new Map();

let registry = [];
let suiteStack = [];
let currentFile = '';

function normalize(name, options, fn) {
  if (typeof name === 'function') return [name.name || '<anonymous>', {}, name];
  if (typeof options === 'function') return [String(name), {}, options];
  return [String(name), options || {}, fn];
}
function newSuite(name) {
  return { name, before: [], after: [], beforeEach: [], afterEach: [], started: false };
}
function register(a, b, c, extra) {
  const [name, options, fn] = normalize(a, b, c);
  const names = suiteStack.slice(1).map((s) => s.name).concat(name);
  registry.push({ id: currentFile + '::' + names.join(' > '), fn, skip: !!(options.skip || options.todo || extra), suites: suiteStack.slice() });
}
function describe(a, b, c, extra) {
  const [name, options, fn] = normalize(a, b, c);
  const suite = newSuite(name);
  if (options.skip || options.todo || extra) suite.skip = true;
  suiteStack.push(suite);
  try { if (fn) fn(); } finally { suiteStack.pop(); }
}
function withVariants(f) {
  const g = (a, b, c) => f(a, b, c, false);
  g.skip = (a, b, c) => f(a, b, c, true);
  g.todo = (a, b, c) => f(a, b, c, true);
  g.only = (a, b, c) => f(a, b, c, false);
  return g;
}
const hook = (kind) => (fn) => { suiteStack[suiteStack.length - 1][kind].push(fn); };
const fakeTest = Object.assign(withVariants(register), realTest, {
  test: withVariants(register), it: withVariants(register), describe: withVariants(describe), suite: withVariants(describe),
  before: hook('before'), after: hook('after'), beforeEach: hook('beforeEach'), afterEach: hook('afterEach'),
});
fakeTest.default = fakeTest;
const realLoad = Module._load;
Module._load = function (request, parent, isMain) {
  if (request === 'node:test' || request === 'test') return fakeTest;
  return realLoad.apply(this, arguments);
};
// ES modules: 'node:test' resolves to a module that re-exports the stand-in from this realm.
globalThis.__lw_fakeTest = fakeTest;
const fakeTestModule = 'data:text/javascript,' + encodeURIComponent('const t = globalThis.__lw_fakeTest; export default t; export const ' +
  ['test', 'it', 'describe', 'suite', 'before', 'after', 'beforeEach', 'afterEach', 'mock', 'skip', 'todo', 'only'].map((k) => k + ' = t.' + k).join(', ') + ';');
if (typeof Module.register === 'function') {
  Module.register('data:text/javascript,' + encodeURIComponent('export async function resolve(spec, context, next) { ' +
    'if (spec === "node:test" || spec === "test") return { url: ' + JSON.stringify(fakeTestModule) + ', shortCircuit: true }; ' +
    'return next(spec, context); }'));
}

const session = new inspector.Session();
session.connect();
function post(method, params) {
  let result, error;
  session.post(method, params || {}, (e, r) => { error = e; result = r; });
  if (error) throw error;
  return result;
}
if (cfg.coverage) {
  post('Profiler.enable');
  post('Profiler.startPreciseCoverage', { callCount: true, detailed: true });
}

function linesOf(rel, text) {
  if (!lineStarts.has(rel)) {
    const starts = [0];
    for (let i = 0; i < text.length; i++) if (text[i] === '\n') starts.push(i + 1);
    lineStarts.set(rel, starts);
  }
  return lineStarts.get(rel);
}
function coveredLines() {
  const lines = [];
  for (const script of post('Profiler.takePreciseCoverage').result) {
    const rel = sourceByUrl.get(script.url) || sourceByPath.get(script.url);
    if (!rel) continue;
    const text = fs.readFileSync(path.join(root, rel), 'utf8');
    const counts = new Int32Array(text.length + 1);
    const ranges = script.functions.flatMap((f) => f.ranges).sort((x, y) => x.startOffset - y.startOffset || y.endOffset - x.endOffset);
    for (const r of ranges) counts.fill(r.count, r.startOffset, Math.min(r.endOffset, text.length));
    const starts = linesOf(rel, text);
    starts.forEach((start, i) => {
      const end = i + 1 < starts.length ? starts[i + 1] : text.length;
      let k = start;
      while (k < end && /\s/.test(text[k])) k++;
      if (k < end && counts[k] > 0) lines.push([rel, i + 1]);
    });
  }
  return lines;
}

// Values from probes an instrumented copy calls: __lw_probe(file, line, {name: () => value}).
let valueTest = null;
const hits = new Map();
let valueCount = 0;
const show = (v) => {
  const s = util.inspect(v, { depth: 2, maxArrayLength: 8, maxStringLength: cfg.values ? cfg.values.maxRepr : 80, breakLength: Infinity });
  return s.length > (cfg.values ? cfg.values.maxRepr : 80) ? s.slice(0, cfg.values.maxRepr) + '…' : s;
};
globalThis.__lw_probe = (file, line, getters) => {
  if (!valueTest) return;
  const key = file + ':' + line;
  const n = (hits.get(key) || 0) + 1;
  hits.set(key, n);
  if (n > cfg.values.maxHits || valueCount >= 400) { emit({ kind: 'omitted', test: valueTest, file, line }); return; }
  valueCount++;
  const before = {};
  for (const name of Object.keys(getters).slice(0, cfg.values.maxVars)) {
    try { before[name] = show(getters[name]()); } catch (e) { /* not yet initialised at this point */ }
  }
  emit({ kind: 'value', test: valueTest, file, line, hit: n, before });
};

function userFrames(err) {
  const frames = [];
  const stack = err && typeof err.stack === 'string' ? err.stack : '';
  for (const m of stack.matchAll(/\(?((?:file:\/\/)?\/[^():]+):(\d+):\d+\)?/g)) {
    const file = m[1].replace(/^file:\/\//, '');
    if (!file.startsWith(root + path.sep) || file.includes('node_modules') || file.endsWith('${jsHarnessFile}')) continue;
    frames.push({ file: path.relative(root, file), line: Number(m[2]) });
  }
  return frames.reverse();
}

const runner = new vm.Script('globalThis.__lw_call()');
function callLimited(fn, ctx) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(Object.assign(new Error('test exceeded ' + cfg.testTimeoutMs + ' ms'), { lwTimeout: true })), cfg.testTimeoutMs);
    const finish = (err) => { clearTimeout(timer); err ? reject(err) : resolve(); };
    globalThis.__lw_call = fn.length >= 2 ? () => fn(ctx, (err) => finish(err)) : () => fn(ctx);
    let result;
    try {
      result = runner.runInThisContext({ timeout: cfg.testTimeoutMs });
    } catch (err) {
      if (err && err.code === 'ERR_SCRIPT_EXECUTION_TIMEOUT') err.lwTimeout = true;
      return finish(err);
    }
    if (fn.length >= 2) return;
    if (result && typeof result.then === 'function') result.then(() => finish(), finish);
    else finish();
  });
}
function context(name) {
  const ctx = {
    name, skipped: false, signal: new AbortController().signal, mock: realTest.mock,
    skip() { ctx.skipped = true; }, todo() { ctx.skipped = true; }, diagnostic() {}, plan() {},
    test: async (a, b, c) => { const [n, , fn] = normalize(a, b, c); if (fn) await callLimited(fn, context(n)); },
    assert: require('assert'),
  };
  return ctx;
}

async function runTest(t) {
  const ctx = context(t.id);
  for (const s of t.suites) {
    if (!s.started) { s.started = true; for (const h of s.before) await callLimited(h, ctx); }
  }
  for (const s of t.suites) for (const h of s.beforeEach) await callLimited(h, ctx);
  try {
    await callLimited(t.fn, ctx);
  } finally {
    for (const s of t.suites.slice().reverse()) for (const h of s.afterEach) await callLimited(h, ctx);
  }
  return ctx.skipped;
}

// Whether Node loads the file as an ES module: .mjs, or .js under a package.json with "type": "module".
function isEsm(file) {
  if (file.endsWith('.mjs')) return true;
  if (!file.endsWith('.js')) return false;
  for (let dir = path.dirname(file); dir !== path.dirname(dir); dir = path.dirname(dir)) {
    try { return JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')).type === 'module'; } catch (e) { /* none here */ }
  }
  return false;
}
async function loadTests() {
  registry = [];
  for (const file of cfg.testFiles) {
    currentFile = file;
    suiteStack = [newSuite('')];
    // import(), not require(): Node 20.19 require()s an ES module without the resolve hook.
    if (isEsm(path.join(root, file))) await import(pathToFileURL(path.join(root, file)).href);
    else require(path.join(root, file));
  }
}

async function runAll(onResult) {
  for (const t of registry) {
    if (cfg.testIds && !cfg.testIds.includes(t.id)) continue;
    if (t.skip || t.suites.some((s) => s.skip)) { onResult(t, 'skipped', null); continue; }
    emit({ kind: 'start', test: t.id });
    // Probes record only while a chosen failing test runs.
    valueTest = cfg.values && cfg.values.tests.includes(t.id) ? t.id : null;
    hits.clear();
    let status = 'passed', error = null;
    try {
      if (await runTest(t)) status = 'skipped';
    } catch (err) {
      error = err;
      status = err && err.lwTimeout ? 'timedOut' : 'failed';
    }
    valueTest = null;
    onResult(t, status, error);
  }
}

function failure(error) {
  if (!error) return { message: null, frames: [] };
  const message = error instanceof Error ? (error.name + ': ' + error.message) : 'thrown: ' + show(error);
  return { message: message.slice(0, 2000), frames: userFrames(error) };
}

async function observe() {
  await loadTests();
  // Source code that test files run while loading (e.g. computing expected values) counts for every test.
  if (cfg.coverage) emit({ kind: 'load', test: '', lines: coveredLines() });
  await runAll((t, status, error) => {
    emit({ kind: 'test', test: t.id, status, lines: cfg.coverage ? coveredLines() : [], ...failure(error) });
  });
}

observe().then(() => process.exit(0), (err) => {
  emit({ kind: 'test', test: '<load>', status: 'error', lines: [], ...failure(err) });
  process.exit(0);
});
`;
