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
];

export const MIGRATIONS_TABLE = both((d) =>
  `CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at ${bigint[d]} NOT NULL)`);

/** Splits a migration script into statements (no semicolons occur inside our literals). */
export const statements = (sql: string) =>
  sql.split(';').map((s) => s.replace(/--[^\n]*/g, '').trim()).filter(Boolean);
