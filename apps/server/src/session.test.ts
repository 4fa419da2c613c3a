import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from './app.js';
import { type Role, UserStore } from './storage/UserStore.js';
import { type Backend, backends } from './testing/backends.js';

const ROOT = new URL('../../../', import.meta.url).pathname;
const example = JSON.parse(readFileSync(`${ROOT}examples/infrastructure.bulwark.json`, 'utf8'));

/** Signs in with a password; the session cookie and the CSRF token the answer carried. */
async function signIn(app: FastifyInstance, name: string): Promise<{ cookie: string; csrf: string }> {
  const r = await app.inject({
    method: 'POST',
    url: '/api/login',
    payload: { name, password: `${name}-pw-correct-horse` },
  });
  expect(r.statusCode, r.body).toBe(200);
  return { cookie: String(r.headers['set-cookie']).split(';')[0] as string, csrf: r.json().csrfToken };
}

describe.each(backends())('team mode as the web app uses it, on $name', (backend: Backend) => {
  let opened: Awaited<ReturnType<Backend['open']>>;
  let app: FastifyInstance;
  const ids: Record<string, string> = {};
  const sessions: Record<string, { cookie: string; csrf: string }> = {};

  beforeAll(async () => {
    opened = await backend.open();
    app = await buildApp({ store: opened.store, auth: 'local' });
    const users = new UserStore(opened.store.db);
    for (const name of ['admin', 'ana', 'bo', 'cy', 'di'])
      await users.add(name, `${name}-pw-correct-horse`, name === 'admin');
    for (const name of ['admin', 'ana', 'bo', 'cy', 'di']) sessions[name] = await signIn(app, name);
    // ana creates two models (she owns both) and gives the others a role on the first one.
    for (const label of ['first', 'second']) {
      const { cookie, csrf } = sessions.ana as { cookie: string; csrf: string };
      const created = await app.inject({
        method: 'POST',
        url: '/api/models',
        payload: { ...example, metadata: { ...example.metadata, name: label } },
        headers: { cookie, 'x-csrf-token': csrf },
      });
      expect(created.statusCode, created.body).toBe(201);
      ids[label] = created.json().id;
    }
    const grants: [string, Role][] = [
      ['bo', 'editor'],
      ['cy', 'reviewer'],
      ['di', 'viewer'],
    ];
    for (const [user, role] of grants) {
      const { cookie, csrf } = sessions.ana as { cookie: string; csrf: string };
      const r = await app.inject({
        method: 'POST',
        url: `/api/models/${ids.first}/roles`,
        payload: { user, role },
        headers: { cookie, 'x-csrf-token': csrf },
      });
      expect(r.statusCode, r.body).toBe(200);
    }
  });
  afterAll(async () => {
    await app.close();
    await opened.dispose();
  });

  const get = (name: string, url: string) =>
    app.inject({ method: 'GET', url, headers: { cookie: sessions[name]?.cookie ?? '' } });

  it("gives a signed-in page its session's CSRF token again (after a reload), never cached", async () => {
    const me = await get('bo', '/api/me');
    expect(me.statusCode).toBe(200);
    expect(me.headers['cache-control']).toBe('no-store');
    expect(me.json()).toEqual({
      user: { id: expect.any(String), name: 'bo', isAdmin: false },
      mode: 'team',
      csrfToken: sessions.bo?.csrf,
    });
    // Each session has a token of its own.
    const again = await signIn(app, 'bo');
    expect(again.csrf).not.toBe(sessions.bo?.csrf);
    expect((await app.inject({ url: '/api/me', headers: { cookie: again.cookie } })).json().csrfToken).toBe(again.csrf);
  });

  it('lets the token /api/me gave out make a write, and refuses the write without it', async () => {
    const { cookie } = sessions.bo as { cookie: string };
    const csrf = (await get('bo', '/api/me')).json().csrfToken as string;
    const read = await get('bo', `/api/models/${ids.first}`);
    const doc = read.json().model;
    doc.metadata.owner = 'bo';
    const put = (headers: Record<string, string>) =>
      app.inject({
        method: 'PUT',
        url: `/api/models/${ids.first}`,
        payload: doc,
        headers: { cookie, 'if-match': String(read.headers.etag), ...headers },
      });
    const refused = await put({});
    expect(refused.statusCode).toBe(403);
    expect(refused.json().message).toMatch(/X-CSRF-Token/);
    expect((await put({ 'x-csrf-token': csrf })).statusCode).toBe(200);
  });

  it('gives no CSRF token to API tokens, and nothing at all to a caller who is not signed in', async () => {
    const users = new UserStore(opened.store.db);
    const di = await users.byName('di');
    const { token } = await users.createToken(di?.id ?? '', 'ci');
    const me = await app.inject({ url: '/api/me', headers: { authorization: `Bearer ${token}` } });
    expect(me.json()).toMatchObject({ user: { name: 'di' }, mode: 'team', csrfToken: null });
    const anonymous = await app.inject('/api/me');
    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.json().code).toBe('UNAUTHENTICATED');
    expect(anonymous.body).not.toMatch(/csrf_/);
  });

  it('lets a read-only token read and refuses it every change, saying it is read-only', async () => {
    const users = new UserStore(opened.store.db);
    const bo = await users.byName('bo');
    const { token } = await users.createToken(bo?.id ?? '', 'reader', { scope: 'read' });
    const auth = { authorization: `Bearer ${token}` };
    expect((await app.inject({ url: '/api/models', headers: auth })).statusCode).toBe(200);
    const read = await app.inject({ url: `/api/models/${ids.first}`, headers: auth });
    expect(read.statusCode).toBe(200);
    expect((await app.inject({ method: 'HEAD', url: `/api/models/${ids.first}`, headers: auth })).statusCode).toBe(200);
    const ifMatch = String(read.headers.etag);
    const writes = [
      { method: 'POST', url: '/api/models', payload: example },
      { method: 'PUT', url: `/api/models/${ids.first}`, payload: read.json().model },
      { method: 'PATCH', url: `/api/models/${ids.first}/threats`, payload: { threats: [] } },
      { method: 'POST', url: `/api/models/${ids.first}/analyze` },
      { method: 'POST', url: `/api/models/${ids.first}/comments`, payload: { target: 'model', body: 'hi' } },
      { method: 'DELETE', url: `/api/models/${ids.first}` },
    ] as const;
    for (const w of writes) {
      const r = await app.inject({ ...w, headers: { ...auth, 'if-match': ifMatch } });
      expect(r.statusCode, `${w.method} ${w.url}`).toBe(403);
      expect(r.json().message, `${w.method} ${w.url}`).toMatch(/read-only.*--scope write/);
    }
    expect((await app.inject({ url: `/api/models/${ids.first}`, headers: auth })).headers.etag).toBe(ifMatch);
    // The same user's write token may change what bo (an editor) may change.
    const writer = await users.createToken(bo?.id ?? '', 'writer', { scope: 'write' });
    const put = await app.inject({
      method: 'PUT',
      url: `/api/models/${ids.first}`,
      payload: read.json().model,
      headers: { authorization: `Bearer ${writer.token}`, 'if-match': ifMatch },
    });
    expect(put.statusCode, put.body).toBe(200);
  });

  it('refuses an expired token, and every token of a user whose password was reset', async () => {
    const users = new UserStore(opened.store.db);
    const fay = await users.add('fay', 'fay-pw-correct-horse');
    const expired = await users.createToken(fay.id, 'expired');
    await opened.store.db
      .updateTable('api_tokens')
      .set({ expires_at: new Date(Date.now() - 1000).toISOString() })
      .where('id', '=', expired.id)
      .execute();
    const refused = await app.inject({ url: '/api/me', headers: { authorization: `Bearer ${expired.token}` } });
    expect(refused.statusCode).toBe(401);
    const live = await users.createToken(fay.id, 'live', { scope: 'read' });
    const me = () => app.inject({ url: '/api/me', headers: { authorization: `Bearer ${live.token}` } });
    expect((await me()).statusCode).toBe(200);
    const session = await signIn(app, 'fay');
    await users.resetPassword('fay', 'fay-violet-kettle-harbour');
    expect((await me()).statusCode).toBe(401);
    expect((await app.inject({ url: '/api/me', headers: { cookie: session.cookie } })).statusCode).toBe(401);
  });

  it("reads each model with the caller's own role; administrators are owners", async () => {
    const expected: Record<string, Role> = { admin: 'owner', ana: 'owner', bo: 'editor', cy: 'reviewer', di: 'viewer' };
    for (const [name, role] of Object.entries(expected)) {
      const r = await get(name, `/api/models/${ids.first}`);
      expect(r.statusCode, name).toBe(200);
      expect(r.json().role, name).toBe(role);
      expect(r.json().model.metadata.name, name).toBe('first');
    }
    expect((await get('bo', `/api/models/${ids.second}`)).statusCode).toBe(404);
  });

  it('lists, for each caller, the models they have a role on with that role', async () => {
    const list = async (name: string) =>
      Object.fromEntries(
        ((await get(name, '/api/models')).json().models as { name: string; role: Role }[]).map((m) => [m.name, m.role]),
      );
    expect(await list('ana')).toEqual({ first: 'owner', second: 'owner' });
    expect(await list('bo')).toEqual({ first: 'editor' });
    expect(await list('cy')).toEqual({ first: 'reviewer' });
    expect(await list('di')).toEqual({ first: 'viewer' });
    expect(await list('admin')).toEqual({ first: 'owner', second: 'owner' });
  });

  it('answers a sign-in for an unknown name as slowly as a wrong password for a known one', async () => {
    const users = new UserStore(opened.store.db);
    await users.add('timed', 'timed-pw-correct-horse');
    const login = (name: string) =>
      app.inject({ method: 'POST', url: '/api/login', payload: { name, password: 'not the right one at all' } });
    // Taken in turns, so both see the same load from whatever else the machine is doing.
    const times: Record<string, number[]> = { known: [], unknown: [] };
    for (let i = 0; i < 7; i++) {
      for (const [label, name] of [
        ['known', 'timed'],
        ['unknown', 'nobody-by-this-name'],
      ] as const) {
        const start = performance.now();
        expect((await login(name)).statusCode).toBe(401);
        times[label]?.push(performance.now() - start);
      }
    }
    const median = (t: number[] = []): number => t.sort((a, b) => a - b)[3] as number;
    const known = median(times.known);
    const unknown = median(times.unknown);
    expect(unknown, `unknown ${unknown.toFixed(1)} ms, known ${known.toFixed(1)} ms`).toBeGreaterThanOrEqual(
      known * 0.5,
    );
    // The same answer, too.
    expect((await login('nobody-by-this-name')).json()).toEqual((await login('timed')).json());
  });

  it('signs out: the session and its token stop working', async () => {
    const { cookie, csrf } = await signIn(app, 'cy');
    const out = await app.inject({ method: 'POST', url: '/api/logout', headers: { cookie, 'x-csrf-token': csrf } });
    expect(out.statusCode).toBe(204);
    expect(String(out.headers['set-cookie'])).toMatch(/bulwark_session=;/);
    expect((await app.inject({ url: '/api/me', headers: { cookie } })).statusCode).toBe(401);
  });
});

