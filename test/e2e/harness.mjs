// Runs an extension test suite inside a real VS Code: code-server's server plus its web workbench in
// headless Debian Chromium (playwright-core). Used by test/e2e/run.mjs and bench/activation.bench.ts.
// Mocha output and the exit code come back through the workbench's codeAutomationLog/Exit hooks; tests ask for
// screenshots and for what the workbench's DOM shows through log lines (the extension host cannot see the DOM).
import { existsSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { format } from 'node:util';
import { ensureCodeServer, freePort, startServer } from '../../scripts/code-server.mjs';

export const CHROMIUM = process.env.LOOPWISE_CHROMIUM || '/usr/bin/chromium';
const SCREENSHOT_MARK = 'LOOPWISE_SCREENSHOT ';
const DOM_MARK = 'LOOPWISE_DOM ';

/** Text, aria-label, title and input value of every element matching `selector`, written as JSON to `file`. */
async function writeDom(page, file, selector) {
  const found = await page.$$eval(selector, (els) => els.map((e) => ({
    text: (e.textContent ?? '').trim(), label: e.getAttribute('aria-label') ?? '', title: e.getAttribute('title') ?? '',
    value: e.tagName === 'INPUT' ? e.value : '',
  }))).catch((err) => ({ error: err.message }));
  // renamed into place: the test polls for the file and must never read half of it
  writeFileSync(`${file}.part`, JSON.stringify(found));
  renameSync(`${file}.part`, file);
}

/** Plain-words list of what this machine lacks to run VS Code headless (empty when all is there). */
export function missingForHeadless() {
  return existsSync(CHROMIUM) ? [] : [`Chromium at ${CHROMIUM} (apt-get install chromium)`];
}

/**
 * Opens `workspace` (a folder or a .code-workspace file) with the extension at `extensionPath` in
 * development mode and runs the tests module `testsPath` in its extension host. A log line
 * "LOOPWISE_SCREENSHOT <file>" from the tests makes the harness save a PNG of the workbench there;
 * "LOOPWISE_DOM <file> <css selector>" makes it write what the matching elements show (see writeDom).
 * Resolves { exitCode, lines } (exitCode null when the time ran out).
 */
export async function runExtensionTests({ extensionPath, testsPath, workspace, env = {}, timeoutMs = 300000, onLine = () => {} }) {
  const missing = missingForHeadless();
  if (missing.length) throw new Error(`Cannot run VS Code headless: missing ${missing.join(', ')}.`);
  const { chromium } = await import('playwright-core');
  const { serverMain } = ensureCodeServer();
  const stateDir = mkdtempSync(join(tmpdir(), 'loopwise-vscode-'));
  const port = await freePort();
  const lines = [];
  const state = {};
  const work = async () => {
    state.server = await startServer({ serverMain, port, stateDir, env });
    state.browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
        '--disable-component-update', '--disable-sync'],
    });
    const page = await state.browser.newPage({ viewport: { width: 1440, height: 900 } });
    const screenshots = [];
    let exited;
    const finished = new Promise((resolve) => { exited = resolve; });
    await page.exposeFunction('codeAutomationExit', (code) => exited(code));
    await page.exposeFunction('codeAutomationLog', (_type, args) => {
      const line = format(...(Array.isArray(args) ? args : [args]));
      lines.push(line);
      onLine(line);
      if (line.startsWith(SCREENSHOT_MARK)) {
        const path = line.slice(SCREENSHOT_MARK.length).trim();
        screenshots.push(page.screenshot({ path }).catch((e) => onLine(`screenshot ${path} failed: ${e.message}`)));
      } else if (line.startsWith(DOM_MARK)) {
        const [file, ...selector] = line.slice(DOM_MARK.length).trim().split(' ');
        screenshots.push(writeDom(page, file, selector.join(' ')));
      }
    });
    const remote = (p) => `vscode-remote://127.0.0.1:${port}${p}`;
    const payload = JSON.stringify([['extensionDevelopmentPath', remote(extensionPath)], ['extensionTestsPath', remote(testsPath)]]);
    const target = workspace.endsWith('.code-workspace') ? 'workspace' : 'folder';
    await page.goto(`${state.server.url}/?${target}=${encodeURIComponent(workspace)}&payload=${encodeURIComponent(payload)}`);
    const exitCode = await finished;
    await Promise.all(screenshots);
    return exitCode;
  };
  let timer;
  const timeout = new Promise((resolve) => { timer = setTimeout(() => resolve(null), timeoutMs); });
  try {
    const working = work();
    working.catch(() => {}); // after a timeout its late failures (browser closed under it) are expected
    const exitCode = await Promise.race([working, timeout]);
    return { exitCode, lines };
  } finally {
    clearTimeout(timer);
    await state.browser?.close().catch(() => {});
    await state.server?.stop();
    rmSync(stateDir, { recursive: true, force: true });
  }
}
