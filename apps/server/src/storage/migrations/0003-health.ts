/**
 * A one-row table that `/healthz` rewrites (an upsert, committed), so that health means the
 * database takes writes, not only that it answers a read: a read-only file, a standby or a
 * read-only transaction default then fails the check instead of every save.
 */
import type { Kysely } from 'kysely';
import type { Dialect } from '../database.js';

export const name = '0003-health';

export async function up(db: Kysely<unknown>, _dialect: Dialect): Promise<void> {
  await db.schema
    .createTable('health_check')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('checked_at', 'text', (c) => c.notNull())
    .execute();
}
