// The team dashboard in real headless Chromium (playwright-core): log in with a team token, check every chart
// rendered with data and no CSP violation, the session cookie is HttpOnly, another team sees only its own
// figures; saves screenshots under .test-output/dashboard/.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { createToken } from '../../../server/src/collector/tokens';
import type { SuggestionEvent } from '../../../common/events';
import { post, testCollector, type TestCollector } from './client';
import { event, freshSqlitePath, suggestion } from './helpers';

const CHROMIUM = '/usr/bin/chromium';
const OUT = '.test-output/dashboard';
const DAY = 86_400_000;

/** Two weeks of a small team's activity: completions in three languages, fixes, hints, gate events, retention. */
function seed(): SuggestionEvent[] {
  const out: SuggestionEvent[] = [];
  const start = Date.UTC(2026, 10, 1, 9);
  const langs = ['python', 'typescript', 'javascript'];
  let n = 0;
  for (let day = 0; day < 14; day++) {
    for (let i = 0; i < 30; i++) {
      const ts = start + day * DAY + i * 60_000;
      const user = `dev${i % 5}`;
      const lang = langs[i % 3];
      const accept = (i * 7 + day * 3) % 10 < 3 + (i % 3) + Math.floor(day / 5);
      const sid = `c${++n}`;
      out.push(...suggestion(sid, accept ? (i % 4 === 0 ? 'partial' : 'accepted') : 'rejected', { user, lang, ts, explore: i % 10 === 0 ? true : undefined }));
      if (accept) {
        out.push(event({ id: `${sid}-r30`, sid, user, type: 'retained', ts: ts + 30_000, retention: { afterMs: 30_000, survived: 0.9 } }));
        out.push(event({ id: `${sid}-r120`, sid, user, type: 'retained', ts: ts + 120_000, retention: { afterMs: 120_000, survived: 0.75 } }));
        out.push(event({ id: `${sid}-r300`, sid, user, type: 'retained', ts: ts + 300_000, retention: { afterMs: 300_000, survived: 0.6 } }));
      }
      out.push(event({ id: `q${n}`, sid: `q${n}`, user, type: 'requested', ts }));
      if (i % 6 === 0) out.push(event({ id: `k${n}`, sid: `q${n}`, user, type: 'skipped', ts }));
      if (i % 7 === 0) out.push(event({ id: `h${n}`, sid: `hid${n}`, user, type: 'suppressed', ts }));
    }
    for (let f = 0; f < 3 + (day % 3); f++) out.push(...suggestion(`fix${day}-${f}`, f % 2 ? 'accepted' : 'rejected', { kind: 'fix', ts: start + day * DAY + f * 1000 }));
    for (let h = 0; h < 2 + (day % 2); h++) out.push(event({ id: `hint${day}-${h}`, sid: `hint${day}-${h}`, kind: 'hint', type: 'shown', ts: start + day * DAY + h }));
  }
  return out;
}

