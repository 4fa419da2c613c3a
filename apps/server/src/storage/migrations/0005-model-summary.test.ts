import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildModel } from '@bulwark/core';
import Database from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect, sql } from 'kysely';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from '../database.js';
import { ModelStore } from '../ModelStore.js';
import * as initial from './0001-initial.js';
import * as tokenScopeExpiry from './0002-token-scope-expiry.js';
import * as health from './0003-health.js';
import * as documentsLast from './0004-documents-last.js';

const dir = mkdtempSync(join(tmpdir(), 'bulwark-0005-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const threat = (id: string, priority: string, status: string) => ({
  id,
  typeId: 'manual',
  origin: 'manual',
  category: 'S',
  title: id,
  description: id,
  priority,
  status,
});
const shop = JSON.stringify({
  ...buildModel('Shop').process('web').store('db').flow('web', 'db').build(),
  threats: [
    threat('a', 'High', 'not-started'),
    threat('b', 'High', 'needs-investigation'),
    threat('c', 'High', 'mitigated'),
    threat('d', 'Low', 'not-started'),
  ],
});
const empty = JSON.stringify(buildModel('Empty').build());

/** A database as migrations 0001 to 0004 left it, with two models. */
async function oldDatabase(db: Kysely<unknown>, dialect: 'sqlite' | 'postgres'): Promise<void> {
  await sql`CREATE TABLE kysely_migration (name varchar(255) NOT NULL PRIMARY KEY, timestamp varchar(255) NOT NULL)`.execute(
    db,
  );
  for (const m of [initial, tokenScopeExpiry, health, documentsLast]) {
    await m.up(db, dialect);
    await sql`INSERT INTO kysely_migration VALUES (${m.name}, '2026-01-01T00:00:00.000Z')`.execute(db);
  }
  await sql`INSERT INTO models (id, name, template_id, document, version, created_at, updated_at, updated_by)
    VALUES ('m1', 'Shop', 'stride', ${shop}, 1, 'c', 'u', 'ana'), ('m2', 'Empty', 'stride', ${empty}, 1, 'c', 't', 'ana')`.execute(
    db,
  );
}

async function expectCounts(url: string): Promise<void> {
  const store = await openStore(url);
  try {
    const list = await new ModelStore(store.db).list();
    expect(list.map((m) => [m.id, m.openHighThreats, m.elementCount])).toEqual([
      ['m1', 2, 3],
      ['m2', 0, 0],
    ]);
    if (store.dialect === 'sqlite') {
      const columns = (await sql<{ name: string }>`SELECT name FROM pragma_table_info('models')`.execute(store.db))
        .rows;
      expect(columns.at(-1)?.name).toBe('document');
    }
    const doc = await store.db.selectFrom('models').select('document').where('id', '=', 'm1').executeTakeFirstOrThrow();
    expect(doc.document).toBe(shop);
  } finally {
    await store.close();
  }
}

describe('migration 0005 (model summary)', () => {
  it('counts the models of an old SQLite database once', async () => {
    const file = join(dir, 'old.db');
    const old = new Kysely<unknown>({ dialect: new SqliteDialect({ database: new Database(file) }) });
    await oldDatabase(old, 'sqlite');
    await old.destroy();
    await expectCounts(`sqlite:${file}`);
  });

  const PG_URL = process.env.BULWARK_TEST_PG_URL;
  it.skipIf(!PG_URL)('counts the models of an old PostgreSQL database once', async () => {
    const admin = new pg.Client({ connectionString: PG_URL });
    await admin.connect();
    const name = `bulwark_0005_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
    await admin.query(`CREATE DATABASE ${name}`);
    const url = new URL(PG_URL as string);
    url.pathname = `/${name}`;
    try {
      const old = new Kysely<unknown>({
        dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: url.toString() }) }),
      });
      await oldDatabase(old, 'postgres');
      await old.destroy();
      await expectCounts(url.toString());
    } finally {
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    }
  });
});
