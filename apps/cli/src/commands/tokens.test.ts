import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, startServe, tempDir } from '../testing/runCli.js';

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
      const exited = new Promise((resolve) => child.on('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
  });
});
