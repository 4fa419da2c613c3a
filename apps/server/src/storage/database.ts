/**
 * Opening the database: SQLite (better-sqlite3, the embedded default, WAL mode) or PostgreSQL
 * (pg), chosen by URL, with the schema migrated on open.
 */
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, type Migration, type MigrationProvider, Migrator, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import * as initial from './migrations/0001-initial.js';
import type { Database } from './schema.js';

/** Which database engine. */
export type Dialect = 'sqlite' | 'postgres';

/** An open database. */
export interface Store {
  db: Kysely<Database>;
  dialect: Dialect;
  /** Where it is, for messages (the PostgreSQL password is never shown). */
  location: string;
  close: () => Promise<void>;
}

/** Every migration, in order; each is one file in ./migrations. */
const MIGRATIONS = [initial];

function provider(dialect: Dialect): MigrationProvider {
  return {
    getMigrations: async () => {
      const out: Record<string, Migration> = {};
      for (const m of MIGRATIONS) out[m.name] = { up: (db) => m.up(db, dialect) };
      return out;
    },
  };
}

/** The default database of `npm start` and `bulwark serve`. */
export const DEFAULT_DB_URL = 'sqlite:./data/bulwark.db';

/** Parses `sqlite:path`, `sqlite::memory:` or `postgres://...` (also `postgresql://`). */
export function parseDbUrl(url: string): { dialect: Dialect; target: string } {
  if (/^postgres(ql)?:\/\//.test(url)) return { dialect: 'postgres', target: url };
  if (url.startsWith('sqlite:')) return { dialect: 'sqlite', target: url.slice('sqlite:'.length) };
  if (/\.(db|sqlite3?)$/.test(url)) return { dialect: 'sqlite', target: url };
  throw new Error(`Unknown database URL "${url}": use sqlite:<file> or postgres://user@host:port/database.`);
}

function redact(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
}

/** Opens (creating if needed) and migrates the database at `url`. */
export async function openStore(url: string): Promise<Store> {
  const { dialect, target } = parseDbUrl(url);
  let db: Kysely<Database>;
  let location: string;
  if (dialect === 'sqlite') {
    const file = target === ':memory:' ? target : resolve(target);
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
    const sqlite = new BetterSqlite3(file);
    sqlite.pragma('journal_mode = WAL');
    // FULL: a write the server acknowledged survives a power cut too, not only a crash of the process.
    sqlite.pragma('synchronous = FULL');
    sqlite.pragma('foreign_keys = ON');
    sqlite.pragma('busy_timeout = 5000');
    db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
    location = file;
  } else {
    const pool = new pg.Pool({ connectionString: target, max: 10 });
    // An idle connection can fail (the server restarts, an admin ends it); the pool drops it and
    // opens another on the next query. Without this listener the error would end the process.
    pool.on('error', (e) => {
      process.emitWarning(`PostgreSQL connection lost (${e.message}); it will be reopened.`);
    });
    db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    location = redact(target);
  }
  const migrator = new Migrator({ db, provider: provider(dialect) });
  const { error } = await migrator.migrateToLatest();
  if (error) {
    await db.destroy();
    throw new Error(
      `Could not migrate the database at ${location}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  return { db, dialect, location, close: () => db.destroy() };
}
