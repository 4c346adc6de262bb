// Opens the collector's storage named by the --db argument: a postgres:// URL selects PostgreSQL, anything
// else is a SQLite file. The schema is migrated before the storage is handed out.
import { UsageError } from '../errors';
import { PostgresStorage } from './postgres';
import { SqliteStorage, type SqliteSynchronous } from './sqlite';
import type { Storage } from './storage';

export function isPostgresUrl(db: string) {
  return /^postgres(ql)?:\/\//i.test(db);
}

/** The database argument with any password hidden, for messages and logs. */
export function redact(db: string) {
  return isPostgresUrl(db) ? db.replace(/(\/\/[^:/@]*:)[^@]*@/, '$1***@') : db;
}

export async function openStorage(db: string, opts: { sqliteSynchronous?: SqliteSynchronous } = {}): Promise<Storage> {
  if (!db) throw new UsageError('--db is required (a SQLite file path or a postgres:// URL)');
  let storage: Storage | undefined;
  try {
    storage = isPostgresUrl(db) ? new PostgresStorage(db) : new SqliteStorage(db, opts.sqliteSynchronous);
    await storage.migrate();
    return storage;
  } catch (err) {
    await storage?.close().catch(() => undefined);
    throw new UsageError(`cannot open the collector database ${redact(db)}: ${(err as Error).message}`);
  }
}
