// `loopwise hint` and `loopwise bench hints` as a user runs them: a hint at the asked level (JSON without the
// fix or the analysis), usage errors with exit 2, and the benchmark's summary on a one-task suite.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFakeOpenAI } from '../../fake-openai/server';

const repo = join(__dirname, '..', '..', '..');
const project = join(repo, 'test', 'fixtures', 'hints', 'count-project');

function cli(args: string[], extraEnv: Record<string, string> = {}): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const env: NodeJS.ProcessEnv = { ...process.env };
    for (const k of ['OPENAI_BASE_URL', 'OPENAI_API_KEY', 'LOOPWISE_LLM_MODEL']) delete env[k];
    Object.assign(env, extraEnv);
    const child = spawn(process.execPath, ['--import', 'tsx', join(repo, 'server', 'src', 'cli.ts'), ...args], { cwd: repo, env });
    let out = '';
    let err = '';
    child.stdout.on('data', (b) => { out += b; });
    child.stderr.on('data', (b) => { err += b; });
    child.on('close', (code) => resolve({ code, out, err }));
  });
}

describe('loopwise hint / bench hints', function () {
  this.timeout(180_000);
  let dir: string;
  before(() => { dir = mkdtempSync(join(tmpdir(), 'loopwise-hint-cli-')); });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('prints a location hint as JSON, without the fix', async () => {
    const r = await cli(['hint', project, '--level', '2', '--json']);
    assert.equal(r.code, 0, r.err);
    const j = JSON.parse(r.out);
    assert.equal(j.status, 'hint');
    assert.deepEqual(j.hint.location, { file: 'solution.py', line: 4 });
    assert.match(j.engineNote, /no model configured/);
    assert.ok(!('analysis' in j) && !r.out.includes('>='), r.out);
  });

  it('rejects a bad level and a missing folder with exit 2', async () => {
    const bad = await cli(['hint', project, '--level', '4']);
    assert.equal(bad.code, 2);
    assert.match(bad.err, /--level must be 1, 2 or 3/);
    const missing = await cli(['hint', join(dir, 'nope')]);
    assert.equal(missing.code, 2);
    assert.match(missing.err, /folder not found: .*nope/);
  });

  it('bench hints reports tasks, withHint, validated and leaksBlocked, and checks the line against fixed/', async () => {
    const task = join(dir, 'suite', 'count-1');
    cpSync(project, join(task, 'workspace'), { recursive: true });
    mkdirSync(join(task, 'fixed'));
    writeFileSync(join(task, 'fixed', 'solution.py'), readFileSync(join(project, 'solution.py'), 'utf8').replace('x > limit', 'x >= limit'));
    writeFileSync(join(task, 'task.json'), JSON.stringify({ id: 'count-1', language: 'python', sources: ['solution.py'], tests: ['test_solution.py'] }));
    const out = join(dir, 'hints.json');
    const r = await cli(['bench', 'hints', join(dir, 'suite'), '--json', out]);
    assert.equal(r.code, 0, r.err);
    const s = JSON.parse(readFileSync(out, 'utf8'));
    assert.deepEqual([s.tasks, s.withHint, s.validated, s.leaksBlocked, s.lineMatchesGroundTruth], [1, 1, 1, 0, 1]);
    assert.equal(s.rows[0].location, 'solution.py:4');
  });

  it('bench hints --engine llm validates with the student model and counts tokens; without a model it refuses', async () => {
    const refused = await cli(['bench', 'hints', join(dir, 'suite'), '--engine', 'llm']);
    assert.equal(refused.code, 2);
    assert.match(refused.err, /--engine llm: no model configured/);
    const fixed = '```python\n' + readFileSync(join(dir, 'suite', 'count-1', 'fixed', 'solution.py'), 'utf8') + '```';
    const fake = await startFakeOpenAI({ script: (q) => {
      const text = JSON.stringify(q.body.messages);
      if (text.includes('programming tutor')) return { content: 'EXPLANATION: equal values are missed.\nHINT: What should happen when an element equals the limit?' };
      return { content: text.includes('Hint from the tutor') ? fixed : 'No idea.' };
    } });
    try {
      const out = join(dir, 'llm.json');
      const r = await cli(['bench', 'hints', join(dir, 'suite'), '--engine', 'llm', '--model', 'fake', '--json', out], { OPENAI_BASE_URL: fake.url, OPENAI_API_KEY: 'sk-test-000' });
      assert.equal(r.code, 0, r.err);
      const s = JSON.parse(readFileSync(out, 'utf8'));
      assert.deepEqual([s.tasks, s.withHint, s.validated, s.leaksBlocked], [1, 1, 1, 0]);
      assert.equal(s.rows[0].source, 'llm');
      assert.ok(s.tokensUsed > 0);
    } finally {
      await fake.close();
    }
  });
});
