/**
 * API tokens get a scope (`read`: safe methods only; `write`: everything the user may do) and an
 * expiry. Tokens made before had neither: they keep the write access they had (taking it away
 * would break the scripts that use them without warning) and expire 90 days after this
 * migration, the default life of a new token, so no token lives for ever; `bulwark tokens list`
 * shows both. `expires_at` stays nullable in the table (SQLite cannot add a NOT NULL column
 * without a default), and a token without one is refused.
 */
import { type Kysely, sql } from 'kysely';
import type { Dialect } from '../database.js';

export const name = '0002-token-scope-expiry';

/** How long tokens made before this migration live from it, in days. */
const EXISTING_TOKEN_DAYS = 90;

export async function up(db: Kysely<unknown>, _dialect: Dialect): Promise<void> {
  await db.schema
    .alterTable('api_tokens')
    .addColumn('scope', 'text', (c) => c.notNull().defaultTo('write').check(sql`scope IN ('read', 'write')`))
    .execute();
  await db.schema.alterTable('api_tokens').addColumn('expires_at', 'text').execute();
  const expires = new Date(Date.now() + EXISTING_TOKEN_DAYS * 86_400_000).toISOString();
  await sql`UPDATE api_tokens SET expires_at = ${expires} WHERE expires_at IS NULL`.execute(db);
}
