/**
 * SQLite: the model documents become the last column of `models` and `model_versions`. A row's
 * columns are stored in order, and a document of hundreds of MB spills over a chain of overflow
 * pages that SQLite must walk to reach any column after it: listing the models (their version,
 * time and author come after the document) took 80-120 ms per large model on a quiet machine,
 * on the event loop, and far more beside a worker's save. With the document last, the list
 * reads only the rows' first pages. PostgreSQL keeps large values out of line (TOAST), so the
 * order does not matter there and nothing changes.
 */
import { type Kysely, sql } from 'kysely';
import type { Dialect } from '../database.js';

export const name = '0004-documents-last';

export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  if (dialect !== 'sqlite') return;
  for (const table of ['models', 'model_versions']) {
    // Add a copy at the end, drop the original (SQLite rewrites the rows), take its name.
    await sql`ALTER TABLE ${sql.table(table)} ADD COLUMN document_last TEXT NOT NULL DEFAULT ''`.execute(db);
    await sql`UPDATE ${sql.table(table)} SET document_last = document`.execute(db);
    await sql`ALTER TABLE ${sql.table(table)} DROP COLUMN document`.execute(db);
    await sql`ALTER TABLE ${sql.table(table)} RENAME COLUMN document_last TO document`.execute(db);
  }
}
