// Runs the whole test suite: unit and LSP tests with mocha (in this process), then the
// real-VS-Code suite (test/e2e/run.mjs) when present. Ends with one line "N passed, N failed, N skipped"
// summed over all tiers, and exits non-zero when anything failed.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const require = createRequire(import.meta.url);
require('tsx/cjs');
const Mocha = require('mocha');

function testFiles(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return name === 'fixtures' ? [] : testFiles(p);
    return p.endsWith('.test.ts') ? [p] : [];
  }).sort();
}

const only = process.argv.slice(2);
const tiers = only.length ? only : ['unit', 'lsp', 'e2e'];
const totals = { passed: 0, failed: 0, skipped: 0 };

for (const tier of ['unit', 'lsp'].filter((t) => tiers.includes(t))) {
  console.log(`\n== ${tier} tests`);
  const mocha = new Mocha({ timeout: 30000, reporter: 'spec' });
  for (const f of testFiles(join('test', tier))) mocha.addFile(f);
  const stats = await new Promise((resolve) => {
    const runner = mocha.run(() => resolve(runner.stats));
  });
  totals.passed += stats.passes;
  totals.failed += stats.failures;
  totals.skipped += stats.pending;
}

if (tiers.includes('e2e') && existsSync('test/e2e/run.mjs')) {
  console.log('\n== real VS Code tests (code-server + headless Chromium)');
  const r = spawnSync(process.execPath, ['test/e2e/run.mjs'], { stdio: ['ignore', 'inherit', 'inherit'], env: process.env });
  // run.mjs writes its own counts to .test-output/e2e-stats.json
  const statsFile = '.test-output/e2e-stats.json';
  if (existsSync(statsFile)) {
    const s = JSON.parse((await import('node:fs')).readFileSync(statsFile, 'utf8'));
    totals.passed += s.passed; totals.failed += s.failed; totals.skipped += s.skipped ?? 0;
  }
  if (r.status !== 0 && !totals.failed) totals.failed += 1;
}

console.log(`\n${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
process.exit(totals.failed ? 1 : 0);
