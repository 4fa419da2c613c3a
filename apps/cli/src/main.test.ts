import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { COMMANDS } from './commands/index.js';
import { ROOT, runCli } from './testing/runCli.js';

describe('the bulwark command', () => {
  it('has --help on every command, exits 0 for it', () => {
    for (const args of [
      [],
      ['init'],
      ['validate'],
      ['analyze'],
      ['interactions'],
      ['diff'],
      ['templates'],
      ['templates', 'list'],
      ['templates', 'show'],
      ['templates', 'validate'],
    ]) {
      const r = runCli([...args, '--help']);
      expect(r.code, args.join(' ')).toBe(0);
      expect(r.stdout).toContain('Usage: bulwark');
    }
  });

  it('exits 2 on usage errors and 1 on input problems, without stack traces', () => {
    const unknown = runCli(['frobnicate']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("unknown command 'frobnicate'");
    expect(runCli(['analyze']).code).toBe(2);
    expect(runCli(['analyze', 'examples/infrastructure.bulwark.json', '--format', 'xml']).code).toBe(2);
    const missing = runCli(['analyze', 'no/such/file.bulwark.json']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('no/such/file.bulwark.json');
    expect(missing.stderr).not.toContain('    at ');
  });

  it('stops quietly when its output pipe closes early', () => {
    const r = spawnSync(
      'sh',
      [
        '-c',
        `node ${join(ROOT, 'apps/cli/bin/bulwark.js')} analyze examples/infrastructure.bulwark.json --all | head -1`,
      ],
      { cwd: ROOT, encoding: 'utf8' },
    );
    expect(r.stdout).toMatch(/^Priority/);
    expect(r.stderr).not.toContain('EPIPE');
  });

  it('prints colour only on a terminal', () => {
    const r = runCli(['validate', 'examples/infrastructure.bulwark.json'], undefined, { FORCE_COLOR: '' });
    expect(r.stdout).not.toContain('\u001b[');
  });

  it('registers every command file, and every command file has a test', () => {
    const dir = new URL('./commands/', import.meta.url);
    const files = readdirSync(dir).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && f !== 'index.ts');
    const tests = new Set(readdirSync(dir).filter((f) => f.endsWith('.test.ts')));
    expect(files.map((f) => f.replace(/\.ts$/, '')).sort()).toEqual(Object.keys(COMMANDS).sort());
    expect(files.filter((f) => !tests.has(f.replace(/\.ts$/, '.test.ts')))).toEqual([]);
  });
});
