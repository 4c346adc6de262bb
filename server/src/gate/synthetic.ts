// Seeded synthetic suggestion streams for tests and benchmarks: several users with their own acceptance rates,
// Python-like prefixes, and suggestions whose log-probability gap and shape carry a known share of the signal.
import type { SuggestionEvent } from '../../../common/events';
import { seeded } from './gbt';

const LINES = [
  'import numpy as np', 'def train(model, data):', '    for x, y in data:', '        loss = model(x) - y',
  '    return loss', 'class Node:', '    def __init__(self, value):', '        self.value = value',
  '# compute the mean of the values', 'print(result)', 'result = compute(values, axis=0)', '',
];

export interface SyntheticOptions { users?: number; suggestions: number; seed?: number; startTs?: number }

/** `suggestions` shown events with their outcomes (about 1 in 12 left undecided), in per-user time order. */
export function syntheticEvents(opts: SyntheticOptions): SuggestionEvent[] {
  const rng = seeded(opts.seed ?? 7);
  const nUsers = opts.users ?? 5;
  const bias = Array.from({ length: nUsers }, () => rng() * 2 - 1.2);
  const clock = Array.from({ length: nUsers }, () => opts.startTs ?? 1_700_000_000_000);
  const docs = Array.from({ length: nUsers }, () => '');
  const out: SuggestionEvent[] = [];
  for (let k = 0; k < opts.suggestions; k++) {
    const u = k % nUsers;
    const user = `u${u}`;
    clock[u] += 200 + Math.floor(rng() * 20_000);
    docs[u] = (docs[u] + LINES[Math.floor(rng() * LINES.length)] + '\n').slice(-1000);
    const partial = rng() < 0.3 ? 'resu' : '';
    const prefix = docs[u] + partial;
    const gap = rng() * 4;
    const text = rng() < 0.5 ? LINES[Math.floor(rng() * LINES.length)] : 'lt = compute(values)';
    const commentCtx = prefix.endsWith('# ') ? -1 : 0;
    const z = bias[u] + 1.2 * (gap - 2) + commentCtx + (text.length < 6 ? -1 : 0) + (rng() - 0.5);
    const accepted = rng() < 1 / (1 + Math.exp(-z));
    const sid = `${user}-s${k}`;
    const ts = clock[u];
    out.push({
      v: 1, id: `${sid}-shown`, ts, user, kind: 'completion', type: 'shown', sid,
      ctx: { lang: 'python', docLen: prefix.length + 40, offset: prefix.length, prefix, suffix: '' },
      sug: { text, chars: text.length, lines: 1, tokens: Math.ceil(text.length / 4), meanLogProb: -0.3 - (4 - gap) * 0.3, meanAltLogProb: -0.3 - (4 - gap) * 0.3 - gap },
    });
    if (rng() < 1 / 12) continue;
    const outcomeTs = ts + 100 + Math.floor(rng() * 3000);
    clock[u] = outcomeTs;
    const type = accepted ? (rng() < 0.2 ? 'partial' : 'accepted') : 'rejected';
    out.push({ v: 1, id: `${sid}-out`, ts: outcomeTs, user, kind: 'completion', type, sid, ...(type === 'partial' ? { accepted: { chars: 4 } } : {}) });
  }
  return out;
}
