import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, runCli, tempDir } from '../testing/runCli.js';

/** Runs bulwark with text on standard input. */
function withStdin(args: string[], input: string) {
  const r = spawnSync(process.execPath, [join(ROOT, 'apps/cli/bin/bulwark.js'), ...args], {
    input,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

describe('bulwark users', () => {
  it('adds, lists, resets and removes users in the server database', () => {
    const db = `sqlite:${join(tempDir(), 'team.db')}`;
    expect(
      withStdin(['users', 'add', 'ana', '--admin', '--password-stdin', '--db', db], 'correct horse battery\n').code,
    ).toBe(0);
    expect(runCli(['users', 'add', 'bo', '--password', 'another long one', '--db', db]).code).toBe(0);
    const dup = runCli(['users', 'add', 'bo', '--password', 'another long one', '--db', db]);
    expect(dup.code).toBe(2);
    expect(dup.stderr).toContain('already a user named "bo"');
    const short = runCli(['users', 'add', 'cy', '--password', 'a-bit-short', '--db', db]);
    expect(short.code).toBe(2);
    expect(short.stderr).toContain('at least 12 characters (this one has 11)');
    const list = runCli(['users', 'list', '--db', db]);
    expect(list.stdout).toMatch(/ana\s+yes/);
    expect(list.stdout).toContain('bo');
    expect(
      withStdin(['users', 'reset-password', 'bo', '--password-stdin', '--db', db], 'a brand new secret\n').code,
    ).toBe(0);
    expect(runCli(['users', 'remove', 'bo', '--db', db]).code).toBe(0);
    expect(runCli(['users', 'remove', 'bo', '--db', db]).code).toBe(1);
    expect(runCli(['users', 'list', '--db', db]).stdout).not.toContain('bo');
  });

  it('refuses passwords the policy refuses (NIST SP 800-63B), adding and resetting, and says why', () => {
    const db = `sqlite:${join(tempDir(), 'team.db')}`;
    const refusals: [string[], string, RegExp][] = [
      [['users', 'add', 'ana'], ' '.repeat(10), /only spaces/],
      [['users', 'add', 'ana'], ' '.repeat(16), /only spaces/],
      [['users', 'add', 'ana'], 'Password123!', /list of common passwords/],
      [['users', 'add', 'ana'], 'iloveyou2024', /list of common passwords/],
      [['users', 'add', 'ana'], 'qwerty123456', /repeated or consecutive/],
      [['users', 'add', 'anastasia'], 'Anastasia-2024', /your user name/],
      [['users', 'add', 'ana'], 'x'.repeat(100) + 'y'.repeat(157), /at most 256 characters \(this one has 257\)/],
    ];
    for (const [args, pw, message] of refusals) {
      const r = withStdin([...args, '--password-stdin', '--db', db], `${pw}\n`);
      expect(r.code, pw).toBe(2);
      expect(r.stderr, pw).toMatch(message);
      expect(r.stderr, pw).not.toContain(pw.trim() || '\u0000');
    }
    expect(runCli(['users', 'list', '--db', db]).stdout).not.toMatch(/ana/);
    expect(withStdin(['users', 'add', 'ana', '--password-stdin', '--db', db], 'violet kettle harbour\n').code).toBe(0);
    const reset = withStdin(['users', 'reset-password', 'ana', '--password-stdin', '--db', db], 'ana-password-1\n');
    expect(reset.code).toBe(2);
    expect(reset.stderr).toMatch(/your user name/);
    const unicode = withStdin(
      ['users', 'reset-password', 'ana', '--password-stdin', '--db', db],
      'ｐａｓｓｗｏｒｄ１２３４\n',
    );
    expect(unicode.stderr).toMatch(/list of common passwords/);
  });
});
