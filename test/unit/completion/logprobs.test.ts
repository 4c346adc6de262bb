// The gate's log-probability facts of the suggestion as shown: only the tokens that overlap the shown (truncated,
// unfenced) text count, with the best alternative at each of those positions.
import * as assert from 'node:assert/strict';
import { shownLogProbs } from '../../../server/src/completion/logprobs';

const tok = (token: string, logprob: number, ...alts: Array<[string, number]>) => ({ token, logprob, top: [{ token, logprob }, ...alts.map(([t, p]) => ({ token: t, logprob: p }))] });

describe('completion pipeline: log-probabilities of the shown text', () => {
  it('averages the tokens and their best alternatives over the whole text', () => {
    const r = shownLogProbs([tok('a', -0.2, ['b', -3], ['c', -1]), tok(' + b', -0.6, ['-', -2])], 'a + b');
    assert.deepEqual(r, { meanLogProb: -0.4, meanAltLogProb: -1.5 });
  });

  it('counts only the tokens of the part kept by truncation', () => {
    const tokens = [tok('x', -0.5, ['y', -2]), tok('\n', -1), tok('junk', -7, ['z', -0.1])];
    assert.deepEqual(shownLogProbs(tokens, 'x'), { meanLogProb: -0.5, meanAltLogProb: -2 });
  });

  it('finds the shown text inside a fenced chat reply', () => {
    const tokens = [tok('```', -0.1), tok('python\n', -0.1), tok('x * 2', -0.9, ['y', -4]), tok('\n```', -0.1)];
    assert.deepEqual(shownLogProbs(tokens, 'x * 2'), { meanLogProb: -0.9, meanAltLogProb: -4 });
  });

  it('has no alternative mean when the endpoint listed only the chosen tokens', () => {
    assert.deepEqual(shownLogProbs([{ token: 'ok', logprob: -0.3, top: [] }], 'ok'), { meanLogProb: -0.3 });
  });

  it("floors the chat API's -9999 marker so one unlisted token does not swamp the mean", () => {
    assert.deepEqual(shownLogProbs([tok('a', -9999), tok('b', -1)], 'ab'), { meanLogProb: -10.5 });
  });

  it('is undefined without tokens or when the shown text is not in them', () => {
    assert.equal(shownLogProbs(undefined, 'x'), undefined);
    assert.equal(shownLogProbs([tok('a', -1)], 'b'), undefined);
  });
});
