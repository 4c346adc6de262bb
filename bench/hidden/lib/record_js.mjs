// Runs a probe's CASES (name -> zero-argument function) against the fixed/ sources in <dir> inside a vm
// context, each call with its own timeout, and prints per case the result as JavaScript source or why
// there is none. Usage: node record_js.mjs <dir> <probe.js>   (the probe is CommonJS ending in CASES)
import fs from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';

const TIMEOUT_MS = 2000;
const MAX_SOURCE = 4000;

/** Source text for plain data (read back equal by eval), or null for anything else. Works across realms. */
function toSource(v) {
  if (v === undefined) return 'undefined';
  if (v === null || typeof v === 'boolean') return String(v);
  if (typeof v === 'number') return Object.is(v, -0) ? '0' : String(v);
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v !== 'object') return null;
  if (Array.isArray(v)) {
    const parts = Array.from(v, toSource);
    return parts.includes(null) ? null : `[${parts.join(', ')}]`;
  }
  const proto = Object.getPrototypeOf(v);
  if (proto !== null && (Object.getPrototypeOf(proto) !== null || (proto.constructor && proto.constructor.name) !== 'Object')) return null;
  const parts = Object.keys(v).map((k) => { const s = toSource(v[k]); return s === null ? null : `${JSON.stringify(k)}: ${s}`; });
  return parts.includes(null) ? null : `{ ${parts.join(', ')} }`;
}

function main() {
  const [dir, probe] = process.argv.slice(2);
  const ctx = vm.createContext({ console: { log() {}, error() {}, warn() {} } });
  const cache = new Map();
  // a CommonJS loader for relative files, evaluated inside the context so every call can be timed out
  const load = (file) => {
    if (cache.has(file)) return cache.get(file).exports;
    const mod = { exports: {} };
    cache.set(file, mod);
    const wrapped = `(function (exports, require, module) {${fs.readFileSync(file, 'utf8')}\n})`;
    const fn = vm.runInContext(wrapped, ctx, { filename: file, timeout: TIMEOUT_MS });
    ctx.__run = () => fn(mod.exports, (spec) => {
      if (!spec.startsWith('.')) throw new Error(`module ${spec} is not available to the probe`);
      return load(path.resolve(path.dirname(file), spec.endsWith('.js') ? spec : `${spec}.js`));
    }, mod);
    vm.runInContext('__run()', ctx, { timeout: TIMEOUT_MS });
    return mod.exports;
  };
  const probeFile = path.join(dir, '__probe__.js');
  fs.writeFileSync(probeFile, `${fs.readFileSync(probe, 'utf8')}\nmodule.exports = CASES;\n`);
  let cases;
  try { cases = load(probeFile); } finally { fs.unlinkSync(probeFile); }
  const out = {};
  for (const name of Object.keys(cases)) {
    ctx.__case = cases[name];
    try {
      const value = vm.runInContext('__case()', ctx, { timeout: TIMEOUT_MS });
      const src = toSource(value);
      out[name] = src === null || src.length > MAX_SOURCE ? { ok: false, why: 'not plain data or too large' } : { ok: true, src };
    } catch (e) {
      out[name] = { ok: false, why: e && e.code === 'ERR_SCRIPT_EXECUTION_TIMEOUT' ? 'timeout' : String((e && e.name) || e) };
    }
  }
  process.stdout.write(JSON.stringify(out));
}

main();
