import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildModel } from '@bulwark/core';
import Database from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect, sql } from 'kysely';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { withScratchPostgres } from '../../testing/backends.js';
import { openStore } from '../database.js';
import { ModelStore } from '../ModelStore.js';
import * as initial from './0001-initial.js';
import * as tokenScopeExpiry from './0002-token-scope-expiry.js';
import * as health from './0003-health.js';
import * as documentsLast from './0004-documents-last.js';
import * as modelSummary from './0005-model-summary.js';
import { foldVersions, isAutomatic, type VersionRow } from './0006-fold-autosaves.js';

const dir = mkdtempSync(join(tmpdir(), 'bulwark-0006-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Minutes after 09:00 as an ISO time. */
const at = (minutes: number) => new Date(Date.UTC(2026, 10, 2, 9, minutes)).toISOString();
const row = (version: number, author: string, message: string, minutes: number): VersionRow => ({
  version,
  author,
  message,
  created_at: at(minutes),
});

describe('folding autosaves (pure)', () => {
  it('knows the messages nobody chose', () => {
    expect(['Saved', 'Analysed: 3 new, 0 orphaned', 'Triaged 12 threat(s)'].every(isAutomatic)).toBe(true);
    expect(['Created', 'Saved v2', 'Signed off version 3', 'Restored version 1', ''].some(isAutomatic)).toBe(false);
  });

  it('keeps the last save of each run by one author, and every version saved on purpose', () => {
    const rows = [
      row(1, 'ana', 'Imported from Microsoft Threat Modeling Tool', 0),
      row(2, 'ana', 'Saved', 1),
      row(3, 'ana', 'Saved', 2),
      row(4, 'ana', 'Analysed: 4 new, 0 orphaned', 20), // 18 minutes later: same run
      row(5, 'bo', 'Saved', 21), // another author: a new run
      row(6, 'bo', 'Saved', 22),
      row(7, 'bo', 'Before the review', 23), // a message of its own
      row(8, 'bo', 'Saved', 24),
      row(9, 'bo', 'Saved', 60), // 36 minutes later: a new run
      row(10, 'bo', 'Saved', 61), // named by a sign-off: ends its run
      row(11, 'bo', 'Signed off version 10', 62),
      row(12, 'bo', 'Saved', 63),
      row(13, 'bo', 'Saved', 64), // the newest: kept
    ];
    const { keep, drop } = foldVersions([...rows].reverse(), new Set([10]));
    expect(keep).toEqual([
      { version: 1, kind: 'imported', message: 'Imported from Microsoft Threat Modeling Tool' },
      { version: 4, kind: 'folded', message: 'Edits by ana (3 saves)' },
      { version: 6, kind: 'folded', message: 'Edits by bo (2 saves)' },
      { version: 7, kind: 'saved', message: 'Before the review' },
      { version: 8, kind: 'folded', message: 'Edits by bo (1 save)' },
      { version: 10, kind: 'folded', message: 'Edits by bo (2 saves)' },
      { version: 11, kind: 'signed-off', message: 'Signed off version 10' },
      { version: 13, kind: 'folded', message: 'Edits by bo (2 saves)' },
    ]);
    expect(drop.sort((a, b) => a - b)).toEqual([2, 3, 5, 9, 12]);
  });

  it('keeps a model created and never saved as it is', () => {
    expect(foldVersions([row(1, 'ana', 'Created', 0)], new Set())).toEqual({
      keep: [{ version: 1, kind: 'created', message: 'Created' }],
      drop: [],
    });
  });
});

const model = (name: string, signedVersions: number[] = []) =>
  JSON.stringify({
    ...buildModel(name).process('web').build(),
    ...(signedVersions.length > 0
      ? {
          review: {
            signOffs: signedVersions.map((version) => ({
              by: 'cy',
              at: at(0),
              version,
              digest: '0'.repeat(64),
            })),
          },
        }
      : {}),
  });

/**
 * A database as migrations 0001 to 0005 left it: "Shop" autosaved 32 times in 15 minutes by
 * ana (the issue's count), with one version saved with a message and one signed off in between;
 * "Quiet" created and never saved.
 */
async function oldDatabase(db: Kysely<unknown>, dialect: 'sqlite' | 'postgres'): Promise<void> {
  await sql`CREATE TABLE kysely_migration (name varchar(255) NOT NULL PRIMARY KEY, timestamp varchar(255) NOT NULL)`.execute(
    db,
  );
  for (const m of [initial, tokenScopeExpiry, health, documentsLast, modelSummary]) {
    await m.up(db, dialect);
    await sql`INSERT INTO kysely_migration VALUES (${m.name}, '2026-01-01T00:00:00.000Z')`.execute(db);
  }
  const shop = model('Shop', [20]);
  await sql`INSERT INTO models (id, name, template_id, document, version, created_at, updated_at, updated_by)
    VALUES ('m1', 'Shop', 'stride', ${shop}, 34, ${at(0)}, ${at(15)}, 'ana'),
      ('m2', 'Quiet', 'stride', ${model('Quiet')}, 1, ${at(0)}, ${at(0)}, 'bo')`.execute(db);
  const versions: [string, number, string, string, string][] = [['m1', 1, 'ana', 'Created', at(0)]];
  for (let v = 2; v <= 34; v++) {
    const message = v === 12 ? 'Boundaries drawn' : v === 21 ? 'Signed off version 20' : 'Saved';
    versions.push(['m1', v, v === 21 ? 'cy' : 'ana', message, new Date(Date.parse(at(0)) + v * 25_000).toISOString()]);
  }
  versions.push(['m2', 1, 'bo', 'Created', at(0)]);
  for (const [id, version, author, message, created] of versions)
    await sql`INSERT INTO model_versions (model_id, version, document, author, message, created_at)
      VALUES (${id}, ${version}, ${`{"v":${version}}`}, ${author}, ${message}, ${created})`.execute(db);
}

async function expectFolded(url: string): Promise<void> {
  const store = await openStore(url);
  try {
    const models = new ModelStore(store.db);
    expect((await models.versions('m1')).map((v) => [v.version, v.author, v.kind, v.message]).reverse()).toEqual([
      [1, 'ana', 'created', 'Created'],
      [11, 'ana', 'folded', 'Edits by ana (10 saves)'],
      [12, 'ana', 'saved', 'Boundaries drawn'],
      [20, 'ana', 'folded', 'Edits by ana (8 saves)'],
      [21, 'cy', 'signed-off', 'Signed off version 20'],
      [34, 'ana', 'folded', 'Edits by ana (13 saves)'],
    ]);
    expect((await models.versions('m2')).map((v) => [v.version, v.kind, v.message])).toEqual([
      [1, 'created', 'Created'],
    ]);
    // The documents kept are the ones stored under those numbers; the working copy is untouched.
    expect(await models.version('m1', 20)).toEqual({ v: 20 });
    expect((await models.get('m1'))?.version).toBe(34);
    if (store.dialect === 'sqlite') {
      const columns = (
        await sql<{ name: string }>`SELECT name FROM pragma_table_info('model_versions')`.execute(store.db)
      ).rows;
      expect(columns.map((c) => c.name)).toContain('kind');
      expect(columns.at(-1)?.name).toBe('document');
    }
    // New versions get their kind from the write that makes them.
    expect(await models.saveVersion('m2', 1, 'bo', { message: 'x', kind: 'saved' })).toEqual({
      status: 'exists',
      version: 1,
    });
  } finally {
    await store.close();
  }
}

describe('migration 0006 (fold autosaves)', () => {
  it('folds the autosaves of an old SQLite database', async () => {
    const file = join(dir, 'old.db');
    const old = new Kysely<unknown>({ dialect: new SqliteDialect({ database: new Database(file) }) });
    await oldDatabase(old, 'sqlite');
    await old.destroy();
    await expectFolded(`sqlite:${file}`);
  });

  const PG_URL = process.env.BULWARK_TEST_PG_URL;
  it.skipIf(!PG_URL)('folds the autosaves of an old PostgreSQL database', async () => {
    await withScratchPostgres('bulwark_0006', async (url) => {
      const old = new Kysely<unknown>({
        dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: url }) }),
      });
      await oldDatabase(old, 'postgres');
      await old.destroy();
      await expectFolded(url);
    });
  });
});
