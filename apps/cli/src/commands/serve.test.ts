import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, runCli, tempDir } from '../testing/runCli.js';

/** Starts `bulwark serve` and resolves with its URL once it prints it. */
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
    child.stderr?.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.on('exit', (code) => reject(new Error(`exited ${code}: ${out}`)));
  });
}

describe('bulwark serve', () => {
  it('starts on SQLite, loads the seed model into an empty database, answers, and stops cleanly on SIGTERM', async () => {
    const dir = tempDir();
    const { child, url } = await serve([
      '--port',
      '0',
      '--db',
      `sqlite:${join(dir, 'b.db')}`,
      '--seed',
      'examples/infrastructure.bulwark.json',
    ]);
    try {
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
      expect((await fetch(`${url}healthz`)).status).toBe(200);
      const models = (await (await fetch(`${url}api/models`)).json()) as { models: { name: string }[] };
      expect(models.models.map((m) => m.name)).toEqual(['Infrastructure']);
      expect(await (await fetch(url)).text()).toContain('Infrastructure');
    } finally {
      const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    }
  });

  it('refuses to listen beyond this machine without accounts', () => {
    const r = runCli(['serve', '--host', '0.0.0.0', '--port', '0', '--db', `sqlite:${join(tempDir(), 'x.db')}`]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('Refusing to listen on 0.0.0.0');
  });
});
