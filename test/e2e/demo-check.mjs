// Checks `npm run demo` the way a new user meets it: runs the README's command (`npm run demo`, which installs
// code-server and, as root, the Debian packages it needs), opens the URL it prints in headless Chromium, sees
// the walkthrough, runs "Loopwise: Run All Tests" from the palette of the installed .vsix, waits for the status
// bar to count a failure for every demo project, takes a screenshot, then stops it with Ctrl-C (SIGINT to its
// process group). `node test/e2e/demo-check.mjs` runs it alone (.ci/run does, on a clean machine).
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CHROMIUM } from './harness.mjs';
import { freePort } from '../../scripts/code-server.mjs';

const BROWSER_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync'];

/** Resolves with the first match of `pattern` in the process's output, or rejects after `timeoutMs`. */
function waitForOutput(proc, pattern, timeoutMs, seen) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${pattern} in the demo's output after ${timeoutMs / 1000} s`)), timeoutMs);
    const check = () => {
      const m = pattern.exec(seen.join(''));
      if (m) {
        clearTimeout(timer);
        resolve(m);
      }
    };
    proc.stdout.on('data', check);
    proc.stderr.on('data', check);
    proc.on('exit', (code) => { clearTimeout(timer); reject(new Error(`the demo exited (${code}) early`)); });
    check();
  });
}

async function answers(url) {
  try {
    return (await globalThis.fetch(new URL('/version', url))).ok;
  } catch {
    return false;
  }
}

/** Ctrl-C in a terminal: SIGINT to the whole foreground group (npm and the demo script under it). */
function interrupt(proc) {
  try {
    process.kill(-proc.pid, 'SIGINT');
  } catch {
    // already gone
  }
}

/**
 * Runs a command from the palette the way a user does, pressing F1 again when the palette closed before the
 * command could be typed: the workbench still restoring its views (a focus change) closes it, and a user then
 * simply opens it again.
 */
async function runFromPalette(page, command) {
  const input = page.locator('.quick-input-widget input');
  for (let attempt = 1; ; attempt++) {
    try {
      await page.keyboard.press('F1');
      await input.waitFor({ state: 'visible', timeout: 5000 });
      await input.fill(`>${command}`, { timeout: 5000 });
      const row = page.locator('.quick-input-list .monaco-list-row', { hasText: command.replace(/^.*?: /, '') }).first();
      await row.click({ timeout: 10000 });
      return;
    } catch (err) {
      if (attempt === 3) throw err;
      await page.keyboard.press('Escape').catch(() => {});
      await page.waitForTimeout(1000);
    }
  }
}

/** Runs the check; resolves with an error message, or undefined when the demo works. */
export async function checkDemo({ repo, outDir, timeoutMs = 600000 }) {
  const { chromium } = await import('playwright-core');
  mkdirSync(outDir, { recursive: true });
  const port = await freePort();
  const seen = [];
  const demo = spawn('npm', ['run', 'demo', '--', '--port', String(port)], { cwd: repo, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  demo.stdout.on('data', (d) => seen.push(d.toString()));
  demo.stderr.on('data', (d) => seen.push(d.toString()));
  const exited = new Promise((resolve) => demo.on('exit', (code, signal) => resolve(signal ?? code)));
  let browser;
  let page;
  try {
    // The first start installs code-server (and its Debian packages): minutes, not seconds.
    const [url] = await waitForOutput(demo, /http:\/\/127\.0\.0\.1:\d+\/\S*/, timeoutMs, seen);
    const [, workspace] = await waitForOutput(demo, /scratch copy \((.+?)\)/, 1000, seen);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: BROWSER_ARGS });
    page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    await page.goto(url);
    // The extension contributes its status bar entry once it is active, and opens its walkthrough on a first start.
    await page.locator('.statusbar-item', { hasText: 'Loopwise' }).first().waitFor({ timeout: 60000 });
    await page.locator('.part.editor', { hasText: 'Get Started with Loopwise' }).first().waitFor({ timeout: 20000 });
    await runFromPalette(page, 'Loopwise: Run All Tests');
    // Every demo project has a bug, so every one of them must count at least one failure (a project whose tests
    // could not run, e.g. without pytest, counts none).
    const projects = JSON.parse(readFileSync(join(repo, 'demo', 'loopwise-demo.code-workspace'), 'utf8')).folders.length;
    const status = page.locator('.statusbar-item', { hasText: /failing/ }).first();
    await status.waitFor({ timeout: 90000 });
    let shown = '';
    for (const deadline = Date.now() + 90000; Date.now() < deadline; await page.waitForTimeout(500)) {
      shown = (await status.textContent().catch(() => '')) ?? '';
      if (Number(/(\d+) failing/.exec(shown)?.[1] ?? 0) >= projects) break;
    }
    await page.screenshot({ path: join(outDir, 'demo.png') });
    if (Number(/(\d+) failing/.exec(shown)?.[1] ?? 0) < projects) return `the status bar says "${shown.trim()}": fewer failures than the ${projects} buggy demo projects`;
    await browser.close();
    browser = undefined;

    interrupt(demo);
    // npm itself dies of the SIGINT, as in a terminal; the demo script under it must stop everything it started.
    const how = await Promise.race([exited, new Promise((r) => setTimeout(() => r('still running'), 20000))]);
    if (how !== 0 && how !== 'SIGINT' && how !== 130) return `after Ctrl-C the demo ended with ${how}`;
    const stopped = async () => !existsSync(workspace) && !(await answers(url));
    for (let i = 0; i < 100 && !(await stopped()); i++) await new Promise((r) => setTimeout(r, 200));
    if (existsSync(workspace)) return `the demo left its scratch workspace behind: ${workspace}`;
    if (await answers(url)) return `the demo's VS Code server still answers on ${url} after Ctrl-C`;
    return undefined;
  } catch (err) {
    await page?.screenshot({ path: join(outDir, 'demo-failure.png') }).catch(() => {});
    return `${err instanceof Error ? err.message : err}\n--- demo output ---\n${seen.join('').slice(-3000)}`;
  } finally {
    await browser?.close().catch(() => {});
    if (demo.exitCode === null && demo.signalCode === null) {
      interrupt(demo);
      await Promise.race([exited, new Promise((r) => setTimeout(r, 10000))]);
    }
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
  const outDir = join(repo, '.test-output', 'demo');
  const started = Date.now();
  const problem = await checkDemo({ repo, outDir });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (problem) {
    console.error(`npm run demo check failed (${seconds} s): ${problem}`);
    process.exit(1);
  }
  console.log(`npm run demo check passed (${seconds} s): started, walkthrough shown, "Loopwise: Run All Tests" counted a failure in every project, stopped on Ctrl-C; screenshot ${join(outDir, 'demo.png')}`);
}
