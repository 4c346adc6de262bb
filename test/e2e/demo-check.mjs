// Checks `npm run demo` the way a person uses it: starts scripts/demo.mjs, opens the URL it prints in
// headless Chromium, runs "Loopwise: Run All Tests" from the command palette of the installed .vsix,
// waits for the status bar to show the failures, takes a screenshot, then stops it with Ctrl-C (SIGINT).
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { CHROMIUM } from './harness.mjs';
import { freePort } from '../../scripts/code-server.mjs';

const BROWSER_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync'];

/** Resolves with the first match of `pattern` in the process's stdout, or rejects after `timeoutMs`. */
function waitForOutput(proc, pattern, timeoutMs, seen) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${pattern} in the demo's output after ${timeoutMs / 1000} s:\n${seen.join('')}`)), timeoutMs);
    const check = () => {
      const m = pattern.exec(seen.join(''));
      if (m) {
        clearTimeout(timer);
        resolve(m);
      }
    };
    proc.stdout.on('data', check);
    proc.on('exit', (code) => { clearTimeout(timer); reject(new Error(`the demo exited (${code}) early:\n${seen.join('')}`)); });
    check();
  });
}

/** Runs the check; resolves with an error message, or undefined when the demo works. */
export async function checkDemo({ repo, outDir, timeoutMs = 180000 }) {
  const { chromium } = await import('playwright-core');
  const port = await freePort();
  const seen = [];
  const demo = spawn(process.execPath, [join(repo, 'scripts/demo.mjs'), '--port', String(port)], { cwd: repo, stdio: ['ignore', 'pipe', 'pipe'] });
  demo.stdout.on('data', (d) => seen.push(d.toString()));
  demo.stderr.on('data', (d) => seen.push(d.toString()));
  const exited = new Promise((resolve) => demo.on('exit', (code, signal) => resolve(signal ?? code)));
  let browser;
  try {
    const [url] = await waitForOutput(demo, /http:\/\/127\.0\.0\.1:\d+\/\S*/, timeoutMs, seen);
    const [, workspace] = await waitForOutput(demo, /scratch copy \((.+?)\)/, 1000, seen);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: BROWSER_ARGS });
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    await page.goto(url);
    // The extension contributes its status bar entry once it is active.
    await page.locator('.statusbar-item', { hasText: 'Loopwise' }).first().waitFor({ timeout: 60000 });
    await page.keyboard.press('F1');
    await page.locator('.quick-input-widget input').fill('>Loopwise: Run All Tests');
    const row = page.locator('.quick-input-list .monaco-list-row', { hasText: 'Run All Tests' }).first();
    await row.waitFor({ timeout: 10000 });
    await row.click();
    await page.locator('.statusbar-item', { hasText: /failing/ }).first().waitFor({ timeout: 90000 });
    await page.screenshot({ path: join(outDir, 'demo.png') });
    await browser.close();
    browser = undefined;

    demo.kill('SIGINT');
    const how = await Promise.race([exited, new Promise((r) => setTimeout(() => r('still running'), 20000))]);
    if (how !== 0) return `after Ctrl-C the demo ended with ${how} instead of exit code 0`;
    if (existsSync(workspace)) return `the demo left its scratch workspace behind: ${workspace}`;
    return undefined;
  } catch (err) {
    return `${err instanceof Error ? err.message : err}\n--- demo output ---\n${seen.join('').slice(-3000)}`;
  } finally {
    await browser?.close().catch(() => {});
    if (demo.exitCode === null && demo.signalCode === null) {
      demo.kill('SIGINT');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 10000))]);
    }
  }
}
