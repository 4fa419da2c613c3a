import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Backend, backends } from '../../testing/backends.js';
import { openStore } from '../database.js';
import { UserStore } from '../UserStore.js';

describe.each(backends())('migration 0002 (token scope and expiry) on $name', (backend: Backend) => {
  let opened: Awaited<ReturnType<Backend['open']>>;
  beforeAll(async () => {
    opened = await backend.open();
  });
  afterAll(async () => {
    await opened.dispose();
  });

  it('moves a database whose tokens had neither forward: write scope, 90 days from the migration', async () => {
    const { db } = opened.store;
    // Put the database back to before 0002 (later migrations stay applied, as on a server that
    // had them): the columns gone, the migration not recorded, tokens as they were stored then.
    await db.schema.alterTable('api_tokens').dropColumn('scope').execute();
    await db.schema.alterTable('api_tokens').dropColumn('expires_at').execute();
    await sql`DELETE FROM kysely_migration WHERE name = '0002-token-scope-expiry'`.execute(db);
    const users = new UserStore(db);
    const ana = await users.add('ana', 'ana-tangerine-umbrella');
    await sql`INSERT INTO api_tokens (id, user_id, name, token_hash, created_at, revoked_at)
      VALUES ('t-live', ${ana.id}, 'ci', 'hash-live', '2024-01-01T00:00:00.000Z', NULL),
             ('t-gone', ${ana.id}, 'old', 'hash-gone', '2024-01-01T00:00:00.000Z', '2024-02-01T00:00:00.000Z')`.execute(
      db,
    );

    const before = Date.now();
    const again = await openStore(opened.url);
    try {
      const tokens = await new UserStore(again.db).tokens(ana.id);
      expect(tokens.map((t) => [t.id, t.scope, t.revokedAt])).toEqual([
        ['t-gone', 'write', '2024-02-01T00:00:00.000Z'],
        ['t-live', 'write', null],
      ]);
      for (const t of tokens) {
        const expires = new Date(t.expiresAt ?? 0).getTime();
        expect(expires).toBeGreaterThanOrEqual(before + 90 * 86_400_000 - 1000);
        expect(expires).toBeLessThanOrEqual(Date.now() + 90 * 86_400_000 + 1000);
      }
      // New tokens still get what they ask for, and the columns refuse nonsense.
      const made = await new UserStore(again.db).createToken(ana.id, 'new', { scope: 'read', expiresInDays: 3 });
      expect(made.scope).toBe('read');
      await expect(
        sql`UPDATE api_tokens SET scope = 'admin' WHERE id = ${made.id}`.execute(again.db),
      ).rejects.toThrow();
    } finally {
      await again.close();
    }
  });
});
