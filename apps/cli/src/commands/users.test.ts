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
    expect(runCli(['users', 'add', 'cy', '--password', 'short', '--db', db]).stderr).toContain(
      'at least 10 characters',
    );
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
});
