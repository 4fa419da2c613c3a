import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { runCli, startServe, tempDir } from '../testing/runCli.js';

/** Starts `bulwark serve` and resolves with its URL once it prints it. */

describe('bulwark serve', () => {
  it('starts on SQLite, loads the seed model into an empty database, answers, and stops cleanly on SIGTERM', async () => {
    const dir = tempDir();
    const { child, url } = await startServe([
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
      // `/` is the web app when it has been built (npm run build), else a plain list of the models.
      expect(await (await fetch(url)).text()).toMatch(/<div id="root">|Infrastructure/);
    } finally {
      const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    }
  });

  it('logs an internal error on standard error (without --log) and answers 500 without its details', async () => {
    const dir = tempDir();
    const file = join(dir, 'b.db');
    const { child, url } = await startServe(['--port', '0', '--db', `sqlite:${file}`]);
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    try {
      // Break the database under the running server: its next write fails inside the store.
      const db = new Database(file);
      db.exec('DROP TABLE audit_log');
      db.close();
      const r = await fetch(`${url}api/models`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ schemaVersion: 1, metadata: { name: 'M' }, template: { id: 'stride' }, diagrams: [] }),
      });
      expect(r.status).toBe(500);
      const body = await r.text();
      expect(body).toContain('the error is in its log');
      expect(body).not.toContain('audit_log');
      for (let i = 0; i < 50 && !stderr.includes('audit_log'); i++) await new Promise((ok) => setTimeout(ok, 100));
      expect(stderr).toContain('no such table: audit_log');
    } finally {
      const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
  });

  it('takes models up to --max-body megabytes, and says the limit and how to raise it beyond', async () => {
    const dir = tempDir();
    const { child, url } = await startServe(['--port', '0', '--db', `sqlite:${join(dir, 'b.db')}`, '--max-body', '1']);
    try {
      const model = (description: string) =>
        JSON.stringify({
          schemaVersion: 1,
          metadata: { name: 'M', description },
          template: { id: 'stride' },
          diagrams: [],
        });
      const post = (body: string) =>
        fetch(`${url}api/models`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      expect((await post(model('x'.repeat(900_000)))).status).toBe(201);
      const refused = await post(model('x'.repeat(1_200_000)));
      expect(refused.status).toBe(413);
      expect(((await refused.json()) as { message: string }).message).toMatch(/\(1 MB\).*--max-body/);
    } finally {
      const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    const bad = runCli(['serve', '--port', '0', '--max-body', '0']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--max-body must be a number of megabytes');
  });

  it('marks the session cookie Secure when a declared proxy (--trust-proxy) says the request came over HTTPS', async () => {
    const db = `sqlite:${join(tempDir(), 'team.db')}`;
    expect(runCli(['users', 'add', 'ana', '--password', 'violet kettle harbour', '--db', db]).code).toBe(0);
    const login = (url: string, proto: string) =>
      fetch(`${url}api/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-forwarded-proto': proto },
        body: JSON.stringify({ name: 'ana', password: 'violet kettle harbour' }),
      });
    const secure = (r: Response): boolean => /;\s*Secure(;|$)/i.test(r.headers.get('set-cookie') ?? '');
    for (const [args, https, expected] of [
      // The bare flag trusts a proxy on this machine (loopback); session.test.ts has the other cases.
      [['--trust-proxy'], 'https', true],
      [['--trust-proxy', '10.0.0.1'], 'https', false],
      [[], 'https', false],
    ] as const) {
      const { child, url } = await startServe(['--port', '0', '--db', db, '--auth', 'local', ...args]);
      try {
        const r = await login(url, https);
        expect(r.status, args.join(' ')).toBe(200);
        expect(secure(r), args.join(' ')).toBe(expected);
        expect(r.headers.get('set-cookie')).toMatch(/HttpOnly/);
      } finally {
        const exited = new Promise((resolve) => child.on('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
    }
    const bad = runCli(['serve', '--port', '0', '--db', db, '--trust-proxy', 'my-proxy']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--trust-proxy takes the addresses or subnets of your proxy');
    expect(bad.stderr).toContain('"my-proxy"');
  }, 90_000);

  it('refuses to listen beyond this machine with --auth local until an account exists, and says how to add one', async () => {
    const db = `sqlite:${join(tempDir(), 'team.db')}`;
    const r = runCli(['serve', '--auth', 'local', '--host', '0.0.0.0', '--port', '0', '--db', db]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('Refusing to listen on 0.0.0.0');
    expect(r.stderr).toContain('has no accounts yet');
    expect(r.stderr).toContain(`bulwark users add <name> --admin --password-stdin --db ${db}`);
    // The command it names works, and then the server starts.
    expect(runCli(['users', 'add', 'root', '--admin', '--password', 'violet kettle harbour', '--db', db]).code).toBe(0);
    const { child, url } = await startServe(['--auth', 'local', '--host', '0.0.0.0', '--port', '0', '--db', db]);
    try {
      expect((await fetch(`http://127.0.0.1:${new URL(url).port}/api/me`)).status).toBe(401);
    } finally {
      const exited = new Promise((resolve) => child.on('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
  });

  it('refuses to listen beyond this machine without accounts', () => {
    const r = runCli(['serve', '--host', '0.0.0.0', '--port', '0', '--db', `sqlite:${join(tempDir(), 'x.db')}`]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('Refusing to listen on 0.0.0.0');
  });
});
