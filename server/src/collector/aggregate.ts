// The dashboard's figures for one team, computed by SQL aggregation over the rollup tables (rollup.ts) with
// queries that run unchanged on SQLite and PostgreSQL. A suggestion counts as accepted when it has an accepted or
// partial event (DESIGN.md labels), as rejected when it was rejected and never accepted. The gate's keep rate is
// estimated over the whole team as each client estimates it for its user (common/gate/correction.ts): accepted
// suggestions the gate showed, against explored accepted ones weighted by 1/propensity.
import { DEFAULT_EXPLORE_RATE } from '../../../common/gate/decide';
import { keepInterval } from '../../../common/gate/correction';
import { DAY_MS } from './rollup';
import type { Storage } from './storage';

export interface Outcomes { shown: number; accepted: number; rejected: number }
export interface DashboardData {
  totals: { events: number; users: number } & Outcomes;
  overTime: ({ day: string; kind: string } & Outcomes)[];
  byKind: ({ kind: string } & Outcomes)[];
  byLanguage: ({ lang: string } & Outcomes)[];
  gate: { overTime: { day: string; requested: number; skipped: number; shown: number; suppressed: number }[]; exploration: Outcomes; keep: TeamKeep };
  retention: { afterMs: number; checks: number; meanSurvived: number }[];
}

/** Share of the team's would-be-accepted completions the gate showed, with a 90% interval; null without any
 * explored decision (then nothing says how many accepted ones it hid). */
export interface TeamKeep { keep: number | null; low: number | null; high: number | null; explored: number; exploredAccepted: number; keptAccepted: number }

const isoDay = (day: number) => new Date(day * DAY_MS).toISOString().slice(0, 10);
const empty = (): Outcomes => ({ shown: 0, accepted: 0, rejected: 0 });

function bucket<T extends Outcomes>(map: Map<string, T>, key: string, make: () => T): T {
  let v = map.get(key);
  if (!v) map.set(key, (v = make()));
  return v;
}

export async function dashboardData(storage: Storage, teamId: number): Promise<DashboardData> {
  const [totals, perSuggestion, perType, retention, explored] = await Promise.all([
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
    // the propensity is only in the stored event: explored suggestions are few, and the shown event is found by
    // the (team, time) index at the suggestion's first time
    storage.query<{ accepted: number; rejected: number; body: string }>(
      `SELECT s.accepted AS accepted, s.rejected AS rejected, e.body AS body FROM suggestions s
       JOIN events e ON e.team_id = s.team_id AND e.ts = s.ts AND e.sid = s.sid AND e.type = 'shown'
       WHERE s.team_id = ? AND s.kind = 'completion' AND s.explore = 1`, [teamId]),
  ]);

  const days = new Map<string, { day: string; kind: string } & Outcomes>();
  const kinds = new Map<string, { kind: string } & Outcomes>();
  const langs = new Map<string, { lang: string } & Outcomes>();
  const all = empty();
  const exploration = empty();
  let keptAccepted = 0;
  const add = (to: Outcomes, r: Outcomes) => { to.shown += Number(r.shown); to.accepted += Number(r.accepted); to.rejected += Number(r.rejected); };
  for (const r of [...perSuggestion].sort((a, b) => a.day - b.day || a.kind.localeCompare(b.kind))) {
    const day = isoDay(Number(r.day));
    const lang = r.lang ?? '(unknown)';
    add(bucket(days, `${day}|${r.kind}`, () => ({ day, kind: r.kind, ...empty() })), r);
    add(bucket(kinds, r.kind, () => ({ kind: r.kind, ...empty() })), r);
    add(bucket(langs, lang, () => ({ lang, ...empty() })), r);
    add(all, r);
    if (r.explore === 1) add(exploration, r);
    else if (r.kind === 'completion') keptAccepted += Number(r.accepted);
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
    gate: { overTime: [...gateDays.values()], exploration, keep: teamKeep(keptAccepted, explored) },
    retention: retention.map((r) => ({ afterMs: Number(r.afterMs), checks: Number(r.checks), meanSurvived: Number(r.meanSurvived) })),
  };
}

function teamKeep(keptAccepted: number, explored: { accepted: number; rejected: number; body: string }[]): TeamKeep {
  let decided = 0, n = 0, w = 0, wAll = 0;
  for (const r of explored) {
    const accepted = Number(r.accepted) === 1;
    if (!accepted && Number(r.rejected) !== 1) continue;
    let p = NaN;
    try { p = Number((JSON.parse(r.body) as { gate?: { propensity?: unknown } }).gate?.propensity); } catch { /* stored bodies are valid JSON */ }
    const weight = p > 0 && p <= 1 ? 1 / p : 1 / DEFAULT_EXPLORE_RATE; // an old event without a propensity
    decided++;
    wAll += weight;
    if (accepted) { n++; w += weight; }
  }
  const est = keepInterval({ kept: keptAccepted, hidden: 0, exploredKept: 0, exploredKeptWeight: 0, exploredHidden: n, exploredHiddenWeight: w, meanWeight: decided ? wAll / decided : 1 / DEFAULT_EXPLORE_RATE });
  const v = (x: number) => (decided && Number.isFinite(x) ? x : null);
  return { keep: v(est.keep), low: v(est.low), high: v(est.high), explored: decided, exploredAccepted: n, keptAccepted };
}
