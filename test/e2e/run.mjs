// The real-VS-Code test tier: bundles test/e2e/suite with esbuild, opens a scratch copy of demo/ (in a
// path with a space) in code-server + headless Chromium with the built extension, prints mocha's output,
// saves screenshots to .test-output/e2e/ and the counts to .test-output/e2e-stats.json.
import * as esbuild from 'esbuild';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { appendFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkDemo } from './demo-check.mjs';
import { runExtensionTests } from './harness.mjs';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const outDir = join(repo, '.test-output', 'e2e');
const statsFile = join(repo, '.test-output', 'e2e-stats.json');
const STATS_MARK = 'LOOPWISE_E2E_STATS ';
const MOCHA_MARK = 'LOOPWISE_MOCHA ';
const workbenchLog = join(outDir, 'workbench.log');
// fixes.test.ts runs five fix searches of up to 30 s each on top of the rest
const TIMEOUT_MS = Number(process.env.LOOPWISE_E2E_TIMEOUT_MS || 900000);

function finish(stats, message) {
  writeFileSync(statsFile, JSON.stringify(stats) + '\n');
  if (message) console.error(`\nreal VS Code tests: ${message}`);
  process.exit(stats.failed ? 1 : 0);
}

rmSync(outDir, { recursive: true, force: true });
rmSync(statsFile, { force: true });
mkdirSync(outDir, { recursive: true });

for (const f of ['dist/extension.js', 'dist/server.js']) {
  if (!existsSync(join(repo, f))) finish({ passed: 0, failed: 1, skipped: 0 }, `${f} is missing: run \`npm run build\` first.`);
}

const testsPath = join(outDir, 'suite', 'index.js');
await esbuild.build({
  entryPoints: [join(repo, 'test/e2e/suite/index.ts')],
  outfile: testsPath,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  // mocha stays a plain require: it resolves from the repository's node_modules above .test-output/
  external: ['vscode', 'mocha'],
  logLevel: 'warning',
});

// vitest.test.ts opens a real Vitest 3 project: its package.json is installed from the npm registry once into
// the same cache as the unit tests' Jest/Vitest fixtures (test/unit/run/jsProjects.ts), keyed by its hash.
const vitestFixture = join(repo, 'test/e2e/fixtures/vitest-shapes');
function installedModules(fixture, name) {
  const pkg = readFileSync(join(fixture, 'package.json'), 'utf8');
  const root = process.env.LOOPWISE_TEST_PROJECTS ?? join(homedir(), '.cache', 'loopwise', 'test-projects');
  const dir = join(root, `${name}-${createHash('sha256').update(pkg).digest('hex').slice(0, 12)}`);
  if (!existsSync(join(dir, '.installed'))) {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'package.json'), pkg);
    execFileSync('npm', ['install', '--no-audit', '--no-fund', '--no-package-lock'], { cwd: dir, stdio: ['ignore', 'ignore', 'inherit'], timeout: 10 * 60_000 });
    writeFileSync(join(dir, '.installed'), new Date().toISOString());
  }
  return join(dir, 'node_modules');
}
let vitestModules;
try {
  vitestModules = installedModules(vitestFixture, 'e2e-vitest-shapes');
} catch (err) {
  finish({ passed: 0, failed: 1, skipped: 0 }, `npm install for the Vitest fixture failed (is the npm registry reachable?): ${err.message}`);
}

const scratch = mkdtempSync(join(tmpdir(), 'loopwise-e2e-'));
const workspaceDir = join(scratch, 'demo workspace');
cpSync(join(repo, 'demo'), workspaceDir, { recursive: true });

let result;
const started = Date.now();
try {
  result = await runExtensionTests({
    extensionPath: repo,
    testsPath,
    workspace: join(workspaceDir, 'loopwise-demo.code-workspace'),
    // assist.test.ts adds a copy of this buggy project as a workspace folder for the fix and hint tests
    env: {
      LOOPWISE_E2E_OUT: outDir, LOOPWISE_E2E_FIXTURE: join(repo, 'test/e2e/fixtures/python-average'),
      LOOPWISE_E2E_VITEST: vitestFixture, LOOPWISE_E2E_VITEST_MODULES: vitestModules,
    },
    timeoutMs: TIMEOUT_MS,
    onLine: (line) => {
      if (line.startsWith(MOCHA_MARK)) console.log(line.slice(MOCHA_MARK.length));
      else if (line.startsWith('LOOPWISE_SCREENSHOT ')) console.log(`  (screenshot ${line.slice(20)})`);
      // everything else is the workbench's and extension host's own logging
      else if (!line.startsWith(STATS_MARK)) appendFileSync(workbenchLog, line + '\n');
    },
  });
} catch (err) {
  rmSync(scratch, { recursive: true, force: true });
  finish({ passed: 0, failed: 1, skipped: 0 }, `could not run: ${err instanceof Error ? err.message : err}`);
}
rmSync(scratch, { recursive: true, force: true });

const seconds = ((Date.now() - started) / 1000).toFixed(1);
if (result.exitCode === null) {
  finish({ passed: 0, failed: 1, skipped: 0 }, `stopped after ${TIMEOUT_MS / 1000} s without finishing (server and browser killed).`);
}
const statsLine = result.lines.find((l) => l.startsWith(STATS_MARK));
if (!statsLine) {
  finish({ passed: 0, failed: 1, skipped: 0 }, `the suite ended (exit code ${result.exitCode}) without reporting results; see ${workbenchLog}.`);
}
const stats = JSON.parse(statsLine.slice(STATS_MARK.length));
if (result.exitCode !== 0 && !stats.failed) stats.failed = 1;
console.log(`real VS Code: ${stats.passed} passing, ${stats.failed} failing in ${seconds} s; screenshots and workbench.log in ${outDir}`);

console.log('\n  npm run demo, used through the browser');
const demoStarted = Date.now();
const demoProblem = await checkDemo({ repo, outDir });
const demoSeconds = ((Date.now() - demoStarted) / 1000).toFixed(1);
if (demoProblem) {
  stats.failed++;
  console.log(`    1) the demo failed (${demoSeconds} s): ${demoProblem}`);
} else {
  stats.passed++;
  console.log(`    ✔ starts, runs "Loopwise: Run All Tests" from the palette, shows the failures, stops on Ctrl-C (${demoSeconds} s)`);
}
finish(stats);