describe('collector dashboard (headless Chromium)', function () {
  this.timeout(120000);
  let c: TestCollector;
  let browser: Browser;
  let alpha: string;
  let beta: string;

  before(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install the Debian chromium package (scripts/install-system-deps.sh)`);
    c = await testCollector(freshSqlitePath());
    alpha = (await createToken(c.storage, 'alpha')).token;
    beta = (await createToken(c.storage, 'beta')).token;
    const events = seed();
    for (let i = 0; i < events.length; i += 1000) assert.equal((await post(c, alpha, events.slice(i, i + 1000))).status, 200);
    assert.equal((await post(c, beta, suggestion('only-beta', 'accepted', { lang: 'go' }))).status, 200);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
    mkdirSync(OUT, { recursive: true });
  });
  after(async () => { await browser?.close(); await c?.close(); });

  async function login(token: string): Promise<{ page: Page; problems: string[] }> {
    const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') problems.push(m.text()); });
    page.on('pageerror', (e) => problems.push(e.message));
    await page.goto(`${c.url}/dashboard`);
    await page.fill('#token', token);
    await Promise.all([page.waitForURL(`${c.url}/dashboard`), page.click('button[type=submit]')]);
    await page.waitForSelector('body[data-ready]', { timeout: 20000 });
    return { page, problems };
  }

  it('logs in with a team token and renders every chart with data under a strict CSP', async () => {
    const { page, problems } = await login(alpha);
    assert.equal(await page.getAttribute('body', 'data-ready'), 'true', await page.textContent('#status') ?? '');
    assert.equal(await page.textContent('#team'), 'alpha');
    const charts: { id: string; type?: string; labels: number; values: number; painted: number }[] = await page.evaluate(() => {
      const g = globalThis as any; // eslint-disable-line @typescript-eslint/no-explicit-any -- browser globals (no DOM lib here)
      return [...g.document.querySelectorAll('canvas')].map((canvas) => {
        const chart = g.Chart.getChart(canvas);
        const pixels: Uint8ClampedArray = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
        let painted = 0;
        for (let i = 3; i < pixels.length; i += 4) if (pixels[i] > 0) painted++;
        const values = chart ? chart.data.datasets.flatMap((d: { data: unknown[] }) => d.data).filter((v: unknown) => typeof v === 'number' && v > 0) : [];
        return { id: canvas.id, type: chart?.config.type, labels: chart?.data.labels.length ?? 0, values: values.length, painted };
      });
    });
    assert.deepEqual(charts.map((ch) => ch.id), ['chart-over-time', 'chart-language', 'chart-kind', 'chart-gate', 'chart-explore', 'chart-retention', 'chart-fixes']);
    for (const ch of charts) {
      assert.ok(ch.type, `${ch.id} has a chart.js instance`);
      assert.ok(ch.labels > 0 && ch.values > 0, `${ch.id} has data: ${JSON.stringify(ch)}`);
      assert.ok(ch.painted > 1000, `${ch.id} is drawn: ${JSON.stringify(ch)}`);
    }
    const byId = Object.fromEntries(charts.map((ch) => [ch.id, ch]));
    assert.equal(byId['chart-over-time'].labels, 14, 'one point per day');
    assert.equal(byId['chart-language'].labels, 3);
    assert.equal(byId['chart-retention'].labels, 3);
    const tiles = await page.$$eval('.tile', (els) => els.map((e) => e.textContent));
    assert.ok(tiles.includes('6Users'), JSON.stringify(tiles));
    assert.equal(await page.evaluate('document.cookie'), '', 'the session cookie is HttpOnly');
    const [cookie] = await page.context().cookies();
    assert.equal(cookie.httpOnly, true);
    assert.equal(cookie.sameSite, 'Strict');
    await page.screenshot({ path: `${OUT}/dashboard.png`, fullPage: true });
    assert.deepEqual(problems, [], 'no console errors (CSP violations would show here)');
    await page.context().close();
  });

  it("shows another team only its own figures, and refuses a bad token", async () => {
    const { page } = await login(beta);
    assert.equal(await page.textContent('#team'), 'beta');
    assert.match(await page.textContent('#status') ?? '', /^2 events from 1 users$/);
    const langs = await page.evaluate("Chart.getChart(document.getElementById('chart-language')).data.labels");
    assert.deepEqual(langs, ['go']);
    await page.screenshot({ path: `${OUT}/dashboard-beta.png` });
    await Promise.all([page.waitForURL(`${c.url}/dashboard`), page.click('header button[type=submit]')]);
    assert.ok(await page.isVisible('#token'), 'logged out: the login form again');
    await page.fill('#token', 'lwt_not-a-token');
    await page.click('button[type=submit]');
    await page.waitForSelector('.error:not(:empty)');
    assert.match(await page.textContent('.error') ?? '', /not valid/);
    await page.context().close();
  });
});
