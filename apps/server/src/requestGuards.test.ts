/**
 * The server answers only its own pages: a request naming another Host (DNS rebinding) is
 * refused in every mode, and an unsafe request that a browser says comes from another site
 * (Origin, Sec-Fetch-Site) is refused on every route, signed in or not.
 */
import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from './app.js';
import { allowedHostsFor, crossSiteProblem, hostName, hostProblem } from './requestGuards.js';
import { UserStore } from './storage/UserStore.js';
import { type Backend, backends } from './testing/backends.js';
import { routeList } from './testing/routes.js';

const ROOT = new URL('../../../', import.meta.url).pathname;
const example = JSON.parse(readFileSync(`${ROOT}examples/infrastructure.bulwark.json`, 'utf8'));
const LOOPBACK = new Set(['localhost', '127.0.0.1', '::1']);

describe('Host', () => {
  it.each([
    ['localhost:3000', 'localhost'],
    ['127.0.0.1', '127.0.0.1'],
    ['[::1]:3000', '::1'],
    ['Bulwark.Example.:443', 'bulwark.example'],
    ['evil.example:3000/x', undefined],
    ['a b', undefined],
  ])('hostName(%s) = %s', (header, name) => {
    expect(hostName(header)).toBe(name);
  });

  it('accepts the loopback names and refuses others, saying how to allow a name', () => {
    expect(hostProblem('127.0.0.1:3000', LOOPBACK)).toBeUndefined();
    expect(hostProblem('localhost', LOOPBACK)).toBeUndefined();
    expect(hostProblem('attacker.example:3000', LOOPBACK)).toMatch(/--allowed-host attacker\.example/);
    expect(hostProblem('127.0.0.1.attacker.example', LOOPBACK)).toBeDefined();
    expect(hostProblem(undefined, LOOPBACK)).toMatch(/no Host/);
  });

  it('a server on every address answers to each of them, and to declared names', () => {
    const interfaces = () => ({
      lo: [{ address: '127.0.0.1' }],
      eth0: [{ address: '10.1.2.3' }, { address: 'fe80::1' }],
    });
    const all = allowedHostsFor('0.0.0.0', ['Bulwark.corp.example'], interfaces);
    expect([...all]).toEqual(expect.arrayContaining(['10.1.2.3', 'fe80::1', 'bulwark.corp.example', 'localhost']));
    expect(allowedHostsFor('10.1.2.3', [], interfaces).has('10.1.2.3')).toBe(true);
    expect(allowedHostsFor('127.0.0.1', [], interfaces).has('10.1.2.3')).toBe(false);
  });
});

describe('cross-site requests', () => {
  const host = '127.0.0.1:3000';
  it.each([
    [{ origin: 'http://evil.example', host }, true],
    [{ origin: 'null', host }, true],
    [{ origin: 'http://127.0.0.1:8080', host }, true],
    [{ origin: 'https://127.0.0.1:3000.evil.example', host }, true],
    [{ 'sec-fetch-site': 'cross-site', host }, true],
    [{ 'sec-fetch-site': 'same-site', host }, true],
    [{ 'sec-fetch-site': 'same-origin', origin: 'http://127.0.0.1:3000', host }, false],
    [{ 'sec-fetch-site': 'none', host }, false],
    [{ host }, false],
    [{ origin: 'http://127.0.0.1:3000', host }, false],
  ])('POST with %o refused: %s', (headers, refused) => {
    expect(crossSiteProblem('POST', headers) !== undefined).toBe(refused);
    expect(crossSiteProblem('GET', headers)).toBeUndefined();
  });
});

