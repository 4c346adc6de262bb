// The suggestion label state machine (extension/src/lifecycle.ts) without VS Code: accept, partial accepts,
// typing along, typing over, dismissal, the 750 ms rule, cursor moves and editor switches, retention checks.
import * as assert from 'node:assert/strict';
import { MIN_VISIBLE_MS, SuggestionLifecycle, survivedShare, type LifecycleEvent } from '../../../extension/src/lifecycle';

const A = 'file:///a.py';
const B = 'file:///b.py';

function machine() {
  const events: LifecycleEvent[] = [];
  return { lc: new SuggestionLifecycle((e) => events.push(e)), events, types: () => events.map((e) => e.type) };
}

describe('suggestion lifecycle labels', () => {
  it('accepted in full: the whole rest inserted at once, the command afterwards adds nothing', () => {
    const { lc, events, types } = machine();
    lc.shown('s1', A, 10, 'return a + b', 0);
    lc.change(A, { offset: 10, deleteCount: 0, text: 'return a + b' }, 300);
    lc.acceptedCommand('s1', 301);
    assert.deepEqual(types(), ['accepted']);
    assert.equal(events[0].sid, 's1');
    assert.equal(lc.current, undefined);
  });

  it('accepted by the command after typing along to the last character', () => {
    const { lc, types } = machine();
    lc.shown('s1', A, 0, 'ab', 0);
    lc.change(A, { offset: 0, deleteCount: 0, text: 'a' }, 100);
    lc.change(A, { offset: 1, deleteCount: 0, text: 'b' }, 200);
    lc.acceptedCommand('s1', 201);
    assert.deepEqual(types(), ['accepted']);
  });

  it('partial: word accepts are counted cumulatively, and nothing more when it is then left', () => {
    const { lc, events, types } = machine();
    lc.shown('s1', A, 5, 'total = sum(xs)', 0);
    lc.change(A, { offset: 5, deleteCount: 0, text: 'total ' }, 400);
    lc.cursor(A, 11, 401);
    lc.change(A, { offset: 11, deleteCount: 0, text: '= ' }, 500);
    lc.cursor(A, 40, 2000);
    assert.deepEqual(types(), ['partial', 'partial']);
    assert.deepEqual(events.map((e) => e.accepted?.chars), [6, 8]);
  });

  it('typing along keeps it alive; typing something else rejects it once seen for 750 ms', () => {
    const { lc, types } = machine();
    lc.shown('s1', A, 0, 'print(x)', 0);
    lc.change(A, { offset: 0, deleteCount: 0, text: 'p' }, 200);
    lc.cursor(A, 1, 200);
    lc.change(A, { offset: 1, deleteCount: 0, text: 'r' }, 400);
    lc.cursor(A, 2, 400);
    assert.equal(lc.current, 's1');
    assert.deepEqual(types(), []);
    assert.deepEqual(lc.continuation(A, 2), { sid: 's1', rest: 'int(x)' });
    assert.equal(lc.continuation(A, 3), undefined);
    assert.equal(lc.continuation(B, 2), undefined);
    lc.change(A, { offset: 2, deleteCount: 0, text: 'o' }, 1000);
    assert.deepEqual(types(), ['rejected']);
  });

  it('is neither accepted nor rejected when gone within 750 ms', () => {
    const { lc, types } = machine();
    lc.shown('s1', A, 0, 'foo()', 1000);
    lc.change(A, { offset: 0, deleteCount: 0, text: 'x' }, 1000 + MIN_VISIBLE_MS - 1);
    lc.shown('s2', A, 1, 'bar()', 2000);
    lc.dismissed(2100);
    assert.deepEqual(types(), []);
  });

  it('dismissed after 750 ms is rejected', () => {
    const { lc, types } = machine();
    lc.shown('s1', A, 0, 'foo()', 0);
    lc.dismissed(MIN_VISIBLE_MS);
    assert.deepEqual(types(), ['rejected']);
  });

  it('an editor switch or a cursor move elsewhere leaves it (rejected when seen long enough)', () => {
    const { lc, events, types } = machine();
    lc.shown('s1', A, 3, 'x + 1', 0);
    lc.editorChanged(A, 500); // the same editor again: still visible
    lc.editorChanged(B, 900);
    lc.shown('s2', B, 0, 'y', 1000);
    lc.cursor(B, 0, 1200); // where it expects the cursor
    lc.cursor(B, 7, 1900);
    assert.deepEqual(types(), ['rejected', 'rejected']);
    assert.deepEqual(events.map((e) => e.sid), ['s1', 's2']);
  });

  it('a new suggestion replacing a visible one leaves the old one', () => {
    const { lc, events } = machine();
    lc.shown('s1', A, 0, 'one', 0);
    lc.shown('s2', A, 0, 'two', 800);
    assert.deepEqual(events.map((e) => [e.type, e.sid]), [['rejected', 's1']]);
    assert.equal(lc.current, 's2');
  });
});

describe('suggestion lifecycle retention', () => {
  it('reports the surviving share at 30 s, 2 min and 5 min, following edits before and inside the text', () => {
    const { lc, events } = machine();
    let doc = 'def f(x):\n    \n';
    const at = doc.indexOf('    \n') + 4;
    const text = 'return x * 2';
    const edit = (offset: number, deleteCount: number, ins: string, ts: number) => {
      doc = doc.slice(0, offset) + ins + doc.slice(offset + deleteCount);
      lc.change(A, { offset, deleteCount, text: ins }, ts);
    };
    lc.shown('s1', A, at, text, 0);
    edit(at, 0, text, 100);
    const textAt = (uri: string, s: number, e: number) => (uri === A ? doc.slice(s, e) : undefined);
    lc.tick(29_000, textAt);
    assert.deepEqual(events.map((e) => e.type), ['accepted']);
    edit(0, 0, '# doc\n', 31_000); // before it: shifts it
    lc.tick(31_000, textAt);
    assert.deepEqual(events[1].retention, { afterMs: 30_000, survived: 1 });
    const two = doc.indexOf('2');
    edit(two, 1, '3', 60_000); // inside it: one of 12 characters changed
    lc.tick(400_000, textAt);
    assert.deepEqual(events.slice(2).map((e) => e.retention?.afterMs), [120_000, 300_000]);
    assert.ok(Math.abs(events[2].retention!.survived - 11 / 12) < 1e-9);
    assert.equal(lc.watching, 0);
  });

  it('measures survival as characters kept in order', () => {
    assert.equal(survivedShare('abcd', 'abcd'), 1);
    assert.equal(survivedShare('abcd', ''), 0);
    assert.equal(survivedShare('abcd', 'abXcd!'), 1);
    assert.equal(survivedShare('abcd', 'ab'), 0.5);
  });
});
