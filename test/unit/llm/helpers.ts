// Shared setup for LLM tests: a client wired to a fake endpoint, with a recorded (and fast) backoff sleep.
import { LlmClient, type LlmClientDeps } from '../../../server/src/llm/client';
import { configFromSettings, type LlmConfig } from '../../../server/src/llm/config';

export const testKey = 'sk-test-SECRET-0123456789abcdef';

export interface TestClient {
  client: LlmClient;
  sleeps: number[];
  logs: string[];
}

export function testClient(baseUrl: string, overrides: Partial<LlmConfig> = {}, deps: LlmClientDeps = {}): TestClient {
  const sleeps: number[] = [];
  const logs: string[] = [];
  const config = {
    ...configFromSettings({ baseUrl, models: { fixer: 'fake-fixer', tutor: 'fake-tutor', student: 'fake-student', completion: 'fake-fim' }, timeoutSeconds: 2 }),
    ...overrides,
  };
  const client = new LlmClient(config, async () => testKey, {
    // Backoff delays are recorded, then waited only briefly: the tests check the policy, not the clock.
    sleep: async (ms) => { sleeps.push(ms); await new Promise((r) => setTimeout(r, 5)); },
    log: (line) => logs.push(line),
    random: () => 0.5,
    ...deps,
  });
  return { client, sleeps, logs };
}
