// The dashboard's figures for one team, computed by SQL aggregation over the rollup tables (rollup.ts) with
// queries that run unchanged on SQLite and PostgreSQL. A suggestion counts as accepted when it has an accepted or
// partial event (DESIGN.md labels), as rejected when it was rejected and never accepted.
import { DAY_MS } from './rollup';
import type { Storage } from './storage';

export interface Outcomes { shown: number; accepted: number; rejected: number }
export interface DashboardData {
  totals: { events: number; users: number } & Outcomes;
  overTime: ({ day: string; kind: string } & Outcomes)[];
  byKind: ({ kind: string } & Outcomes)[];
  byLanguage: ({ lang: string } & Outcomes)[];
  gate: { overTime: { day: string; requested: number; skipped: number; shown: number; suppressed: number }[]; exploration: Outcomes };
  retention: { afterMs: number; checks: number; meanSurvived: number }[];
}

const isoDay = (day: number) => new Date(day * DAY_MS).toISOString().slice(0, 10);
const empty = (): Outcomes => ({ shown: 0, accepted: 0, rejected: 0 });

function bucket<T extends Outcomes>(map: Map<string, T>, key: string, make: () => T): T {
  let v = map.get(key);
  if (!v) map.set(key, (v = make()));
  return v;
}

export async function dashboardData(storage: Storage, teamId: number): Promise<DashboardData> {
  const [totals, perSuggestion, perType, retention] = await Promise.all([
    storage.query<{ events: number; users: number }>(`SELECT (SELECT COALESCE(SUM(n), 0) FROM event_counts WHERE team_id = ?) AS events,
      (SELECT COUNT(*) FROM team_users WHERE team_id = ?) AS users`, [teamId, teamId]),
    storage.query<{ day: number; kind: string; lang: string | null; explore: number | null } & Outcomes>(
      `SELECT ts / ${DAY_MS} AS day, kind, lang, explore, SUM(shown) AS shown, SUM(accepted) AS accepted,
         SUM(CASE WHEN accepted = 0 THEN rejected ELSE 0 END) AS rejected
       FROM suggestions WHERE team_id = ? GROUP BY ts / ${DAY_MS}, kind, lang, explore`, [teamId]),
    storage.query<{ day: number; type: 'requested' | 'skipped' | 'shown' | 'suppressed'; n: number }>(
      `SELECT day, type, SUM(n) AS n FROM event_counts WHERE team_id = ? AND type IN ('requested', 'skipped', 'shown', 'suppressed')
       GROUP BY day, type`, [teamId]),
    storage.query<{ afterMs: number; checks: number; meanSurvived: number }>(
      `SELECT after_ms AS "afterMs", SUM(n) AS checks, SUM(survived_sum) / SUM(n) AS "meanSurvived"
       FROM retention_counts WHERE team_id = ? GROUP BY after_ms ORDER BY after_ms LIMIT 20`, [teamId]),
  ]);

  const days = new Map<string, { day: string; kind: string } & Outcomes>();
  const kinds = new Map<string, { kind: string } & Outcomes>();
  const langs = new Map<string, { lang: string } & Outcomes>();
  const all = empty();
  const exploration = empty();
  const add = (to: Outcomes, r: Outcomes) => { to.shown += Number(r.shown); to.accepted += Number(r.accepted); to.rejected += Number(r.rejected); };
  for (const r of [...perSuggestion].sort((a, b) => a.day - b.day || a.kind.localeCompare(b.kind))) {
    const day = isoDay(Number(r.day));
    const lang = r.lang ?? '(unknown)';
    add(bucket(days, `${day}|${r.kind}`, () => ({ day, kind: r.kind, ...empty() })), r);
    add(bucket(kinds, r.kind, () => ({ kind: r.kind, ...empty() })), r);
    add(bucket(langs, lang, () => ({ lang, ...empty() })), r);
    add(all, r);
    if (r.explore === 1) add(exploration, r);
  }
  const gateDays = new Map<string, { day: string; requested: number; skipped: number; shown: number; suppressed: number }>();
  for (const r of [...perType].sort((a, b) => a.day - b.day)) {
    const day = isoDay(Number(r.day));
    const g = gateDays.get(day) ?? { day, requested: 0, skipped: 0, shown: 0, suppressed: 0 };
    gateDays.set(day, g);
    g[r.type] += Number(r.n);
  }

  return {
    totals: { events: Number(totals[0].events), users: Number(totals[0].users), ...all },
    overTime: [...days.values()],
    byKind: [...kinds.values()],
    byLanguage: [...langs.values()].sort((a, b) => b.shown - a.shown || a.lang.localeCompare(b.lang)),
    gate: { overTime: [...gateDays.values()], exploration },
    retention: retention.map((r) => ({ afterMs: Number(r.afterMs), checks: Number(r.checks), meanSurvived: Number(r.meanSurvived) })),
  };
}
