/**
 * One writer at a time on a SQLite file, waited for without blocking the event loop.
 *
 * SQLite takes one writer at a time. Saving a large model's analysis (hundreds of MB of text and
 * hundreds of thousands of audit rows) runs in a worker thread on its own connection; if the
 * server's own connection then tried to write, better-sqlite3 would wait for the file lock inside
 * the call (busy_timeout), holding the event loop, and fail after 5 s. Instead every write on the
 * server's connection, and every worker's save, first takes this lock, in turn, asynchronously:
 * a write waits its turn while reads (WAL) and everything else go on.
 */
import type {
  CompiledQuery,
  DatabaseConnection,
  Dialect,
  Driver,
  QueryCompiler,
  QueryResult,
  TransactionSettings,
} from 'kysely';

/** An asynchronous mutex: `acquire` resolves, in turn, with the function that releases it. */
export class WriteLock {
  #tail: Promise<void> = Promise.resolve();
  #waiting = 0;

  /** Waits for the lock; call the returned function (once) to release it. */
  acquire(): Promise<() => void> {
    let release!: () => void;
    const mine = new Promise<void>((resolve) => {
      release = resolve;
    });
    const before = this.#tail;
    this.#tail = before.then(() => mine);
    this.#waiting++;
    return before.then(() => {
      this.#waiting--;
      let released = false;
      return () => {
        if (released) return;
        released = true;
        release();
      };
    });
  }

  /** How many are waiting for the lock or holding it (for tests). */
  get queued(): number {
    return this.#waiting;
  }
}

/** True for statements that only read (they need no turn: WAL readers never wait for a writer). */
function readsOnly(query: CompiledQuery): boolean {
  if (query.query.kind === 'SelectQueryNode') return true;
  return query.query.kind === 'RawNode' && /^\s*(select|with)\b/i.test(query.sql);
}

/**
 * A connection of the wrapped driver, taken only when a statement runs: a transaction (or a
 * writing statement) first waits for the write lock, then for the connection, so that a
 * connection is never held while waiting for the lock.
 */
class LockedConnection implements DatabaseConnection {
  #connection: DatabaseConnection | undefined;
  #release: (() => void) | undefined;

  constructor(
    private readonly driver: Driver,
    private readonly lock: WriteLock,
  ) {}

  async take(write: boolean): Promise<DatabaseConnection> {
    if (write && !this.#release) this.#release = await this.lock.acquire();
    this.#connection ??= await this.driver.acquireConnection();
    return this.#connection;
  }

  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    return (await this.take(!readsOnly(query))).executeQuery<R>(query);
  }

  async *streamQuery<R>(query: CompiledQuery, chunkSize?: number): AsyncIterableIterator<QueryResult<R>> {
    yield* (await this.take(!readsOnly(query))).streamQuery<R>(query, chunkSize);
  }

  async release(): Promise<void> {
    try {
      if (this.#connection) await this.driver.releaseConnection(this.#connection);
    } finally {
      this.#connection = undefined;
      this.#release?.();
      this.#release = undefined;
    }
  }
}

class LockingDriver implements Driver {
  constructor(
    private readonly inner: Driver,
    private readonly lock: WriteLock,
  ) {}
  init(): Promise<void> {
    return this.inner.init();
  }
  async acquireConnection(): Promise<DatabaseConnection> {
    return new LockedConnection(this.inner, this.lock);
  }
  async beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    await this.inner.beginTransaction(await (connection as LockedConnection).take(true), settings);
  }
  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await this.inner.commitTransaction(await (connection as LockedConnection).take(true));
  }
  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    await this.inner.rollbackTransaction(await (connection as LockedConnection).take(true));
  }
  async savepoint(connection: DatabaseConnection, name: string, compile: QueryCompiler['compileQuery']): Promise<void> {
    await this.inner.savepoint?.(await (connection as LockedConnection).take(true), name, compile);
  }
  async rollbackToSavepoint(
    connection: DatabaseConnection,
    name: string,
    compile: QueryCompiler['compileQuery'],
  ): Promise<void> {
    await this.inner.rollbackToSavepoint?.(await (connection as LockedConnection).take(true), name, compile);
  }
  async releaseSavepoint(
    connection: DatabaseConnection,
    name: string,
    compile: QueryCompiler['compileQuery'],
  ): Promise<void> {
    await this.inner.releaseSavepoint?.(await (connection as LockedConnection).take(true), name, compile);
  }
  async releaseConnection(connection: DatabaseConnection): Promise<void> {
    await (connection as LockedConnection).release();
  }
  destroy(): Promise<void> {
    return this.inner.destroy();
  }
}

/** `dialect` whose transactions and writing statements take `lock` first. */
export function withWriteLock(dialect: Dialect, lock: WriteLock): Dialect {
  return {
    createDriver: () => new LockingDriver(dialect.createDriver(), lock),
    createQueryCompiler: () => dialect.createQueryCompiler(),
    createAdapter: () => dialect.createAdapter(),
    createIntrospector: (db) => dialect.createIntrospector(db),
  };
}
