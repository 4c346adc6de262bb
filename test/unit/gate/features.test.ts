import * as assert from 'node:assert';
import type { SuggestionEvent } from '../../../common/events';
import { decide, scoreStage1, scoreStage2 } from '../../../common/gate/decide';
import { extractFeatures, STAGE1_FEATURES, STAGE2_FEATURES } from '../../../common/gate/features';
import { fillTokens, jaccard, MAX_TOKENS, newHistory, observe } from '../../../common/gate/history';
import { loadGateModel } from '../../../common/gate/model';
import { scoreEvents } from '../../../server/src/gate/evaluate';
import { buildExamples } from '../../../server/src/gate/examples';
import { syntheticEvents } from '../../../server/src/gate/synthetic';
import { trainGate } from '../../../server/src/gate/train';

const shown = (over: Partial<SuggestionEvent> = {}): SuggestionEvent => ({
  v: 1, id: 'e', ts: 1000, user: 'u', kind: 'completion', type: 'shown', sid: 's',
  ctx: { lang: 'python', docLen: 50, offset: 50, prefix: 'def f(x):\n    return g(x, ', suffix: '' },
  sug: { text: 'y)', chars: 2, lines: 1, tokens: 1, meanLogProb: -0.5, meanAltLogProb: -2 },
  ...over,
});
const at = (x: Float64Array, name: string) => x[(STAGE2_FEATURES as readonly string[]).indexOf(name)];

