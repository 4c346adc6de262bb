import * as assert from 'node:assert';
import type { EventType, SuggestionEvent } from '../../../common/events';
import { STAGE1_FEATURES } from '../../../common/gate/features';
import { newHistory, observe } from '../../../common/gate/history';
import { buildExamples, deriveLabels } from '../../../server/src/gate/examples';

let n = 0;
const ev = (sid: string, type: EventType, ts: number, user = 'u', kind: SuggestionEvent['kind'] = 'completion'): SuggestionEvent =>
  ({ v: 1, id: `e${n++}`, ts, user, kind, type, sid, ...(type === 'shown' ? { ctx: { lang: 'python', prefix: 'x = ' }, sug: { text: '1', chars: 1, lines: 1 } } : {}) });

describe('gate labels', () => {
  it('accepted and partial are accepted, rejected is rejected, anything else is no decision', () => {
    const labels = deriveLabels([
      ev('a', 'shown', 1), ev('a', 'accepted', 2),
      ev('b', 'shown', 3), ev('b', 'partial', 4), ev('b', 'rejected', 5),
      ev('c', 'shown', 6), ev('c', 'rejected', 7),
      ev('d', 'shown', 8), ev('d', 'retained', 9),
      ev('e', 'suppressed', 10),
    ]);
    assert.deepStrictEqual([...labels.entries()].sort(), [['a', 1], ['b', 1], ['c', 0]]);
  });

  it('makes one example per decided shown completion, ordered by time, and ignores fixes and hints', () => {
    const ex = buildExamples([
      ev('c', 'rejected', 7), ev('c', 'shown', 6),
      ev('a', 'shown', 1), ev('a', 'accepted', 2),
      ev('d', 'shown', 8),
      ev('f', 'shown', 9, 'u', 'fix'), ev('f', 'accepted', 10, 'u', 'fix'),
    ]);
    assert.deepStrictEqual(ex.sid, ['a', 'c']);
    assert.deepStrictEqual(Array.from(ex.y), [1, 0]);
  });

  it('derives the history per user from the ordered stream: counts a suggestion once, keeps users apart', () => {
    const h = newHistory();
    for (const e of [ev('a', 'shown', 1), ev('a', 'partial', 2), ev('a', 'accepted', 3), ev('b', 'shown', 4), ev('b', 'rejected', 900)]) observe(h, e);
    assert.strictEqual(h.decisions, 2);
    assert.strictEqual(h.accepted, 1);
    assert.strictEqual(h.lastOutcome, 0);
    assert.strictEqual(h.lastOutcomeTs, 900);
    const ex = buildExamples([ev('a', 'shown', 1, 'u1'), ev('a', 'accepted', 2, 'u1'), ev('b', 'shown', 3, 'u2'), ev('b', 'rejected', 4, 'u2')]);
    const prevAccepted = (STAGE1_FEATURES as readonly string[]).indexOf('prevAccepted'), d1 = STAGE1_FEATURES.length;
    // u2's first suggestion comes after u1's accept, but u2 has no previous outcome of its own
    assert.deepStrictEqual([ex.x1[prevAccepted], ex.x1[d1 + prevAccepted]], [0, 0]);
  });
});
