// GET /dashboard and its assets: a login form that trades a team token for a signed HttpOnly session cookie,
// the page (media/dashboard), chart.js's UMD build served from node_modules, and /dashboard/data with the
// team's aggregates. Every response carries a strict CSP: scripts and styles only from this origin.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { UsageError } from '../errors';
import { dashboardData } from './aggregate';
import { HttpError, bearer, cookies, readBody, sendJson } from './http';
import type { Storage, TokenRow } from './storage';
import { verifyToken } from './tokens';

const COOKIE = 'lw_session';
const SESSION_MS = 12 * 3600_000;
export const CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
  "form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
const SECURITY_HEADERS = { 'content-security-policy': CSP, 'x-content-type-options': 'nosniff', 'referrer-policy': 'no-referrer', 'x-frame-options': 'DENY' };

interface Asset { type: string; body: Buffer }

/** The page assets, read once at start-up from the repository / npm package the collector runs from. */
function loadAssets(): Map<string, Asset> {
  let root = __dirname;
  while (!existsSync(join(root, 'media', 'dashboard', 'index.html'))) {
    if (dirname(root) === root) throw new UsageError('dashboard assets (media/dashboard) not found: run the collector from the loopwise repository or its npm package');
    root = dirname(root);
  }
  let chartDir: string;
  try {
    chartDir = dirname(createRequire(join(root, 'package.json')).resolve('chart.js'));
  } catch {
    throw new UsageError("chart.js is not installed next to the collector (run 'npm ci' in the loopwise folder)");
  }
  const media = (f: string) => readFileSync(join(root, 'media', 'dashboard', f));
  return new Map<string, Asset>([
    ['index.html', { type: 'text/html; charset=utf-8', body: media('index.html') }],
    ['login.html', { type: 'text/html; charset=utf-8', body: media('login.html') }],
    ['app.js', { type: 'text/javascript; charset=utf-8', body: media('app.js') }],
    ['style.css', { type: 'text/css; charset=utf-8', body: media('style.css') }],
    ['chart.umd.js', { type: 'text/javascript; charset=utf-8', body: readFileSync(join(chartDir, 'chart.umd.min.js')) }],
  ]);
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export class Dashboard {
  private readonly assets = loadAssets();

  constructor(private readonly storage: Storage, private readonly sessionSecret: string) {}

  static async create(storage: Storage) {
    return new Dashboard(storage, await storage.initSetting('session_secret', randomBytes(32).toString('hex')));
  }

  /** Handles /dashboard and /dashboard/*; returns the team name served, for the request log. */
  async handle(req: IncomingMessage, res: ServerResponse, path: string): Promise<string | undefined> {
    const sub = path.replace(/^\/dashboard\/?/, '');
    const method = req.method ?? 'GET';
    if (sub === 'login' && method === 'POST') return this.login(req, res);
    if (sub === 'logout' && method === 'POST') {
      res.writeHead(303, { location: '/dashboard', 'set-cookie': `${COOKIE}=; Path=/dashboard; HttpOnly; SameSite=Strict; Max-Age=0`, ...SECURITY_HEADERS });
      res.end();
      return undefined;
    }
    if (method !== 'GET' && method !== 'HEAD') throw new HttpError(405, `${method} is not allowed on ${path}`, {}, { allow: 'GET' });
    if (sub === 'app.js' || sub === 'style.css' || sub === 'chart.umd.js') {
      this.send(res, 200, this.assets.get(sub)!, { 'cache-control': 'public, max-age=300' });
      return undefined;
    }
    const session = await this.session(req);
    if (sub === 'data') {
      if (!session) throw new HttpError(401, 'log in at /dashboard first (or send a bearer token)', {}, { 'www-authenticate': 'Bearer realm="loopwise"' });
      sendJson(res, 200, { team: session.teamName, ...(await dashboardData(this.storage, session.teamId)) }, SECURITY_HEADERS);
      return session.teamName;
    }
    if (sub !== '') throw new HttpError(404, `no such page: ${path}`);
    if (!session) this.loginPage(res, 200, '');
    else this.send(res, 200, this.assets.get('index.html')!);
    return session?.teamName;
  }

  private async login(req: IncomingMessage, res: ServerResponse) {
    const form = new URLSearchParams((await readBody(req, 16 * 1024)).toString('utf8'));
    const row = await verifyToken(this.storage, (form.get('token') ?? '').trim());
    if (!row) {
      this.loginPage(res, 401, 'That token is not valid (or was revoked).');
      return undefined;
    }
    const payload = `${row.id}.${Date.now() + SESSION_MS}`;
    const cookie = `${COOKIE}=${payload}.${this.sign(payload)}; Path=/dashboard; HttpOnly; SameSite=Strict; Max-Age=${SESSION_MS / 1000}`;
    res.writeHead(303, { location: '/dashboard', 'set-cookie': cookie, ...SECURITY_HEADERS });
    res.end();
    return row.teamName;
  }

  /** The session's token row: from the signed cookie (re-checked against revocation) or a bearer token. */
  private async session(req: IncomingMessage): Promise<TokenRow | undefined> {
    const token = bearer(req);
    if (token) return verifyToken(this.storage, token);
    const m = /^([0-9a-f]{16})\.(\d+)\.([A-Za-z0-9_-]+)$/.exec(cookies(req).get(COOKIE) ?? '');
    if (!m || Number(m[2]) < Date.now()) return undefined;
    const expected = Buffer.from(this.sign(`${m[1]}.${m[2]}`));
    const actual = Buffer.from(m[3]);
    if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) return undefined;
    const row = await this.storage.token(m[1]);
    return row && row.revokedAt === null ? row : undefined;
  }

  private sign(payload: string) {
    return createHmac('sha256', this.sessionSecret).update(payload).digest('base64url');
  }

  private loginPage(res: ServerResponse, status: number, error: string) {
    const html = this.assets.get('login.html')!.body.toString('utf8').replace('{{error}}', escapeHtml(error));
    this.send(res, status, { type: 'text/html; charset=utf-8', body: Buffer.from(html) });
  }

  private send(res: ServerResponse, status: number, asset: Asset, headers: Record<string, string> = {}) {
    res.writeHead(status, { 'content-type': asset.type, 'content-length': asset.body.length, 'cache-control': 'no-store', ...SECURITY_HEADERS, ...headers });
    res.end(asset.body);
  }
}
