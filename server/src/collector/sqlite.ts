// SQLite storage for the collector (better-sqlite3, WAL). synchronous=FULL (default): a batch is fsynced
// before insertEvents resolves, so an acknowledged batch survives kill -9 and power loss alike; NORMAL: it is
// in the WAL (survives kill -9, not power loss). Batches arriving in one event-loop turn share one transaction.
import Database from 'better-sqlite3';
import type { SuggestionEvent } from '../../../common/events';
import { rollup } from './rollup';
import { MIGRATIONS, MIGRATIONS_TABLE, SUGGESTION_UPSERT, statements } from './schema';
import type { EventRow, InsertResult, Storage, StoredModel, Team, TokenRow } from './storage';

export type SqliteSynchronous = 'full' | 'normal';

interface InsertJob { teamId: number; rows: EventRow[]; receivedAt: number; resolve: (r: InsertResult) => void; reject: (err: unknown) => void }

const TOKEN_COLUMNS = `t.id, t.team_id AS "teamId", teams.name AS "teamName", t.salt, t.hash, t.created_at AS "createdAt", t.revoked_at AS "revokedAt"`;
const TEAM_COLUMNS = `id, name, user_secret AS "userSecret"`;

export class SqliteStorage implements Storage {
  readonly kind = 'sqlite' as const;
  private readonly db: Database.Database;
  private insertJobs?: (jobs: InsertJob[]) => number[];
  private pending: InsertJob[] = [];

  constructor(path: string, synchronous: SqliteSynchronous = 'full') {
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma(`synchronous = ${synchronous === 'normal' ? 'NORMAL' : 'FULL'}`);
    this.db.pragma('busy_timeout = 5000');
    this.db.pragma('foreign_keys = ON');
    this.db.exec(MIGRATIONS_TABLE.sqlite);
  }

  /** Prepared after migration, since it needs the tables. Inserts events, then folds the new ones into the rollups. */
  private batchInserter() {
    const insert = this.db.prepare(`INSERT INTO events (team_id, id, ts, user_hash, kind, type, sid, lang, gate_explore,
      retention_after_ms, retention_survived, body, received_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT DO NOTHING`);
    const suggestion = this.db.prepare(`INSERT INTO suggestions (team_id, sid, kind, ts, lang, explore, shown, accepted, rejected)
      VALUES (?,?,?,?,?,?,?,?,?) ${SUGGESTION_UPSERT.sqlite}`);
    const count = this.db.prepare('INSERT INTO event_counts (team_id, day, kind, type, n) VALUES (?,?,?,?,?)');
    const retention = this.db.prepare('INSERT INTO retention_counts (team_id, after_ms, n, survived_sum) VALUES (?,?,?,?)');
    const user = this.db.prepare('INSERT INTO team_users (team_id, user_hash) VALUES (?,?) ON CONFLICT DO NOTHING');
    return this.db.transaction((jobs: InsertJob[]) => jobs.map(({ teamId, rows, receivedAt }) => {
      const inserted = rows.filter((r) => insert.run(teamId, r.id, r.ts, r.userHash, r.kind, r.type, r.sid, r.lang, r.gateExplore,
        r.retentionAfterMs, r.retentionSurvived, r.body, receivedAt).changes > 0);
      const up = rollup(inserted);
      for (const s of up.suggestions) suggestion.run(teamId, s.sid, s.kind, s.ts, s.lang, s.explore, s.shown, s.accepted, s.rejected);
      for (const c of up.counts) count.run(teamId, c.day, c.kind, c.type, c.n);
      for (const r of up.retention) retention.run(teamId, r.afterMs, r.n, r.survivedSum);
      for (const u of up.users) user.run(teamId, u);
      return inserted.length;
    }));
  }

  /** Commits every queued batch in one transaction; if that fails, each alone, so one bad batch fails alone. */
  private flush() {
    const jobs = this.pending;
    this.pending = [];
    this.insertJobs ??= this.batchInserter();
    const settle = (job: InsertJob, accepted: number) => job.resolve({ accepted, duplicates: job.rows.length - accepted });
    try {
      this.insertJobs(jobs).forEach((accepted, i) => settle(jobs[i], accepted));
    } catch (groupErr) {
      if (jobs.length === 1) { jobs[0].reject(groupErr); return; }
      for (const job of jobs) {
        try {
          settle(job, this.insertJobs([job])[0]);
        } catch (err) {
          job.reject(err);
        }
      }
    }
  }

