// Source of the warm Vitest verification worker, run as `node --input-type=module -e <source> <root> <vitest entry>`
// in the sandbox. It starts the project's own Vitest once (its config, plugins and transform) and checks each
// candidate without starting Vitest again: a Vite plugin serves the candidate's sources from memory, the
// changed files are invalidated in Vite's module graph, and the test files run in fresh isolated workers,
// so every candidate gets a fresh module registry. It answers the verifier's requests like the node worker;
// probes and behaviour comparison are not offered (empty answers), so repair falls back to plain candidates.
import { SERVE_REQUESTS } from './serveRequests';
export const VITEST_WORKER = String.raw`
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { pathToFileURL } from 'node:url';

const ROOT = process.argv[1];
const ENTRY = process.argv[2];
const protoWrite = process.stdout.write.bind(process.stdout);
const send = (obj) => protoWrite(JSON.stringify(obj) + '\n');
// Vitest and the tests print; only the protocol may reach stdout.
process.stdout.write = () => true;

const rel = (file) => relative(ROOT, file).split(sep).join('/');
const titlesOf = (t) => { const names = []; for (let s = t; s && s.type !== 'module'; s = s.parent) names.unshift(s.name); return names; };
const idOf = (t) => rel(t.module.moduleId) + '::' + titlesOf(t).join(' > ');

let overrides = new Map();
let served = new Set();
const candidatePlugin = {
  name: 'loopwise-candidate',
  enforce: 'pre',
  load(id) {
    const file = id.split('?')[0];
    return overrides.has(file) ? overrides.get(file) : undefined;
  },
};

function viteLoader() {
  // As in run/vitest.ts: from Vite 6.1 the config is read without writing into node_modules.
  const pkg = join(dirname(dirname(ENTRY)), 'vite', 'package.json');
  if (!existsSync(pkg)) return {};
  const [major, minor] = JSON.parse(readFileSync(pkg, 'utf8')).version.split('.').map(Number);
  return major > 6 || (major === 6 && minor >= 1) ? { configLoader: 'runner' } : {};
}

const { createVitest } = await import(pathToFileURL(join(dirname(ENTRY), 'dist', 'node.js')).href);
const vitest = await createVitest('test', { watch: false, reporters: [{}], testTimeout: 2000, includeTaskLocation: false, ...viteLoader() },
  { plugins: [candidatePlugin], logLevel: 'silent' });
const specs = await vitest.globTestSpecifications();

/** Runs the given specifications; returns outcomes by test id and the files that could not run. */
async function runSpecs(list, testTimeoutMs) {
  for (const p of vitest.projects) p.config.testTimeout = testTimeoutMs;
  const result = await vitest.runTestSpecifications(list, false);
  const tests = [];
  const errors = [];
  for (const m of result.testModules) {
    const moduleErrors = m.errors();
    if (moduleErrors.length && ![...m.children.allTests()].length) {
      errors.push({ id: rel(m.moduleId), status: 'error', ms: 0, message: String(moduleErrors[0].message).slice(0, 500) });
      continue;
    }
    for (const t of m.children.allTests()) {
      const r = t.result();
      const d = t.diagnostic();
      const err = r.errors && r.errors[0];
      const timedOut = err && /^Test timed out in/.test(String(err.message));
      const status = r.state === 'passed' ? 'passed' : r.state === 'failed' ? (timedOut ? 'timedOut' : 'failed') : 'skipped';
      const entry = { id: idOf(t), status, ms: d ? Math.round(d.duration * 1000) / 1000 : 0 };
      if (status === 'failed' && err) entry.message = String(err.message).slice(0, 500);
      tests.push(entry);
    }
  }
  return { tests, errors };
}

function killChildren() {
  for (const pid of readdirSync('/proc').filter((n) => /^\d+$/.test(n))) {
    try {
      const stat = readFileSync('/proc/' + pid + '/stat', 'utf8');
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === process.pid) process.kill(Number(pid), 'SIGKILL');
    } catch { /* gone meanwhile */ }
  }
}

const fileOfId = (id) => id.slice(0, id.indexOf('::') >= 0 ? id.indexOf('::') : id.length);

async function handle(req) {
  if (req.exprs || req.probe || req.behaviour || req.observe) return { id: req.id, status: 'ok', tests: [], hits: [] };
  const next = new Map(Object.entries(req.files || {}).map(([f, src]) => [join(ROOT, f), src]));
  // What the previous candidate changed is served from disk again; what this one changes, from memory.
  for (const f of new Set([...served, ...next.keys()])) vitest.invalidateFile(f);
  overrides = next;
  served = new Set(next.keys());
  const t0 = performance.now();
  // Fail fast: the file of the test asked first (a failing one) runs before the others.
  const lead = req.failFast !== false && req.order && req.order.length ? fileOfId(req.order[0]) : undefined;
  const leading = specs.filter((s) => rel(s.moduleId) === lead);
  const out = [];
  const work = (async () => {
    const rounds = leading.length ? [leading, specs.filter((s) => !leading.includes(s))] : [specs];
    for (const round of rounds) {
      if (!round.length) continue;
      const { tests, errors } = await runSpecs(round, req.testTimeoutMs || 2000);
      out.push(...errors, ...tests);
      if (req.failFast !== false && out.some((t) => t.status !== 'passed' && t.status !== 'skipped')) break;
    }
  })();
  // The verifier's budget includes the run's start-up (runOverheadMs, reported when ready).
  const budget = req.timeoutMs || 10000;
  let timer;
  const outcome = await Promise.race([work.then(() => 'done'), new Promise((r) => { timer = setTimeout(() => r('timeout'), budget); })]);
  clearTimeout(timer);
  if (outcome === 'timeout') {
    // A candidate spinning in a test process cannot be stopped through Vitest: its processes are killed,
    // and Vitest, seeing them gone, ends the run. When it does not, this worker ends (the verifier starts another).
    killChildren();
    const settled = await Promise.race([work.then(() => true, () => true), new Promise((r) => setTimeout(() => r(false), 400))]);
    if (!settled) process.exit(3);
    return { id: req.id, status: 'timedOut', tests: out, ms: budget };
  }
  return { id: req.id, status: 'ok', tests: out, ms: Math.round((performance.now() - t0) * 1000) / 1000 };
}

const started = performance.now();
const ready = await runSpecs(specs, 5000);
const runOverheadMs = Math.round(Math.min(20000, Math.max(0, performance.now() - started - ready.tests.reduce((a, t) => a + t.ms, 0))));
send({ ready: true, runOverheadMs, tests: ready.tests.map((t) => t.id), collectErrors: ready.errors.map((e) => ({ id: e.id, message: e.message })) });
let queue = Promise.resolve();
${SERVE_REQUESTS}
`;
