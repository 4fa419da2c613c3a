/**
 * The databases the storage contract runs against: a fresh SQLite file, and a fresh PostgreSQL
 * database (created and dropped per suite) when BULWARK_TEST_PG_URL names a server.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { openStore, type Store } from '../storage/database.js';

/** A database for one test suite, and how to get rid of it. */
export interface Backend {
  name: 'sqlite' | 'postgres';
  open: () => Promise<{ store: Store; url: string; dispose: () => Promise<void> }>;
}

const PG_URL = process.env.BULWARK_TEST_PG_URL;

async function freshSqlite(): Promise<{ store: Store; url: string; dispose: () => Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'bulwark-db-'));
  const url = `sqlite:${join(dir, 'bulwark.db')}`;
  const store = await openStore(url);
  return {
    store,
    url,
    dispose: async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function freshPostgres(): Promise<{ store: Store; url: string; dispose: () => Promise<void> }> {
  const admin = new pg.Client({ connectionString: PG_URL });
  await admin.connect();
  const name = `bulwark_test_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(PG_URL as string);
  url.pathname = `/${name}`;
  const store = await openStore(url.toString());
  return {
    store,
    url: url.toString(),
    dispose: async () => {
      await store.close();
      const drop = new pg.Client({ connectionString: PG_URL });
      await drop.connect();
      await drop.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await drop.end();
    },
  };
}

/** SQLite always; PostgreSQL when BULWARK_TEST_PG_URL is set (else a printed reason). */
export function backends(): Backend[] {
  if (!PG_URL)
    console.warn(
      'skipping the PostgreSQL runs: set BULWARK_TEST_PG_URL (e.g. postgres://postgres@127.0.0.1:5432/test) to run them',
    );
  return [
    { name: 'sqlite', open: freshSqlite },
    ...(PG_URL ? [{ name: 'postgres' as const, open: freshPostgres }] : []),
  ];
}

/**
 * A PostgreSQL database of its own for `use` (created on BULWARK_TEST_PG_URL's server, dropped
 * after, whatever happens): for tests that build a database by hand, e.g. as old migrations left it.
 */
export async function withScratchPostgres(prefix: string, use: (url: string) => Promise<void>): Promise<void> {
  const admin = new pg.Client({ connectionString: PG_URL });
  await admin.connect();
  const name = `${prefix}_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(PG_URL as string);
  url.pathname = `/${name}`;
  try {
    await use(url.toString());
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
}
