import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliCompressSync, brotliDecompressSync, gunzipSync, gzipSync } from 'node:zlib';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from './app.js';
import { openStore, type Store } from './storage/database.js';

const ROOT = new URL('../../../', import.meta.url).pathname;
const example = readFileSync(`${ROOT}examples/infrastructure.bulwark.json`, 'utf8');
// A script as the build leaves it: with .br and .gz beside it (apps/web/vite.config.ts).
const SCRIPT = `console.log(${JSON.stringify('the app '.repeat(400))});\n`;
// One the build did not compress: compressed as it is sent.
const OTHER = `export const text = ${JSON.stringify('another '.repeat(400))};\n`;

describe('answers are compressed when the client asks, and only then', () => {
  let dir: string;
  let store: Store;
  let app: FastifyInstance;
  let id: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'bulwark-compression-'));
    const web = join(dir, 'web');
    mkdirSync(join(web, 'assets'), { recursive: true });
    writeFileSync(
      join(web, 'index.html'),
      '<!doctype html><title>Bulwark</title><script src="/assets/app.js"></script>',
    );
    writeFileSync(join(web, 'assets/app.js'), SCRIPT);
    writeFileSync(join(web, 'assets/app.js.br'), brotliCompressSync(SCRIPT));
    writeFileSync(join(web, 'assets/app.js.gz'), gzipSync(SCRIPT));
    writeFileSync(join(web, 'assets/other.js'), OTHER);
    // A compressed source map left by some build: never served, under any name.
    writeFileSync(join(web, 'assets/app.js.map.br'), brotliCompressSync('{"sourcesContent":["secret"]}'));
    store = await openStore(`sqlite:${join(dir, 'bulwark.db')}`);
    app = await buildApp({ store, webRoot: web });
    const created = await app.inject({
      method: 'POST',
      url: '/api/models',
      headers: { 'content-type': 'application/json' },
      payload: example,
    });
    expect(created.statusCode, created.body).toBe(201);
    id = created.json().id;
  });
  afterAll(async () => {
    await app.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const get = (url: string, acceptEncoding?: string) =>
    app.inject({ method: 'GET', url, headers: acceptEncoding ? { 'accept-encoding': acceptEncoding } : {} });

  it('sends the model (its prebuilt JSON) as brotli or gzip, the same document as uncompressed', async () => {
    const plain = await get(`/api/models/${id}`);
    expect(plain.statusCode).toBe(200);
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.json().model.metadata.name).toBe('Infrastructure');
    const br = await get(`/api/models/${id}`, 'gzip, deflate, br');
    expect(br.headers['content-encoding']).toBe('br');
    expect(String(br.headers.vary)).toMatch(/accept-encoding/i);
    expect(br.rawPayload.length).toBeLessThan(plain.rawPayload.length / 4);
    expect(brotliDecompressSync(br.rawPayload).toString()).toBe(plain.body);
    const gz = await get(`/api/models/${id}`, 'gzip');
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gz.rawPayload).toString()).toBe(plain.body);
    // identity, or an encoding the server does not offer: sent as it is.
    for (const asked of ['identity', 'deflate', 'zstd']) {
      const r = await get(`/api/models/${id}`, asked);
      expect(r.headers['content-encoding'], asked).toBeUndefined();
      expect(r.body).toBe(plain.body);
    }
  });

  it('sends the list of models compressed too, and small answers as they are', async () => {
    const list = await get('/api/models', 'br');
    expect(list.statusCode).toBe(200);
    const me = await get('/api/me', 'br'); // under 1 KB: not worth it
    expect(me.headers['content-encoding']).toBeUndefined();
    expect(me.json().mode).toBe('local');
  });

  it("sends the app's script as the build compressed it, and uncompressed to clients that do not ask", async () => {
    const br = await get('/assets/app.js', 'gzip, deflate, br');
    expect(br.statusCode).toBe(200);
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers['content-type']).toMatch(/javascript/);
    expect(br.rawPayload).toEqual(readFileSync(join(dir, 'web/assets/app.js.br')));
    const gz = await get('/assets/app.js', 'gzip');
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gz.rawPayload).toString()).toBe(SCRIPT);
    const plain = await get('/assets/app.js');
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body).toBe(SCRIPT);
    // A script without compressed copies is compressed as it goes out.
    const other = await get('/assets/other.js', 'br');
    expect(other.headers['content-encoding']).toBe('br');
    expect(brotliDecompressSync(other.rawPayload).toString()).toBe(OTHER);
    expect((await get('/assets/other.js')).body).toBe(OTHER);
  });

  it('never serves a compressed source map, asked for by either name', async () => {
    for (const url of ['/assets/app.js.map', '/assets/app.js.map.br', '/assets/app.js.MAP.BR'])
      for (const encoding of [undefined, 'br']) {
        const r = await get(url, encoding);
        expect(r.statusCode, `${url} ${encoding}`).toBe(404);
      }
  });

  it('does not decompress request bodies: a gzipped upload is refused, not inflated', async () => {
    const r = await app.inject({
      method: 'POST',
      url: '/api/models',
      headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
      payload: gzipSync(example),
    });
    expect(r.statusCode).toBeGreaterThanOrEqual(400);
    expect(r.statusCode).toBeLessThan(500);
  });
});
