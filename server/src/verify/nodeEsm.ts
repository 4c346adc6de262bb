// ES module loading for the warm Node worker (spliced into NODE_WORKER, which runs with
// --experimental-vm-modules): each candidate's module world links its own vm.SourceTextModule records,
// candidate sources served from memory, so nothing leaks from one candidate into the next as import() with
// the loader's cache would. node:test resolves to the worker's shim, CommonJS files to the world's own
// CommonJS loader, packages to the real loader (shared, like require() of a package).
export const NODE_ESM = String.raw`
const url = require('url');
const packageType = new Map();
// Whether Node would load the file as an ES module: .mjs, or .js under a package.json with "type": "module".
function isEsm(file) {
  if (file.endsWith('.mjs')) return true;
  if (!file.endsWith('.js')) return false;
  for (let dir = path.dirname(file); ; dir = path.dirname(dir)) {
    if (!packageType.has(dir)) {
      let type;
      try { type = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')).type || 'commonjs'; } catch (e) { type = undefined; }
      packageType.set(dir, type);
    }
    const type = packageType.get(dir);
    if (type !== undefined) return type === 'module';
    if (dir === path.dirname(dir)) return false;
  }
}
function checkModule(src, file) {
  new vm.SourceTextModule(src, { identifier: url.pathToFileURL(file).href });
}
function synthetic(values, id) {
  const names = Object.keys(values);
  return new vm.SyntheticModule(names, function () { for (const n of names) this.setExport(n, values[n]); }, { identifier: id });
}
// A CommonJS value as a namespace: default is module.exports, its own keys are named exports.
function namespaceOf(exports) {
  const out = {};
  if (exports && (typeof exports === 'object' || typeof exports === 'function')) {
    for (const k of Object.keys(exports)) { try { out[k] = exports[k]; } catch (e) { /* getter threw */ } }
  }
  out.default = exports;
  return out;
}
function makeEsmLoader(overrides, shim, loadCjs) {
  const modules = new Map();
  const once = (key, make) => { if (!modules.has(key)) modules.set(key, make()); return modules.get(key); };
  function sourceModule(file) {
    return once(file, () => {
      const src = overrides[file] !== undefined ? overrides[file] : fs.readFileSync(file, 'utf8');
      const href = url.pathToFileURL(file).href;
      return new vm.SourceTextModule(src, {
        identifier: href,
        initializeImportMeta(meta) { meta.url = href; meta.filename = file; meta.dirname = path.dirname(file); },
        importModuleDynamically: (spec) => ready(spec, path.dirname(file)),
      });
    });
  }
  async function moduleFor(spec, dir) {
    if (spec === 'node:test' || spec === 'test') return once('node:test', () => synthetic(namespaceOf(shim), 'node:test'));
    if (blocked.has(spec)) throw new Error('Loopwise: ' + spec + ' is disabled while verifying candidates');
    if (Module.isBuiltin(spec)) return once(spec, () => synthetic(namespaceOf(require(spec)), spec));
    let file;
    if (spec.startsWith('file:')) file = url.fileURLToPath(spec);
    else if (spec.startsWith('.') || path.isAbsolute(spec)) file = resolveLocal(path.resolve(dir, spec));
    if (file) return isEsm(file) ? sourceModule(file) : once(file, () => synthetic(namespaceOf(loadCjs(file)), url.pathToFileURL(file).href));
    let target = spec;
    try { target = url.pathToFileURL(Module.createRequire(path.join(dir, 'x.js')).resolve(spec)).href; } catch (e) { /* ESM-only: import() resolves it */ }
    const ns = await import(target);
    return once('package:' + target, () => synthetic(Object.fromEntries(Object.keys(ns).map((k) => [k, ns[k]])), spec));
  }
  const linker = (spec, referencing) => moduleFor(spec, path.dirname(url.fileURLToPath(referencing.identifier)));
  async function ready(spec, dir, ms) {
    const m = await moduleFor(spec, dir);
    if (m.status === 'unlinked') await m.link(linker);
    if (m.status === 'linked') await withTimeout(m.evaluate(ms ? { timeout: Math.max(1, Math.round(ms)) } : undefined), ms || 1e9);
    if (m.status === 'errored') throw m.error;
    return m;
  }
  return { importFile: async (file, ms) => (await ready(url.pathToFileURL(file).href, path.dirname(file), ms)).namespace };
}
`;