describe.each(backends())('the session cookie on $name', (backend: Backend) => {
  let opened: Awaited<ReturnType<Backend['open']>>;
  const apps: FastifyInstance[] = [];
  beforeAll(async () => {
    opened = await backend.open();
    await new UserStore(opened.store.db).add('ana', 'ana-pw-correct-horse');
  });
  afterAll(async () => {
    for (const app of apps) await app.close();
    await opened.dispose();
  });
  const appWith = async (trustProxy?: boolean | string): Promise<FastifyInstance> => {
    const app = await buildApp({
      store: opened.store,
      auth: 'local',
      ...(trustProxy !== undefined ? { trustProxy } : {}),
    });
    apps.push(app);
    return app;
  };
  /** The Set-Cookie of a sign-in, and of the sign-out after it. */
  const cookies = async (
    app: FastifyInstance,
    headers: Record<string, string> = {},
    remoteAddress = '127.0.0.1',
  ): Promise<{ login: string; logout: string }> => {
    const r = await app.inject({
      method: 'POST',
      url: '/api/login',
      payload: { name: 'ana', password: 'ana-pw-correct-horse' },
      headers,
      remoteAddress,
    });
    expect(r.statusCode, r.body).toBe(200);
    const login = String(r.headers['set-cookie']);
    const out = await app.inject({
      method: 'POST',
      url: '/api/logout',
      headers: { ...headers, cookie: login.split(';')[0] as string, 'x-csrf-token': r.json().csrfToken },
      remoteAddress,
    });
    expect(out.statusCode, out.body).toBe(204);
    return { login, logout: String(out.headers['set-cookie']) };
  };
  const secure = (setCookie: string): boolean => /;\s*Secure(;|$)/i.test(setCookie);

  it('is HttpOnly and SameSite=Lax, and not Secure over plain HTTP', async () => {
    const { login, logout } = await cookies(await appWith());
    expect(login).toMatch(/HttpOnly/);
    expect(login).toMatch(/SameSite=Lax/);
    expect(secure(login)).toBe(false);
    expect(secure(logout)).toBe(false);
  });

  it('is Secure when a proxy the operator declared says the request came over HTTPS', async () => {
    for (const trustProxy of [true, 'loopback', '127.0.0.1', '127.0.0.0/8, 10.0.0.1']) {
      const { login, logout } = await cookies(await appWith(trustProxy), { 'x-forwarded-proto': 'https' });
      expect(secure(login), String(trustProxy)).toBe(true);
      expect(login).toMatch(/HttpOnly/);
      expect(secure(logout), String(trustProxy)).toBe(true);
    }
  });

  it('believes X-Forwarded-Proto from nobody else', async () => {
    // No proxy declared: any client could send the header.
    expect(secure((await cookies(await appWith(), { 'x-forwarded-proto': 'https' })).login)).toBe(false);
    // A proxy declared, but the request came from another address.
    const app = await appWith('10.0.0.1');
    expect(secure((await cookies(app, { 'x-forwarded-proto': 'https' })).login)).toBe(false);
    expect(secure((await cookies(app, { 'x-forwarded-proto': 'https' }, '10.0.0.1')).login)).toBe(true);
    // A declared proxy that says plain HTTP.
    expect(secure((await cookies(await appWith('loopback'), { 'x-forwarded-proto': 'http' })).login)).toBe(false);
    expect(secure((await cookies(await appWith('loopback'))).login)).toBe(false);
  });
});
