// Installs code-server (a real VS Code server + web workbench) into a cache folder outside the project's
// dependencies (as root also the Debian packages its install needs), and starts/stops it in its own process
// group. Shared by `npm run demo`, the e2e tests and the activation benchmark. Facts behind each step:
// ../shared/notes/vscode-e2e.md.
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';

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

/** [package, is it present] pairs: what code-server's install builds its native modules with (node-gyp),
 *  and the rg that stands in for @vscode/ripgrep's download. */
export const CODE_SERVER_PACKAGES = [
  ['ripgrep', () => onPath('rg')],
  ['libkrb5-dev', () => existsSync('/usr/include/krb5.h') || existsSync('/usr/include/krb5/krb5.h')],
  ['g++', () => onPath('g++')],
  ['make', () => onPath('make')],
  ['python3', () => onPath('python3')],
];

function onPath(command) {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

/**
 * Installs the packages of `wanted` that are missing when running as root; otherwise throws an error whose last
 * line is the one command to run. `why` says what needs them, for that message.
 */
export function ensureDebianPackages(wanted, why, log = console.log) {
  const missing = () => [...new Set(wanted.filter(([, present]) => !present()).map(([name]) => name))];
  const need = missing();
  if (!need.length) return;
  const command = `apt-get install -y --no-install-recommends ${need.join(' ')}`;
  if (process.getuid?.() !== 0) {
    throw new Error(`${why}: this machine lacks the Debian packages ${need.join(', ')}. Install them, then run again:\n\n  sudo ${command}\n`);
  }
  if (!onPath('apt-get')) throw new Error(`${why}: missing ${need.join(', ')}, and this is not a Debian-like system (no apt-get): install them with its package manager.`);
  log(`Installing Debian packages: ${need.join(' ')}...`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [['update', '-qq'], ['install', '-y', '-qq', '--no-install-recommends', ...need]]) {
    const r = spawnSync('apt-get', args, { stdio: ['ignore', 'inherit', 'inherit'], env });
    if (r.status !== 0) throw new Error(`apt-get ${args.join(' ')} failed (exit ${r.status}).`);
  }
  const still = missing();
  if (still.length) throw new Error(`still missing after apt-get: ${still.join(', ')}`);
}

/** Whether code-server is installed completely (its install scripts really ran). */
export function codeServerInstalled() {
  const dir = codeServerDir();
  return existsSync(join(vscodeDir(dir), 'out', 'server-main.js')) && missingNatives(dir).length === 0;
}

/**
 * Returns the code-server install, installing it first (about a minute) when it is absent or incomplete,
 * with the Debian packages it needs (as root; otherwise the error says the one command to run).
 */
export function ensureCodeServer({ log = console.log } = {}) {
  const dir = codeServerDir();
  const serverMain = join(vscodeDir(dir), 'out', 'server-main.js');
  if (codeServerInstalled()) return { dir, serverMain };

  const major = Number(process.versions.node.split('.')[0]);
  if (major !== 20) throw new Error(`code-server ${CODE_SERVER_VERSION} needs Node.js 20; this is ${process.version}.`);
  ensureDebianPackages(CODE_SERVER_PACKAGES, 'installing code-server (the VS Code it runs) builds native modules', log);
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
    env: { ...process.env, TMPDIR: tmp, npm_config_unsafe_perm: 'true', npm_config_yes: 'true', ...nodeHeaders() },
  });
  const missing = existsSync(serverMain) ? missingNatives(dir) : ['code-server itself'];
  if (r.status !== 0 || missing.length) {
    throw new Error(`code-server install in ${dir} failed (npm exit ${r.status}; missing: ${missing.join(', ') || 'none'}). ` +
      'Its output above says why.');
  }
  log('code-server installed.');
  return { dir, serverMain };
}

// node-gyp downloads Node's headers from nodejs.org unless told where this Node's own are (Debian and
// NodeSource packages ship them in /usr/include/node).
function nodeHeaders() {
  const prefix = join(dirname(process.execPath), '..');
  return existsSync(join(prefix, 'include', 'node', 'node_version.h')) ? { npm_config_nodedir: prefix } : {};
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
