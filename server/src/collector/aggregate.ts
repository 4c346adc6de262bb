// The dashboard's figures for one team, computed by SQL aggregation that runs unchanged on SQLite and
// PostgreSQL. A suggestion counts as accepted when it has an accepted or partial event (DESIGN.md labels);
// decision events carry no ctx, so per-language figures join them to their shown event by sid.
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

const DAY_MS = 86_400_000;
const OUTCOME = `CASE WHEN d.type IN ('accepted','partial') THEN 'accepted' ELSE d.type END`;

const isoDay = (day: number) => new Date(day * DAY_MS).toISOString().slice(0, 10);
const empty = (): Outcomes => ({ shown: 0, accepted: 0, rejected: 0 });
const isOutcome = (t: string): t is keyof Outcomes => t === 'shown' || t === 'accepted' || t === 'rejected';

function bucket<T extends Outcomes>(map: Map<string, T>, key: string, make: () => T): T {
  let v = map.get(key);
  if (!v) map.set(key, (v = make()));
  return v;
}

export async function dashboardData(storage: Storage, teamId: number): Promise<DashboardData> {
  const [totals, perDay, perLang, retention] = await Promise.all([
    storage.query<{ events: number; users: number }>('SELECT COUNT(*) AS events, COUNT(DISTINCT user_hash) AS users FROM events WHERE team_id = ?', [teamId]),
    storage.query<{ day: number; kind: string; outcome: string; n: number }>(
      `SELECT d.ts / ${DAY_MS} AS day, d.kind, ${OUTCOME} AS outcome, COUNT(DISTINCT d.sid) AS n
       FROM events d WHERE d.team_id = ? GROUP BY d.ts / ${DAY_MS}, d.kind, ${OUTCOME}`, [teamId]),
    storage.query<{ lang: string | null; explore: number | null; outcome: string; n: number }>(
      `SELECT s.lang, s.gate_explore AS explore, ${OUTCOME} AS outcome, COUNT(DISTINCT d.sid) AS n
       FROM events s JOIN events d ON d.team_id = s.team_id AND d.sid = s.sid
       WHERE s.team_id = ? AND s.type = 'shown' AND d.type IN ('shown','accepted','partial','rejected')
       GROUP BY s.lang, s.gate_explore, ${OUTCOME}`, [teamId]),
    storage.query<{ afterMs: number; checks: number; meanSurvived: number }>(
      `SELECT retention_after_ms AS "afterMs", COUNT(*) AS checks, AVG(retention_survived) AS "meanSurvived"
       FROM events WHERE team_id = ? AND type = 'retained' AND retention_after_ms IS NOT NULL
       GROUP BY retention_after_ms ORDER BY retention_after_ms LIMIT 20`, [teamId]),
  ]);

  const days = new Map<string, { day: string; kind: string } & Outcomes>();
  const kinds = new Map<string, { kind: string } & Outcomes>();
  const gateDays = new Map<string, { day: string; requested: number; skipped: number; shown: number; suppressed: number }>();
  const all = empty();
  for (const r of [...perDay].sort((a, b) => a.day - b.day || a.kind.localeCompare(b.kind))) {
    const day = isoDay(Number(r.day));
    const g = gateDays.get(day) ?? { day, requested: 0, skipped: 0, shown: 0, suppressed: 0 };
    gateDays.set(day, g);
    if (r.outcome === 'requested' || r.outcome === 'skipped' || r.outcome === 'shown' || r.outcome === 'suppressed') g[r.outcome] += r.n;
    if (!isOutcome(r.outcome)) continue;
    bucket(days, `${day}|${r.kind}`, () => ({ day, kind: r.kind, ...empty() }))[r.outcome] += r.n;
    bucket(kinds, r.kind, () => ({ kind: r.kind, ...empty() }))[r.outcome] += r.n;
    all[r.outcome] += r.n;
  }

  const langs = new Map<string, { lang: string } & Outcomes>();
  const exploration = empty();
  for (const r of perLang) {
    if (!isOutcome(r.outcome)) continue;
    const lang = r.lang ?? '(unknown)';
    bucket(langs, lang, () => ({ lang, ...empty() }))[r.outcome] += r.n;
    if (r.explore === 1) exploration[r.outcome] += r.n;
  }

  return {
    totals: { ...totals[0], ...all },
    overTime: [...days.values()],
    byKind: [...kinds.values()],
    byLanguage: [...langs.values()].sort((a, b) => b.shown - a.shown || a.lang.localeCompare(b.lang)),
    gate: { overTime: [...gateDays.values()], exploration },
    retention: retention.map((r) => ({ afterMs: Number(r.afterMs), checks: r.checks, meanSurvived: Number(r.meanSurvived) })),
  };
}
