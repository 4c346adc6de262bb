// Source of the warm Jest verification worker, run as `node -e <source> <root> <jest entry>` in the sandbox.
// It loads the project's own Jest once and checks each candidate with Jest's runCLI in this process (in band,
// no new Node start): the candidate's sources are written into this worker's own copy of the project (Jest
// reads files from disk), and Jest gives every test file a fresh module registry, so each candidate starts
// clean. It answers the verifier's requests like the node worker; probes and behaviour comparison answer empty.
import { SERVE_REQUESTS } from './serveRequests';
export const JEST_WORKER = String.raw`
'use strict';
const fs = require('fs'), path = require('path');
const ROOT = process.argv[1];
const ENTRY = process.argv[2];
const protoWrite = process.stdout.write.bind(process.stdout);
const send = (obj) => protoWrite(JSON.stringify(obj) + '\n');
process.stdout.write = () => true;
process.stderr.write = () => true;

// Workers share the verifier's copy: each one edits a copy of its own, next to it (dependencies linked).
// (not named by pid: each worker may be pid 2 of its own sandbox)
const COPY = path.join(path.dirname(ROOT), 'jest-worker-' + require('crypto').randomBytes(6).toString('hex'));
fs.cpSync(ROOT, COPY, { recursive: true, verbatimSymlinks: true, filter: (src) => path.basename(src) !== 'node_modules' || path.dirname(src) !== ROOT });
if (fs.existsSync(path.join(ROOT, 'node_modules'))) fs.symlinkSync(fs.realpathSync(path.join(ROOT, 'node_modules')), path.join(COPY, 'node_modules'));
process.on('exit', () => { try { fs.rmSync(COPY, { recursive: true, force: true }); } catch { /* best effort */ } });

const { runCLI } = require(path.dirname(path.dirname(ENTRY)));
const rel = (file) => path.relative(COPY, file).split(path.sep).join('/');
const originals = new Map();

async function run(files, testTimeoutMs) {
  const argv = { _: files, $0: 'jest', runInBand: true, ci: true, watchman: false, silent: true, testTimeout: testTimeoutMs,
    runTestsByPath: files.length > 0, reporters: [], cacheDirectory: path.join(path.dirname(ROOT), 'jest-cache') };
  const { results } = await runCLI(argv, [COPY]);
  const tests = [], errors = [];
  for (const f of results.testResults) {
    if (f.testExecError || (!f.testResults.length && f.failureMessage)) {
      errors.push({ id: rel(f.testFilePath), status: 'error', ms: 0, message: String(f.failureMessage || (f.testExecError && f.testExecError.message) || '').slice(0, 500) });
      continue;
    }
    for (const t of f.testResults) {
      const msg = (t.failureMessages || [])[0] || '';
      const status = t.status === 'passed' ? 'passed' : t.status === 'failed' ? (/Exceeded timeout of \d+ ms/.test(msg) ? 'timedOut' : 'failed') : 'skipped';
      const entry = { id: rel(f.testFilePath) + '::' + [...t.ancestorTitles, t.title].join(' > '), status, ms: t.duration || 0 };
      if (status === 'failed') entry.message = msg.split('\n    at ')[0].slice(0, 500);
      tests.push(entry);
    }
  }
  return { tests, errors };
}

function apply(files) {
  // The previous candidate's files go back to the original first.
  for (const [file, text] of originals) fs.writeFileSync(file, text);
  originals.clear();
  for (const [relPath, src] of Object.entries(files)) {
    const file = path.join(COPY, relPath);
    originals.set(file, fs.readFileSync(file, 'utf8'));
    fs.writeFileSync(file, src);
  }
}

const fileOfId = (id) => (id.includes('::') ? id.slice(0, id.indexOf('::')) : id);

async function handle(req) {
  if (req.exprs || req.probe || req.behaviour || req.observe) return { id: req.id, status: 'ok', tests: [], hits: [] };
  apply(req.files || {});
  const t0 = performance.now();
  const lead = req.failFast !== false && req.order && req.order.length ? fileOfId(req.order[0]) : undefined;
  const out = [];
  const first = lead ? await run([path.join(COPY, lead)], req.testTimeoutMs || 2000) : { tests: [], errors: [] };
  out.push(...first.errors, ...first.tests);
  const failed = out.some((t) => t.status !== 'passed' && t.status !== 'skipped');
  if (!(failed && req.failFast !== false)) {
    const rest = await run([], req.testTimeoutMs || 2000);
    const seen = new Set(out.map((t) => t.id));
    out.push(...rest.errors.filter((t) => !seen.has(t.id)), ...rest.tests.filter((t) => !seen.has(t.id)));
  }
  const ms = Math.round((performance.now() - t0) * 1000) / 1000;
  return { id: req.id, status: ms > (req.timeoutMs || 10000) ? 'timedOut' : 'ok', tests: out, ms };
}

const started = performance.now();
let queue = run([], 5000).then((ready) => {
  const runOverheadMs = Math.round(Math.min(20000, Math.max(0, performance.now() - started - ready.tests.reduce((a, t) => a + t.ms, 0))));
  send({ ready: true, runOverheadMs, tests: ready.tests.map((t) => t.id), collectErrors: ready.errors.map((e) => ({ id: e.id, message: e.message })) });
});
${SERVE_REQUESTS}
`;
