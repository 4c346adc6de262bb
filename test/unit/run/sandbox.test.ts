// The sandbox that runs user code: no network, no writes outside the scratch folder, secrets scrubbed
// from the environment, the whole process tree killed on timeout and on cancel, output and memory capped.
// Tests for the bubblewrap sandbox need bwrap (scripts/install-system-deps.sh installs it) and fail without it.
import * as assert from 'node:assert';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runTests } from '../../../server/src/run';
import { isSecretVar, scrubbedEnv } from '../../../server/src/run/env';
import { makeScratchCopy, runSandboxed, sandboxKind, type SandboxOptions, type Scratch } from '../../../server/src/run/sandbox';

/** Processes whose command line contains `marker` (strays left behind by a kill). */
function processesWith(marker: string): number[] {
  const found: number[] = [];
  for (const pid of readdirSync('/proc').filter((n) => /^\d+$/.test(n))) {
    try {
      if (readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(marker)) found.push(Number(pid));
    } catch { /* exited */ }
  }
  return found;
}

const withSandbox = (kind: 'bubblewrap' | 'rlimits', body: () => Promise<void>) => async () => {
  const previous = process.env.LOOPWISE_SANDBOX;
  if (kind === 'rlimits') process.env.LOOPWISE_SANDBOX = 'rlimits';
  else delete process.env.LOOPWISE_SANDBOX;
  try { await body(); } finally {
    if (previous === undefined) delete process.env.LOOPWISE_SANDBOX;
    else process.env.LOOPWISE_SANDBOX = previous;
  }
};

