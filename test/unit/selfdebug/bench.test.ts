// `loopwise bench repair --engine llm|both` on a one-task suite built in a temporary folder: the same JSON as
// the embedded benchmark plus the tokens used, with the fake OpenAI server as the model.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFakeOpenAI, type FakeOpenAI } from '../../fake-openai/server';

const repo = join(__dirname, '..', '..', '..');
const project = join(repo, 'test', 'fixtures', 'llm', 'mean-project');
const rightFix = 'It divides by one less than the count.\n\n```python\ndef mean(xs):\n    total = 0\n    for x in xs:\n        total += x\n    return total / len(xs)\n```\n';

function run(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(repo, 'server', 'src', 'cli.ts'), ...args], { cwd: repo, env });
    let out = '';
    child.stdout.on('data', (b) => { out += b; });
    child.stderr.on('data', (b) => { out += b; });
    child.on('close', (code) => resolve({ code, out }));
  });
}

describe('bench repair --engine llm|both', function () {
  this.timeout(180_000);
  let fake: FakeOpenAI | undefined;
  let suite: string;
  before(() => {
    suite = mkdtempSync(join(tmpdir(), 'loopwise-llm-suite-'));
    const task = join(suite, 'mean-1');
    cpSync(project, join(task, 'workspace'), { recursive: true });
    mkdirSync(join(task, 'fixed'));
    writeFileSync(join(task, 'fixed', 'solution.py'), readFileSync(join(project, 'solution.py'), 'utf8').replace('(len(xs) - 1)', 'len(xs)'));
    writeFileSync(join(task, 'task.json'), JSON.stringify({ id: 'mean-1', language: 'python', sources: ['solution.py'], tests: ['test_solution.py'] }));
  });
  after(() => rmSync(suite, { recursive: true, force: true }));
  afterEach(async () => { await fake?.close(); fake = undefined; });

  for (const engine of ['llm', 'both']) {
    it(`reports the embedded benchmark's figures plus tokens (--engine ${engine})`, async () => {
      fake = await startFakeOpenAI({ script: () => ({ content: rightFix, usage: { prompt_tokens: 700, completion_tokens: 60 } }) });
      const out = join(suite, `${engine}.json`);
      const env = { ...process.env, OPENAI_BASE_URL: fake.url, OPENAI_API_KEY: 'sk-bench-0123456789abcdef' };
      const r = await run(['bench', 'repair', suite, '--engine', engine, '--model', 'fake', '--budget-s', '60', '--json', out], env);
      assert.equal(r.code, 0, r.out);
      const s = JSON.parse(readFileSync(out, 'utf8'));
      for (const k of ['suite', 'tasks', 'failingDetected', 'plausible', 'correct', 'localization', 'secondsPerTask', 'candidatesPerSecond', 'tokensUsed']) assert.ok(k in s, `${k} in ${JSON.stringify(s)}`);
      assert.equal(s.tasks, 1);
      assert.equal(s.plausible, 1);
      assert.equal(s.localization.scored, 1);
      if (engine === 'llm') {
        // The K candidates of a round are asked in parallel: every one of them is counted.
        assert.equal(s.tokensUsed.total, 760 * fake.generations().length);
        assert.equal(s.tokensUsed.estimated, false);
      } else {
        assert.ok(s.tokensUsed.total >= 0);
      }
      assert.match(r.out, /LLM tokens: \d+ in total/);
      assert.ok(!r.out.includes('sk-bench'));
    });
  }
});
