/** `bulwark users add|list|remove|reset-password`: accounts for team mode (`serve --auth local`). */
import { readFileSync } from 'node:fs';
import { bulwarkError } from '@bulwark/core';
import type { Command } from 'commander';
import { CliFailure, orFail } from '../context.js';
import { out, textTable } from '../output.js';

/** Opens the users of the server's database (loaded only for these commands). */
export async function openUsers(db?: string) {
  const { openStore, UserStore, DEFAULT_DB_URL } = await import('@bulwark/server');
  const store = await openStore(db ?? process.env.BULWARK_DB_URL ?? DEFAULT_DB_URL);
  return { users: new UserStore(store.db), close: () => store.close() };
}

/**
 * The password from --password-stdin (first line of standard input) or --password, checked
 * against the server's password policy for the user `name` before the database is opened.
 */
async function password(opts: { password?: string; passwordStdin?: boolean }, name: string): Promise<string> {
  const value = opts.passwordStdin ? (readFileSync(0, 'utf8').split(/\r?\n/)[0] ?? '') : opts.password;
  if (value === undefined)
    throw new CliFailure(
      bulwarkError(
        'USAGE',
        'Give the password with --password-stdin (safer: it stays out of your shell history) or --password.',
      ),
    );
  const { checkPassword } = await import('@bulwark/server');
  return orFail(checkPassword(value, name));
}

const passwordRules =
  'at least 12 characters, at most 256; not your name, nor a common password (a few unrelated words are a good choice)';

const dbOption = ['--db <url>', 'the database (default: $BULWARK_DB_URL, else sqlite:./data/bulwark.db)'] as const;

export function register(program: Command): void {
  const users = program.command('users').description('accounts for team mode (bulwark serve --auth local)');

  users
    .command('add')
    .description('add a user')
    .argument('<name>', 'the user name')
    .option('--admin', 'make the user an administrator')
    .option('--password <password>', `the password (prefer --password-stdin): ${passwordRules}`)
    .option('--password-stdin', 'read the password from the first line of standard input')
    .option(...dbOption)
    .action(
      async (name: string, opts: { admin?: boolean; password?: string; passwordStdin?: boolean; db?: string }) => {
        const pw = await password(opts, name);
        const { users: store, close } = await openUsers(opts.db);
        try {
          if (await store.byName(name))
            throw new CliFailure(bulwarkError('USAGE', `There is already a user named "${name}".`));
          await store.add(name, pw, opts.admin === true);
          process.stdout.write(`${out.green('added')} ${name}${opts.admin ? ' (administrator)' : ''}\n`);
        } finally {
          await close();
        }
      },
    );

  users
    .command('list')
    .description('list users')
    .option(...dbOption)
    .action(async (opts: { db?: string }) => {
      const { users: store, close } = await openUsers(opts.db);
      try {
        const rows = await store.list();
        process.stdout.write(
          `${textTable(
            ['Name', 'Admin', 'Created'],
            rows.map((u) => [u.name, u.isAdmin ? 'yes' : '', u.createdAt]),
          )}\n`,
        );
      } finally {
        await close();
      }
    });

  users
    .command('remove')
    .description('remove a user (their sessions, tokens and roles go too)')
    .argument('<name>', 'the user name')
    .option(...dbOption)
    .action(async (name: string, opts: { db?: string }) => {
      const { users: store, close } = await openUsers(opts.db);
      try {
        if (!(await store.remove(name))) throw new CliFailure(bulwarkError('NOT_FOUND', `No user named "${name}".`));
        process.stdout.write(`${out.green('removed')} ${name}\n`);
      } finally {
        await close();
      }
    });

  users
    .command('reset-password')
    .description("set a user's password, end their sessions and revoke their API tokens")
    .argument('<name>', 'the user name')
    .option('--password <password>', `the new password (prefer --password-stdin): ${passwordRules}`)
    .option('--password-stdin', 'read the password from the first line of standard input')
    .option(...dbOption)
    .action(async (name: string, opts: { password?: string; passwordStdin?: boolean; db?: string }) => {
      const pw = await password(opts, name);
      const { users: store, close } = await openUsers(opts.db);
      try {
        const user = await store.byName(name);
        const live = user ? (await store.tokens(user.id)).filter((t) => t.revokedAt === null).length : 0;
        if (!(await store.resetPassword(name, pw)))
          throw new CliFailure(bulwarkError('NOT_FOUND', `No user named "${name}".`));
        process.stdout.write(
          `${out.green('password reset')} for ${name}; their sessions were ended and ${live} API token${live === 1 ? '' : 's'} revoked\n`,
        );
      } finally {
        await close();
      }
    });
}
