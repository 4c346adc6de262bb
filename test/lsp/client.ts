// A minimal LSP client for the LSP tests: spawns the built server (dist/server.js --stdio), answers the
// server's requests (configuration, progress creation; none before the initialize result, as VS Code), records
// notifications, and waits for conditions.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createMessageConnection, ErrorCodes, ResponseError, StreamMessageReader, StreamMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node';
import type { ConfigurationParams, InitializeResult, PublishDiagnosticsParams } from 'vscode-languageserver-protocol';

export const repoRoot = resolve(__dirname, '..', '..');
export const serverPath = join(repoRoot, 'dist', 'server.js');

let built = false;

/** Builds dist/ once per test process: the LSP tests run the bundle, so it must match the sources. */
export function ensureBuilt(): void {
  if (built) return;
  const r = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: repoRoot, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`npm run build failed:\n${r.stdout}\n${r.stderr}`);
  if (!existsSync(serverPath)) throw new Error(`build did not produce ${serverPath}`);
  built = true;
}

const fixtureCopies: string[] = [];
process.once('exit', () => {
  for (const dir of fixtureCopies) rmSync(dir, { recursive: true, force: true });
});

/** Copies a fixture project into a fresh temporary folder whose path contains a space. */
export function copyFixture(name: string): string {
  const parent = mkdtempSync(join(tmpdir(), 'loopwise lsp-'));
  fixtureCopies.push(parent);
  const dir = join(parent, name);
  cpSync(join(repoRoot, 'test', 'fixtures', 'lsp', name), dir, { recursive: true });
  return dir;
}

export const uriOf = (path: string) => pathToFileURL(path).href;

export interface Notification {
  method: string;
  params: unknown;
}

export class TestClient {
  readonly process: ChildProcess;
  readonly connection: MessageConnection;
  readonly notifications: Notification[] = [];
  /** Requests the server sent us, by method. */
  readonly serverRequests: Notification[] = [];
  readonly stderr: string[] = [];
  /** The 'loopwise' settings section returned to workspace/configuration. */
  settings: Record<string, unknown> = {};
  /** The folders returned to workspace/workspaceFolders (null: no folder open). */
  workspaceFolders: { uri: string; name: string }[] | null = null;
  private waiters: Array<() => void> = [];
  /** Set once the initialize result arrived: like vscode-languageclient, no server request is answered before. */
  private initializeAnswered = false;

  constructor() {
    this.process = spawn(process.execPath, [serverPath, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.process.stderr!.on('data', (d) => this.stderr.push(String(d)));
    this.connection = createMessageConnection(new StreamMessageReader(this.process.stdout!), new StreamMessageWriter(this.process.stdin!));
    this.connection.onNotification((method: string, params: unknown) => this.record(this.notifications, { method, params }));
    // vscode-jsonrpc routes $/progress to per-token handlers; the test client keeps them all in one list.
    this.connection.onUnhandledProgress(({ token, value }) => this.record(this.notifications, { method: '$/progress', params: { token, value } }));
    const send = this.connection.sendRequest.bind(this.connection) as (method: string, ...args: unknown[]) => Promise<unknown>;
    this.connection.sendRequest = ((method: string, ...args: unknown[]) => {
      const pending = send(method, ...args);
      if (method === 'initialize') pending.then(() => { this.initializeAnswered = true; }, () => undefined);
      return pending;
    }) as MessageConnection['sendRequest'];
    this.connection.onRequest((method: string, params: unknown) => {
      this.record(this.serverRequests, { method, params });
      if (!this.initializeAnswered) throw new ResponseError(ErrorCodes.MethodNotFound, `Unhandled method ${method}`);
      if (method === 'workspace/configuration') return (params as ConfigurationParams).items.map((i) => (i.section === 'loopwise' ? this.settings : null));
      if (method === 'workspace/workspaceFolders') return this.workspaceFolders;
      return null;
    });
    this.connection.listen();
  }

  async initialize(folder: string): Promise<InitializeResult> {
    const result = await this.connection.sendRequest<InitializeResult>('initialize', {
      processId: process.pid,
      rootUri: uriOf(folder),
      workspaceFolders: [{ uri: uriOf(folder), name: 'fixture' }],
      capabilities: {
        window: { workDoneProgress: true },
        workspace: { configuration: true, workspaceFolders: true, didChangeConfiguration: { dynamicRegistration: true } },
        textDocument: { publishDiagnostics: { relatedInformation: true } },
      },
    });
    await this.connection.sendNotification('initialized', {});
    return result;
  }

  open(path: string, languageId: string): void {
    void this.connection.sendNotification('textDocument/didOpen', { textDocument: { uri: uriOf(path), languageId, version: 1, text: readFileSync(path, 'utf8') } });
  }

  /** The latest diagnostics published for a file. */
  diagnostics(path: string): PublishDiagnosticsParams['diagnostics'] | undefined {
    const uri = uriOf(path);
    const last = this.notifications.filter((n) => n.method === 'textDocument/publishDiagnostics' && (n.params as PublishDiagnosticsParams).uri === uri).pop();
    return (last?.params as PublishDiagnosticsParams | undefined)?.diagnostics;
  }

  count(method: string): number {
    return this.notifications.filter((n) => n.method === method).length;
  }

  /** Resolves once `condition` holds (checked on every message), or fails with `what` after `ms`. */
  waitFor(what: string, condition: () => boolean, ms = 60000): Promise<void> {
    if (condition()) return Promise.resolve();
    return new Promise((resolveWait, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== check);
        reject(new Error(`timed out waiting for ${what}; server stderr:\n${this.stderr.join('').slice(-2000)}`));
      }, ms);
      const check = () => {
        if (!condition()) return;
        clearTimeout(timer);
        this.waiters = this.waiters.filter((w) => w !== check);
        resolveWait();
      };
      this.waiters.push(check);
    });
  }

  async stop(): Promise<void> {
    try {
      await Promise.race([this.connection.sendRequest('shutdown'), new Promise((r) => setTimeout(r, 10000))]);
      await this.connection.sendNotification('exit');
    } catch {
      // the server may already be gone; it is killed below either way
    }
    this.connection.dispose();
    if (this.process.exitCode === null) {
      const exited = new Promise((r) => this.process.once('exit', r));
      setTimeout(() => this.process.kill('SIGKILL'), 5000).unref();
      await exited;
    }
  }

  private record(list: Notification[], n: Notification): void {
    list.push(n);
    for (const w of [...this.waiters]) w();
  }
}
