/**
 * Access is decided on the route the router matched: every route, spelled every way a client can
 * spell a path that still reaches it (percent-encoded letters, doubled slashes, dot segments,
 * trailing slashes, matrix parameters), meets the same check as its plain spelling.
 */
import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from './app.js';
import { accessOf } from './routeAccess.js';
import { UserStore } from './storage/UserStore.js';
import { type Backend, backends } from './testing/backends.js';
import { routeList } from './testing/routes.js';

const ROOT = new URL('../../../', import.meta.url).pathname;
const example = JSON.parse(readFileSync(`${ROOT}examples/infrastructure.bulwark.json`, 'utf8'));

/** Percent-encodes the character at `i` of `s` (lower or upper case hex). */
const encodeAt = (s: string, i: number, upper = false): string => {
  const hex = (s.codePointAt(i) ?? 0).toString(16).padStart(2, '0');
  return `${s.slice(0, i)}%${upper ? hex.toUpperCase() : hex}${s.slice(i + 1)}`;
};

/** Ways to write `path` that a lenient router may still match to the same route. */
export function spellings(path: string): string[] {
  const segments = path.split('/').slice(1);
  const out = new Set<string>([path]);
  segments.forEach((segment, n) => {
    for (let i = 0; i < segment.length; i++) {
      if (!/[A-Za-z0-9]/.test(segment[i] ?? '')) continue;
      const encoded = [...segments];
      encoded[n] = encodeAt(segment, i, i % 2 === 1);
      out.add(`/${encoded.join('/')}`);
    }
    // Every letter of the segment encoded.
    const whole = [...segments];
    whole[n] = [...segment].map((c) => `%${(c.codePointAt(0) ?? 0).toString(16)}`).join('');
    out.add(`/${whole.join('/')}`);
  });
  out.add(`/${path}`);
  out.add(`${path}/`);
  out.add(path.replace('/', '/./'));
  out.add(path.replace(/^\/([^/]+)/, '/$1/x/..'));
  out.add(`${path};a=b`);
  out.add(`${path}?a=1&a=2`);
  out.add(`${path}#frag`);
  out.add(path.replace(/\//g, '//'));
  out.add(path.toUpperCase());
  out.add(path.replace(/\//g, '%2f').replace(/^%2f/, '/'));
  return [...out];
}

describe.each(backends())('access on the matched route ($name)', (backend: Backend) => {
  let opened: Awaited<ReturnType<Backend['open']>>;
  let app: FastifyInstance;
  const tokens: Record<string, string> = {};
  let modelId = '';
  let commentId = '';

  beforeAll(async () => {
    opened = await backend.open();
    app = await buildApp({ store: opened.store, auth: 'local' });
    const users = new UserStore(opened.store.db);
    for (const [name, admin] of [
      ['owner', false],
      ['viewer', false],
      ['stranger', false],
    ] as const) {
      const u = await users.add(name, `${name}-correct-horse-battery`, admin);
      tokens[name] = (await users.createToken(u.id, 'tests')).token;
    }
    const bearer = (who: string) => ({ authorization: `Bearer ${tokens[who]}` });
    const created = await app.inject({
      method: 'POST',
      url: '/api/models',
      payload: example,
      headers: bearer('owner'),
    });
    expect(created.statusCode).toBe(201);
    modelId = created.json().id;
    const granted = await app.inject({
      method: 'POST',
      url: `/api/models/${modelId}/roles`,
      payload: { user: 'viewer', role: 'viewer' },
      headers: bearer('owner'),
    });
    expect(granted.statusCode).toBe(200);
    const comment = await app.inject({
      method: 'POST',
      url: `/api/models/${modelId}/comments`,
      payload: { target: 'model', body: 'first' },
      headers: bearer('owner'),
    });
    commentId = comment.json().comment.id;
  });
  afterAll(async () => {
    await app?.close();
    await opened?.dispose();
  });

  const concrete = (pattern: string): string =>
    pattern
      .replace(/^\/api\/templates\/:id/, '/api/templates/stride')
      .replace(':id', modelId)
      .replace(':version', '1')
      .replace(':commentId', commentId)
      .replace('*', 'index.html');

  it('the spellings include the ones seen to slip past a prefix check', () => {
    expect(spellings('/api/templates')).toContain('/%61pi/templates');
    expect(spellings('/api/formats')).toContain('//api/formats');
  });

  it('no spelling of a route reaches its handler without the caller it needs', async () => {
    const slipped: string[] = [];
    let checked = 0;
    for (const route of routeList(app)) {
      const [method, pattern] = route.split(' ') as [string, string];
      const access = accessOf(method, pattern);
      expect(access, `${route} is in ROUTE_ACCESS`).toBeDefined();
      if (access === 'public') continue;
      const payload = method === 'GET' || method === 'DELETE' ? undefined : {};
      for (const url of spellings(concrete(pattern))) {
        const callers: [string, Record<string, string>][] = [['anonymous', {}]];
        if (access !== 'signed-in') callers.push(['stranger', { authorization: `Bearer ${tokens.stranger}` }]);
        if (typeof access === 'object' && access.model !== 'viewer')
          callers.push(['viewer', { authorization: `Bearer ${tokens.viewer}` }]);
        for (const [who, headers] of callers) {
          const r = await app.inject({
            method: method as 'GET',
            url,
            headers,
            ...(payload !== undefined ? { payload } : {}),
          });
          checked += 1;
          // 401 (anonymous), 403 (wrong role), 404 (no role, or the router matched nothing),
          // 400 (a malformed path): anything else means the handler ran for someone it should not.
          if (![400, 401, 403, 404, 405].includes(r.statusCode))
            slipped.push(`${who} ${method} ${url} -> ${r.statusCode}`);
        }
      }
    }
    expect(checked).toBeGreaterThan(500);
    expect(slipped).toEqual([]);
  });

  it('the plain spellings still work for the callers who may use them', async () => {
    const owner = { authorization: `Bearer ${tokens.owner}` };
    for (const url of ['/api/templates', '/%61pi/templates', '/api/formats', `/api/models/${modelId}`]) {
      expect((await app.inject({ url, headers: owner })).statusCode, url).toBe(200);
    }
  });
});