describe.each(backends())('on the server ($name)', (backend: Backend) => {
  for (const mode of ['none', 'local'] as const) {
    describe(`auth ${mode}`, () => {
      let opened: Awaited<ReturnType<Backend['open']>>;
      let app: FastifyInstance;
      let cookie = '';
      let csrf = '';
      let modelId = '';
      // A signed-in browser (team mode): its cookie and CSRF token ride along, as a browser's would.
      const session = (): Record<string, string> =>
        mode === 'local' ? { cookie: `bulwark_session=${cookie}`, 'x-csrf-token': csrf } : {};

      beforeAll(async () => {
        opened = await backend.open();
        app = await buildApp({ store: opened.store, auth: mode });
        if (mode === 'local') {
          await new UserStore(opened.store.db).add('admin', 'admin-long-passphrase-1', true);
          const login = await app.inject({
            method: 'POST',
            url: '/api/login',
            payload: { name: 'admin', password: 'admin-long-passphrase-1' },
          });
          expect(login.statusCode).toBe(200);
          csrf = login.json().csrfToken;
          cookie = /bulwark_session=([^;]+)/.exec(String(login.headers['set-cookie']))?.[1] ?? '';
        }
        const created = await app.inject({ method: 'POST', url: '/api/models', payload: example, headers: session() });
        expect(created.statusCode).toBe(201);
        modelId = created.json().id;
      });
      afterAll(async () => {
        await app?.close();
        await opened?.dispose();
      });

      const count = async () =>
        (await app.inject({ url: '/api/models', headers: session() })).json().models.length as number;

      it('a no-cors text/plain POST from another origin creates nothing', async () => {
        const before = await count();
        const r = await app.inject({
          method: 'POST',
          url: '/api/models',
          payload: 'schemaVersion: 1\nmetadata: { name: planted }\ntemplate: { id: stride }\ndiagrams: []\n',
          headers: {
            ...session(),
            'content-type': 'text/plain',
            origin: 'http://evil.example',
            'sec-fetch-site': 'cross-site',
          },
        });
        expect(r.statusCode).toBe(403);
        expect(r.json().message).toMatch(/another site/);
        expect(await count()).toBe(before);
      });

      it('every unsafe route refuses another origin before its handler runs', async () => {
        const unsafe = routeList(app).filter((r) => !r.startsWith('GET '));
        expect(unsafe.length).toBeGreaterThan(8);
        for (const route of unsafe) {
          const [method, pattern] = route.split(' ') as [string, string];
          const url = pattern.replace(':id', modelId).replace(':commentId', 'c1');
          for (const headers of [{ origin: 'http://evil.example' }, { 'sec-fetch-site': 'cross-site' }]) {
            const r = await app.inject({
              method: method as 'POST',
              url,
              payload: {},
              headers: { ...session(), ...headers, 'if-match': '"1"' },
            });
            expect(r.statusCode, `${route} ${JSON.stringify(headers)}`).toBe(403);
          }
        }
        const now = await app.inject({ url: `/api/models/${modelId}`, headers: session() });
        expect(now.json().version).toBe(1);
      });

      it('the same origin, and clients that are not browsers, still write', async () => {
        const same = await app.inject({
          method: 'POST',
          url: '/api/models',
          payload: { name: 'Mine', template: 'stride' },
          headers: {
            ...session(),
            host: '127.0.0.1:3000',
            origin: 'http://127.0.0.1:3000',
            'sec-fetch-site': 'same-origin',
          },
        });
        expect(same.statusCode).toBe(201);
        const cli = await app.inject({
          method: 'POST',
          url: '/api/models',
          payload: { name: 'From a script', template: 'stride' },
          headers: session(),
        });
        expect(cli.statusCode).toBe(201);
      });

      it('a request naming another Host is refused, reads too (DNS rebinding)', async () => {
        for (const [method, url] of [
          ['GET', '/api/models'],
          ['GET', `/api/models/${modelId}`],
          ['GET', '/'],
          ['GET', '/healthz'],
          ['POST', '/api/models'],
        ] as const) {
          const r = await app.inject({
            method,
            url,
            headers: { ...session(), host: 'attacker.example:3000' },
            ...(method === 'POST' ? { payload: { name: 'x', template: 'stride' } } : {}),
          });
          expect(r.statusCode, `${method} ${url}`).toBe(403);
          expect(r.body).not.toContain('Infrastructure');
        }
      });
    });
  }
});