  private migrateSync(): number[] {
    const done = new Set(this.appliedSync());
    const applied: number[] = [];
    for (const m of MIGRATIONS) {
      if (done.has(m.version)) continue;
      // IMMEDIATE: two collectors starting on one file cannot both apply the same step.
      this.db.transaction(() => {
        if (this.db.prepare('SELECT 1 FROM schema_migrations WHERE version = ?').get(m.version)) return;
        for (const s of statements(m.sql.sqlite)) this.db.exec(s);
        this.db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?,?,?)').run(m.version, m.name, Date.now());
        applied.push(m.version);
      }).immediate();
    }
    return applied;
  }

  private appliedSync(): number[] {
    return this.db.prepare('SELECT version FROM schema_migrations ORDER BY version').pluck().all() as number[];
  }

  async migrate() { return this.migrateSync(); }
  async appliedMigrations() { return this.appliedSync(); }

  async ensureTeam(name: string, userSecret: string): Promise<Team> {
    this.db.prepare('INSERT INTO teams (name, user_secret, created_at) VALUES (?,?,?) ON CONFLICT (name) DO NOTHING').run(name, userSecret, Date.now());
    return (await this.teamByName(name))!;
  }

  async teamByName(name: string) {
    return this.db.prepare(`SELECT ${TEAM_COLUMNS} FROM teams WHERE name = ?`).get(name) as Team | undefined;
  }

  async teams() {
    return this.db.prepare(`SELECT ${TEAM_COLUMNS} FROM teams ORDER BY id`).all() as Team[];
  }

  async insertToken(r: Omit<TokenRow, 'teamName' | 'revokedAt'>) {
    this.db.prepare('INSERT INTO tokens (id, team_id, salt, hash, created_at) VALUES (?,?,?,?,?)').run(r.id, r.teamId, r.salt, r.hash, r.createdAt);
  }

  async token(id: string) {
    return this.db.prepare(`SELECT ${TOKEN_COLUMNS} FROM tokens t JOIN teams ON teams.id = t.team_id WHERE t.id = ?`).get(id) as TokenRow | undefined;
  }

  async tokens(teamId?: number) {
    const where = teamId === undefined ? '' : 'WHERE t.team_id = ?';
    return this.db.prepare(`SELECT ${TOKEN_COLUMNS} FROM tokens t JOIN teams ON teams.id = t.team_id ${where} ORDER BY t.created_at, t.id`)
      .all(...(teamId === undefined ? [] : [teamId])) as TokenRow[];
  }

  async revokeToken(id: string, at: number) {
    return this.db.prepare('UPDATE tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL').run(at, id).changes > 0;
  }

  insertEvents(teamId: number, rows: EventRow[], receivedAt: number): Promise<InsertResult> {
    return new Promise((resolve, reject) => {
      this.pending.push({ teamId, rows, receivedAt, resolve, reject });
      if (this.pending.length === 1) setImmediate(() => this.flush());
    });
  }

  async countDecisions(teamId: number) {
    return this.db.prepare(`SELECT COALESCE(SUM(n), 0) FROM event_counts WHERE team_id = ? AND type IN ('accepted','partial','rejected')`).pluck().get(teamId) as number;
  }

  async recentEvents(teamId: number, limit: number): Promise<SuggestionEvent[]> {
    const bodies = this.db.prepare('SELECT body FROM (SELECT body, ts, id FROM events WHERE team_id = ? ORDER BY ts DESC, id DESC LIMIT ?) ORDER BY ts, id')
      .pluck().all(teamId, limit) as string[];
    return bodies.map((b) => JSON.parse(b) as SuggestionEvent);
  }

  async saveModel(teamId: number, m: StoredModel) {
    this.db.prepare(`INSERT INTO models (team_id, model, etag, trained_at, decisions) VALUES (?,?,?,?,?)
      ON CONFLICT (team_id) DO UPDATE SET model = excluded.model, etag = excluded.etag, trained_at = excluded.trained_at, decisions = excluded.decisions`)
      .run(teamId, m.model, m.etag, m.trainedAt, m.decisions);
  }

  async model(teamId: number) {
    return this.db.prepare('SELECT model, etag, trained_at AS "trainedAt", decisions FROM models WHERE team_id = ?').get(teamId) as StoredModel | undefined;
  }

  async setting(key: string) {
    return this.db.prepare('SELECT value FROM settings WHERE key = ?').pluck().get(key) as string | undefined;
  }

  async initSetting(key: string, value: string) {
    this.db.prepare('INSERT INTO settings (key, value) VALUES (?,?) ON CONFLICT (key) DO NOTHING').run(key, value);
    return (await this.setting(key))!;
  }

  async query<T>(sql: string, params: unknown[]) {
    const statement = this.db.prepare(sql);
    if (statement.reader) return statement.all(...params) as T[];
    statement.run(...params);
    return [];
  }

  async close() {
    if (this.pending.length) this.flush();
    if (this.db.open) this.db.close();
  }
}
