// The collector's storage contract: one interface, two implementations (SQLite for one machine,
// PostgreSQL for teams that outgrow it) over the same schema; open.ts picks one from the --db argument.
import type { SuggestionEvent } from '../../../common/events';

export interface Team { id: number; name: string; userSecret: string }

export interface TokenRow { id: string; teamId: number; teamName: string; salt: string; hash: string; createdAt: number; revokedAt: number | null }

/** One validated event, flattened into the columns the dashboard aggregates, plus its stored JSON. */
export interface EventRow {
  id: string; ts: number; userHash: string; kind: string; type: string; sid: string;
  lang: string | null; gateExplore: number | null; retentionAfterMs: number | null; retentionSurvived: number | null;
  body: string;
}

export interface StoredModel { model: string; etag: string; trainedAt: number; decisions: number }

export interface InsertResult { accepted: number; duplicates: number }

export interface Storage {
  readonly kind: 'sqlite' | 'postgres';
  /** Applies pending migrations; returns the versions applied by this call. */
  migrate(): Promise<number[]>;
  appliedMigrations(): Promise<number[]>;
  ensureTeam(name: string, userSecret: string): Promise<Team>;
  teamByName(name: string): Promise<Team | undefined>;
  teams(): Promise<Team[]>;
  insertToken(row: Omit<TokenRow, 'teamName' | 'revokedAt'>): Promise<void>;
  token(id: string): Promise<TokenRow | undefined>;
  tokens(teamId?: number): Promise<TokenRow[]>;
  revokeToken(id: string, at: number): Promise<boolean>;
  /** Inserts in one transaction, committed before it resolves; ids already stored for the team are skipped. */
  insertEvents(teamId: number, rows: EventRow[], receivedAt: number): Promise<InsertResult>;
  /** Accepted/partial/rejected events stored for the team (what retraining counts), from the rollups. */
  countDecisions(teamId: number): Promise<number>;
  /** The team's most recent `limit` events, oldest first. */
  recentEvents(teamId: number, limit: number): Promise<SuggestionEvent[]>;
  saveModel(teamId: number, m: StoredModel): Promise<void>;
  model(teamId: number): Promise<StoredModel | undefined>;
  setting(key: string): Promise<string | undefined>;
  /** Stores value unless the key exists; returns the value now stored (first writer wins). */
  initSetting(key: string, value: string): Promise<string>;
  /** Runs one aggregation query written with `?` placeholders (dialect-neutral SQL). */
  query<T>(sql: string, params: unknown[]): Promise<T[]>;
  close(): Promise<void>;
}
