/** `bulwark db backup`: an online copy of the SQLite database; for PostgreSQL, how to use pg_dump. */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { parseDbUrl } from './storage/database.js';

/** Copies a live SQLite database to `file` (consistent even while the server writes). */
export async function backupDatabase(url: string, file: string): Promise<{ pages: number }> {
  const { dialect, target } = parseDbUrl(url);
  if (dialect === 'postgres') {
    throw new Error(
      `For PostgreSQL, use its own tool: pg_dump --format=custom --file ${file} "${target.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@')}"`,
    );
  }
  const source = resolve(target);
  if (!existsSync(source)) throw new Error(`There is no database at ${source}.`);
  if (existsSync(file)) throw new Error(`${file} exists already; choose a new file name.`);
  const db = new BetterSqlite3(source, { readonly: true, fileMustExist: true });
  try {
    const result = await db.backup(file);
    return { pages: result.totalPages };
  } finally {
    db.close();
  }
}
