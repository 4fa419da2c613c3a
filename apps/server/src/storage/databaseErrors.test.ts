import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { type AddressInfo, connect, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import pg from 'pg';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { buildApp } from '../app.js';
import { checkDatabase, openStore, type Store } from './database.js';
import { databaseFailure } from './databaseErrors.js';
import { ModelStore } from './ModelStore.js';

const ROOT = new URL('../../../../', import.meta.url).pathname;
const example = JSON.parse(readFileSync(`${ROOT}examples/infrastructure.bulwark.json`, 'utf8'));
const PG_URL = process.env.BULWARK_TEST_PG_URL;
const IS_ROOT = process.getuid?.() === 0;

const writeToStderr = process.stderr.write.bind(process.stderr);

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  vi.restoreAllMocks();
  const failures: unknown[] = [];
  for (const clean of cleanups.splice(0).reverse()) await Promise.resolve(clean()).catch((e) => failures.push(e));
  if (failures.length > 0) throw failures[0];
});

/** A fresh SQLite database file in a new folder (or in `inside`). */
async function sqliteStore(inside?: string): Promise<{ store: Store; file: string }> {
  const dir = inside ?? mkdtempSync(join(tmpdir(), 'bulwark-dberr-'));
  const file = join(dir, 'bulwark.db');
  const store = await openStore(`sqlite:${file}`);
  if (!inside) cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  cleanups.push(() => store.close());
  return { store, file };
}

