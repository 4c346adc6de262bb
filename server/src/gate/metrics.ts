// Gate metrics: ROC AUC, the threshold that keeps a target share of accepted suggestions, and the share of
// rejected suggestions hidden at that threshold (the hideAtKeep95 / skipAtKeep95).

/** Area under the ROC curve (ties count half); NaN when one class is missing. */
export function auc(scores: ArrayLike<number>, labels: ArrayLike<number>): number {
  const n = scores.length;
  const idx = Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[a] - scores[b]);
  let pos = 0, rankSum = 0;
  for (let i = 0; i < n;) {
    let j = i;
    while (j + 1 < n && scores[idx[j + 1]] === scores[idx[i]]) j++;
    const rank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) if (labels[idx[k]]) { pos++; rankSum += rank; }
    i = j + 1;
  }
  const neg = n - pos;
  if (!pos || !neg) return NaN;
  return (rankSum - (pos * (pos + 1)) / 2) / (pos * neg);
}

/** The highest threshold t such that at least `keep` of the accepted suggestions have score >= t. */
export function keepThreshold(scores: ArrayLike<number>, labels: ArrayLike<number>, keep: number): number {
  const acc: number[] = [];
  for (let i = 0; i < scores.length; i++) if (labels[i]) acc.push(scores[i]);
  if (!acc.length) return 0;
  acc.sort((a, b) => b - a);
  const need = Math.min(acc.length, Math.max(1, Math.ceil(keep * acc.length - 1e-9)));
  return acc[need - 1];
}

export interface KeepResult { threshold: number; keptAccepted: number; hiddenRejected: number }

/** Applies threshold t: the share of accepted kept and of rejected hidden. */
export function atThreshold(scores: ArrayLike<number>, labels: ArrayLike<number>, t: number): KeepResult {
  let acc = 0, kept = 0, rej = 0, hidden = 0;
  for (let i = 0; i < scores.length; i++) {
    if (labels[i]) { acc++; if (scores[i] >= t) kept++; } else { rej++; if (scores[i] < t) hidden++; }
  }
  return { threshold: t, keptAccepted: acc ? kept / acc : NaN, hiddenRejected: rej ? hidden / rej : NaN };
}

/** Share of rejected suggestions hidden while keeping at least `keep` of the accepted ones (oracle threshold). */
export function hideAtKeep(scores: ArrayLike<number>, labels: ArrayLike<number>, keep: number): number {
  return atThreshold(scores, labels, keepThreshold(scores, labels, keep)).hiddenRejected;
}

export const KEEP_RATES = [0.8, 0.85, 0.9, 0.95, 0.98, 0.99] as const;

/** The model file's threshold table, chosen on held-out scores. */
export function thresholdTable(scores: ArrayLike<number>, labels: ArrayLike<number>): Record<string, number> {
  return Object.fromEntries(KEEP_RATES.map((k) => [String(k), keepThreshold(scores, labels, k)]));
}
