import { existsSync } from 'node:fs';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../testing/runCli.js';

describe('bulwark db backup', () => {
  it('copies a SQLite database into a new file that holds the same models', async () => {
    const dir = tempDir();
    const { openStore, ModelStore } = await import('@bulwark/server');
    const store = await openStore(`sqlite:${join(dir, 'live.db')}`);
    await new ModelStore(store.db).create(
      { schemaVersion: 1, metadata: { name: 'Kept' }, template: { id: 'stride' }, diagrams: [] },
      'ana',
    );
    const r = runCli(['db', 'backup', join(dir, 'copy.db'), '--db', `sqlite:${join(dir, 'live.db')}`]);
    await store.close();
    expect(r.code, r.stderr).toBe(0);
    const copy = new BetterSqlite3(join(dir, 'copy.db'), { readonly: true });
    expect(copy.prepare('select name from models').all()).toEqual([{ name: 'Kept' }]);
    expect(copy.pragma('integrity_check', { simple: true })).toBe('ok');
    copy.close();
  });

  it('refuses to overwrite, and points PostgreSQL users at pg_dump', () => {
    const dir = tempDir();
    expect(runCli(['db', 'backup', join(dir, 'x.db'), '--db', `sqlite:${join(dir, 'missing.db')}`]).stderr).toContain(
      'no database',
    );
    const pgr = runCli(['db', 'backup', join(dir, 'x.dump'), '--db', 'postgres://postgres:secret@127.0.0.1:5432/test']);
    expect(pgr.code).toBe(1);
    expect(pgr.stderr).toContain('pg_dump');
    expect(pgr.stderr).not.toContain('secret');
    expect(existsSync(join(dir, 'x.dump'))).toBe(false);
  });
});
