import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, startServe, tempDir } from '../testing/runCli.js';

/** Stops a `bulwark serve` child and waits for it. */
async function stop(child: Awaited<ReturnType<typeof startServe>>['child']): Promise<void> {
  const exited = new Promise((resolve) => child.on('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

const MODEL = JSON.stringify({ schemaVersion: 1, metadata: { name: 'M' }, template: { id: 'stride' }, diagrams: [] });

describe('bulwark tokens with serve --auth local', () => {
  it('creates a token that opens the API, lists it without its secret, and revokes it', async () => {
    const db = `sqlite:${join(tempDir(), 'team.db')}`;
    expect(runCli(['users', 'add', 'ci-bot', '--password', 'a long enough secret', '--db', db]).code).toBe(0);
    const created = runCli(['tokens', 'create', 'ci-bot', 'ci', '--db', db]);
    expect(created.code, created.stderr).toBe(0);
    const token = created.stdout.trim();
    expect(token).toMatch(/^bwk_/);
    const listed = runCli(['tokens', 'list', 'ci-bot', '--db', db]);
    expect(listed.stdout).toContain('ci');
    expect(listed.stdout).not.toContain(token);
    const id = /^([0-9a-f-]{36})/m.exec(listed.stdout)?.[1] ?? '';

    const { child, url } = await startServe(['--port', '0', '--db', db, '--auth', 'local']);
    try {
      expect((await fetch(`${url}api/models`)).status).toBe(401);
      expect((await fetch(`${url}api/models`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
      expect(runCli(['tokens', 'revoke', id, '--db', db]).code).toBe(0);
      expect((await fetch(`${url}api/models`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(401);
    } finally {
      await stop(child);
    }
  });

  it('makes read-only tokens unless asked for write, with an expiry, both shown when made and listed', async () => {
    const db = `sqlite:${join(tempDir(), 'team.db')}`;
    expect(runCli(['users', 'add', 'ci-bot', '--password', 'violet kettle harbour', '--db', db]).code).toBe(0);
    const read = runCli(['tokens', 'create', 'ci-bot', 'reader', '--db', db]);
    expect(read.code, read.stderr).toBe(0);
    expect(read.stderr).toMatch(/read-only.*expires \d{4}-\d\d-\d\d/s);
    const write = runCli([
      'tokens',
      'create',
      'ci-bot',
      'writer',
      '--scope',
      'write',
      '--expires-in',
      '30',
      '--db',
      db,
    ]);
    expect(write.code, write.stderr).toBe(0);
    expect(write.stderr).toMatch(/read and write/);
    const listed = runCli(['tokens', 'list', 'ci-bot', '--db', db]).stdout;
    expect(listed).toMatch(/Scope\s+Created\s+Expires\s+Revoked/);
    const day = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
    expect(listed).toMatch(new RegExp(`reader\\s+read\\s+\\S+\\s+${day(90)}`));
    expect(listed).toMatch(new RegExp(`writer\\s+write\\s+\\S+\\s+${day(30)}`));

    const { child, url } = await startServe(['--port', '0', '--db', db, '--auth', 'local']);
    try {
      const post = (token: string) =>
        fetch(`${url}api/models`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: MODEL,
        });
      const refused = await post(read.stdout.trim());
      expect(refused.status).toBe(403);
      expect(((await refused.json()) as { message: string }).message).toMatch(/read-only/);
      expect((await post(write.stdout.trim())).status).toBe(201);
      const get = await fetch(`${url}api/models`, { headers: { authorization: `Bearer ${read.stdout.trim()}` } });
      expect(((await get.json()) as { models: unknown[] }).models).toHaveLength(1);

      // A password reset revokes them all.
      const reset = runCli([
        'users',
        'reset-password',
        'ci-bot',
        '--password',
        'tangerine umbrella seventy',
        '--db',
        db,
      ]);
      expect(reset.code, reset.stderr).toBe(0);
      expect(reset.stdout).toMatch(/2 API tokens revoked/);
      for (const t of [read, write])
        expect((await fetch(`${url}api/me`, { headers: { authorization: `Bearer ${t.stdout.trim()}` } })).status).toBe(
          401,
        );
    } finally {
      await stop(child);
    }
    expect(runCli(['tokens', 'list', 'ci-bot', '--db', db]).stdout).toMatch(/reader\s+read(\s+\S+){3}\n/);
  });

  it('says what --scope and --expires-in take', () => {
    const db = `sqlite:${join(tempDir(), 'team.db')}`;
    expect(runCli(['users', 'add', 'ci-bot', '--password', 'violet kettle harbour', '--db', db]).code).toBe(0);
    const bad: [string[], RegExp][] = [
      [['--scope', 'admin'], /--scope must be read or write, not "admin"/],
      [['--expires-in', '0'], /--expires-in must be a whole number of days from 1 to 365, not "0"/],
      [['--expires-in', '366'], /from 1 to 365, not "366"/],
      [['--expires-in', 'never'], /from 1 to 365, not "never"/],
      [['--expires-in', '1.5'], /from 1 to 365, not "1.5"/],
    ];
    for (const [args, message] of bad) {
      const r = runCli(['tokens', 'create', 'ci-bot', 'x', ...args, '--db', db]);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(message);
    }
    expect(runCli(['tokens', 'list', 'ci-bot', '--db', db]).stdout).not.toContain(' x ');
  });
});
