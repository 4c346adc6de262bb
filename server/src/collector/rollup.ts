// Folds newly stored events into the dashboard rollups (schema migration 2): one row per suggestion with its
// outcome, per-batch counts by day/kind/type, retention sums and the set of users. Keys come out sorted, so
// concurrent PostgreSQL transactions lock shared rows in the same order (no deadlock cycles).
import type { EventRow } from './storage';

export const DAY_MS = 86_400_000;

export interface SuggestionDelta { sid: string; kind: string; ts: number; lang: string | null; explore: number | null; shown: number; accepted: number; rejected: number }
export interface CountDelta { day: number; kind: string; type: string; n: number }
export interface RetentionDelta { afterMs: number; n: number; survivedSum: number }
export interface Rollup { suggestions: SuggestionDelta[]; counts: CountDelta[]; retention: RetentionDelta[]; users: string[] }

const SUGGESTION_TYPES = new Set(['shown', 'accepted', 'partial', 'rejected']);
const byKey = <T>(key: (x: T) => string) => (a: T, b: T) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0);

/** Rollup deltas of rows that were actually inserted (replayed duplicates must not count twice). */
export function rollup(rows: readonly EventRow[]): Rollup {
  const sugg = new Map<string, SuggestionDelta>();
  const counts = new Map<string, CountDelta>();
  const retention = new Map<number, RetentionDelta>();
  const users = new Set<string>();
  for (const r of rows) {
    users.add(r.userHash);
    const day = Math.floor(r.ts / DAY_MS);
    const ck = `${day}\u0000${r.kind}\u0000${r.type}`;
    const c = counts.get(ck);
    if (c) c.n++;
    else counts.set(ck, { day, kind: r.kind, type: r.type, n: 1 });
    if (r.type === 'retained' && r.retentionAfterMs !== null && r.retentionSurvived !== null) {
      const ret = retention.get(r.retentionAfterMs) ?? { afterMs: r.retentionAfterMs, n: 0, survivedSum: 0 };
      ret.n++;
      ret.survivedSum += r.retentionSurvived;
      retention.set(r.retentionAfterMs, ret);
    }
    if (!SUGGESTION_TYPES.has(r.type)) continue;
    let s = sugg.get(r.sid);
    if (!s) sugg.set(r.sid, (s = { sid: r.sid, kind: r.kind, ts: r.ts, lang: null, explore: null, shown: 0, accepted: 0, rejected: 0 }));
    s.ts = Math.min(s.ts, r.ts);
    s.lang ??= r.lang;
    if (r.type === 'shown') { s.shown = 1; s.explore ??= r.gateExplore; }
    else if (r.type === 'rejected') s.rejected = 1;
    else s.accepted = 1;
  }
  return {
    suggestions: [...sugg.values()].sort(byKey((s) => s.sid)),
    counts: [...counts.values()],
    retention: [...retention.values()],
    users: [...users].sort(),
  };
}
