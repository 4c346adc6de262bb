// Versioned migrations of the collector database, one list for both backends (SQLite and PostgreSQL).
// Each step is applied once, in order, inside a transaction, and recorded in schema_migrations; the two
// dialects differ only in column types and identity columns, so each step states both.

export type Dialect = 'sqlite' | 'postgres';

export interface Migration {
  version: number;
  name: string;
  sql: Record<Dialect, string>;
}

const bigint: Record<Dialect, string> = { sqlite: 'INTEGER', postgres: 'BIGINT' };
const real: Record<Dialect, string> = { sqlite: 'REAL', postgres: 'DOUBLE PRECISION' };
const serial: Record<Dialect, string> = { sqlite: 'INTEGER PRIMARY KEY', postgres: 'BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY' };

const both = (f: (d: Dialect) => string): Record<Dialect, string> => ({ sqlite: f('sqlite'), postgres: f('postgres') });

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'teams, tokens, events, models',
    sql: both((d) => `
      CREATE TABLE teams (
        id ${serial[d]},
        name TEXT NOT NULL UNIQUE,
        user_secret TEXT NOT NULL,          -- HMAC key that turns raw user ids into pseudonyms
        created_at ${bigint[d]} NOT NULL
      );
      CREATE TABLE tokens (
        id TEXT PRIMARY KEY,                -- public part of the token, used to look it up
        team_id ${bigint[d]} NOT NULL REFERENCES teams(id),
        salt TEXT NOT NULL,
        hash TEXT NOT NULL,                 -- sha256(salt || secret part), hex
        created_at ${bigint[d]} NOT NULL,
        revoked_at ${bigint[d]}
      );
      CREATE TABLE events (
        team_id ${bigint[d]} NOT NULL REFERENCES teams(id),
        id TEXT NOT NULL,
        ts ${bigint[d]} NOT NULL,
        user_hash TEXT NOT NULL,
        kind TEXT NOT NULL,
        type TEXT NOT NULL,
        sid TEXT NOT NULL,
        lang TEXT,
        gate_explore SMALLINT,
        retention_after_ms ${bigint[d]},
        retention_survived ${real[d]},
        body TEXT NOT NULL,                 -- the event as stored (pseudonymous user), for retraining
        received_at ${bigint[d]} NOT NULL,
        PRIMARY KEY (team_id, id)
      );
      CREATE INDEX events_team_sid ON events (team_id, sid);
      CREATE TABLE models (
        team_id ${bigint[d]} PRIMARY KEY REFERENCES teams(id),
        model TEXT NOT NULL,
        etag TEXT NOT NULL,
        trained_at ${bigint[d]} NOT NULL,
        decisions ${bigint[d]} NOT NULL
      );
      CREATE TABLE settings (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
      );`),
  },
  {
    // The dashboard scanned and self-joined the events table (~10 s at a million events); these rollups,
    // maintained at ingest from newly inserted events only, make it read a few small tables instead.
    version: 2,
    name: 'dashboard rollups: suggestions, event_counts, retention_counts, team_users',
    sql: both((d) => `
      CREATE TABLE suggestions (
        team_id ${bigint[d]} NOT NULL,
        sid TEXT NOT NULL,
        kind TEXT NOT NULL,
        ts ${bigint[d]} NOT NULL,           -- earliest event of the suggestion: the day it counts for
        lang TEXT,
        explore SMALLINT,                   -- shown by the gate's exploration
        shown SMALLINT NOT NULL,
        accepted SMALLINT NOT NULL,         -- any accepted or partial event
        rejected SMALLINT NOT NULL,
        PRIMARY KEY (team_id, sid)
      )${d === 'sqlite' ? ' WITHOUT ROWID' : ''};
      CREATE TABLE event_counts (           -- append-only deltas (one row per batch and key): no hot rows to lock
        team_id ${bigint[d]} NOT NULL,
        day ${bigint[d]} NOT NULL,
        kind TEXT NOT NULL,
        type TEXT NOT NULL,
        n ${bigint[d]} NOT NULL
      );
      CREATE INDEX event_counts_team ON event_counts (team_id);
      CREATE TABLE retention_counts (
        team_id ${bigint[d]} NOT NULL,
        after_ms ${bigint[d]} NOT NULL,
        n ${bigint[d]} NOT NULL,
        survived_sum ${real[d]} NOT NULL
      );
      CREATE INDEX retention_counts_team ON retention_counts (team_id);
      CREATE TABLE team_users (
        team_id ${bigint[d]} NOT NULL,
        user_hash TEXT NOT NULL,
        PRIMARY KEY (team_id, user_hash)
      )${d === 'sqlite' ? ' WITHOUT ROWID' : ''};
      INSERT INTO suggestions (team_id, sid, kind, ts, lang, explore, shown, accepted, rejected)
        SELECT team_id, sid, MIN(kind), MIN(ts), MAX(lang), MAX(CASE WHEN type = 'shown' THEN gate_explore END),
          MAX(CASE WHEN type = 'shown' THEN 1 ELSE 0 END), MAX(CASE WHEN type IN ('accepted', 'partial') THEN 1 ELSE 0 END),
          MAX(CASE WHEN type = 'rejected' THEN 1 ELSE 0 END)
        FROM events WHERE type IN ('shown', 'accepted', 'partial', 'rejected') GROUP BY team_id, sid;
      INSERT INTO event_counts (team_id, day, kind, type, n)
        SELECT team_id, ts / 86400000, kind, type, COUNT(*) FROM events GROUP BY team_id, ts / 86400000, kind, type;
      INSERT INTO retention_counts (team_id, after_ms, n, survived_sum)
        SELECT team_id, retention_after_ms, COUNT(*), SUM(retention_survived) FROM events
        WHERE type = 'retained' AND retention_after_ms IS NOT NULL GROUP BY team_id, retention_after_ms;
      INSERT INTO team_users (team_id, user_hash) SELECT DISTINCT team_id, user_hash FROM events;
      DROP INDEX events_team_sid;
      CREATE INDEX events_team_ts ON events (team_id, ts)`),
  },
];

export const MIGRATIONS_TABLE = both((d) =>
  `CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at ${bigint[d]} NOT NULL)`);

/** Folds a suggestion delta into its row: outcomes only ever turn on, the earliest time and first language win. */
export const SUGGESTION_UPSERT = both((d) => {
  const [min, max] = d === 'sqlite' ? ['MIN', 'MAX'] : ['LEAST', 'GREATEST'];
  return `ON CONFLICT (team_id, sid) DO UPDATE SET ts = ${min}(suggestions.ts, excluded.ts),
    lang = COALESCE(suggestions.lang, excluded.lang), explore = COALESCE(suggestions.explore, excluded.explore),
    shown = ${max}(suggestions.shown, excluded.shown), accepted = ${max}(suggestions.accepted, excluded.accepted),
    rejected = ${max}(suggestions.rejected, excluded.rejected)`;
});

/** Splits a migration script into statements (no semicolons occur inside our literals). */
export const statements = (sql: string) =>
  sql.split(';').map((s) => s.replace(/--[^\n]*/g, '').trim()).filter(Boolean);
