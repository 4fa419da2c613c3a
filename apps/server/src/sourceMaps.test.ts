import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from './app.js';
import { openStore, type Store } from './storage/database.js';

const SOURCE = 'const secret = "the original source";';

describe('the web root never serves source maps', () => {
  let dir: string;
  let store: Store;
  let app: FastifyInstance;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'bulwark-webroot-'));
    const web = join(dir, 'web');
    mkdirSync(join(web, 'assets'), { recursive: true });
    writeFileSync(join(web, 'index.html'), '<!doctype html><title>Bulwark</title>');
    writeFileSync(join(web, 'assets/app.js'), 'console.log(1);\n');
    // What a build with source maps leaves beside its scripts, whatever vite.config.ts now says.
    for (const name of ['assets/app.js.map', 'app.js.map', 'assets/app.css.map', 'assets/app.js.MAP'])
      writeFileSync(join(web, name), JSON.stringify({ version: 3, sourcesContent: [SOURCE] }));
    store = await openStore(`sqlite:${join(dir, 'bulwark.db')}`);
    app = await buildApp({ store, webRoot: web });
  });
  afterAll(async () => {
    await app.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves the app and its scripts', async () => {
    expect((await app.inject('/')).statusCode).toBe(200);
    const script = await app.inject('/assets/app.js');
    expect(script.statusCode).toBe(200);
    expect(script.body).toBe('console.log(1);\n');
  });

  it.each([
    '/assets/app.js.map',
    '/app.js.map',
    '/assets/app.css.map',
    '/assets/app.js.MAP',
    '/assets/app.js.map?v=1',
    '/assets/app.js.m%61p',
    '/assets/app.js.m%2561p',
    '/assets/app.js%2Emap',
    '/assets//app.js.map',
    '/assets/./app.js.map',
    '/x/../assets/app.js.map',
  ])('GET %s answers 404 though the file is there', async (url) => {
    for (const method of ['GET', 'HEAD'] as const) {
      const r = await app.inject({ method, url });
      expect(r.statusCode, `${method} ${url}`).toBe(404);
      expect(r.body).not.toContain('the original source');
    }
  });
});