/** The app over `store`, logging errors (JSON lines on standard error, captured here). */
async function appOver(store: Store): Promise<{ app: FastifyInstance; logged: () => Record<string, unknown>[] }> {
  const lines: string[] = [];
  vi.spyOn(process.stderr, 'write').mockImplementation(((chunk: string | Uint8Array, ...rest: never[]) => {
    const text = String(chunk);
    if (text.startsWith('{')) {
      lines.push(text);
      return true;
    }
    return writeToStderr(chunk, ...rest);
  }) as typeof process.stderr.write);
  const app = await buildApp({ store, logger: 'errors' });
  cleanups.push(() => app.close());
  return {
    app,
    logged: () => lines.flatMap((l) => l.trim().split('\n')).map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}

async function createModel(app: FastifyInstance): Promise<string> {
  const r = await app.inject({ method: 'POST', url: '/api/models', payload: example });
  expect(r.statusCode, r.body).toBe(201);
  return r.json().id;
}

/** The writes a failing database must refuse with its cause: create, save (PUT), comment. */
async function writes(app: FastifyInstance, id: string) {
  const doc = (await app.inject(`/api/models/${id}`)).json().model;
  doc.metadata.description = 'x'.repeat(50_000);
  return {
    create: await app.inject({ method: 'POST', url: '/api/models', payload: example }),
    save: await app.inject({ method: 'PUT', url: `/api/models/${id}`, payload: doc, headers: { 'if-match': '"1"' } }),
    comment: await app.inject({
      method: 'POST',
      url: `/api/models/${id}/comments`,
      payload: { target: 'model', body: 'a comment'.repeat(1000) },
    }),
  };
}

/** Every write answered `status` with `code`, and the log carries the database's own error. */
function expectRefused(
  answers: Record<string, { statusCode: number; json: () => { code: string; message: string } }>,
  status: number,
  code: string,
  message: RegExp,
): void {
  for (const [name, r] of Object.entries(answers)) {
    expect(r.statusCode, name).toBe(status);
    expect(r.json().code, name).toBe(code);
    expect(r.json().message, name).toMatch(message);
    expect(r.json().message, name).toContain('Whoever runs the server');
  }
}

function loggedCauses(logged: Record<string, unknown>[]): { database: unknown; message: string; rollback?: unknown }[] {
  return logged
    .filter((l) => l.level === 50)
    .map((l) => {
      const err = l.err as { message: string; rollbackFailed?: unknown };
      return { database: l.database, message: err.message, rollback: err.rollbackFailed };
    });
}

describe('databaseFailure', () => {
  const cases: [string, unknown, string | undefined, number?][] = [
    ['SQLite full', { code: 'SQLITE_FULL', message: 'database or disk is full' }, 'disk-full', 507],
    [
      'SQLite read-only',
      { code: 'SQLITE_READONLY', message: 'attempt to write a readonly database' },
      'read-only',
      503,
    ],
    ['SQLite read-only directory', { code: 'SQLITE_READONLY_DIRECTORY', message: '' }, 'read-only', 503],
    ['SQLite moved file', { code: 'SQLITE_READONLY_DBMOVED', message: '' }, 'read-only', 503],
    ['SQLite write I/O error', { code: 'SQLITE_IOERR_WRITE', message: 'disk I/O error' }, 'io-error', 503],
    ['SQLite fsync I/O error', { code: 'SQLITE_IOERR_FSYNC', message: 'disk I/O error' }, 'io-error', 503],
    ['SQLite cannot open', { code: 'SQLITE_CANTOPEN', message: 'unable to open database file' }, 'unreachable', 503],
    ['SQLite damaged', { code: 'SQLITE_CORRUPT', message: 'database disk image is malformed' }, 'damaged', 503],
    ['PostgreSQL disk full', { code: '53100', message: 'could not extend file' }, 'disk-full', 507],
    [
      'PostgreSQL read-only',
      { code: '25006', message: 'cannot execute INSERT in a read-only transaction' },
      'read-only',
    ],
    ['PostgreSQL connection failure', { code: '08006', message: 'connection failure' }, 'unreachable'],
    ['PostgreSQL shut down', { code: '57P01', message: 'terminating connection' }, 'unreachable'],
    ['refused', { code: 'ECONNREFUSED', message: 'connect ECONNREFUSED 127.0.0.1:1' }, 'unreachable'],
    ['pg lost connection', new Error('Connection terminated unexpectedly'), 'unreachable'],
    ['refused on every address', new AggregateError([{ code: 'ECONNREFUSED', message: '' }], 'x'), 'unreachable'],
    ['wrapped', new Error('saving failed', { cause: { code: 'SQLITE_FULL', message: '' } }), 'disk-full', 507],
    ['a constraint (a bug, not the disk)', { code: 'SQLITE_CONSTRAINT_UNIQUE', message: 'UNIQUE' }, undefined],
    ['a PostgreSQL unique violation', { code: '23505', message: 'duplicate key' }, undefined],
    ['a PostgreSQL syntax error', { code: '42601', message: 'syntax error' }, undefined],
    ['the rollback that masked it', new Error('cannot rollback - no transaction is active'), undefined],
    ['not an object', 'SQLITE_FULL', undefined],
  ];
  it.each(cases)('%s', (_name, error, problem, status) => {
    const failure = databaseFailure(error);
    expect(failure?.problem).toBe(problem);
    if (status) expect(failure?.status).toBe(status);
    if (failure) expect(failure.message).toMatch(/Whoever runs the server: .+, then try again\.|restore/);
  });
});

describe('SQLite failures name their cause', () => {
  it('a full database (max_page_count on the server connection): 507 on every write, the log says SQLITE_FULL, /healthz 503', async () => {
    const { store } = await sqliteStore();
    const { app, logged } = await appOver(store);
    const id = await createModel(app);
    expect((await app.inject('/healthz')).statusCode).toBe(200);
    const pages = Number((await sql<{ page_count: number }>`PRAGMA page_count`.execute(store.db)).rows[0]?.page_count);
    await sql.raw(`PRAGMA max_page_count = ${pages + 2}`).execute(store.db);

    expectRefused(await writes(app, id), 507, 'DATABASE_FULL', /^The database is full .* nothing was changed\./);
    const causes = loggedCauses(logged());
    expect(causes.length).toBeGreaterThanOrEqual(3);
    for (const cause of causes) {
      expect(cause.database).toBe('SQLITE_FULL');
      expect(cause.message).toBe('database or disk is full');
    }
    // Nothing half-written, and reads still work.
    const got = await app.inject(`/api/models/${id}`);
    expect(got.statusCode).toBe(200);
    expect(got.headers.etag).toBe('"1"');
    expect((await app.inject('/api/models')).json().models).toHaveLength(1);

    await new Promise((r) => setTimeout(r, 1100)); // a good check is reused for a second
    const health = await app.inject('/healthz');
    expect(health.statusCode).toBe(503);
    expect(health.json()).toMatchObject({ ok: false, database: 'sqlite', problem: 'disk-full', code: 'DATABASE_FULL' });
  });

  it('a transaction that SQLite rolled back itself fails with its own error, not "cannot rollback"', async () => {
    const { store } = await sqliteStore();
    const models = new ModelStore(store.db);
    const pages = Number((await sql<{ page_count: number }>`PRAGMA page_count`.execute(store.db)).rows[0]?.page_count);
    await sql.raw(`PRAGMA max_page_count = ${pages + 2}`).execute(store.db);
    const failed = await models.create(example, 'ana').catch((e: unknown) => e);
    expect(failed).toMatchObject({ code: 'SQLITE_FULL', message: 'database or disk is full' });
    // The connection is usable afterwards (no transaction left open).
    await sql.raw(`PRAGMA max_page_count = 1073741823`).execute(store.db);
    expect((await models.create(example, 'ana')).version).toBe(1);
  });

  it('a read-only connection (PRAGMA query_only): 503 on every write, reads work, /healthz 503 read-only', async () => {
    const { store } = await sqliteStore();
    const { app, logged } = await appOver(store);
    const id = await createModel(app);
    await sql.raw('PRAGMA query_only = ON').execute(store.db);
    expectRefused(await writes(app, id), 503, 'DATABASE_READ_ONLY', /^The database is read-only/);
    for (const cause of loggedCauses(logged())) expect(cause.database).toBe('SQLITE_READONLY');
    expect((await app.inject(`/api/models/${id}`)).statusCode).toBe(200);
    const health = await app.inject('/healthz');
    expect(health.statusCode).toBe(503);
    expect(health.json()).toMatchObject({ problem: 'read-only', code: 'DATABASE_READ_ONLY' });
    expect(health.json().message).toContain('write permission on the database file');
  });

  it('a read-only database file (chmod 0444, or immutable for root): the server starts, /healthz and writes say read-only', async (ctx) => {
    // The server ran on it (templates seeded, a model saved), then its file became read-only.
    const first = await sqliteStore();
    const before = await appOver(first.store);
    const id = await createModel(before.app);
    await before.app.close();
    await first.store.close();
    vi.restoreAllMocks();
    const { file } = first;
    if (IS_ROOT) {
      // Root writes whatever the mode says; an immutable file it cannot write.
      if (spawnSync('chattr', ['+i', file]).status !== 0) ctx.skip('root, and chattr +i is not possible here');
      cleanups.push(() => void spawnSync('chattr', ['-i', file]));
    } else {
      chmodSync(file, 0o444);
    }
    const store = await openStore(`sqlite:${file}`);
    cleanups.push(() => store.close());
    const { app } = await appOver(store);
    expect((await app.inject(`/api/models/${id}`)).statusCode).toBe(200);
    const health = await app.inject('/healthz');
    expect(health.statusCode).toBe(503);
    expect(health.json()).toMatchObject({ problem: 'read-only' });
    expectRefused(await writes(app, id), 503, 'DATABASE_READ_ONLY', /^The database is read-only/);
  });

  /** A tmpfs of `kb` KB (root with CAP_SYS_ADMIN only); undefined where it cannot be mounted. */
  function tinyFilesystem(kb: number): string | undefined {
    if (!IS_ROOT) return undefined;
    const dir = mkdtempSync(join(tmpdir(), 'bulwark-tinyfs-'));
    if (spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${kb}k`, 'tmpfs', dir]).status !== 0) {
      rmSync(dir, { recursive: true, force: true });
      return undefined;
    }
    cleanups.push(() => {
      spawnSync('umount', ['-l', dir]);
      rmSync(dir, { recursive: true, force: true });
    });
    return dir;
  }

  it('a real full disk (a tiny tmpfs filled up): 507, the log says SQLITE_FULL, /healthz 503 disk-full', async (ctx) => {
    const dir = tinyFilesystem(4096);
    if (!dir) ctx.skip('mounting a tmpfs needs root with CAP_SYS_ADMIN (the max_page_count test covers it)');
    if (!dir) return;
    const { store } = await sqliteStore(dir);
    const { app, logged } = await appOver(store);
    const id = await createModel(app);
    // Fill the disk: write until it refuses.
    const filler = Buffer.alloc(64 * 1024, 1);
    try {
      for (let i = 0; ; i++) writeFileSync(join(dir, `filler-${i}`), filler);
    } catch (e) {
      expect((e as NodeJS.ErrnoException).code).toBe('ENOSPC');
    }
    const answers = await writes(app, id);
    expectRefused(answers, 507, 'DATABASE_FULL', /^The database is full/);
    for (const cause of loggedCauses(logged())) expect(cause.database).toBe('SQLITE_FULL');
    await new Promise((r) => setTimeout(r, 1100));
    const health = await app.inject('/healthz');
    expect(health.statusCode).toBe(503);
    expect(health.json()).toMatchObject({ problem: 'disk-full' });
  });
});

describe.runIf(PG_URL)('PostgreSQL failures name their cause', () => {
  /** A fresh database, dropped afterwards. */
  async function pgDatabase(): Promise<{ name: string; url: URL; admin: (text: string) => Promise<unknown> }> {
    const name = `bulwark_dberr_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
    const admin = async (text: string) => {
      const client = new pg.Client({ connectionString: PG_URL });
      await client.connect();
      try {
        return await client.query(text);
      } finally {
        await client.end();
      }
    };
    await admin(`CREATE DATABASE ${name}`);
    cleanups.push(async () => {
      await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    });
    const url = new URL(PG_URL as string);
    url.pathname = `/${name}`;
    return { name, url, admin };
  }

  it('a read-only database (default_transaction_read_only): 503 on every write, the log says 25006, /healthz 503', async () => {
    const { name, url, admin } = await pgDatabase();
    const store = await openStore(url.toString());
    cleanups.push(() => store.close());
    const { app, logged } = await appOver(store);
    const id = await createModel(app);
    vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined); // the pool's "connection lost"
    await admin(`ALTER DATABASE ${name} SET default_transaction_read_only = on`);
    // The setting applies to new sessions: end the open ones, as a failover to a standby would.
    await admin(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '${name}'`);
    await new Promise((r) => setTimeout(r, 200));
    const health = await app.inject('/healthz');
    expect(health.statusCode).toBe(503);
    expect(health.json()).toMatchObject({ ok: false, database: 'postgres', problem: 'read-only' });
    expectRefused(await writes(app, id), 503, 'DATABASE_READ_ONLY', /^The database is read-only/);
    for (const cause of loggedCauses(logged())) expect(cause.database).toBe('25006');
    expect((await app.inject(`/api/models/${id}`)).statusCode).toBe(200);
  });

  /** A TCP proxy to PostgreSQL that can be cut, as a network outage would cut it. */
  async function cuttableProxy(target: URL): Promise<{ url: URL; cut: () => Promise<void> }> {
    const sockets = new Set<Socket>();
    const server: Server = createServer((client) => {
      const upstream = connect(Number(target.port || 5432), target.hostname);
      for (const s of [client, upstream]) {
        sockets.add(s);
        s.on('error', () => undefined);
        s.on('close', () => {
          client.destroy();
          upstream.destroy();
        });
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    const url = new URL(target);
    url.hostname = '127.0.0.1';
    url.port = String((server.address() as AddressInfo).port);
    const cut = () =>
      new Promise<void>((done) => {
        server.close(() => done());
        for (const s of sockets) s.destroy();
      });
    cleanups.push(cut);
    return { url, cut };
  }

  it('an unreachable server (the connection cut): 503 on reads and writes, the log names it, /healthz 503', async () => {
    const { url } = await pgDatabase();
    const proxy = await cuttableProxy(url);
    const store = await openStore(proxy.url.toString());
    cleanups.push(() => store.close());
    const { app, logged } = await appOver(store);
    const id = await createModel(app);
    vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined); // the pool's "connection lost"
    await proxy.cut();
    const read = await app.inject(`/api/models/${id}`);
    expect(read.statusCode).toBe(503);
    expect(read.json().code).toBe('DATABASE_UNREACHABLE');
    expect(read.json().message).toContain('check that the database server is running');
    const create = await app.inject({ method: 'POST', url: '/api/models', payload: example });
    expect(create.statusCode).toBe(503);
    expect(create.json().code).toBe('DATABASE_UNREACHABLE');
    const causes = loggedCauses(logged());
    expect(causes.length).toBeGreaterThanOrEqual(2);
    for (const cause of causes) expect(String(cause.database)).toMatch(/^(ECONNREFUSED|Connection terminated)/);
    const health = await app.inject('/healthz');
    expect(health.statusCode).toBe(503);
    expect(health.json()).toMatchObject({ problem: 'unreachable', code: 'DATABASE_UNREACHABLE' });
  });

  it('a transaction whose connection dies fails with that error, not the failed rollback after it', async () => {
    const { url } = await pgDatabase();
    const store = await openStore(url.toString());
    cleanups.push(() => store.close());
    vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    const failed = await store.db
      .transaction()
      .execute(async (tx) => {
        await sql`select 1`.execute(tx);
        await sql`select pg_terminate_backend(pg_backend_pid())`.execute(tx);
      })
      .catch((e: unknown) => e);
    expect(failed).toMatchObject({ code: '57P01' });
    expect(databaseFailure(failed)?.problem).toBe('unreachable');
    // The pool opens a new connection for the next query.
    expect((await sql<{ one: number }>`select 1 as one`.execute(store.db)).rows).toEqual([{ one: 1 }]);
    expect(await checkDatabase(store)).toBeUndefined();
  });
});
