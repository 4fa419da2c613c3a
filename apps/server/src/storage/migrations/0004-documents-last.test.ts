import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Kysely, SqliteDialect, sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from '../database.js';
import * as initial from './0001-initial.js';

const dir = mkdtempSync(join(tmpdir(), 'bulwark-0004-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('migration 0004 (documents last) on sqlite', () => {
  it('moves the documents after every other column, keeping rows and foreign keys', async () => {
    const file = join(dir, 'old.db');
    // A database as the first schema made it, with a model, two versions and a role.
    const old = new Kysely<unknown>({ dialect: new SqliteDialect({ database: new Database(file) }) });
    await initial.up(old, 'sqlite');
    await sql`CREATE TABLE kysely_migration (name varchar(255) NOT NULL PRIMARY KEY, timestamp varchar(255) NOT NULL)`.execute(
      old,
    );
    await sql`INSERT INTO kysely_migration VALUES ('0001-initial', '2026-01-01T00:00:00.000Z')`.execute(old);
    await sql`INSERT INTO users VALUES ('u1', 'ana', NULL, 1, 't')`.execute(old);
    await sql`INSERT INTO models VALUES ('m1', 'Shop', 'stride', '{"big":true}', 2, 'c', 'u', 'ana')`.execute(old);
    await sql`INSERT INTO model_versions VALUES ('m1', 1, '{"v":1}', 'ana', 'Created', 'c'), ('m1', 2, '{"v":2}', 'ana', 'Saved', 'u')`.execute(
      old,
    );
    await sql`INSERT INTO model_roles VALUES ('m1', 'u1', 'owner')`.execute(old);
    await old.destroy();

    const store = await openStore(`sqlite:${file}`);
    try {
      const columns = async (table: string) =>
        (await sql<{ name: string }>`SELECT name FROM pragma_table_info(${table})`.execute(store.db)).rows.map(
          (r) => r.name,
        );
      expect(await columns('models')).toEqual([
        'id',
        'name',
        'template_id',
        'version',
        'created_at',
        'updated_at',
        'updated_by',
        // Migration 0005's counts, added after, with the document moved to the end again.
        'open_high_threats',
        'element_count',
        'document',
      ]);
      expect((await columns('model_versions')).at(-1)).toBe('document');
      const model = await store.db.selectFrom('models').selectAll().executeTakeFirstOrThrow();
      expect(model).toMatchObject({ id: 'm1', document: '{"big":true}', version: 2, updated_by: 'ana' });
      const versions = await store.db.selectFrom('model_versions').select(['version', 'document', 'message']).execute();
      expect(versions).toEqual([
        { version: 1, document: '{"v":1}', message: 'Created' },
        // Migration 0006 names the one autosave it keeps (the newest version) after its author.
        { version: 2, document: '{"v":2}', message: 'Edits by ana (1 save)' },
      ]);
      // The foreign keys still hold: deleting the model takes its versions and roles along.
      await store.db.deleteFrom('models').where('id', '=', 'm1').execute();
      expect(await store.db.selectFrom('model_versions').selectAll().execute()).toEqual([]);
      expect(await store.db.selectFrom('model_roles').selectAll().execute()).toEqual([]);
    } finally {
      await store.close();
    }
  });

  it('a new database has the documents last too', async () => {
    const store = await openStore(`sqlite:${join(dir, 'new.db')}`);
    try {
      const rows = (await sql<{ name: string }>`SELECT name FROM pragma_table_info('models')`.execute(store.db)).rows;
      expect(rows.at(-1)?.name).toBe('document');
    } finally {
      await store.close();
    }
  });
});
