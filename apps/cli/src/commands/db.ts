/** `bulwark db backup <file>`: a consistent copy of the server's database while it runs. */
import { bulwarkError } from '@bulwark/core';
import type { Command } from 'commander';
import { CliFailure } from '../context.js';
import { out } from '../output.js';

export function register(program: Command): void {
  const db = program.command('db').description("the server's database");
  db.command('backup')
    .description('copy the SQLite database while the server runs (for PostgreSQL, says how to use pg_dump)')
    .argument('<file>', 'where to write the copy (must not exist)')
    .option('--db <url>', 'the database (default: $BULWARK_DB_URL, else sqlite:./data/bulwark.db)')
    .action(async (file: string, opts: { db?: string }) => {
      const { backupDatabase, DEFAULT_DB_URL } = await import('@bulwark/server');
      const url = opts.db ?? process.env.BULWARK_DB_URL ?? DEFAULT_DB_URL;
      try {
        const { pages } = await backupDatabase(url, file);
        process.stdout.write(`${out.green('backed up')} ${url} -> ${file} (${pages} pages)\n`);
      } catch (e) {
        throw new CliFailure(bulwarkError('IO', e instanceof Error ? e.message : String(e)));
      }
    });
}
