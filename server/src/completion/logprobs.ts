// Step 4 of the inline-completion pipeline: the gate's log-probability facts about the suggestion as shown.
// The model's tokens cover its whole reply, but truncation (and fence stripping) keeps only part of it: only the
// tokens that overlap the shown text count, for their mean log-probability and the mean of the best alternative.
import type { TokenLogProb } from '../llm/client';

export interface SuggestionLogProbs {
  meanLogProb: number;
  /** Absent when the endpoint listed no alternative token at any of these positions. */
  meanAltLogProb?: number;
}

/** The chat API marks a token outside its top 20 with -9999: one such token would swamp the mean. */
const FLOOR = -20;

/** Undefined when there are no tokens or the shown text is not found in the tokens' text. */
export function shownLogProbs(tokens: readonly TokenLogProb[] | undefined, shown: string): SuggestionLogProbs | undefined {
  if (!tokens?.length || !shown) return undefined;
  const texts = tokens.map((t) => t.token.replace(/\r\n/g, '\n'));
  const start = texts.join('').indexOf(shown);
  if (start < 0) return undefined;
  const end = start + shown.length;
  let sum = 0;
  let n = 0;
  let altSum = 0;
  let altN = 0;
  let offset = 0;
  for (const [i, t] of tokens.entries()) {
    const from = offset;
    offset += texts[i].length;
    const overlaps = texts[i].length > 0 ? from < end && offset > start : from >= start && from < end;
    if (!overlaps) continue;
    sum += Math.max(t.logprob, FLOOR);
    n++;
    let best = -Infinity;
    for (const alt of t.top) if (alt.token !== t.token && alt.logprob > best) best = alt.logprob;
    if (best > -Infinity) { altSum += Math.max(best, FLOOR); altN++; }
  }
  if (n === 0) return undefined;
  return altN > 0 ? { meanLogProb: sum / n, meanAltLogProb: altSum / altN } : { meanLogProb: sum / n };
}
