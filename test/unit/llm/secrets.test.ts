// The API key stays out of logs, messages and child processes: redaction and the CLI's environment handling.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { redact, takeApiKeyFromEnv } from '../../../server/src/llm/secrets';
import { configFromCli } from '../../../server/src/llm/config';

describe('LLM secrets', () => {
  it('redacts the given key and key-shaped strings', () => {
    const text = 'failed with key abcd-1234-efgh, header Bearer abcdefghijkl, sk-proj-0123456789xyz, {"api_key": "hunter22"}';
    const out = redact(text, ['abcd-1234-efgh']);
    for (const secret of ['abcd-1234-efgh', 'abcdefghijkl', 'sk-proj-0123456789xyz', 'hunter22']) assert.ok(!out.includes(secret), out);
    assert.match(out, /Bearer \*\*\*/);
  });

  it('takes OPENAI_API_KEY out of the environment so child processes never see it', async () => {
    const env: NodeJS.ProcessEnv = { OPENAI_API_KEY: 'sk-from-env-123456789', PATH: process.env.PATH };
    const provider = takeApiKeyFromEnv(env);
    assert.equal(await provider(), 'sk-from-env-123456789');
    assert.equal(env.OPENAI_API_KEY, undefined);
    const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(JSON.stringify(process.env))'], { env, encoding: 'utf8' });
    assert.ok(!child.stdout.includes('sk-from-env'), 'the child environment has no key');
  });

  it('reads the CLI configuration from flags, then OPENAI_BASE_URL', () => {
    const fromEnv = configFromCli({ model: 'm' }, { OPENAI_BASE_URL: 'http://localhost:1/v1' });
    assert.equal(fromEnv.baseUrl, 'http://localhost:1/v1');
    assert.equal(fromEnv.models.fixer, 'm');
    assert.equal(fromEnv.models.student, 'm');
    const fromFlag = configFromCli({ model: 'm', baseUrl: 'http://flag/v1' }, { OPENAI_BASE_URL: 'http://env/v1' });
    assert.equal(fromFlag.baseUrl, 'http://flag/v1');
    assert.equal(configFromCli({}, {}).models.fixer, '');
  });
});
