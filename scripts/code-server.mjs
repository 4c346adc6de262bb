// Installs code-server (a real VS Code server + web workbench) into a cache folder outside the project's
// dependencies, and starts/stops it in its own process group. Shared by `npm run demo`, the e2e tests and
// the activation benchmark. Facts behind each step: ../shared/notes/vscode-e2e.md.
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { homedir } from 'node:os';
import { join } from 'node:path';

export const CODE_SERVER_VERSION = '4.100.3';
const RIPGREP_CACHE = ['vscode-ripgrep-cache-1.15.11', 'ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz'];
// Native parts of the VS Code server that only exist when code-server's install scripts really ran.
const NATIVE_FILES = [
  'node-pty/build/Release/pty.node',
  'kerberos/build/Release/kerberos.node',
  '@vscode/spdlog/build/Release/spdlog.node',
  'native-watchdog/build/Release/watchdog.node',
  '@vscode/ripgrep/bin/rg',
];

export function cacheRoot() {
  return join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'loopwise');
}

export function codeServerDir() {
  return process.env.LOOPWISE_CODE_SERVER_DIR || join(cacheRoot(), `code-server-${CODE_SERVER_VERSION}`);
}

function vscodeDir(dir) {
  return join(dir, 'node_modules', 'code-server', 'lib', 'vscode');
}

function missingNatives(dir) {
  return NATIVE_FILES.filter((f) => !existsSync(join(vscodeDir(dir), 'node_modules', f)));
}

/** Paths to what a headless run needs, with what is missing said in plain words. */
export function checkPrerequisites() {
  const problems = [];
  if (!existsSync('/usr/bin/rg') && spawnSync('sh', ['-c', 'command -v rg']).status !== 0) {
    problems.push('ripgrep (apt-get install ripgrep)');
  }
  if (!existsSync('/usr/include/krb5.h') && !existsSync('/usr/include/krb5/krb5.h')) {
    problems.push('libkrb5-dev (apt-get install libkrb5-dev)');
  }
  const major = Number(process.versions.node.split('.')[0]);
  if (major !== 20) problems.push(`Node 20 (code-server ${CODE_SERVER_VERSION} requires it; this is ${process.version})`);
  return problems;
}

/** Returns the code-server install, installing it first (about 45 s) when it is absent or incomplete. */
export function ensureCodeServer({ log = console.log } = {}) {
  const dir = codeServerDir();
  const serverMain = join(vscodeDir(dir), 'out', 'server-main.js');
  if (existsSync(serverMain) && missingNatives(dir).length === 0) return { dir, serverMain };

  const problems = checkPrerequisites();
  if (problems.length) {
    throw new Error(`Cannot install code-server: missing ${problems.join(', ')}. ` +
      'On Debian, `bash scripts/install-system-deps.sh` installs the system packages.');
  }
  log(`Installing code-server ${CODE_SERVER_VERSION} into ${dir} (once; about a minute)...`);
  rmSync(dir, { recursive: true, force: true });
  const tmp = join(dir, 'tmp');
  mkdirSync(join(tmp, RIPGREP_CACHE[0]), { recursive: true });
  seedRipgrep(join(tmp, ...RIPGREP_CACHE));
  // npm 11 blocks dependency install scripts unless allowed; code-server's postinstall builds its natives.
  writeFileSync(join(dir, 'package.json'), JSON.stringify({
    private: true,
    dependencies: { 'code-server': CODE_SERVER_VERSION },
    allowScripts: { 'code-server': true },
  }, null, 2));
  const r = spawnSync('npm', ['install', '--no-audit', '--no-fund', '--no-package-lock', '--prefix', dir], {
    cwd: dir,
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, TMPDIR: tmp, npm_config_unsafe_perm: 'true', npm_config_yes: 'true' },
  });
  const missing = existsSync(serverMain) ? missingNatives(dir) : ['code-server itself'];
  if (r.status !== 0 || missing.length) {
    throw new Error(`code-server install in ${dir} failed (npm exit ${r.status}; missing: ${missing.join(', ') || 'none'}). ` +
      'Check that libkrb5-dev, ripgrep and a C++ toolchain are installed, then run again.');
  }
  log('code-server installed.');
  return { dir, serverMain };
}

