/** `bulwark tokens create|list|revoke`: API tokens for CI and scripts (team mode). */
import { bulwarkError } from '@bulwark/core';
import type { Command } from 'commander';
import { CliFailure } from '../context.js';
import { out, textTable } from '../output.js';
import { openUsers } from './users.js';

const dbOption = ['--db <url>', 'the database (default: $BULWARK_DB_URL, else sqlite:./data/bulwark.db)'] as const;

/** The longest life of a token, in days (UserStore's TOKEN_MAX_DAYS). */
const MAX_DAYS = 365;

function scopeOf(value: string): 'read' | 'write' {
  if (value === 'read' || value === 'write') return value;
  throw new CliFailure(
    bulwarkError('USAGE', `--scope must be read or write, not "${value}" (read: look only; write: change too).`),
  );
}

function daysOf(value: string): number {
  const days = Number(value);
  if (/^\d+$/.test(value) && days >= 1 && days <= MAX_DAYS) return days;
  throw new CliFailure(
    bulwarkError(
      'USAGE',
      `--expires-in must be a whole number of days from 1 to ${MAX_DAYS}, not "${value}": make a new token when it runs out.`,
    ),
  );
}

export function register(program: Command): void {
  const tokens = program.command('tokens').description('API tokens (Authorization: Bearer …) for CI and scripts');

  tokens
    .command('create')
    .description('create a token for a user; it is shown once and only its hash is kept')
    .argument('<user>', 'the user the token acts as')
    .argument('<name>', 'what the token is for, e.g. "ci"')
    .option('--scope <scope>', 'read (GET only: reports, checks) or write (may change what the user may)', 'read')
    .option('--expires-in <days>', `days until the token stops working, 1 to ${MAX_DAYS}`, '90')
    .option(...dbOption)
    .action(async (userName: string, name: string, opts: { db?: string; scope: string; expiresIn: string }) => {
      const scope = scopeOf(opts.scope);
      const expiresInDays = daysOf(opts.expiresIn);
      const { users, close } = await openUsers(opts.db);
      try {
        const user = await users.byName(userName);
        if (!user) throw new CliFailure(bulwarkError('NOT_FOUND', `No user named "${userName}".`));
        const made = await users.createToken(user.id, name, { scope, expiresInDays });
        const may = scope === 'read' ? 'read-only (--scope write for one that may change models)' : 'read and write';
        process.stderr.write(
          `${out.green('created')} token ${made.id} for ${userName}, ${may}, expires ${made.expiresAt}; keep it secret, it is not shown again:\n`,
        );
        process.stdout.write(`${made.token}\n`);
      } finally {
        await close();
      }
    });

  tokens
    .command('list')
    .description("list a user's tokens (never the secrets)")
    .argument('<user>', 'the user')
    .option(...dbOption)
    .action(async (userName: string, opts: { db?: string }) => {
      const { users, close } = await openUsers(opts.db);
      try {
        const user = await users.byName(userName);
        if (!user) throw new CliFailure(bulwarkError('NOT_FOUND', `No user named "${userName}".`));
        const rows = await users.tokens(user.id);
        const now = new Date().toISOString();
        const expiry = (at: string | null): string =>
          at === null ? 'none (refused)' : at <= now ? `${at} (expired)` : at;
        process.stdout.write(
          `${textTable(
            ['Id', 'Name', 'Scope', 'Created', 'Expires', 'Revoked'],
            rows.map((t) => [t.id, t.name, t.scope, t.createdAt, expiry(t.expiresAt), t.revokedAt ?? '']),
          )}\n`,
        );
      } finally {
        await close();
      }
    });

  tokens
    .command('revoke')
    .description('revoke a token by id')
    .argument('<id>', 'the token id (from tokens list)')
    .option(...dbOption)
    .action(async (id: string, opts: { db?: string }) => {
      const { users, close } = await openUsers(opts.db);
      try {
        if (!(await users.revokeToken(id)))
          throw new CliFailure(bulwarkError('NOT_FOUND', `No live token with id "${id}".`));
        process.stdout.write(`${out.green('revoked')} ${id}\n`);
      } finally {
        await close();
      }
    });
}
