// Bundles the extension, the language server and the CLI with esbuild, and copies the
// tree-sitter WASM files next to the bundles (they are loaded at run time, never bundled).
import * as esbuild from 'esbuild';
import { copyFileSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const production = process.argv.includes('--production');
const outdir = 'dist';
mkdirSync(outdir, { recursive: true });

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: !production,
  minify: production,
  external: ['vscode', 'better-sqlite3', 'pg-native'],
  logLevel: 'warning',
  // web-tree-sitter calls createRequire(import.meta.url), which is undefined in a CJS bundle.
  define: { 'import.meta.url': '__loopwiseImportMetaUrl' },
  banner: { js: "var __loopwiseImportMetaUrl = require('url').pathToFileURL(__filename).href;" },
};

await Promise.all([
  esbuild.build({ ...common, entryPoints: { extension: 'extension/src/extension.ts' }, outdir }),
  esbuild.build({ ...common, entryPoints: { server: 'server/src/server.ts' }, outdir }),
  // the gate's training thread, started by the server (server/src/lsp/gateTraining.ts)
  esbuild.build({ ...common, entryPoints: { gateTrainWorker: 'server/src/lsp/gateTrainWorker.ts' }, outdir }),
  esbuild.build({ ...common, entryPoints: { cli: 'server/src/cli.ts' }, outdir, banner: { js: '#!/usr/bin/env node\n' + common.banner.js } }),
]);

const wasm = [
  ['web-tree-sitter/tree-sitter.wasm', 'tree-sitter.wasm'],
  ['tree-sitter-python/tree-sitter-python.wasm', 'tree-sitter-python.wasm'],
  ['tree-sitter-javascript/tree-sitter-javascript.wasm', 'tree-sitter-javascript.wasm'],
  ['tree-sitter-typescript/tree-sitter-typescript.wasm', 'tree-sitter-typescript.wasm'],
  ['tree-sitter-typescript/tree-sitter-tsx.wasm', 'tree-sitter-tsx.wasm'],
];
for (const [from, to] of wasm) copyFileSync(join('node_modules', from), join(outdir, to));
// the shipped gate model(s): loaded by the server at run time from dist/models/
mkdirSync(join(outdir, 'models'), { recursive: true });
for (const f of readdirSync('models').filter((n) => n.endsWith('.json'))) copyFileSync(join('models', f), join(outdir, 'models', f));