describe('run: sandbox', function () {
  this.timeout(60000);
  let project: string;
  let scratch: Scratch;
  let opts: SandboxOptions;

  before(async () => {
    project = mkdtempSync(join(tmpdir(), 'loopwise-sbx-'));
    writeFileSync(join(project, 'main.py'), 'print("hi")\n');
    scratch = await makeScratchCopy(project);
    opts = { cwd: scratch.workspace, writable: [scratch.dir], timeoutMs: 10000, env: scrubbedEnv(scratch.homeDir, scratch.tmpDir) };
  });
  after(async () => {
    await scratch.dispose();
    rmSync(project, { recursive: true, force: true });
  });

  it('bubblewrap is available here (the full sandbox)', () => {
    assert.strictEqual(sandboxKind(), 'bubblewrap', 'bwrap does not work on this machine: install bubblewrap (apt install bubblewrap)');
  });

  it('copies the workspace, links dependency folders, and removes the copy on dispose', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'loopwise-copy-'));
    writeFileSync(join(dir, 'a.py'), 'x = 1\n');
    const deps = join(dir, 'node_modules');
    mkdirSync(join(deps, 'pkg'), { recursive: true });
    const s = await makeScratchCopy(dir);
    assert.strictEqual(readFileSync(join(s.workspace, 'a.py'), 'utf8'), 'x = 1\n');
    assert.deepStrictEqual(s.linked, [deps]);
    assert.ok(lstatSync(join(s.workspace, 'node_modules')).isSymbolicLink());
    await s.dispose();
    assert.ok(!existsSync(s.dir));
    rmSync(dir, { recursive: true, force: true });
  });

  it('has no network', async () => {
    let connections = 0;
    const server: Server = createServer((sock) => { connections++; sock.end(); });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    const script = `const s = require('net').connect(${port}, '127.0.0.1'); s.on('connect', () => { console.log('connected'); process.exit(0); }); s.on('error', (e) => { console.log(e.code); process.exit(3); });`;
    const r = await runSandboxed(process.execPath, ['-e', script], opts);
    server.close();
    assert.strictEqual(r.code, 3, r.stdout + r.stderr);
    assert.strictEqual(connections, 0);
  });

  it('cannot write outside the scratch folder, nor to the original workspace', async () => {
    // /work-like folders stay visible read-only; /tmp is private to the sandbox.
    const outsideRoot = join(__dirname, '../../../.test-output');
    mkdirSync(outsideRoot, { recursive: true });
    const outside = mkdtempSync(join(outsideRoot, 'outside-'));
    const r = await runSandboxed('sh', ['-c', `echo x > "${outside}/escaped"; echo y > inside.txt; echo z > "${project}/main.py"`], opts);
    assert.ok(!existsSync(join(outside, 'escaped')), 'wrote outside the scratch folder');
    assert.strictEqual(readFileSync(join(project, 'main.py'), 'utf8'), 'print("hi")\n', 'modified the original workspace');
    assert.strictEqual(readFileSync(join(scratch.workspace, 'inside.txt'), 'utf8'), 'y\n');
    // Both writes must be refused: read-only where the folder is visible, absent where it lies under the
    // sandbox's private /tmp (a checkout under /tmp, as CI may use).
    const refusals = r.stderr.match(/Read-only file system|Directory nonexistent/g) ?? [];
    assert.strictEqual(refusals.length, 2, r.stderr);
    rmSync(outside, { recursive: true, force: true });
  });

  for (const kind of ['bubblewrap', 'rlimits'] as const) {
    it(`kills the whole process tree on timeout (${kind})`, withSandbox(kind, async () => {
      const marker = `sleep 31${kind === 'bubblewrap' ? 7 : 8}`;
      const r = await runSandboxed('sh', ['-c', `${marker} & setsid ${marker} & ${marker}; echo never`], { ...opts, timeoutMs: 500 });
      assert.strictEqual(r.timedOut, true);
      assert.strictEqual(r.sandbox, kind);
      await new Promise((res) => setTimeout(res, 200));
      assert.deepStrictEqual(processesWith(marker), []);
    }));

    it(`kills the whole process tree on cancel (${kind})`, withSandbox(kind, async () => {
      const marker = `sleep 32${kind === 'bubblewrap' ? 7 : 8}`;
      const abort = new AbortController();
      setTimeout(() => abort.abort(), 300);
      const r = await runSandboxed('sh', ['-c', `${marker} & ${marker}`], { ...opts, signal: abort.signal });
      assert.strictEqual(r.aborted, true);
      await new Promise((res) => setTimeout(res, 200));
      assert.deepStrictEqual(processesWith(marker), []);
    }));

    it(`caps output and memory (${kind})`, withSandbox(kind, async () => {
      const loud = await runSandboxed('sh', ['-c', 'yes | head -c 5000000; echo done >&2'], { ...opts, maxOutputBytes: 1000 });
      assert.strictEqual(loud.truncated, true);
      assert.strictEqual(loud.stdout.length, 1000);
      assert.strictEqual(loud.stderr, 'done\n');
      const greedy = await runSandboxed('python3', ['-c', 'x = bytearray(2 * 1024 ** 3)'], { ...opts, memoryMb: 256 });
      assert.notStrictEqual(greedy.code, 0);
      assert.match(greedy.stderr, /MemoryError/);
    }));
  }

  it('scrubs secrets from the environment and moves HOME into the scratch folder', async () => {
    const env = scrubbedEnv('/scratch/home', '/scratch/tmp', {}, {
      PATH: '/usr/bin', LANG: 'en_US.UTF-8', OPENAI_API_KEY: 'sk-x', GITHUB_TOKEN: 'ghp_x', AWS_SECRET_ACCESS_KEY: 'x', MY_PASSWORD: 'x',
      DB_PASSWORD: 'x', VSCODE_IPC_HOOK: '/tmp/x.sock', HARMLESS: 'sk-abcdefghijklmnopqrstuvwxyz', HOME: '/root', EDITOR: 'vi',
    });
    assert.deepStrictEqual(Object.keys(env).filter((k) => /KEY|TOKEN|SECRET|PASSWORD|VSCODE|HARMLESS/.test(k)), []);
    assert.strictEqual(env.HOME, '/scratch/home');
    assert.strictEqual(env.PATH, '/usr/bin');
    assert.strictEqual(env.EDITOR, 'vi');
    assert.ok(isSecretVar('ANTHROPIC_API_KEY', 'x') && !isSecretVar('PATH', '/usr/bin'));
  });

  it('a test run sees no API key even when the editor has one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'loopwise-env-'));
    writeFileSync(join(dir, 'test_env.py'), [
      'import os',
      'def test_no_secrets():',
      '    leaked = [k for k in os.environ if k in ("OPENAI_API_KEY", "GITHUB_TOKEN")]',
      '    assert leaked == []',
      'def test_home_is_scratch():',
      '    assert os.environ["HOME"] != os.path.expanduser("~root") and "loopwise-" in os.environ["HOME"]',
      '',
    ].join('\n'));
    process.env.OPENAI_API_KEY = 'sk-loopwise-test-key-0123456789';
    process.env.GITHUB_TOKEN = 'ghp_loopwisetest0123456789012345';
    try {
      const r = await runTests({ root: dir });
      assert.deepStrictEqual(r.tests.map((t) => [t.name, t.status, t.message]), [['test_no_secrets', 'passed', undefined], ['test_home_is_scratch', 'passed', undefined]]);
    } finally {
      delete process.env.OPENAI_API_KEY;
      delete process.env.GITHUB_TOKEN;
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('warns when only the weaker sandbox is available', withSandbox('rlimits', async () => {
    const r = await runTests({ root: join(__dirname, '../../fixtures/run/py-pass') });
    assert.strictEqual(r.sandbox, 'rlimits');
    assert.strictEqual(r.summary.passed, 2);
    assert.ok(r.problems.some((p) => p.kind === 'weakSandbox' && /bubblewrap/.test(p.message)));
  }));
});
