// Extension activation time in a real VS Code extension host (code-server + headless Chromium): from
// activate() being called until the language server has answered initialize, as the extension measures
// it (and the part before it waits for the server). Baseline in the same process: spawning dist/server.js
// over stdio and getting its initialize answer. The machine's load average is printed: timings follow it.
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { missingForHeadless, runExtensionTests } from '../test/e2e/harness.mjs';

const root = resolve(__dirname, '..');
const vscodeRuns = Number(process.env.LOOPWISE_BENCH_RUNS || 3);
const baselineRuns = 5;

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** Spawns the bundled server over stdio and resolves with the ms until its initialize response. */
function serverInitializeMs(): Promise<number> {
  return new Promise((done, fail) => {
    const started = performance.now();
    const child = spawn(process.execPath, [join(root, 'dist/server.js'), '--stdio'], { stdio: ['pipe', 'pipe', 'ignore'] });
    const body = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { processId: process.pid, rootUri: null, capabilities: {} } });
    child.stdin.write(`Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
    let seen = '';
    child.stdout.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
      if (seen.includes('"id":1')) {
        const ms = performance.now() - started;
        child.kill();
        done(ms);
      }
    });
    child.on('exit', (code) => fail(new Error(`dist/server.js exited (${code}) before answering initialize`)));
  });
}

// Runs inside the extension host: waits for activation and logs the extension's own measurement.
const probe = `
const vscode = require('vscode');
exports.run = async () => {
  const api = await vscode.extensions.getExtension('loopwise.loopwise').activate();
  console.log('LOOPWISE_ACTIVATION ' + api.activationMs + ' ' + api.registeredMs);
};
`;

async function main(): Promise<void> {
  const missing = missingForHeadless();
  if (!existsSync(join(root, 'dist/extension.js'))) missing.push('a build (npm run build)');
  if (missing.length) throw new Error(`cannot measure activation: missing ${missing.join(', ')}`);

  const baseline: number[] = [];
  for (let i = 0; i < baselineRuns; i++) baseline.push(await serverInitializeMs());

  const work = mkdtempSync(join(tmpdir(), 'loopwise-activation-'));
  const probeDir = join(root, '.bench-output', 'activation');
  mkdirSync(probeDir, { recursive: true });
  writeFileSync(join(probeDir, 'probe.js'), probe);
  cpSync(join(root, 'demo', 'python-cart'), join(work, 'python-cart'), { recursive: true });
  const activation: number[] = [];
  const registered: number[] = [];
  const cycles: number[] = [];
  try {
    for (let i = 0; i < vscodeRuns; i++) {
      const started = performance.now();
      const { exitCode, lines } = await runExtensionTests({
        extensionPath: root, testsPath: join(probeDir, 'probe.js'), workspace: join(work, 'python-cart'), timeoutMs: 120000,
      });
      const line = lines.find((l) => l.startsWith('LOOPWISE_ACTIVATION '));
      if (exitCode !== 0 || !line) throw new Error(`run ${i + 1}: the extension did not report its activation (exit ${exitCode})`);
      const [, ms, registeredMs] = line.split(' ');
      activation.push(Number(ms));
      registered.push(Number(registeredMs));
      cycles.push(performance.now() - started);
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }

  const fmt = (v: number) => `${v.toFixed(v < 10 ? 1 : 0)} ms`;
  console.log(`activation in VS Code (activate() -> server initialized), ${vscodeRuns} runs: median ${fmt(median(activation))} [${activation.map(fmt).join(', ')}]`);
  console.log(`  of which registering commands, Testing view and status bar: median ${fmt(median(registered))}`);
  console.log(`baseline: bare server spawn + initialize over stdio, ${baselineRuns} runs: median ${fmt(median(baseline))}`);
  console.log(`ratio activation / bare server start: ${(median(activation) / median(baseline)).toFixed(2)}`);
  console.log(`load average during the runs: ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  console.log(`full cycle per run (server start, browser, workbench, activation, stop): median ${(median(cycles) / 1000).toFixed(1)} s`);
}

main().catch((err: unknown) => {
  console.error(`activation bench: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
