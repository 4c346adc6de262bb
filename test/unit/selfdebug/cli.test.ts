// `loopwise fix --engine llm|both` as a user runs it: a child process talking to the fake OpenAI server over
// HTTP, configured by --base-url / --model / OPENAI_API_KEY; and the clear refusal when no model is set.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { startFakeOpenAI, type FakeOpenAI } from '../../fake-openai/server';

const repo = join(__dirname, '..', '..', '..');
const project = join(repo, 'test', 'fixtures', 'llm', 'mean-project');
const key = 'sk-cli-test-SECRET-0123456789';
const rightFix = 'It divides by one less than the count.\n\n```python\ndef mean(xs):\n    total = 0\n    for x in xs:\n        total += x\n    return total / len(xs)\n```\n';

function cli(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(repo, 'server', 'src', 'cli.ts'), ...args], { cwd: repo, env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b) => { stdout += b; });
    child.stderr.on('data', (b) => { stderr += b; });
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('loopwise fix --engine llm (CLI against the fake server)', function () {
  this.timeout(120_000);
  let fake: FakeOpenAI | undefined;
  afterEach(async () => { await fake?.close(); fake = undefined; });
  const baseEnv = () => {
    const env = { ...process.env };
    delete env.OPENAI_API_KEY;
    delete env.OPENAI_BASE_URL;
    delete env.LOOPWISE_LLM_MODEL;
    return env;
  };

  it('prints the verified fix with the explanation and the tokens used', async () => {
    fake = await startFakeOpenAI({ script: () => ({ content: rightFix }) });
    const r = await cli(['fix', project, '--engine', 'llm', '--base-url', fake.url, '--model', 'fake-coder'], { ...baseEnv(), OPENAI_API_KEY: key });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /verified fix \(LLM engine\)/);
    assert.match(r.stdout, /one less than the count/);
    assert.match(r.stdout, /\+ {4}return total \/ len\(xs\)/);
    assert.match(r.stdout, /tokens: \d+/);
    assert.ok(!r.stdout.includes(key) && !r.stderr.includes(key));
    const gen = fake.generations()[0];
    assert.equal(gen.body.model, 'fake-coder');
    assert.equal(gen.headers.authorization, `Bearer ${key}`);
  });

  it('honours OPENAI_BASE_URL and writes JSON with tokens', async () => {
    fake = await startFakeOpenAI({ script: () => ({ content: rightFix }) });
    const r = await cli(['fix', project, '--engine', 'llm', '--model', 'm', '--json'], { ...baseEnv(), OPENAI_BASE_URL: fake.url });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.status, 'fixed');
    assert.equal(out.engine, 'llm');
    assert.equal(out.fixes[0].files[0].path, 'solution.py');
    assert.ok(out.tokens.total > 0);
  });

  it('refuses --engine llm without a model, saying how to configure one', async () => {
    const r = await cli(['fix', project, '--engine', 'llm'], baseEnv());
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--model/);
    assert.match(r.stderr, /OPENAI_API_KEY/);
    assert.ok(!r.stderr.includes('    at '), 'no stack trace');
  });
});
