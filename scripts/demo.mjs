// `npm run demo`: a real VS Code (code-server) on 127.0.0.1 with Loopwise installed from a freshly packed
// .vsix and a scratch copy of demo/ (small buggy Python and JavaScript projects). Prints the URL to open
// and runs until Ctrl-C. Options: --port N (default 8080, or a free one when 8080 is taken). Installs the
// Debian packages it needs as root; as a normal user it says the one sudo command to run first.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { CODE_SERVER_PACKAGES, codeServerInstalled, ensureCodeServer, ensureDebianPackages, freePort, installVsix, startServer } from './code-server.mjs';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');

function fail(message) {
  console.error(`\nnpm run demo: ${message}`);
  process.exit(1);
}

let options;
try {
  options = parseArgs({ options: { port: { type: 'string', default: '8080' } } }).values;
} catch (err) {
  fail(`${err.message}\nusage: npm run demo [-- --port N]`);
}
const preferredPort = Number(options.port);
if (!Number.isInteger(preferredPort) || preferredPort < 1 || preferredPort > 65535) fail(`--port must be a TCP port number, not "${options.port}"`);
if (!existsSync(join(repo, 'dist/extension.js'))) fail('dist/extension.js is missing: run `npm run build` first (npm run demo does).');

// One list, so a normal user gets one sudo line: code-server's build tools (first run only), and pytest,
// which the demo's Python projects are tested with.
const demoPackages = [
  ...(codeServerInstalled() ? [] : CODE_SERVER_PACKAGES),
  ['python3-pytest', () => spawnSync('python3', ['-c', 'import pytest'], { stdio: 'ignore' }).status === 0],
];
let serverMain;
try {
  ensureDebianPackages(demoPackages, 'the demo needs code-server (its install builds native modules) and pytest (for its Python projects)');
  ({ serverMain } = ensureCodeServer());
} catch (err) {
  fail(err.message);
}

const scratch = mkdtempSync(join(tmpdir(), 'loopwise-demo-'));
const cleanup = () => rmSync(scratch, { recursive: true, force: true });
const stateDir = join(scratch, 'vscode');
const workspaceDir = join(scratch, 'demo');
cpSync(join(repo, 'demo'), workspaceDir, { recursive: true });
const workspaceFile = join(workspaceDir, 'loopwise-demo.code-workspace');

console.log('Packing the extension...');
const vsix = join(scratch, 'loopwise.vsix');
const pack = spawnSync(join(repo, 'node_modules/.bin/vsce'), ['package', '--no-dependencies', '--out', vsix], { cwd: repo, encoding: 'utf8' });
if (pack.status !== 0) {
  cleanup();
  fail(`packing the extension failed:\n${pack.stdout}${pack.stderr}`);
}
try {
  installVsix({ serverMain, stateDir, vsix });
} catch (err) {
  cleanup();
  fail(err.message);
}

const port = await freePort(preferredPort);
if (port !== preferredPort) console.log(`Port ${preferredPort} is taken; using ${port}.`);
let server;
try {
  server = await startServer({ serverMain, port, stateDir, extraArgs: ['--default-workspace', workspaceFile] });
} catch (err) {
  cleanup();
  fail(err.message);
}

const url = `${server.url}/?workspace=${encodeURIComponent(workspaceFile)}`;
console.log(`
  Loopwise demo is running: a real VS Code with Loopwise and five small buggy projects.

      Open  ${url}

  in a browser on this machine (no account or API key needed; on a remote machine forward the port first:
  ssh -L ${port}:127.0.0.1:${port} <host>). Then run "Loopwise: Run All Tests" from the command palette (F1),
  or click Loopwise in the status bar. Each project's README.md says what is wrong with it.
  The workspace is a scratch copy (${workspaceDir}); the repository's demo/ is never changed.

  Press Ctrl-C to stop.
`);

let stopping = false;
async function stop(code) {
  if (stopping) return;
  stopping = true;
  console.log('\nStopping the VS Code server...');
  await server.stop();
  cleanup();
  process.exit(code);
}
process.on('SIGINT', () => void stop(0));
process.on('SIGTERM', () => void stop(0));
server.proc.on('exit', (code, signal) => {
  if (stopping) return;
  console.error(`The VS Code server stopped by itself (${signal ?? `exit code ${code}`}). Its last output:\n${server.output.join('').slice(-2000)}`);
  void stop(1);
});
