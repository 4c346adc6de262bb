import * as assert from 'node:assert';
import { existsSync, readFileSync } from 'node:fs';
import { validateEvent } from '../../common/events';

const cups = '../shared/data/cups/dev-events.jsonl';

describe('events schema v1', () => {
  it('accepts every event of the CUPS study file', () => {
    assert.ok(existsSync(cups), `${cups} is missing: these tests need ../shared beside the repository`);
    const lines = readFileSync(cups, 'utf8').split('\n').filter(Boolean);
    for (const line of lines) {
      const r = validateEvent(JSON.parse(line));
      assert.ok(r.ok, `${line.slice(0, 80)}: ${!r.ok && r.field} ${!r.ok && r.error}`);
    }
  });
  it('names the field that is wrong', () => {
    const base = { v: 1, id: 'e1', ts: 1, user: 'u', kind: 'completion', type: 'shown', sid: 's1' };
    assert.deepStrictEqual(validateEvent({ ...base, v: 2 }), { ok: false, field: 'v', error: 'unsupported schema version 2 (this reader understands v1)' });
    assert.strictEqual((validateEvent({ ...base, kind: 'lint' }) as { field: string }).field, 'kind');
    assert.strictEqual((validateEvent({ ...base, sug: { chars: -1, lines: 1 } }) as { field: string }).field, 'sug.chars');
    assert.strictEqual((validateEvent({ ...base, gate: { stage: 2, score: 0.4, threshold: 0.3, propensity: 2 } }) as { field: string }).field, 'gate.propensity');
    assert.ok(validateEvent(base).ok);
  });
});
