// PostgreSQL storage for the collector (pg Pool). Same schema and queries as SQLite; a batch and its rollups
// are written with INSERT ... SELECT FROM unnest(...) in one transaction, committed (durably) before it returns.
import pg from 'pg';
import type { SuggestionEvent } from '../../../common/events';
import { rollup } from './rollup';
import { MIGRATIONS, MIGRATIONS_TABLE, SUGGESTION_UPSERT, statements } from './schema';
import type { EventRow, InsertResult, Storage, StoredModel, Team, TokenRow } from './storage';

const TOKEN_COLUMNS = `t.id, t.team_id AS "teamId", teams.name AS "teamName", t.salt, t.hash, t.created_at AS "createdAt", t.revoked_at AS "revokedAt"`;
const TEAM_COLUMNS = `id, name, user_secret AS "userSecret"`;
const MIGRATION_LOCK = 0x10095e; // advisory lock id: serialises collectors migrating one database at once

// Counts and epoch-ms columns are BIGINT/NUMERIC; they fit in a JS number, so parse them as numbers.
const types = {
  getTypeParser: ((oid: number, format?: string) =>
    oid === 20 || oid === 1700 ? Number : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
};

/** Rewrites `?` placeholders (dialect-neutral SQL) into PostgreSQL's `$n`. */
const numbered = (sql: string) => { let i = 0; return sql.replace(/\?/g, () => `$${++i}`); };

export class PostgresStorage implements Storage {
  readonly kind = 'postgres' as const;
  private readonly pool: pg.Pool;

  constructor(url: string) {
    this.pool = new pg.Pool({ connectionString: url, max: 8, types, connectionTimeoutMillis: 10_000 });
    // An idle client losing its server must not crash the collector; the next query reconnects.
    this.pool.on('error', () => undefined);
  }

  private async rows<T>(sql: string, params: unknown[] = []): Promise<T[]> {
    return (await this.pool.query(numbered(sql), params)).rows as T[];
  }

  async migrate() {
    const client = await this.pool.connect();
    const applied: number[] = [];
    try {
      await client.query('BEGIN');
      await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
      await client.query(MIGRATIONS_TABLE.postgres);
      const done = new Set((await client.query('SELECT version FROM schema_migrations')).rows.map((r) => Number(r.version)));
      for (const m of MIGRATIONS) {
        if (done.has(m.version)) continue;
        for (const s of statements(m.sql.postgres)) await client.query(s);
        await client.query('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1,$2,$3)', [m.version, m.name, Date.now()]);
        applied.push(m.version);
      }
      await client.query('COMMIT');
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
    return applied;
  }

  async appliedMigrations() {
    return (await this.rows<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version')).map((r) => r.version);
  }

  async ensureTeam(name: string, userSecret: string): Promise<Team> {
    await this.rows('INSERT INTO teams (name, user_secret, created_at) VALUES (?,?,?) ON CONFLICT (name) DO NOTHING', [name, userSecret, Date.now()]);
    return (await this.teamByName(name))!;
  }

  async teamByName(name: string) {
    return (await this.rows<Team>(`SELECT ${TEAM_COLUMNS} FROM teams WHERE name = ?`, [name]))[0];
  }

  async teams() {
    return this.rows<Team>(`SELECT ${TEAM_COLUMNS} FROM teams ORDER BY id`);
  }

  async insertToken(r: Omit<TokenRow, 'teamName' | 'revokedAt'>) {
    await this.rows('INSERT INTO tokens (id, team_id, salt, hash, created_at) VALUES (?,?,?,?,?)', [r.id, r.teamId, r.salt, r.hash, r.createdAt]);
  }

  async token(id: string) {
    return (await this.rows<TokenRow>(`SELECT ${TOKEN_COLUMNS} FROM tokens t JOIN teams ON teams.id = t.team_id WHERE t.id = ?`, [id]))[0];
  }

  async tokens(teamId?: number) {
    const where = teamId === undefined ? '' : 'WHERE t.team_id = ?';
    return this.rows<TokenRow>(`SELECT ${TOKEN_COLUMNS} FROM tokens t JOIN teams ON teams.id = t.team_id ${where} ORDER BY t.created_at, t.id`,
      teamId === undefined ? [] : [teamId]);
  }

  async revokeToken(id: string, at: number) {
    return ((await this.pool.query('UPDATE tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL', [at, id])).rowCount ?? 0) > 0;
  }

  /**
   * One transaction per batch: the events (sorted by id, so two batches sharing ids wait rather than deadlock),
   * then the rollups of the rows actually inserted. Deadlocks and serialization failures are retried.
   */
  async insertEvents(teamId: number, rows: EventRow[], receivedAt: number): Promise<InsertResult> {
    if (!rows.length) return { accepted: 0, duplicates: 0 };
    const sorted = [...rows].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    for (let attempt = 1; ; attempt++) {
      const client = await this.pool.connect();
      try {
        await client.query('BEGIN');
        const accepted = await this.insertIn(client, teamId, sorted, receivedAt);
        await client.query('COMMIT');
        return { accepted, duplicates: rows.length - accepted };
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        const code = (err as { code?: string }).code;
        if (attempt >= 5 || (code !== '40P01' && code !== '40001')) throw err;
      } finally {
        client.release();
      }
    }
  }

  private async insertIn(client: pg.PoolClient, teamId: number, rows: EventRow[], receivedAt: number): Promise<number> {
    const col = <K extends keyof EventRow>(k: K) => rows.map((r) => r[k]);
    const r = await client.query(`INSERT INTO events (team_id, id, ts, user_hash, kind, type, sid, lang, gate_explore,
        retention_after_ms, retention_survived, body, received_at)
      SELECT $1::bigint, u.*, $13::bigint FROM unnest($2::text[], $3::bigint[], $4::text[], $5::text[], $6::text[], $7::text[],
        $8::text[], $9::smallint[], $10::bigint[], $11::float8[], $12::text[]) AS u
      ON CONFLICT DO NOTHING RETURNING id`,
    [teamId, col('id'), col('ts'), col('userHash'), col('kind'), col('type'), col('sid'), col('lang'), col('gateExplore'),
      col('retentionAfterMs'), col('retentionSurvived'), col('body'), receivedAt]);
    const ids = new Set(r.rows.map((x: { id: string }) => x.id));
    const accepted = ids.size;
    // delete-on-first-sight: an id repeated within the batch was inserted once and counts once
    const up = rollup(rows.filter((x) => ids.delete(x.id)));
    const s = up.suggestions;
    if (s.length) {
      await client.query(`INSERT INTO suggestions (team_id, sid, kind, ts, lang, explore, shown, accepted, rejected)
        SELECT $1::bigint, u.* FROM unnest($2::text[], $3::text[], $4::bigint[], $5::text[], $6::smallint[], $7::smallint[],
          $8::smallint[], $9::smallint[]) AS u ${SUGGESTION_UPSERT.postgres}`,
      [teamId, s.map((x) => x.sid), s.map((x) => x.kind), s.map((x) => x.ts), s.map((x) => x.lang), s.map((x) => x.explore),
        s.map((x) => x.shown), s.map((x) => x.accepted), s.map((x) => x.rejected)]);
    }
    const c = up.counts;
    if (c.length) {
      await client.query('INSERT INTO event_counts (team_id, day, kind, type, n) SELECT $1::bigint, u.* FROM unnest($2::bigint[], $3::text[], $4::text[], $5::bigint[]) AS u',
        [teamId, c.map((x) => x.day), c.map((x) => x.kind), c.map((x) => x.type), c.map((x) => x.n)]);
    }
    const t = up.retention;
    if (t.length) {
      await client.query('INSERT INTO retention_counts (team_id, after_ms, n, survived_sum) SELECT $1::bigint, u.* FROM unnest($2::bigint[], $3::bigint[], $4::float8[]) AS u',
        [teamId, t.map((x) => x.afterMs), t.map((x) => x.n), t.map((x) => x.survivedSum)]);
    }
    if (up.users.length) {
      await client.query('INSERT INTO team_users (team_id, user_hash) SELECT $1::bigint, u FROM unnest($2::text[]) AS u ON CONFLICT DO NOTHING', [teamId, up.users]);
    }
    return accepted;
  }

  async countDecisions(teamId: number) {
    return (await this.rows<{ n: number }>(`SELECT COALESCE(SUM(n), 0) AS n FROM event_counts WHERE team_id = ? AND type IN ('accepted','partial','rejected')`, [teamId]))[0].n;
  }

  async recentEvents(teamId: number, limit: number): Promise<SuggestionEvent[]> {
    const rows = await this.rows<{ body: string }>(
      'SELECT body FROM (SELECT body, ts, id FROM events WHERE team_id = ? ORDER BY ts DESC, id DESC LIMIT ?) AS r ORDER BY ts, id', [teamId, limit]);
    return rows.map((r) => JSON.parse(r.body) as SuggestionEvent);
  }

  async saveModel(teamId: number, m: StoredModel) {
    await this.rows(`INSERT INTO models (team_id, model, etag, trained_at, decisions) VALUES (?,?,?,?,?)
      ON CONFLICT (team_id) DO UPDATE SET model = excluded.model, etag = excluded.etag, trained_at = excluded.trained_at, decisions = excluded.decisions`,
    [teamId, m.model, m.etag, m.trainedAt, m.decisions]);
  }

  async model(teamId: number) {
    return (await this.rows<StoredModel>('SELECT model, etag, trained_at AS "trainedAt", decisions FROM models WHERE team_id = ?', [teamId]))[0];
  }

  async setting(key: string) {
    return (await this.rows<{ value: string }>('SELECT value FROM settings WHERE key = ?', [key]))[0]?.value;
  }

  async initSetting(key: string, value: string) {
    await this.rows('INSERT INTO settings (key, value) VALUES (?,?) ON CONFLICT (key) DO NOTHING', [key, value]);
    return (await this.setting(key))!;
  }

  async query<T>(sql: string, params: unknown[]) {
    return this.rows<T>(sql, params);
  }

  async close() {
    if (!this.pool.ended) await this.pool.end();
  }
}
