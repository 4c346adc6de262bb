// Source of the warm JavaScript verification worker, run as `node --experimental-vm-modules -e <source> <root>`
// inside the sandbox. Per candidate it builds a fresh module registry, CommonJS and ES modules (nodeEsm.ts),
// candidate sources served from memory, loads the node:test files through a small node:test-compatible shim
// and runs the requested tests, each under a V8 execution timeout; timers and globals a candidate leaves
// behind are cleared before the next one.
// A behaviour request compares candidates' exported source functions with the original's on the arguments
// the tests pass them and on inputs derived from those (see compareBehaviour).
import { NODE_ESM } from './nodeEsm';

export const NODE_WORKER = String.raw`
'use strict';
const fs = require('fs'), path = require('path'), vm = require('vm'), Module = require('module'), assert = require('assert');
const ROOT = fs.realpathSync(process.argv[1]);
const protoWrite = process.stdout.write.bind(process.stdout);
const send = (obj) => protoWrite(JSON.stringify(obj) + '\n');
const noop = () => true;
process.stdout.write = noop; process.stderr.write = noop;
for (const k of ['log', 'info', 'warn', 'error', 'debug', 'trace', 'dir', 'table']) console[k] = () => undefined;
class CandidateExit extends Error {}
process.exit = (code) => { throw new CandidateExit('process.exit(' + code + ') called'); };
const blocked = new Set(['child_process', 'cluster', 'worker_threads', 'node:child_process', 'node:cluster', 'node:worker_threads']);

const TEST_RE = /(^|\/)(test(-[^/]*)?|[^/]*[._-]test|[^/]*\.spec)\.(c|m)?js$|(^|\/)test\/.*\.(c|m)?js$/;
function findTests(dir, out) {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    if (e.name === 'node_modules' || e.name.startsWith('.')) continue;
    const p = path.join(dir, e.name);
    if (e.isDirectory()) findTests(p, out);
    else if (TEST_RE.test(path.relative(ROOT, p).split(path.sep).join('/'))) out.push(p);
  }
  return out;
}
// The test files named after the root (those 'loopwise run' runs), else every file named like one.
const testFiles = process.argv.length > 2 ? process.argv.slice(2).map((f) => path.join(ROOT, f)) : findTests(ROOT, []).sort();
const isTestFile = (file) => file.includes(path.sep + 'node_modules' + path.sep) || TEST_RE.test(path.relative(ROOT, file).split(path.sep).join('/'));
// Set while compare_behaviour-style recording runs: called with each source module a world finishes loading.
let onSourceLoaded = null;

const texts = new Map(), compiled = new Map();
const PARAMS = ['exports', 'require', 'module', '__filename', '__dirname'];
function compileFile(file, override) {
  if (override === undefined && compiled.has(file)) return compiled.get(file);
  let src = override !== undefined ? override : texts.get(file);
  if (src === undefined) { src = fs.readFileSync(file, 'utf8'); texts.set(file, src); }
  if (src.startsWith('#!')) src = '//' + src;
  const fn = vm.compileFunction(src, PARAMS, { filename: file });
  if (override === undefined) compiled.set(file, fn);
  return fn;
}
function resolveLocal(base) {
  for (const c of [base, base + '.js', base + '.cjs', base + '.mjs', base + '.json', path.join(base, 'index.js')]) {
    try { if (fs.statSync(c).isFile()) return c; } catch (e) { /* try next */ }
  }
  throw new Error("Cannot find module '" + base + "'");
}
${NODE_ESM}

// One candidate's module world.
function makeWorld(overrides, shim) {
  const cache = new Map();
  function load(file) {
    if (cache.has(file)) return cache.get(file).exports;
    const module = { exports: {}, filename: file, id: file, loaded: false };
    cache.set(file, module);
    if (file.endsWith('.json')) { module.exports = JSON.parse(overrides[file] !== undefined ? overrides[file] : fs.readFileSync(file, 'utf8')); return module.exports; }
    if (isEsm(file)) { cache.delete(file); throw Object.assign(new Error('require() of ES Module ' + file + ' not supported'), { code: 'ERR_REQUIRE_ESM' }); }
    const fn = compileFile(file, overrides[file]);
    fn.call(module.exports, module.exports, makeRequire(path.dirname(file)), module, file, path.dirname(file));
    module.loaded = true;
    if (onSourceLoaded && !isTestFile(file)) onSourceLoaded(file, module);
    return module.exports;
  }
  function makeRequire(dir) {
    const req = (spec) => {
      if (spec === 'node:test' || spec === 'test') return shim;
      if (blocked.has(spec)) throw new Error('Loopwise: ' + spec + ' is disabled while verifying candidates');
      if (Module.isBuiltin(spec)) return require(spec);
      if (spec.startsWith('.') || path.isAbsolute(spec)) return load(resolveLocal(path.resolve(dir, spec)));
      return Module.createRequire(path.join(dir, 'x.js'))(spec);
    };
    req.resolve = (spec) => resolveLocal(path.resolve(dir, spec));
    return req;
  }
  // ES modules of this world (test files, and what they import) load through load.importFile(file, ms).
  load.importFile = makeEsmLoader(overrides, shim, load).importFile;
  return load;
}

function makeShim(registry, file) {
  const stack = [];
  const hooks = { beforeEach: [], afterEach: [] };
  const names = new Map();
  function add(name, opts, fn) {
    if (typeof name === 'function') { fn = name; name = fn.name || '<anonymous>'; opts = {}; }
    if (typeof opts === 'function') { fn = opts; opts = {}; }
    opts = opts || {};
    let full = stack.concat([String(name)]).join(' > ');
    const n = (names.get(full) || 0) + 1; names.set(full, n);
    if (n > 1) full += ' #' + n;
    registry.push({ id: path.relative(ROOT, file).split(path.sep).join('/') + '::' + full, fn, skip: !!(opts.skip || opts.todo), hooks: { beforeEach: hooks.beforeEach.slice(), afterEach: hooks.afterEach.slice() } });
  }
  function suite(name, opts, fn) {
    if (typeof opts === 'function') fn = opts;
    stack.push(String(name));
    const saved = { beforeEach: hooks.beforeEach.slice(), afterEach: hooks.afterEach.slice() };
    try { if (fn) fn({}); } finally { stack.pop(); hooks.beforeEach = saved.beforeEach; hooks.afterEach = saved.afterEach; }
  }
  const test = (n, o, f) => add(n, o, f);
  test.test = test; test.it = test; test.describe = suite; test.suite = suite;
  test.skip = (n, o, f) => add(n, Object.assign({}, typeof o === 'object' ? o : {}, { skip: true }), typeof o === 'function' ? o : f);
  test.todo = test.skip; test.only = test;
  test.before = (fn) => hooks.beforeEach.push({ once: true, fn, done: false });
  test.after = () => undefined;
  test.beforeEach = (fn) => hooks.beforeEach.push({ fn });
  test.afterEach = (fn) => hooks.afterEach.push({ fn });
  test.mock = { fn: (impl) => { const f = (...a) => { f.mock.calls.push({ arguments: a }); return impl ? impl(...a) : undefined; }; f.mock = { calls: [], callCount: () => f.mock.calls.length }; return f; } };
  return test;
}

const runScript = new vm.Script('globalThis.__loopwiseRun()');
function runSync(fn, ms) {
  globalThis.__loopwiseRun = fn;
  try { return runScript.runInThisContext({ timeout: Math.max(1, Math.round(ms)) }); } finally { delete globalThis.__loopwiseRun; }
}
function withTimeout(value, ms) {
  if (!value || typeof value.then !== 'function') return Promise.resolve(value);
  return new Promise((resolve, reject) => {
    const t = realSetTimeout(() => reject(Object.assign(new Error('timed out'), { timedOut: true })), ms);
    value.then((v) => { realClearTimeout(t); resolve(v); }, (e) => { realClearTimeout(t); reject(e); });
  });
}

const realSetTimeout = setTimeout, realClearTimeout = clearTimeout, realSetInterval = setInterval, realClearInterval = clearInterval;
let liveTimers = new Set();
globalThis.setTimeout = (...a) => { const h = realSetTimeout(...a); liveTimers.add(h); return h; };
globalThis.setInterval = (...a) => { const h = realSetInterval(...a); liveTimers.add(h); return h; };
const baseGlobals = new Set(Object.getOwnPropertyNames(globalThis));
function cleanup() {
  for (const h of liveTimers) { realClearTimeout(h); realClearInterval(h); }
  liveTimers = new Set();
  for (const k of Object.getOwnPropertyNames(globalThis)) if (!baseGlobals.has(k)) { try { delete globalThis[k]; } catch (e) { /* non-configurable */ } }
}

// Stands in for a branch condition (condition synthesis): records plain local values at each evaluation
// and returns the original value ('record') or a forced one ('true' / 'false').
const PROBE = { mode: null, snaps: [] };
function plain(v, depth) {
  if (v === null || typeof v === 'number' || typeof v === 'boolean') return true;
  if (typeof v === 'string') return v.length <= 200;
  if (Array.isArray(v) && depth < 2 && v.length <= 50) return v.every((x) => plain(x, depth + 1));
  return false;
}
globalThis.__loopwiseProbe = (cond, getters) => {
  const value = PROBE.mode === 'record' ? !!cond() : PROBE.mode === 'true';
  if (PROBE.snaps.length < 40) {
    const env = {};
    for (const [k, get] of Object.entries(getters)) { try { const v = get(); if (plain(v, 0)) env[k] = v; } catch (e) { /* not yet defined */ } }
    PROBE.snaps.push({ env, value });
  }
  return value;
};
baseGlobals.add('__loopwiseProbe');
function evaluate(req) {
  const hits = [];
  req.exprs.forEach((expr, i) => {
    try {
      if (req.rows.every((r) => { const names = Object.keys(r.env); return !!new Function(...names, 'return (' + expr + ');')(...names.map((n) => r.env[n])) === r.value; })) hits.push(i);
    } catch (e) { /* not a match */ }
  });
  return { id: req.id, status: 'ok', hits, tests: [] };
}

let currentError = null;
// The last failing test's error message, for telling apart two ways of failing.
let failureMessage = '';
const messageOf = (e) => String(e && e.message ? (e.name || 'Error') + ': ' + e.message : e).slice(0, 400);
process.on('uncaughtException', (e) => { currentError = e; });
process.on('unhandledRejection', (e) => { currentError = e; });

async function runTest(t, ms) {
  if (t.skip) return 'skipped';
  currentError = null;
  const ctx = { name: t.id, skip: noop, todo: noop, diagnostic: noop, plan: noop, assert, mock: makeShim([], '').mock, test: async (n, o, f) => { const fn = typeof o === 'function' ? o : f; if (fn) await withTimeout(runSync(() => fn(ctx), ms), ms); } };
  try {
    for (const h of t.hooks.beforeEach) { if (h.once && h.done) continue; h.done = true; await withTimeout(runSync(() => h.fn(ctx), ms), ms); }
    if (t.fn.length >= 2) {
      await withTimeout(new Promise((resolve, reject) => runSync(() => t.fn(ctx, (err) => (err ? reject(err) : resolve())), ms)), ms);
    } else {
      await withTimeout(runSync(() => t.fn(ctx), ms), ms);
    }
    for (const h of t.hooks.afterEach) await withTimeout(runSync(() => h.fn(ctx), ms), ms);
    await new Promise((r) => setImmediate(r));
    if (currentError) failureMessage = messageOf(currentError);
    return currentError ? 'failed' : 'passed';
  } catch (e) {
    if (e && (e.timedOut || e.code === 'ERR_SCRIPT_EXECUTION_TIMEOUT')) return 'timedOut';
    failureMessage = messageOf(e);
    return 'failed';
  }
}

async function collect(overrides, ms, errors) {
  const registry = [];
  for (const file of testFiles) {
    const load = makeWorld(overrides, makeShim(registry, file));
    try {
      if (isEsm(file)) await load.importFile(file, ms * 4);
      else runSync(() => load(file), ms * 4);
    } catch (e) {
      errors.push({ id: path.relative(ROOT, file).split(path.sep).join('/'), message: String(e && e.stack || e).slice(0, 2000), timedOut: !!(e && (e.timedOut || e.code === 'ERR_SCRIPT_EXECUTION_TIMEOUT')) });
    }
  }
  return registry;
}

// The functions a source module exports, by name ('' for a module that exports one function); classes aside.
function exportedFunctions(exports) {
  const plainFn = (f) => typeof f === 'function' && !/^class\b/.test(Function.prototype.toString.call(f));
  const out = {};
  if (plainFn(exports)) out[''] = exports;
  if (exports && (typeof exports === 'object' || typeof exports === 'function')) {
    for (const k of Object.keys(exports)) { try { if (plainFn(exports[k])) out[k] = exports[k]; } catch (e) { /* getter threw */ } }
  }
  return out;
}
// Neighbours of a call's arguments: each integer +-1 and 0, each other number +1 and negated, each boolean
// flipped, each string/array without its last or first element, with its last repeated, and empty.
function variants(args) {
  const out = [];
  args.forEach((a, i) => {
    let alts = [];
    if (typeof a === 'boolean') alts = [!a];
    else if (typeof a === 'number' && Number.isInteger(a)) alts = [a + 1, a - 1, 0];
    else if (typeof a === 'number' && Number.isFinite(a)) alts = [a + 1, -a];
    else if ((typeof a === 'string' || Array.isArray(a)) && a.length > 0) alts = [a.slice(0, -1), a.slice(1), a.concat(a.slice(-1)), a.slice(0, 0)];
    for (const alt of alts) out.push(args.slice(0, i).concat([alt], args.slice(i + 1)));
  });
  return out;
}
// Inputs derived from several calls of one function: one call's arguments with one position taken from another.
function derived(argsList) {
  const out = [];
  for (const a of argsList.slice(0, 8)) for (const b of argsList.slice(0, 8)) {
    if (a !== b && a.length === b.length) a.forEach((_, i) => out.push(a.slice(0, i).concat([b[i]], a.slice(i + 1))));
  }
  return out;
}
const util = require('util');
const inspectOpts = { depth: 6, maxArrayLength: 200, maxStringLength: 2000, breakLength: Infinity, sorted: true };
// What a call gives: its value (util.inspect) or the type of what it threw; 'hang' past the time limit (the
// original gets less: inputs it hangs on are common and not compared).
function outcome(fn, thisArg, args, limitMs = 50) {
  try {
    const value = runSync(() => fn.apply(thisArg, structuredClone(args)), limitMs);
    if (value && typeof value.then === 'function') value.then(noop, noop);
    return 'ok:' + util.inspect(value, inspectOpts).slice(0, 2000);
  } catch (e) {
    if (e && e.code === 'ERR_SCRIPT_EXECUTION_TIMEOUT') return 'hang';
    return 'raise:' + (e && e.constructor ? e.constructor.name : typeof e);
  }
}

// Records the calls the tests make to the functions the changed files export, on the original code (calls
// from the tests only, not recursion; deep copies, at most 80), then calls the original's and every
// candidate's functions on those arguments, on inputs derived from them and on their neighbours. The failing
// tests' own calls are left out (the tests ask to change those results), and so are inputs on which the
// original throws or hangs; every candidate is compared on the same inputs, input by input, so a time budget
// that runs out leaves a fair comparison. Same shape as the Python worker's compare_behaviour.
async function compareBehaviour(req) {
  const spec = req.behaviour;
  const ms = req.testTimeoutMs || 2000;
  const candidates = spec.candidates.map((files) => Object.fromEntries(Object.entries(files).map(([rel, src]) => [path.join(ROOT, rel), src])));
  const changed = new Set(candidates.flatMap((c) => Object.keys(c)));
  const calls = [];
  // Calls recorded before the first failing test ran: the later ones are the failing tests' own.
  let keptCalls = -1;
  let depth = 0;
  onSourceLoaded = (file, module) => {
    if (!changed.has(file)) return;
    for (const [name, fn] of Object.entries(exportedFunctions(module.exports))) {
      const recorder = function (...args) {
        if (depth === 0 && calls.length < 80) { try { calls.push({ file, name, args: structuredClone(args) }); } catch (e) { /* not cloneable */ } }
        depth++;
        try { return fn.apply(this, args); } finally { depth--; }
      };
      if (name === '') { Object.assign(recorder, module.exports); module.exports = recorder; }
      else { try { module.exports[name] = recorder; } catch (e) { /* read-only export */ } }
    }
  };
  try {
    const asked = new Set(spec.asked || []);
    const registry = await collect({}, ms, []);
    registry.sort((a, b) => Number(asked.has(a.id)) - Number(asked.has(b.id)));
    let budget = req.timeoutMs || 10000;
    for (const t of registry) {
      if (asked.has(t.id) && keptCalls < 0) keptCalls = calls.length;
      const s = performance.now();
      await runTest(t, Math.min(ms, Math.max(1, budget)));
      budget -= performance.now() - s;
      if (budget <= 0) break;
    }
  } finally {
    onSourceLoaded = null;
    depth = 0;
    cleanup();
  }
  // One module world for the original and one per candidate; a candidate that does not load gives nothing.
  const worlds = [{}, ...candidates].map((overrides) => {
    const load = makeWorld(overrides, makeShim([], ''));
    const modules = new Map();
    return (file) => {
      if (!modules.has(file)) {
        let exports;
        try { exports = runSync(() => load(file), ms); } catch (e) { exports = undefined; }
        modules.set(file, exports === undefined ? undefined : { exports, fns: exportedFunctions(exports) });
      }
      return modules.get(file);
    };
  });
  const inputs = [];
  const mark = (file, name, args) => file + '\0' + name + '\0' + util.inspect(args, { depth: 4, breakLength: Infinity }).slice(0, 300);
  const seen = new Set(calls.slice(keptCalls < 0 ? calls.length : keptCalls).map((c) => mark(c.file, c.name, c.args)));
  const add = (file, name, args) => {
    const key = mark(file, name, args);
    if (!seen.has(key) && inputs.length < 150) { seen.add(key); inputs.push({ file, name, args }); }
  };
  const byFn = new Map();
  for (const c of calls) {
    add(c.file, c.name, c.args);
    const k = c.file + '\0' + c.name;
    if (!byFn.has(k)) byFn.set(k, []);
    byFn.get(k).push(c.args);
  }
  for (const c of calls) for (const alt of variants(c.args)) add(c.file, c.name, alt);
  for (const c of calls) {
    const list = byFn.get(c.file + '\0' + c.name);
    if (list[0] !== c.args) continue;
    for (const alt of derived(list)) add(c.file, c.name, alt);
  }
  const stop = performance.now() + (spec.budgetMs || 3000);
  let compared = 0;
  const same = candidates.map(() => 0);
  try {
    for (const input of inputs) {
      if (performance.now() > stop) break;
      const mod = worlds[0](input.file);
      const fn = mod && mod.fns[input.name];
      if (typeof fn !== 'function') continue;
      const expected = outcome(fn, mod.exports, input.args, 25);
      if (!expected.startsWith('ok:')) continue;
      compared++;
      candidates.forEach((_, j) => {
        const m = worlds[j + 1](input.file);
        const f = m && m.fns[input.name];
        if (typeof f === 'function' && outcome(f, m.exports, input.args) === expected) same[j]++;
      });
    }
  } finally {
    cleanup();
  }
  return { id: req.id, status: 'ok', tests: [], behaviour: { compared, same } };
}

async function handle(req) {
  const overrides = {};
  for (const [rel, src] of Object.entries(req.files || {})) {
    const file = path.join(ROOT, rel);
    try {
      if (isEsm(file)) checkModule(src, file); else vm.compileFunction(src, PARAMS, { filename: file });
    } catch (e) { return { id: req.id, status: 'invalid', message: String(e.message), tests: [] }; }
    overrides[file] = src;
  }
  if (req.behaviour) return compareBehaviour(req);
  const t0 = performance.now();
  let ms = req.testTimeoutMs || 2000;
  const errors = [];
  const out = [];
  PROBE.mode = req.probe || null;
  try {
    const registry = await collect(overrides, ms, errors);
    for (const e of errors) out.push({ id: e.id, status: e.timedOut ? 'timedOut' : 'error', ms: 0 });
    const rank = new Map((req.order || []).map((id, i) => [id, i]));
    registry.sort((a, b) => (rank.has(a.id) ? rank.get(a.id) : 1e9) - (rank.has(b.id) ? rank.get(b.id) : 1e9));
    let budget = req.timeoutMs || 10000;
    if (!(errors.length && req.failFast !== false)) {
      for (const t of registry) {
        if (req.tests && !req.tests.includes(t.id)) continue;
        const s = performance.now();
        PROBE.snaps = [];
        const status = await runTest(t, Math.min(Math.max(ms, (req.testTimeouts || {})[t.id] || 0), Math.max(1, budget)));
        const took = performance.now() - s;
        budget -= took;
        const entry = { id: t.id, status, ms: Math.round(took * 1000) / 1000 };
        if (status === 'failed') entry.message = failureMessage;
        out.push(PROBE.mode ? { ...entry, snaps: PROBE.snaps } : entry);
        // One hanging test usually means they all hang: don't pay the full timeout for each.
        if (status === 'timedOut' && req.shrinkAfterTimeout) ms = Math.min(ms, 200);
        if (req.failFast !== false && status !== 'passed' && status !== 'skipped') break;
        if (budget <= 0) break;
      }
    }
    return { id: req.id, status: budget <= 0 ? 'timedOut' : 'ok', tests: out, ms: Math.round((performance.now() - t0) * 1000) / 1000 };
  } finally {
    cleanup();
  }
}

const startErrors = [];
let queue = collect({}, 2000, startErrors).then((registry) => {
  cleanup();
  send({ ready: true, tests: registry.map((t) => t.id), collectErrors: startErrors.map((e) => ({ id: e.id, message: e.message })) });
});
let buf = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => {
  buf += chunk;
  let nl;
  while ((nl = buf.indexOf('\n')) >= 0) {
    const line = buf.slice(0, nl); buf = buf.slice(nl + 1);
    if (!line.trim()) continue;
    const req = JSON.parse(line);
    if (req.close) { process.stdin.pause(); realSetTimeout(() => process.kill(process.pid, 'SIGKILL'), 10); return; }
    queue = queue.then(() => (req.exprs ? evaluate(req) : handle(req))).then(send, (e) => send({ id: req.id, status: 'crashed', message: String(e), tests: [] }));
  }
});
`;