describe('gate features', () => {
  const events = syntheticEvents({ suggestions: 600, users: 3, seed: 3 });
  const gate = loadGateModel(JSON.parse(JSON.stringify(trainGate(events, { createdAt: 'test' }))));

  it('client-side scoring replays to exactly the vectors and scores training used', () => {
    const ex = buildExamples(events);
    const trained = scoreEvents(gate, events);
    const labelled = new Set(ex.sid);
    const histories = new Map<string, ReturnType<typeof newHistory>>();
    const d2 = STAGE2_FEATURES.length;
    let k = 0;
    // the client's path: one history per user, observe() each event as it happens, score at display time
    for (const e of [...events].sort((a, b) => a.ts - b.ts)) {
      const h = histories.get(e.user) ?? newHistory();
      histories.set(e.user, h);
      if (e.type === 'shown' && labelled.has(e.sid)) {
        const i = ex.sid.indexOf(e.sid);
        assert.deepStrictEqual(extractFeatures(2, e, h), ex.x2.subarray(i * d2, (i + 1) * d2), `features of ${e.sid}`);
        assert.strictEqual(scoreStage2(gate, e, h), trained.stage2[i]);
        assert.strictEqual(scoreStage1(gate, e, h), trained.stage1[i]);
        k++;
      }
      observe(h, e);
    }
    assert.strictEqual(k, ex.n);
    assert.ok(k > 500);
  });

  it('is pure: the same input and history give the same vector, and the history is not changed', () => {
    const h = newHistory();
    observe(h, shown({ sid: 'a', ts: 10 }));
    observe(h, { ...shown({ sid: 'a', ts: 500 }), type: 'rejected' });
    const before = JSON.stringify(h);
    const a = extractFeatures(2, shown(), h);
    const b = extractFeatures(2, shown(), h, new Float64Array(STAGE2_FEATURES.length).fill(7));
    assert.deepStrictEqual(a, b);
    assert.strictEqual(JSON.stringify(h), before);
    assert.strictEqual(extractFeatures(1, shown(), h).length, STAGE1_FEATURES.length);
  });

  it('describes history, cursor context and suggestion', () => {
    const h = newHistory();
    const x0 = extractFeatures(2, shown(), h);
    assert.strictEqual(at(x0, 'prevConfidence'), 0.5);
    observe(h, shown({ sid: 'p', ts: 100 }));
    observe(h, { ...shown({ sid: 'p', ts: 400 }), type: 'accepted' });
    const x = extractFeatures(2, shown(), h);
    assert.strictEqual(at(x, 'prevAccepted'), 1);
    assert.ok(Math.abs(at(x, 'logSecSinceOutcome') - Math.log1p(0.6)) < 1e-12);
    assert.strictEqual(at(x, 'lastSpace'), 1);
    assert.strictEqual(at(x, 'nonSpaceOther'), 1); // the comma before the space
    assert.strictEqual(at(x, 'nonSpaceWord'), 0);
    assert.strictEqual(at(x, 'bracketDepth'), 1);
    assert.strictEqual(at(x, 'lineReturn'), 1);
    assert.strictEqual(at(x, 'prevLineColon'), 1);
    assert.strictEqual(at(x, 'closesOpen'), 1);
    assert.strictEqual(at(x, 'logProbGap'), 1.5);
    const inComment = extractFeatures(1, shown({ ctx: { lang: 'python', prefix: 'x = 1  # the "value', docLen: 9, offset: 3 } }), h);
    assert.strictEqual(at(inComment, 'inComment'), 1);
    assert.strictEqual(at(inComment, 'inString'), 0);
    assert.strictEqual(at(inComment, 'atDocEnd'), 0);
    const inString = extractFeatures(1, shown({ ctx: { lang: 'python', prefix: 'print("hello ' } }), h);
    assert.strictEqual(at(inString, 'inString'), 1);
    const echo = extractFeatures(2, shown({ ctx: { lang: 'python', prefix: 'impute(X_test)\nimpute(X_t' }, sug: { text: 'est)', chars: 4, lines: 1 } }), h);
    assert.strictEqual(at(echo, 'lineEcho'), 1);
    assert.strictEqual(at(echo, 'continuesWord'), 1);
    const hinted = extractFeatures(2, { ...shown(), hints: { nodeType: 'comment', parses: false } }, h);
    assert.strictEqual(at(hinted, 'inComment'), 1);
    assert.strictEqual(at(hinted, 'parses'), -1);
  });

  it('measures the model confidence in probability space, now and at the suggestion before', () => {
    const h = newHistory();
    const first = extractFeatures(2, shown(), h);
    const conf = Math.exp(-0.5) - Math.exp(-2);
    assert.ok(Math.abs(at(first, 'confidence') - conf) < 1e-12);
    assert.strictEqual(at(first, 'confidenceVsPrev'), 0); // nothing shown before
    observe(h, shown({ sid: 'p', ts: 100, sug: { text: 'z', chars: 1, lines: 1, meanLogProb: -0.1, meanAltLogProb: -0.2 } }));
    const prevConf = Math.exp(-0.1) - Math.exp(-0.2);
    const x = extractFeatures(2, shown(), h);
    assert.ok(Math.abs(at(x, 'prevConfidence') - prevConf) < 1e-12);
    assert.ok(Math.abs(at(x, 'confidenceVsPrev') - (conf - prevConf)) < 1e-12);
    // stage 1 knows the previous suggestion's confidence before any model call
    assert.ok(Math.abs(at(extractFeatures(1, shown({ sug: null }), h), 'prevConfidence') - prevConf) < 1e-12);
  });

  it('measures typing per second since the last accept, from where the accepted text ended', () => {
    const h = newHistory();
    const rate = (docLen: number, ts: number) => at(extractFeatures(1, shown({ ts, ctx: { lang: 'python', prefix: 'x = 1\n', docLen, offset: docLen }, sug: null }), h), 'typedSinceAcceptRate');
    observe(h, shown({ sid: 'a', ts: 1000, ctx: { lang: 'python', prefix: 'x', docLen: 50, offset: 50 }, sug: { text: 'y = 2', chars: 5, lines: 1 } }));
    assert.strictEqual(rate(150, 11_000), 0); // nothing accepted yet
    observe(h, { ...shown({ sid: 'a', ts: 2000 }), type: 'accepted' });
    // the accepted 5 characters are not typing: 100 more characters in 10 s is 10 per second
    assert.ok(Math.abs(rate(155, 12_000) - Math.log1p(10)) < 1e-12);
    assert.strictEqual(rate(55, 12_000), 0); // stopped after accepting
    assert.ok(rate(35, 12_000) < 0); // deleting
    // a partial accept lands only its accepted characters
    observe(h, shown({ sid: 'b', ts: 20_000, ctx: { lang: 'python', prefix: 'x', docLen: 60, offset: 60 }, sug: { text: 'print(x)', chars: 8, lines: 1 } }));
    observe(h, { ...shown({ sid: 'b', ts: 21_000 }), type: 'partial', accepted: { chars: 6 } });
    assert.strictEqual(rate(66, 31_000), 0);
  });

  it('sees an identifier typed halfway and code after the cursor', () => {
    const h = newHistory();
    const mid = extractFeatures(1, shown({ ctx: { lang: 'python', prefix: 'x = comp', docLen: 108, offset: 8 } }), h);
    assert.strictEqual(at(mid, 'partialWordLen'), 4);
    assert.ok(Math.abs(at(mid, 'logCharsAfter') - Math.log1p(100)) < 1e-12);
    const fresh = extractFeatures(1, shown(), h);
    assert.strictEqual(at(fresh, 'partialWordLen'), 0);
    assert.strictEqual(at(fresh, 'logCharsAfter'), 0);
  });

  it('notices a suggestion much like one the user already accepted or rejected', () => {
    const h = newHistory();
    const sug = (text: string) => ({ text, chars: text.length, lines: 1, meanLogProb: -0.5, meanAltLogProb: -2 });
    const offered = 'model.fit(X_train, y_train)';
    assert.strictEqual(at(extractFeatures(2, shown({ sug: sug(offered) }), h), 'recentSimilarity'), 0);
    observe(h, shown({ sid: 'r', ts: 100, sug: sug(offered) }));
    // shown but not yet decided: not counted
    assert.strictEqual(at(extractFeatures(2, shown({ sug: sug(offered) }), h), 'recentSimilarity'), 0);
    observe(h, { ...shown({ sid: 'r', ts: 200 }), type: 'rejected' });
    assert.strictEqual(at(extractFeatures(2, shown({ sug: sug(offered) }), h), 'recentSimilarity'), 1);
    // the same tokens with other spacing count as the same code; a different statement shares little
    assert.strictEqual(at(extractFeatures(2, shown({ sug: sug('model.fit( X_train , y_train )') }), h), 'recentSimilarity'), 1);
    const other = at(extractFeatures(2, shown({ sug: sug('print(score)') }), h), 'recentSimilarity');
    assert.ok(other > 0 && other < 0.3, `unrelated suggestion similarity ${other}`);
    // only the last few decided suggestions are remembered
    for (let k = 0; k < 8; k++) {
      observe(h, shown({ sid: `o${k}`, ts: 300 + 10 * k, sug: sug(`value_${k} = ${k}`) }));
      observe(h, { ...shown({ sid: `o${k}`, ts: 305 + 10 * k }), type: 'accepted' });
    }
    assert.strictEqual(h.decidedTokens.length, 8);
    assert.ok(at(extractFeatures(2, shown({ sug: sug(offered) }), h), 'recentSimilarity') < 0.3);
  });

  it('compares the user\'s acceptance of suggestions shaped like this one with their acceptance overall', () => {
    const h = newHistory();
    const short = { text: 'y)', chars: 2, lines: 1 };
    const long = { text: 'y, ' + 'z'.repeat(40) + ')', chars: 44, lines: 1 };
    const multi = { text: 'y)\n    z = 1', chars: 13, lines: 2 };
    assert.strictEqual(at(extractFeatures(2, shown({ sug: short }), h), 'shapeRateVsUser'), 0);
    // accepts every short suggestion, rejects every long one
    for (let k = 0; k < 6; k++) {
      const s = k % 2 ? long : short;
      observe(h, shown({ sid: `a${k}`, ts: 100 * k, sug: s }));
      observe(h, { ...shown({ sid: `a${k}`, ts: 100 * k + 50 }), type: k % 2 ? 'rejected' : 'accepted' });
    }
    assert.deepStrictEqual(h.byShape, [3, 3, 3, 0, 0, 0]);
    assert.ok(at(extractFeatures(2, shown({ sug: short }), h), 'shapeRateVsUser') > 0.1);
    assert.ok(at(extractFeatures(2, shown({ sug: long }), h), 'shapeRateVsUser') < -0.1);
    // no multi-line decisions yet: their rate is the user's own
    assert.ok(Math.abs(at(extractFeatures(2, shown({ sug: multi }), h), 'shapeRateVsUser')) < 1e-12);
  });

  it('counts an outcome that arrives after the next suggestion was shown against its own suggestion', () => {
    const h = newHistory();
    const long = { text: 'y, ' + 'z'.repeat(40) + ')', chars: 44, lines: 1 };
    // the editor replaces a suggestion with the next one: "shown b" is logged before "rejected a"
    observe(h, shown({ sid: 'a', ts: 100, sug: long }));
    observe(h, shown({ sid: 'b', ts: 200, sug: { text: 'y)', chars: 2, lines: 1 } }));
    observe(h, { ...shown({ sid: 'a', ts: 201 }), type: 'rejected' });
    assert.deepStrictEqual(h.byShape, [0, 0, 1, 0, 0, 0], 'the rejection is counted for the long suggestion');
    assert.strictEqual(at(extractFeatures(2, shown({ sug: long }), h), 'recentSimilarity'), 1);
    // accepting it later lands its text where it was shown
    observe(h, { ...shown({ sid: 'b', ts: 300 }), type: 'accepted' });
    const rate = at(extractFeatures(1, shown({ ts: 10_300, ctx: { lang: 'python', prefix: 'x', docLen: 72, offset: 72 }, sug: null }), h), 'typedSinceAcceptRate');
    assert.ok(Math.abs(rate - Math.log1p(2)) < 1e-12, `20 characters in 10 s after landing 2 at 50: ${rate}`);
  });

  it('a full accept after a partial one counts once but lands the whole suggestion', () => {
    const h = newHistory();
    observe(h, shown({ sid: 'a', ts: 1000, ctx: { lang: 'python', prefix: 'x', docLen: 50, offset: 50 }, sug: { text: 'print(total_count)', chars: 18, lines: 1 } }));
    observe(h, { ...shown({ sid: 'a', ts: 1500 }), type: 'partial', accepted: { chars: 6 } });
    observe(h, { ...shown({ sid: 'a', ts: 2000 }), type: 'accepted' });
    assert.strictEqual(h.decisions, 1);
    assert.strictEqual(h.accepted, 1);
    // nothing typed since: no typing rate, although the document is 18 characters longer than when it was shown
    assert.strictEqual(at(extractFeatures(1, shown({ ts: 12_000, ctx: { lang: 'python', prefix: 'x', docLen: 68, offset: 68 }, sug: null }), h), 'typedSinceAcceptRate'), 0);
  });

  it('tokenises code into sorted distinct hashes: spacing does not matter, identifiers and punctuation do', () => {
    const a = new Int32Array(MAX_TOKENS), b = new Int32Array(MAX_TOKENS);
    const na = fillTokens('total = compute(values, values)', a);
    assert.strictEqual(na, 7); // total = compute ( values , ) : the second values is a repeat
    for (let i = 1; i < na; i++) assert.ok(a[i] > a[i - 1], 'sorted and distinct');
    assert.strictEqual(jaccard(a, na, b.subarray(0, fillTokens('total=compute( values ,values )', b))), 1);
    assert.strictEqual(jaccard(a, na, b.subarray(0, fillTokens('totals = compute(values, values)', b))), 6 / 8);
    assert.strictEqual(fillTokens('   \n\t', a), 0);
    assert.strictEqual(jaccard(a, 0, []), 0);
    // only the first MAX_TOKENS tokens are read
    assert.strictEqual(fillTokens(Array.from({ length: 100 }, (_, i) => `v${i}`).join(' '), a), MAX_TOKENS);
  });

  it('never looks at the future: features of a suggestion ignore its own and later outcomes', () => {
    const base = [shown({ sid: 'a', ts: 10 }), { ...shown({ sid: 'a', ts: 20 }), type: 'rejected' as const }, shown({ sid: 'b', ts: 30 })];
    const flipLater = [...base, { ...shown({ sid: 'b', ts: 40 }), type: 'accepted' as const }, shown({ sid: 'c', ts: 50 }), { ...shown({ sid: 'c', ts: 60 }), type: 'accepted' as const }];
    const flipOther = [...base, { ...shown({ sid: 'b', ts: 40 }), type: 'rejected' as const }, shown({ sid: 'c', ts: 50 }), { ...shown({ sid: 'c', ts: 60 }), type: 'rejected' as const }];
    const a = buildExamples(flipLater), b = buildExamples(flipOther);
    const d = STAGE2_FEATURES.length;
    assert.deepStrictEqual(a.x2.subarray(0, 2 * d), b.x2.subarray(0, 2 * d));
    assert.notDeepStrictEqual(a.x2.subarray(2 * d), b.x2.subarray(2 * d));
  });

  it('decide() uses the same score as scoreStage2', () => {
    const h = newHistory();
    const dcs = decide(gate, 2, shown(), h, { rng: () => 0.5 });
    assert.strictEqual(dcs.score, scoreStage2(gate, shown(), h));
  });
});
