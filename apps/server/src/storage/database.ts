/**
 * Opening the database: SQLite (better-sqlite3, the embedded default, WAL mode) or PostgreSQL
 * (pg), chosen by URL, with the schema migrated on open; transactions that keep the error that
 * ended them; and the health check (`checkDatabase`: does it take writes, is there room).
 */
import { mkdirSync, statfsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import {
  type DatabaseConnection,
  type Driver,
  Kysely,
  type Dialect as KyselyDialect,
  type Migration,
  type MigrationProvider,
  Migrator,
  PostgresDialect,
  SqliteDialect,
  sql,
} from 'kysely';
import pg from 'pg';
import { type DatabaseFailure, databaseFailure, databaseProblem } from './databaseErrors.js';
import * as initial from './migrations/0001-initial.js';
import * as tokenScopeExpiry from './migrations/0002-token-scope-expiry.js';
import * as health from './migrations/0003-health.js';
import * as documentsLast from './migrations/0004-documents-last.js';
import * as modelSummary from './migrations/0005-model-summary.js';
import * as foldAutosaves from './migrations/0006-fold-autosaves.js';
import type { Database } from './schema.js';
import { WriteLock, withWriteLock } from './writeLock.js';

/** Which database engine. */
export type Dialect = 'sqlite' | 'postgres';

/** An open database. */
export interface Store {
  db: Kysely<Database>;
  dialect: Dialect;
  /** Where it is, for messages (the PostgreSQL password is never shown). */
  location: string;
  close: () => Promise<void>;
  /** The URL it was opened with (a worker thread opens its own connection with it). */
  url: string;
  /** SQLite: the turn every write takes (writeLock.ts); worker threads' saves take it too. */
  writeLock?: WriteLock;
}

/** Every migration, in order; each is one file in ./migrations. */
const MIGRATIONS = [initial, tokenScopeExpiry, health, documentsLast, modelSummary, foldAutosaves];

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

/**
 * Opens (creating if needed) and migrates the database at `url`. `migrate: false` opens it as it
 * is (a worker thread's connection, after the server has migrated), `poolSize` caps PostgreSQL's
 * connections (default 10).
 */
export async function openStore(url: string, options: { migrate?: boolean; poolSize?: number } = {}): Promise<Store> {
  const { dialect, target } = parseDbUrl(url);
  let db: Kysely<Database>;
  let location: string;
  let writeLock: WriteLock | undefined;
  if (dialect === 'sqlite') {
    const file = target === ':memory:' ? target : resolve(target);
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
    const sqlite = new BetterSqlite3(file);
    sqlite.pragma('journal_mode = WAL');
    // FULL: a write the server acknowledged survives a power cut too, not only a crash of the process.
    sqlite.pragma('synchronous = FULL');
    sqlite.pragma('foreign_keys = ON');
    sqlite.pragma('busy_timeout = 5000');
    writeLock = new WriteLock();
    db = new Kysely<Database>({
      dialect: withWriteLock(
        keepingCause(new SqliteDialect({ database: sqlite }), () => sqlite.inTransaction),
        writeLock,
      ),
    });
    location = file;
  } else {
    const pool = new pg.Pool({ connectionString: target, max: options.poolSize ?? 10 });
    // An idle connection can fail (the server restarts, an admin ends it); the pool drops it and
    // opens another on the next query. Without this listener the error would end the process.
    pool.on('error', (e) => {
      process.emitWarning(`PostgreSQL connection lost (${e.message}); it will be reopened.`);
    });
    // A connection lost while a request holds it (between the queries of a transaction, say) is
    // an 'error' on that client, which the pool listens for only while the client is idle: with
    // no listener it would end the process. The query that needed it fails and says why; the
    // pool drops the client when it comes back.
    pool.on('connect', (client) => {
      client.on('error', () => undefined);
    });
    db = new Kysely<Database>({ dialect: keepingCause(new PostgresDialect({ pool })) });
    location = redact(target);
  }
  // Unordered: a database that ran a later migration first (0003 was committed before 0002)
  // still gets the earlier one; each migration stands alone.
  const migrator = new Migrator({ db, provider: provider(dialect), allowUnorderedMigrations: true });
  const { error } = options.migrate === false ? { error: undefined } : await migrator.migrateToLatest();
  if (error) {
    await db.destroy();
    throw new Error(
      `Could not migrate the database at ${location}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  return { db, dialect, location, url, close: () => db.destroy(), ...(writeLock ? { writeLock } : {}) };
}

type SavepointCompiler = Parameters<NonNullable<Driver['savepoint']>>[2];

/** A connection that remembers the last query of its transaction that failed. */
class RecordingConnection implements DatabaseConnection {
  failure: unknown;
  constructor(readonly inner: DatabaseConnection) {}
  async executeQuery<R>(query: Parameters<DatabaseConnection['executeQuery']>[0]) {
    try {
      const result = await this.inner.executeQuery<R>(query);
      this.failure = undefined;
      return result;
    } catch (e) {
      this.failure = e;
      throw e;
    }
  }
  streamQuery<R>(query: Parameters<DatabaseConnection['streamQuery']>[0], chunkSize?: number) {
    return this.inner.streamQuery<R>(query, chunkSize);
  }
}

/**
 * A driver whose transactions fail with the error that ended them. When a write fails in a way
 * that ends the transaction on the database's side (SQLite rolls back by itself on SQLITE_FULL or
 * SQLITE_IOERR; a PostgreSQL connection drops), Kysely's rollback fails as well, and its error
 * ("cannot rollback - no transaction is active") replaced the one that said what was wrong. Here a
 * rollback is skipped when SQLite has no transaction open any more (`inTransaction`), and a
 * rollback that fails rethrows the failure that led to it, the rollback's own error attached.
 */
class KeepingCauseDriver implements Driver {
  readonly #wrapped = new WeakMap<DatabaseConnection, RecordingConnection>();
  constructor(
    private readonly inner: Driver,
    private readonly inTransaction?: () => boolean,
  ) {}
  init() {
    return this.inner.init();
  }
  async acquireConnection(): Promise<DatabaseConnection> {
    const connection = await this.inner.acquireConnection();
    let wrapped = this.#wrapped.get(connection);
    if (!wrapped) {
      wrapped = new RecordingConnection(connection);
      this.#wrapped.set(connection, wrapped);
    }
    return wrapped;
  }
  beginTransaction(connection: DatabaseConnection, settings: Parameters<Driver['beginTransaction']>[1]) {
    const c = connection as RecordingConnection;
    c.failure = undefined;
    return this.inner.beginTransaction(c.inner, settings);
  }
  async commitTransaction(connection: DatabaseConnection) {
    const c = connection as RecordingConnection;
    try {
      await this.inner.commitTransaction(c.inner);
    } catch (e) {
      c.failure = e;
      throw e;
    }
  }
  async rollbackTransaction(connection: DatabaseConnection) {
    const c = connection as RecordingConnection;
    if (this.inTransaction && !this.inTransaction()) return; // SQLite ended it itself
    try {
      await this.inner.rollbackTransaction(c.inner);
    } catch (rollbackError) {
      const cause = c.failure;
      if (cause === undefined || cause === rollbackError) throw rollbackError;
      if (typeof cause === 'object' && cause !== null)
        Object.assign(cause, { rollbackFailed: (rollbackError as Error)?.message ?? String(rollbackError) });
      throw cause;
    } finally {
      c.failure = undefined;
    }
  }
  savepoint(connection: DatabaseConnection, name: string, compile: SavepointCompiler) {
    return this.#savepointCall('savepoint')((connection as RecordingConnection).inner, name, compile);
  }
  rollbackToSavepoint(connection: DatabaseConnection, name: string, compile: SavepointCompiler) {
    return this.#savepointCall('rollbackToSavepoint')((connection as RecordingConnection).inner, name, compile);
  }
  releaseSavepoint(connection: DatabaseConnection, name: string, compile: SavepointCompiler) {
    return this.#savepointCall('releaseSavepoint')((connection as RecordingConnection).inner, name, compile);
  }
  #savepointCall(method: 'savepoint' | 'rollbackToSavepoint' | 'releaseSavepoint') {
    const call = this.inner[method];
    if (!call) throw new Error(`This database driver has no ${method}.`);
    return call.bind(this.inner);
  }
  releaseConnection(connection: DatabaseConnection) {
    return this.inner.releaseConnection((connection as RecordingConnection).inner);
  }
  destroy() {
    return this.inner.destroy();
  }
}

/** `dialect` with transactions that keep the error that ended them (KeepingCauseDriver). */
function keepingCause(dialect: KyselyDialect, inTransaction?: () => boolean): KyselyDialect {
  return {
    createDriver: () => new KeepingCauseDriver(dialect.createDriver(), inTransaction),
    createQueryCompiler: () => dialect.createQueryCompiler(),
    createAdapter: () => dialect.createAdapter(),
    createIntrospector: (db) => dialect.createIntrospector(db),
  };
}

/** Less free space than this (on the disk, or under SQLite's page limit) counts as full. */
export const LOW_SPACE_BYTES = 1024 * 1024;

/** A successful check is reused this long, so /healthz (public) cannot be made to write in a loop. */
const CHECK_REUSE_MS = 1000;
const lastChecks = new WeakMap<Store, { at: number; result: Promise<DatabaseFailure | undefined> }>();

/**
 * Whether the database can store anything: one row of `health_check` rewritten and committed
 * (a read-only file or transaction, a standby, a lost connection fail it), and for SQLite the
 * room left, on its disk and under its page limit (a committed rewrite of one row needs none).
 * Undefined when it is healthy, else what is wrong. Concurrent checks share one, and a good
 * result is reused for a second.
 */
export function checkDatabase(store: Store): Promise<DatabaseFailure | undefined> {
  const last = lastChecks.get(store);
  if (last && Date.now() - last.at < CHECK_REUSE_MS) return last.result;
  const result = runCheck(store);
  lastChecks.set(store, { at: Date.now(), result });
  void result.then((failure) => {
    if (failure && lastChecks.get(store)?.result === result) lastChecks.delete(store);
  });
  return result;
}

async function runCheck(store: Store): Promise<DatabaseFailure | undefined> {
  try {
    const at = new Date().toISOString();
    await sql`insert into health_check (id, checked_at) values (1, ${at})
      on conflict (id) do update set checked_at = excluded.checked_at`.execute(store.db);
    if (store.dialect !== 'sqlite') return undefined;
    const pragma = async (name: string) =>
      Number(Object.values((await sql.raw(`PRAGMA ${name}`).execute(store.db)).rows[0] as object)[0]);
    const pageSize = await pragma('page_size');
    const pagesLeft =
      (await pragma('max_page_count')) - (await pragma('page_count')) + (await pragma('freelist_count'));
    if (pagesLeft * pageSize < LOW_SPACE_BYTES)
      return databaseProblem('disk-full', `${pagesLeft} pages left under SQLite's max_page_count`);
    if (store.location !== ':memory:') {
      const disk = statfsSync(dirname(store.location));
      if (disk.bavail * disk.bsize < LOW_SPACE_BYTES)
        return databaseProblem('disk-full', `${disk.bavail * disk.bsize} bytes free on the database's disk`);
    }
    return undefined;
  } catch (e) {
    return databaseFailure(e) ?? databaseProblem('unreachable', e instanceof Error ? e.message : String(e));
  }
}
