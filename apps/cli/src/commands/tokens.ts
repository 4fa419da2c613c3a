/** `bulwark tokens create|list|revoke`: API tokens for CI and scripts (team mode). */
import { bulwarkError } from '@bulwark/core';
import type { Command } from 'commander';
import { CliFailure } from '../context.js';
import { out, textTable } from '../output.js';
import { openUsers } from './users.js';

const dbOption = ['--db <url>', 'the database (default: $BULWARK_DB_URL, else sqlite:./data/bulwark.db)'] as const;

export function register(program: Command): void {
  const tokens = program.command('tokens').description('API tokens (Authorization: Bearer …) for CI and scripts');

  tokens
    .command('create')
    .description('create a token for a user; it is shown once and only its hash is kept')
    .argument('<user>', 'the user the token acts as')
    .argument('<name>', 'what the token is for, e.g. "ci"')
    .option(...dbOption)
    .action(async (userName: string, name: string, opts: { db?: string }) => {
      const { users, close } = await openUsers(opts.db);
      try {
        const user = await users.byName(userName);
        if (!user) throw new CliFailure(bulwarkError('NOT_FOUND', `No user named "${userName}".`));
        const { id, token } = await users.createToken(user.id, name);
        process.stderr.write(
          `${out.green('created')} token ${id} for ${userName}; keep it secret, it is not shown again:\n`,
        );
        process.stdout.write(`${token}\n`);
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
        process.stdout.write(
          `${textTable(
            ['Id', 'Name', 'Created', 'Revoked'],
            rows.map((t) => [t.id, t.name, t.createdAt, t.revokedAt ?? '']),
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