// @vscode/ripgrep downloads rg from the internet; give it Debian's rg as its cached download instead.
function seedRipgrep(target) {
  const rg = spawnSync('sh', ['-c', 'command -v rg'], { encoding: 'utf8' }).stdout.trim();
  const staging = mkdtempSync(join(target, '..', 'rg-'));
  copyFileSync(rg, join(staging, 'rg'));
  const t = spawnSync('tar', ['-C', staging, '-czf', target, 'rg']);
  rmSync(staging, { recursive: true, force: true });
  if (t.status !== 0) throw new Error(`could not pack ${rg} into ${target}`);
}

/** A free TCP port on 127.0.0.1: the preferred one when free, else one the OS picks. */
export async function freePort(preferred = 0) {
  const tryPort = (port) => new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(undefined));
    srv.listen(port, '127.0.0.1', () => {
      const { port: got } = srv.address();
      srv.close(() => resolve(got));
    });
  });
  return (preferred && (await tryPort(preferred))) || tryPort(0);
}

/**
 * Starts the VS Code server of the install in its own process group with its state under `stateDir`.
 * Resolves once /version answers. `stop()` kills the whole group (the extension host outlives browsers).
 */
export async function startServer({ serverMain, port, stateDir, extraArgs = [], env = {}, log = () => {}, readyTimeoutMs = 60000 }) {
  const dirs = Object.fromEntries(['ud', 'sd', 'exts', 'tmp', 'config', 'data', 'cache']
    .map((d) => [d, join(stateDir, d)]));
  for (const d of Object.values(dirs)) mkdirSync(d, { recursive: true });
  const args = [serverMain, '--host', '127.0.0.1', '--port', String(port), '--without-connection-token',
    '--accept-server-license-terms', '--disable-telemetry', '--disable-workspace-trust',
    '--user-data-dir', dirs.ud, '--server-data-dir', dirs.sd, '--extensions-dir', dirs.exts, ...extraArgs];
  const proc = spawn(process.execPath, args, {
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env, EXTENSIONS_GALLERY: '{}', TMPDIR: dirs.tmp,
      XDG_CONFIG_HOME: dirs.config, XDG_DATA_HOME: dirs.data, XDG_CACHE_HOME: dirs.cache, ...env,
    },
  });
  const output = [];
  const collect = (chunk) => {
    const text = chunk.toString();
    output.push(text);
    log(text);
  };
  proc.stdout.on('data', collect);
  proc.stderr.on('data', collect);
  let exited = false;
  proc.on('exit', () => { exited = true; });

  const url = `http://127.0.0.1:${port}`;
  const server = { url, port, proc, dirs, output, stop: () => stopGroup(proc) };
  const deadline = Date.now() + readyTimeoutMs;
  while (Date.now() < deadline) {
    if (exited) throw new Error(`VS Code server exited during start-up:\n${output.join('').slice(-3000)}`);
    try {
      const res = await globalThis.fetch(`${url}/version`);
      if (res.ok) return server;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  await server.stop();
  throw new Error(`VS Code server did not answer on ${url}/version within ${readyTimeoutMs / 1000} s`);
}

/** SIGTERM to the process group, SIGKILL after a grace period; resolves when the leader is gone. */
export async function stopGroup(proc, graceMs = 3000) {
  if (proc.exitCode !== null || proc.signalCode !== null) return killQuietly(-proc.pid, 'SIGKILL');
  const gone = new Promise((r) => proc.once('exit', r));
  killQuietly(-proc.pid, 'SIGTERM');
  const timer = setTimeout(() => killQuietly(-proc.pid, 'SIGKILL'), graceMs);
  await gone;
  clearTimeout(timer);
  // children (extension host, language server) may still hold the group
  killQuietly(-proc.pid, 'SIGKILL');
}

function killQuietly(pid, signal) {
  try {
    process.kill(pid, signal);
  } catch {
    // already gone
  }
}

/** Installs a .vsix into the extensions dir the server will use (no marketplace involved). */
export function installVsix({ serverMain, stateDir, vsix }) {
  for (const d of ['exts', 'ud', 'sd']) mkdirSync(join(stateDir, d), { recursive: true });
  const r = spawnSync(process.execPath, [serverMain, '--extensions-dir', join(stateDir, 'exts'),
    '--user-data-dir', join(stateDir, 'ud'), '--server-data-dir', join(stateDir, 'sd'),
    '--accept-server-license-terms', '--install-extension', vsix, '--force'], {
    encoding: 'utf8', env: { ...process.env, EXTENSIONS_GALLERY: '{}' }, timeout: 120000,
  });
  if (r.status !== 0) throw new Error(`installing ${vsix} failed:\n${`${r.stdout}\n${r.stderr}`.slice(-1500)}`);
}
