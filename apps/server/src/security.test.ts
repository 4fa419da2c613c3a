/**
 * Security tests on a real server (team mode, a fresh SQLite file): every route against every
 * role, anonymous callers and another user's API token; CSRF on cookie sessions; login rate
 * limiting; security headers; upload limits; file names that could escape a directory.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from './app.js';
import { UserStore } from './storage/UserStore.js';
import { backends } from './testing/backends.js';
import { routeList } from './testing/routes.js';

const ROOT = new URL('../../../', import.meta.url).pathname;
const example = JSON.parse(readFileSync(`${ROOT}examples/infrastructure.bulwark.json`, 'utf8'));
const PEOPLE = ['admin', 'owner', 'editor', 'reviewer', 'viewer', 'stranger'] as const;
type Person = (typeof PEOPLE)[number] | 'anonymous';
const EVERYONE: Person[] = [...PEOPLE, 'anonymous'];
const SIGNED_IN: Person[] = [...PEOPLE];
const VIEWERS: Person[] = ['admin', 'owner', 'editor', 'reviewer', 'viewer'];
const REVIEWERS: Person[] = ['admin', 'owner', 'editor', 'reviewer'];
const EDITORS: Person[] = ['admin', 'owner', 'editor'];
const SIGNERS: Person[] = ['admin', 'owner', 'reviewer'];
const OWNERS: Person[] = ['admin', 'owner'];
const ADMINS: Person[] = ['admin'];

describe('security in team mode', () => {
  const [sqlite] = backends();
  let opened: Awaited<ReturnType<NonNullable<typeof sqlite>['open']>>;
  let app: FastifyInstance;
  const tokens = {} as Record<Person, string | undefined>;
  let modelId = '';
  let commentId = '';
  const secretName = 'Secret architecture 7f3a';

  const call = (who: Person, method: string, url: string, payload?: unknown, headers: Record<string, string> = {}) =>
    app.inject({
      method: method as 'GET',
      url,
      ...(payload !== undefined ? { payload: payload as object } : {}),
      headers: { ...(tokens[who] ? { authorization: `Bearer ${tokens[who]}` } : {}), ...headers },
    });

  beforeAll(async () => {
    opened = await (sqlite as NonNullable<typeof sqlite>).open();
    app = await buildApp({ store: opened.store, auth: 'local', loginLimit: { attempts: 3, windowMs: 60_000 } });
    const users = new UserStore(opened.store.db);
    for (const p of PEOPLE) {
      const u = await users.add(p, `${p}-tangerine-umbrella`, p === 'admin');
      tokens[p] = (await users.createToken(u.id, 'tests')).token;
    }
    const created = await call('owner', 'POST', '/api/models', {
      ...example,
      metadata: { ...example.metadata, name: secretName },
    });
    expect(created.statusCode).toBe(201);
    modelId = created.json().id;
    for (const role of ['editor', 'reviewer', 'viewer'] as const) {
      expect((await call('owner', 'POST', `/api/models/${modelId}/roles`, { user: role, role })).statusCode).toBe(200);
    }
    const comment = await call('owner', 'POST', `/api/models/${modelId}/comments`, { target: 'model', body: 'first' });
    expect(comment.statusCode).toBe(201);
    commentId = comment.json().comment.id;
  });
  afterAll(async () => {
    await app?.close();
    await opened?.dispose();
  });

  /**
   * Every route with who may use it. Writes are sent without If-Match (or with an empty body),
   * so an allowed caller gets 400/428 and nothing changes; what matters is 401/403/404.
   */
  const MATRIX = (): Record<string, { url: string; may: Person[]; body?: unknown }> => ({
    // Without the web app, `/` lists the caller's models: anonymous callers are asked to sign in.
    'GET /': { url: '/', may: SIGNED_IN },
    'GET /healthz': { url: '/healthz', may: EVERYONE },
    'GET /api/docs': { url: '/api/docs', may: EVERYONE },
    'GET /api/docs/json': { url: '/api/docs/json', may: EVERYONE },
    'POST /api/login': { url: '/api/login', may: EVERYONE, body: {} },
    'POST /api/logout': { url: '/api/logout', may: EVERYONE },
    'GET /api/me': { url: '/api/me', may: SIGNED_IN },
    'GET /api/models': { url: '/api/models', may: SIGNED_IN },
    'POST /api/models': { url: '/api/models', may: SIGNED_IN, body: {} },
    'GET /api/formats': { url: '/api/formats', may: SIGNED_IN },
    'GET /api/templates': { url: '/api/templates', may: SIGNED_IN },
    'POST /api/templates': { url: '/api/templates', may: ADMINS, body: {} },
    'GET /api/templates/:id': { url: '/api/templates/stride', may: SIGNED_IN },
    'GET /api/templates/:id/versions': { url: '/api/templates/stride/versions', may: SIGNED_IN },
    'POST /api/templates/:id/versions': { url: '/api/templates/stride/versions', may: ADMINS, body: {} },
    'GET /api/templates/:id/export': { url: '/api/templates/stride/export', may: SIGNED_IN },
    'GET /api/models/:id': { url: `/api/models/${modelId}`, may: VIEWERS },
    'PUT /api/models/:id': { url: `/api/models/${modelId}`, may: REVIEWERS, body: {} },
    'DELETE /api/models/:id': { url: `/api/models/${modelId}`, may: OWNERS },
    'POST /api/models/:id/roles': { url: `/api/models/${modelId}/roles`, may: OWNERS, body: {} },
    'GET /api/models/:id/versions': { url: `/api/models/${modelId}/versions`, may: VIEWERS },
    'GET /api/models/:id/versions/:version': { url: `/api/models/${modelId}/versions/1`, may: VIEWERS },
    'GET /api/models/:id/diff': { url: `/api/models/${modelId}/diff?from=1&to=1`, may: VIEWERS },
    'POST /api/models/:id/versions': { url: `/api/models/${modelId}/versions`, may: EDITORS, body: {} },
    'POST /api/models/:id/versions/:version/restore': {
      url: `/api/models/${modelId}/versions/1/restore`,
      may: EDITORS,
    },
    'GET /api/models/:id/thumbnail': { url: `/api/models/${modelId}/thumbnail`, may: VIEWERS },
    'GET /api/models/:id/audit': { url: `/api/models/${modelId}/audit`, may: VIEWERS },
    'POST /api/models/:id/analyze': { url: `/api/models/${modelId}/analyze`, may: EDITORS },
    'PATCH /api/models/:id/threats': { url: `/api/models/${modelId}/threats`, may: REVIEWERS, body: {} },
    'GET /api/models/:id/export': { url: `/api/models/${modelId}/export?format=json`, may: VIEWERS },
    'GET /api/models/:id/comments': { url: `/api/models/${modelId}/comments`, may: VIEWERS },
    'POST /api/models/:id/comments': { url: `/api/models/${modelId}/comments`, may: VIEWERS, body: {} },
    'PATCH /api/models/:id/comments/:commentId': {
      url: `/api/models/${modelId}/comments/${commentId}`,
      may: REVIEWERS,
      body: { resolved: false },
    },
    'POST /api/models/:id/signoff': { url: `/api/models/${modelId}/signoff`, may: SIGNERS, body: {} },
  });

  it('the matrix lists every route the app has', async () => {
    await app.ready();
    const routes = routeList(app);
    expect(routes.length).toBeGreaterThan(20);
    expect(routes.filter((r) => !(r in MATRIX()))).toEqual([]);
    expect(Object.keys(MATRIX()).filter((r) => !routes.includes(r))).toEqual([]);
  });

  it('every route x every caller: allowed, 401 (anonymous), 404 (no role), or 403', async () => {
    const wrong: string[] = [];
    for (const [route, entry] of Object.entries(MATRIX())) {
      const method = route.split(' ')[0] as string;
      for (const who of EVERYONE) {
        const r = await call(who, method, entry.url, entry.body);
        const text = r.body;
        let ok: boolean;
        if (entry.may.includes(who)) ok = ![401, 403].includes(r.statusCode) && !/No model with id/.test(text);
        else if (who === 'anonymous') ok = r.statusCode === 401;
        else if (who === 'stranger' && route.includes('/api/models/:id')) ok = r.statusCode === 404;
        else ok = r.statusCode === 403;
        if (!entry.may.includes(who) && text.includes(secretName)) ok = false;
        if (!ok) wrong.push(`${route} as ${who}: ${r.statusCode} ${text.slice(0, 120)}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it("another user's API token never sees the model: 404 on every model route, and it is not listed", async () => {
    for (const route of Object.keys(MATRIX()).filter((r) => r.includes('/api/models/:id'))) {
      const entry = MATRIX()[route] as { url: string; body?: unknown };
      const r = await call('stranger', route.split(' ')[0] as string, entry.url, entry.body, { 'if-match': '"1"' });
      expect(r.statusCode, route).toBe(404);
      expect(r.body).not.toContain(secretName);
    }
    expect((await call('stranger', 'GET', '/api/models')).body).not.toContain(secretName);
    expect((await call('owner', 'GET', '/api/models')).body).toContain(secretName);
  });

  async function login(name: string): Promise<{ cookie: string; csrf: string }> {
    const r = await app.inject({
      method: 'POST',
      url: '/api/login',
      payload: { name, password: `${name}-tangerine-umbrella` },
    });
    expect(r.statusCode).toBe(200);
    const set = String(r.headers['set-cookie']);
    return { cookie: set.split(';')[0] as string, csrf: r.json().csrfToken };
  }

  it('CSRF: a cookie session without the right X-CSRF-Token is refused on every unsafe route', async () => {
    const { cookie, csrf } = await login('admin');
    const unsafe = Object.entries(MATRIX()).filter(
      ([r]) => !r.startsWith('GET ') && r !== 'POST /api/login' && r !== 'POST /api/logout',
    );
    expect(unsafe.length).toBeGreaterThan(10);
    for (const [route, entry] of unsafe) {
      const method = route.split(' ')[0] as 'POST';
      for (const headers of [{ cookie }, { cookie, 'x-csrf-token': 'wrong' }, { cookie, 'x-csrf-token': '' }]) {
        const r = await app.inject({ method, url: entry.url, payload: entry.body as object, headers });
        expect(r.statusCode, `${route} ${JSON.stringify(Object.keys(headers))}`).toBe(403);
        expect(r.json().message).toMatch(/X-CSRF-Token/);
      }
      // With the token the session passes the check (and meets the route's own checks).
      const ok = await app.inject({
        method,
        url: entry.url,
        payload: entry.body as object,
        headers: { cookie, 'x-csrf-token': csrf },
      });
      expect(ok.statusCode, route).not.toBe(403);
      // A bearer token needs no CSRF token.
      const bearer = await call('admin', method, entry.url, entry.body);
      expect(bearer.statusCode, route).not.toBe(403);
    }
    // Reads need none.
    expect((await app.inject({ method: 'GET', url: '/api/me', headers: { cookie } })).statusCode).toBe(200);
  });

  it('login: repeated wrong passwords get 429 with Retry-After, for that name and address only', async () => {
    const wrong = () =>
      app.inject({ method: 'POST', url: '/api/login', payload: { name: 'viewer', password: 'nope' } });
    for (let i = 0; i < 3; i++) expect((await wrong()).statusCode).toBe(401);
    const limited = await wrong();
    expect(limited.statusCode).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(limited.json().message).toMatch(/Too many wrong passwords/);
    // Even the right password waits: guessing must not go on.
    const right = await app.inject({
      method: 'POST',
      url: '/api/login',
      payload: { name: 'viewer', password: 'viewer-tangerine-umbrella' },
    });
    expect(right.statusCode).toBe(429);
    // Another name from the same address, and the same name from another address, may try.
    expect((await login('editor')).csrf).toBeTruthy();
    const elsewhere = await app.inject({
      method: 'POST',
      url: '/api/login',
      remoteAddress: '10.0.0.9',
      payload: { name: 'viewer', password: 'viewer-tangerine-umbrella' },
    });
    expect(elsewhere.statusCode).toBe(200);
  });

  it('security headers on every answer; JSON errors carry no stack trace', async () => {
    for (const url of ['/', '/api/docs', '/api/me', '/healthz']) {
      const r = await call('owner', 'GET', url);
      expect(r.headers['x-content-type-options'], url).toBe('nosniff');
      expect(r.headers['x-frame-options'], url).toBe('DENY');
      expect(r.headers['referrer-policy'], url).toBe('no-referrer');
    }
    const html = await call('owner', 'GET', '/api/docs');
    const csp = String(html.headers['content-security-policy']);
    expect(csp).toMatch(/script-src 'self'(;|$)/);
    expect(csp).not.toMatch(/script-src[^;]*unsafe/);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("object-src 'none'");
    for (const r of [
      await call('owner', 'POST', '/api/models', '{"broken', { 'content-type': 'application/json' }),
      await call('owner', 'POST', '/api/models', { schemaVersion: 'x' }),
      await call('owner', 'GET', '/api/models/%E0%A4%A'),
      await call('owner', 'PUT', `/api/models/${modelId}`, { nonsense: true }, { 'if-match': 'abc' }),
    ]) {
      expect(r.statusCode).toBeGreaterThanOrEqual(400);
      expect(r.statusCode).toBeLessThan(500);
      expect(r.body).not.toMatch(/\n\s+at |node_modules|\.ts:\d+|"stack"/);
    }
  });

  it('wrong content types get 415; file names in Content-Disposition never leave the name', async () => {
    const png = await call('owner', 'POST', '/api/models', 'xx', { 'content-type': 'image/png' });
    expect(png.statusCode).toBe(415);
    expect(png.json().message).toBeTruthy();
    for (const name of ['../../etc/passwd', '/etc/passwd', '..\\..\\windows\\win.ini', 'a"; filename="x.sh', '..']) {
      const created = await call('owner', 'POST', '/api/models', {
        ...example,
        metadata: { ...example.metadata, name },
      });
      expect(created.statusCode).toBe(201);
      for (const format of ['json', 'yaml', 'tm7', 'html', 'md', 'csv', 'sarif', 'otm']) {
        const r = await call('owner', 'GET', `/api/models/${created.json().id}/export?format=${format}`);
        expect(r.statusCode, format).toBe(200);
        const m = /^attachment; filename="([^"/\\]+)"$/.exec(String(r.headers['content-disposition']));
        expect(m, `${format}: ${r.headers['content-disposition']}`).not.toBeNull();
        expect(m?.[1]).toMatch(/^[A-Za-z0-9]/);
      }
    }
    // Template ids are looked up, never read as paths.
    for (const id of ['..%2F..%2Fpackage.json', '%2Fetc%2Fpasswd', '..']) {
      const r = await call('owner', 'GET', `/api/templates/${id}`);
      expect([404, 422], id).toContain(r.statusCode);
      expect(r.body).not.toMatch(/workspaces|root:/);
    }
  });
});

describe('upload limits', () => {
  const [sqlite] = backends();
  let opened: Awaited<ReturnType<NonNullable<typeof sqlite>['open']>>;
  let app: FastifyInstance;
  beforeAll(async () => {
    opened = await (sqlite as NonNullable<typeof sqlite>).open();
    app = await buildApp({ store: opened.store, bodyLimit: 64 * 1024 });
  });
  afterAll(async () => {
    await app?.close();
    await opened?.dispose();
  });

  it('an oversized body gets 413 with a clear message, in every content type', async () => {
    const big = 'x'.repeat(100 * 1024);
    for (const [type, payload] of [
      ['application/json', JSON.stringify({ name: big, template: 'stride' })],
      ['application/xml', `<a>${big}</a>`],
      ['application/yaml', `name: ${big}`],
    ] as const) {
      const r = await app.inject({ method: 'POST', url: '/api/models', payload, headers: { 'content-type': type } });
      expect(r.statusCode, type).toBe(413);
      expect(r.json()).toEqual({ code: 'PAYLOAD_TOO_LARGE', message: expect.stringMatching(/larger than/) });
    }
    const tpl = await app.inject({
      method: 'POST',
      url: '/api/templates',
      payload: big,
      headers: { 'content-type': 'application/octet-stream' },
    });
    expect(tpl.statusCode).toBe(413);
  });

  it('the web root never serves files outside it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bulwark-web-'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>x</title>');
    const web = await buildApp({ store: opened.store, webRoot: dir });
    try {
      for (const url of ['/../package.json', '/..%2Fpackage.json', '/%2e%2e/%2e%2e/etc/passwd', '//etc/passwd']) {
        const r = await web.inject({ method: 'GET', url });
        expect(r.body, url).not.toMatch(/root:|"name"/);
      }
      const index = await web.inject({ method: 'GET', url: '/' });
      expect(index.headers['content-security-policy']).toMatch(/script-src 'self'/);
    } finally {
      await web.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
