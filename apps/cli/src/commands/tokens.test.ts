import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, runCli, tempDir } from '../testing/runCli.js';

function serve(args: string[]): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [join(ROOT, 'apps/cli/bin/bulwark.js'), 'serve', ...args], {
    cwd: ROOT,
    env: { ...process.env, NO_COLOR: '1' },
  });
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`no URL printed: ${out}`)), 20_000);
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /running at (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ child, url: m[1] as string });
      }
    });
    child.on('exit', (code) => reject(new Error(`exited ${code}: ${out}`)));
  });
}

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

    const { child, url } = await serve(['--port', '0', '--db', db, '--auth', 'local']);
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
