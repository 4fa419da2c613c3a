import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from './app.js';
import { UserStore } from './storage/UserStore.js';
import { backends } from './testing/backends.js';

const ROOT = new URL('../../../', import.meta.url).pathname;
const example = JSON.parse(readFileSync(`${ROOT}examples/infrastructure.bulwark.json`, 'utf8'));
const PEOPLE = ['admin', 'owner', 'editor', 'reviewer', 'viewer', 'stranger'] as const;
type Person = (typeof PEOPLE)[number] | 'anonymous';

describe('access in team mode: every route, every role', () => {
  const [sqlite] = backends();
  let opened: Awaited<ReturnType<NonNullable<typeof sqlite>['open']>>;
  let app: FastifyInstance;
  const tokens = {} as Record<Person, string | undefined>;
  let modelId = '';
  let threatId = '';

  const call = (who: Person, method: string, url: string, payload?: unknown, etag?: string) =>
    app.inject({
      method: method as 'GET',
      url,
      ...(payload !== undefined ? { payload: payload as object } : {}),
      headers: {
        ...(tokens[who] ? { authorization: `Bearer ${tokens[who]}` } : {}),
        ...(etag ? { 'if-match': etag } : {}),
      },
    });
  const etag = async () => String((await call('admin', 'GET', `/api/models/${modelId}`)).headers.etag);

  beforeAll(async () => {
    opened = await (sqlite as NonNullable<typeof sqlite>).open();
    app = await buildApp({ store: opened.store, auth: 'local' });
    const users = new UserStore(opened.store.db);
    for (const p of PEOPLE) {
      const u = await users.add(p, `${p}-tangerine-umbrella`, p === 'admin');
      tokens[p] = (await users.createToken(u.id, 'tests')).token;
    }
    const created = await call('owner', 'POST', '/api/models', example);
    expect(created.statusCode).toBe(201);
    modelId = created.json().id;
    for (const role of ['editor', 'reviewer', 'viewer'] as const) {
      expect((await call('owner', 'POST', `/api/models/${modelId}/roles`, { user: role, role })).statusCode).toBe(200);
    }
    expect((await call('owner', 'POST', `/api/models/${modelId}/analyze`, undefined, await etag())).statusCode).toBe(
      200,
    );
    threatId = (await call('owner', 'GET', `/api/models/${modelId}`)).json().model.threats[0].id;
  });
  afterAll(async () => {
    await app.close();
    await opened.dispose();
  });

  /** The weakest role each route needs: who may (2xx) and who may not. */
  const routes: { name: string; need: Person[]; run: (who: Person) => Promise<{ statusCode: number }> }[] = [
    {
      name: 'GET model',
      need: ['admin', 'owner', 'editor', 'reviewer', 'viewer'],
      run: (w) => call(w, 'GET', `/api/models/${modelId}`),
    },
    {
      name: 'GET versions',
      need: ['admin', 'owner', 'editor', 'reviewer', 'viewer'],
      run: (w) => call(w, 'GET', `/api/models/${modelId}/versions`),
    },
    {
      name: 'GET version 1',
      need: ['admin', 'owner', 'editor', 'reviewer', 'viewer'],
      run: (w) => call(w, 'GET', `/api/models/${modelId}/versions/1`),
    },
    {
      name: 'GET diff',
      need: ['admin', 'owner', 'editor', 'reviewer', 'viewer'],
      run: (w) => call(w, 'GET', `/api/models/${modelId}/diff?from=1&to=2`),
    },
    {
      name: 'GET audit',
      need: ['admin', 'owner', 'editor', 'reviewer', 'viewer'],
      run: (w) => call(w, 'GET', `/api/models/${modelId}/audit`),
    },
    {
      name: 'GET export',
      need: ['admin', 'owner', 'editor', 'reviewer', 'viewer'],
      run: (w) => call(w, 'GET', `/api/models/${modelId}/export?format=json`),
    },
    {
      name: 'PATCH threats',
      need: ['admin', 'owner', 'editor', 'reviewer'],
      run: async (w) =>
        call(
          w,
          'PATCH',
          `/api/models/${modelId}/threats`,
          { threats: [{ id: threatId, justification: `by ${w}` }] },
          await etag(),
        ),
    },
    {
      name: 'PUT model',
      need: ['admin', 'owner', 'editor'],
      run: async (w) => {
        const doc = (await call('admin', 'GET', `/api/models/${modelId}`)).json().model;
        doc.metadata.owner = w;
        return call(w, 'PUT', `/api/models/${modelId}`, doc, await etag());
      },
    },
    {
      // Reviewers save triage and review progress, never the design (the entry above).
      name: 'PUT model, triage and review only',
      need: ['admin', 'owner', 'editor', 'reviewer'],
      run: async (w) => {
        const doc = (await call('admin', 'GET', `/api/models/${modelId}`)).json().model;
        const threat = doc.threats.find((t: { id: string }) => t.id === threatId);
        threat.justification = `triaged by ${w}`;
        doc.review = {
          reviewed: [{ interaction: threat.id.split(':').slice(1).join(':'), by: w, at: '2026-11-23T00:00:00Z' }],
        };
        return call(w, 'PUT', `/api/models/${modelId}`, doc, await etag());
      },
    },
    {
      name: 'POST analyze',
      need: ['admin', 'owner', 'editor'],
      run: async (w) => call(w, 'POST', `/api/models/${modelId}/analyze`, undefined, await etag()),
    },
    {
      name: 'POST roles',
      need: ['admin', 'owner'],
      run: (w) => call(w, 'POST', `/api/models/${modelId}/roles`, { user: 'viewer', role: 'viewer' }),
    },
    {
      name: 'GET comments',
      need: ['admin', 'owner', 'editor', 'reviewer', 'viewer'],
      run: (w) => call(w, 'GET', `/api/models/${modelId}/comments`),
    },
    {
      name: 'POST comment',
      need: ['admin', 'owner', 'editor', 'reviewer', 'viewer'],
      run: (w) => call(w, 'POST', `/api/models/${modelId}/comments`, { target: 'model', body: `From ${w}` }),
    },
    {
      // Someone else's thread: the author may resolve their own, anyone from reviewer up any thread.
      name: "PATCH comment (another's thread)",
      need: ['admin', 'owner', 'editor', 'reviewer'],
      run: async (w) => {
        const thread = await call('admin', 'POST', `/api/models/${modelId}/comments`, { target: 'model', body: 'Hm' });
        return call(w, 'PATCH', `/api/models/${modelId}/comments/${thread.json().comment.id}`, { resolved: true });
      },
    },
    {
      name: 'POST signoff',
      need: ['admin', 'owner', 'reviewer'],
      run: async (w) => {
        const tag = await etag();
        return call(w, 'POST', `/api/models/${modelId}/signoff`, { version: Number(tag.replace(/\D/g, '')) }, tag);
      },
    },
    {
      name: 'POST template',
      need: ['admin'],
      run: (w) => call(w, 'POST', '/api/templates', { ...(example as object), schemaVersion: 99 }),
    },
  ];

  it.each(routes.map((r) => [r.name, r] as const))(
    '%s: allowed for its roles, refused for the rest without leaking',
    async (_name, route) => {
      for (const who of [...PEOPLE, 'anonymous'] as Person[]) {
        const r = await route.run(who);
        const allowed = route.need.includes(who);
        if (route.name === 'POST template' && allowed) {
          expect(r.statusCode, `${route.name} as ${who}`).toBe(422); // got past access, then validation
          continue;
        }
        if (allowed) expect(r.statusCode, `${route.name} as ${who}`).toBeLessThan(300);
        else if (who === 'anonymous') expect(r.statusCode, `${route.name} as ${who}`).toBe(401);
        else if (who === 'stranger' && route.name !== 'POST template')
          expect(r.statusCode, `${route.name} as ${who}`).toBe(404);
        else expect(r.statusCode, `${route.name} as ${who}`).toBe(403);
      }
    },
  );

  it('lists only the models a user has a role on', async () => {
    expect((await call('stranger', 'GET', '/api/models')).json().models).toEqual([]);
    expect((await call('viewer', 'GET', '/api/models')).json().models.map((m: { id: string }) => m.id)).toEqual([
      modelId,
    ]);
    expect((await call('anonymous', 'GET', '/api/models')).statusCode).toBe(401);
  });

  it('lets a reviewer save triage but not a change to the diagram', async () => {
    const doc = (await call('admin', 'GET', `/api/models/${modelId}`)).json().model;
    const element = doc.diagrams[0].elements.find((e: { kind: string }) => e.kind === 'process');
    element.name = 'Renamed by a reviewer';
    const r = await call('reviewer', 'PUT', `/api/models/${modelId}`, doc, await etag());
    expect(r.statusCode).toBe(403);
    expect(r.json().message).toContain('not changing the diagrams or the model details; that needs an editor');
    element.position = { x: 5, y: 5, width: 100, height: 100 };
    element.name = (await call('admin', 'GET', `/api/models/${modelId}`))
      .json()
      .model.diagrams[0].elements.find((e: { id: string }) => e.id === element.id).name;
    // Where a shape sits is not the design (the editor lays out models written as code on opening).
    expect((await call('reviewer', 'PUT', `/api/models/${modelId}`, doc, await etag())).statusCode).toBe(200);
  });

  it('lets only the owner delete', async () => {
    expect((await call('editor', 'DELETE', `/api/models/${modelId}`, undefined, await etag())).statusCode).toBe(403);
    expect((await call('stranger', 'DELETE', `/api/models/${modelId}`, undefined, await etag())).statusCode).toBe(404);
    expect((await call('anonymous', 'DELETE', `/api/models/${modelId}`, undefined, await etag())).statusCode).toBe(401);
  });

  it('signs in with a session cookie whose unsafe requests need the CSRF token', async () => {
    expect(
      (await app.inject({ method: 'POST', url: '/api/login', payload: { name: 'reviewer', password: 'wrong' } }))
        .statusCode,
    ).toBe(401);
    const login = await app.inject({
      method: 'POST',
      url: '/api/login',
      payload: { name: 'reviewer', password: 'reviewer-tangerine-umbrella' },
    });
    expect(login.statusCode).toBe(200);
    const setCookie = String(login.headers['set-cookie']);
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Lax/);
    const cookie = setCookie.split(';')[0] as string;
    const csrf = login.json().csrfToken as string;
    const tag = await etag();
    expect((await app.inject({ method: 'GET', url: `/api/models/${modelId}`, headers: { cookie } })).statusCode).toBe(
      200,
    );
    const patch = { threats: [{ id: threatId, status: 'needs-investigation' }] };
    expect(
      (
        await app.inject({
          method: 'PATCH',
          url: `/api/models/${modelId}/threats`,
          payload: patch,
          headers: { cookie, 'if-match': tag },
        })
      ).statusCode,
    ).toBe(403);
    expect(
      (
        await app.inject({
          method: 'PATCH',
          url: `/api/models/${modelId}/threats`,
          payload: patch,
          headers: { cookie, 'if-match': tag, 'x-csrf-token': 'csrf_forged' },
        })
      ).statusCode,
    ).toBe(403);
    expect(
      (
        await app.inject({
          method: 'PATCH',
          url: `/api/models/${modelId}/threats`,
          payload: patch,
          headers: { cookie, 'if-match': tag, 'x-csrf-token': csrf },
        })
      ).statusCode,
    ).toBe(200);
    expect(
      (await app.inject({ method: 'POST', url: '/api/logout', headers: { cookie, 'x-csrf-token': csrf } })).statusCode,
    ).toBe(204);
    expect((await app.inject({ method: 'GET', url: `/api/models/${modelId}`, headers: { cookie } })).statusCode).toBe(
      401,
    );
  });

  it('refuses revoked and made-up tokens, and keeps only hashes of secrets', async () => {
    const users = new UserStore(opened.store.db);
    const viewer = await users.byName('viewer');
    const extra = await users.createToken(viewer?.id ?? '', 'ci');
    expect(
      (await app.inject({ method: 'GET', url: '/api/models', headers: { authorization: `Bearer ${extra.token}` } }))
        .statusCode,
    ).toBe(200);
    await users.revokeToken(extra.id);
    expect(
      (await app.inject({ method: 'GET', url: '/api/models', headers: { authorization: `Bearer ${extra.token}` } }))
        .statusCode,
    ).toBe(401);
    expect(
      (await app.inject({ method: 'GET', url: '/api/models', headers: { authorization: 'Bearer bwk_made-up' } }))
        .statusCode,
    ).toBe(401);
    const stored = await opened.store.db.selectFrom('api_tokens').select('token_hash').execute();
    expect(
      stored.every((t) => /^[0-9a-f]{64}$/.test(t.token_hash) && !Object.values(tokens).includes(t.token_hash)),
    ).toBe(true);
    const pw = await opened.store.db.selectFrom('users').select('password_hash').execute();
    expect(pw.every((u) => u.password_hash?.startsWith('scrypt$'))).toBe(true);
  });
});
