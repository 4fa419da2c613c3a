/**
 * What the models page shows of each model without reading its document: the number of open
 * high-priority threats and of drawn elements, as columns of `models` that every save writes
 * (ModelStore). Existing rows are counted once here. On SQLite the document is moved to the end
 * again afterwards, as 0004 does and for the same reason: the list must not walk its pages.
 */
import { type Kysely, sql } from 'kysely';
import type { Dialect } from '../database.js';
import { countsOf } from '../modelSummary.js';

export const name = '0005-model-summary';

export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  await sql`ALTER TABLE models ADD COLUMN open_high_threats INTEGER NOT NULL DEFAULT 0`.execute(db);
  await sql`ALTER TABLE models ADD COLUMN element_count INTEGER NOT NULL DEFAULT 0`.execute(db);
  // One model at a time: a database of large models is never held in memory whole.
  const ids = (await sql<{ id: string }>`SELECT id FROM models`.execute(db)).rows;
  for (const { id } of ids) {
    const row = (await sql<{ document: string }>`SELECT document FROM models WHERE id = ${id}`.execute(db)).rows[0];
    if (!row) continue;
    let counts = { openHighThreats: 0, elementCount: 0 };
    try {
      counts = countsOf(JSON.parse(row.document));
    } catch {
      // A document that is not JSON keeps zero counts; its next save writes them.
    }
    await sql`UPDATE models SET open_high_threats = ${counts.openHighThreats}, element_count = ${counts.elementCount} WHERE id = ${id}`.execute(
      db,
    );
  }
  if (dialect !== 'sqlite') return;
  await sql`ALTER TABLE models ADD COLUMN document_last TEXT NOT NULL DEFAULT ''`.execute(db);
  await sql`UPDATE models SET document_last = document`.execute(db);
  await sql`ALTER TABLE models DROP COLUMN document`.execute(db);
  await sql`ALTER TABLE models RENAME COLUMN document_last TO document`.execute(db);
}
