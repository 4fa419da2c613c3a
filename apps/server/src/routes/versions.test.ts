import { readFileSync } from 'node:fs';
import { buildModel, modelDigest, type ThreatModel } from '@bulwark/core';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../app.js';
import { UserStore } from '../storage/UserStore.js';
import { type Backend, backends } from '../testing/backends.js';

const ROOT = new URL('../../../../', import.meta.url).pathname;
const example = JSON.parse(readFileSync(`${ROOT}examples/infrastructure.bulwark.json`, 'utf8')) as ThreatModel;

interface Listed {
  versions: { version: number; author: string; message: string; kind: string; createdAt: string }[];
  workingCopy: { version: number; changedSinceVersion: number | null; updatedBy: string; updatedAt: string };
}

describe.each(backends())('versions made on purpose on $name', (backend: Backend) => {
  let opened: Awaited<ReturnType<Backend['open']>>;
  let app: FastifyInstance;
  let team: FastifyInstance;
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    opened = await backend.open();
    app = await buildApp({ store: opened.store, localUser: 'ana' });
    team = await buildApp({ store: opened.store, auth: 'local' });
    const users = new UserStore(opened.store.db);
    for (const p of ['owner', 'reviewer'])
      tokens[p] = (await users.createToken((await users.add(p, `${p}-tangerine-umbrella`)).id, 't')).token;
  });
  afterAll(async () => {
    await app.close();
    await team.close();
    await opened.dispose();
  });

  const listed = async (id: string): Promise<Listed> => (await app.inject(`/api/models/${id}/versions`)).json();
  const put = (id: string, revision: number, model: ThreatModel, message?: string) =>
    app.inject({
      method: 'PUT',
      url: `/api/models/${id}${message === undefined ? '' : `?message=${encodeURIComponent(message)}`}`,
      headers: { 'if-match': `"${revision}"` },
      payload: model,
    });
  const saveVersion = (id: string, revision: number, payload: object) =>
    app.inject({
      method: 'POST',
      url: `/api/models/${id}/versions`,
      headers: { 'if-match': `"${revision}"` },
      payload,
    });
  const restore = (id: string, revision: number, version: number) =>
    app.inject({
      method: 'POST',
      url: `/api/models/${id}/versions/${version}/restore`,
      headers: { 'if-match': `"${revision}"` },
    });
  const shop = (...names: string[]) => {
    let b = buildModel('Shop');
    for (const n of names) b = b.process(n);
    return b.build();
  };

  it('autosaves write the working copy; Save version keeps it with who, when and message', async () => {
    const created = await app.inject({ method: 'POST', url: '/api/models?filename=shop.json', payload: shop('a') });
    expect(created.statusCode, created.body).toBe(201);
    const id = created.json().id as string;
    for (let i = 1; i <= 4; i++) expect((await put(id, i, shop('a', `p${i}`))).statusCode).toBe(200);
    let list = await listed(id);
    expect(list.versions.map((v) => [v.version, v.author, v.message, v.kind])).toEqual([
      [1, 'ana', 'Imported from shop.json', 'imported'],
    ]);
    expect(list.workingCopy).toMatchObject({ version: 5, changedSinceVersion: 1, updatedBy: 'ana' });

    const empty = await saveVersion(id, 5, { message: '   ' });
    expect(empty.statusCode).toBe(422);
    expect(empty.json().message).toContain('a version needs a message');
    expect((await saveVersion(id, 5, { message: 'x'.repeat(1001) })).statusCode).toBe(422);
    const stale = await saveVersion(id, 4, { message: 'Late' });
    expect(stale.statusCode).toBe(409);
    expect(stale.json()).toMatchObject({ code: 'VERSION_CONFLICT', currentVersion: 5 });
    expect(
      (await app.inject({ method: 'POST', url: `/api/models/${id}/versions`, payload: { message: 'x' } })).statusCode,
    ).toBe(428);

    const saved = await saveVersion(id, 5, { message: ' Added p4 ' });
    expect(saved.statusCode, saved.body).toBe(201);
    expect(saved.headers.etag).toBe('"5"');
    expect(saved.json()).toEqual({ id, version: 5, message: 'Added p4', kind: 'saved' });
    const again = await saveVersion(id, 5, { message: 'Again' });
    expect(again.statusCode).toBe(400);
    expect(again.json().message).toBe('Nothing changed since version 5 was saved: the working copy is that version.');
    list = await listed(id);
    expect(list.versions.map((v) => [v.version, v.author, v.message, v.kind])).toEqual([
      [5, 'ana', 'Added p4', 'saved'],
      [1, 'ana', 'Imported from shop.json', 'imported'],
    ]);
    expect(Math.abs(Date.parse(list.versions[0]?.createdAt ?? '') - Date.now())).toBeLessThan(60_000);
    expect(list.workingCopy.changedSinceVersion).toBeNull();
    expect((await app.inject(`/api/models/${id}`)).headers.etag).toBe('"5"');
  });

  it('a PUT with ?message= keeps a version; an empty one is refused', async () => {
    const id = (await app.inject({ method: 'POST', url: '/api/models', payload: shop('a') })).json().id as string;
    const blank = await put(id, 1, shop('a', 'b'), ' ');
    expect(blank.statusCode).toBe(400);
    expect(blank.json().message).toContain('A version needs a message');
    expect((await put(id, 1, shop('a', 'b'), 'Added b')).statusCode).toBe(200);
    expect((await listed(id)).versions.map((v) => [v.version, v.message, v.kind])).toEqual([
      [2, 'Added b', 'saved'],
      [1, 'Created', 'created'],
    ]);
  });

  it('diffs any two versions, and a version against the working copy', async () => {
    const id = (await app.inject({ method: 'POST', url: '/api/models', payload: shop('a') })).json().id as string;
    expect((await put(id, 1, shop('a', 'b'), 'Added b')).statusCode).toBe(200);
    expect((await put(id, 2, shop('a', 'b', 'c'))).statusCode).toBe(200);
    const diff = async (query: string) => (await app.inject(`/api/models/${id}/diff${query}`)).json();
    const names = (d: { diff: { elements: { added: { name: string }[]; removed: { name: string }[] } } }) => [
      d.diff.elements.added.map((e) => e.name),
      d.diff.elements.removed.map((e) => e.name),
    ];
    expect(names(await diff('?from=1&to=2'))).toEqual([['b'], []]);
    expect(names(await diff('?from=2&to=1'))).toEqual([[], ['b']]);
    expect(await diff('')).toMatchObject({ from: 2, to: 'working-copy', revision: 3 });
    expect(names(await diff(''))).toEqual([['c'], []]);
    expect(names(await diff('?from=1'))).toEqual([['b', 'c'], []]);
    // The working copy's revision reads as the working copy.
    expect(names(await diff('?from=1&to=3'))).toEqual([['b', 'c'], []]);
    const missing = await app.inject(`/api/models/${id}/diff?from=7`);
    expect(missing.statusCode).toBe(404);
    expect(missing.json().message).toContain('has no version 7');
    expect((await app.inject(`/api/models/${id}/diff?from=x`)).statusCode).toBe(400);
  });

  it('restores a version as the working copy, kept as a version', async () => {
    const id = (await app.inject({ method: 'POST', url: '/api/models', payload: shop('a') })).json().id as string;
    expect((await put(id, 1, shop('a', 'b'))).statusCode).toBe(200);
    expect((await put(id, 2, shop('a', 'b', 'c'), 'Three')).statusCode).toBe(200);
    expect((await restore(id, 2, 1)).statusCode).toBe(409);
    expect((await restore(id, 3, 9)).statusCode).toBe(404);
    const r = await restore(id, 3, 1);
    expect(r.statusCode, r.body).toBe(200);
    expect(r.headers.etag).toBe('"4"');
    expect(r.json()).toEqual({ id, version: 4, restored: 1 });
    const now = (await app.inject(`/api/models/${id}`)).json().model as ThreatModel;
    expect(now.diagrams[0]?.elements.map((e) => e.name)).toEqual(['a']);
    const list = await listed(id);
    expect(list.versions.map((v) => [v.version, v.message, v.kind])).toEqual([
      [4, 'Restored version 1', 'restored'],
      [3, 'Three', 'saved'],
      [1, 'Created', 'created'],
    ]);
    expect(list.workingCopy.changedSinceVersion).toBeNull();
    const audit = (await app.inject(`/api/models/${id}/audit`)).json().entries as { action: string; subject: string }[];
    expect(audit.filter((e) => e.action === 'element.removed').map((e) => e.subject)).toHaveLength(2);
  });

  it('a restore keeps the sign-offs of now; signing off the working copy keeps what was signed', async () => {
    const id = (await app.inject({ method: 'POST', url: '/api/models', payload: example })).json().id as string;
    const edited = structuredClone(example);
    edited.metadata.description = 'Edited';
    expect((await put(id, 1, edited)).statusCode).toBe(200);
    const signed = await app.inject({
      method: 'POST',
      url: `/api/models/${id}/signoff`,
      headers: { 'if-match': '"2"' },
      payload: { version: 2 },
    });
    expect(signed.statusCode, signed.body).toBe(200);
    expect(signed.json().signOff.digest).toBe(modelDigest(edited));
    expect((await listed(id)).versions.map((v) => [v.version, v.message, v.kind])).toEqual([
      [3, 'Signed off version 2', 'signed-off'],
      [2, 'Version signed off by ana', 'saved'],
      [1, 'Created', 'created'],
    ]);
    expect(modelDigest((await app.inject(`/api/models/${id}/versions/2`)).json().model)).toBe(modelDigest(edited));
    expect((await restore(id, 3, 1)).statusCode).toBe(200);
    const now = (await app.inject(`/api/models/${id}`)).json().model as ThreatModel;
    expect(now.metadata.description).toBe(example.metadata.description);
    expect(now.review?.signOffs?.map((s) => s.version)).toEqual([2]);
  });

  it('in team mode only editors and owners save versions and restore', async () => {
    const as = (p: string) => ({ authorization: `Bearer ${tokens[p]}` });
    const created = await team.inject({ method: 'POST', url: '/api/models', payload: shop('a'), headers: as('owner') });
    const id = created.json().id as string;
    await team.inject({
      method: 'POST',
      url: `/api/models/${id}/roles`,
      payload: { user: 'reviewer', role: 'reviewer' },
      headers: as('owner'),
    });
    const post = (p: string, url: string, payload?: object) =>
      team.inject({ method: 'POST', url, headers: { ...as(p), 'if-match': '"1"' }, ...(payload ? { payload } : {}) });
    expect((await post('reviewer', `/api/models/${id}/versions`, { message: 'x' })).statusCode).toBe(403);
    expect((await post('reviewer', `/api/models/${id}/versions/1/restore`)).statusCode).toBe(403);
    expect((await post('owner', `/api/models/${id}/versions/1/restore`)).statusCode).toBe(200);
    const list = (await team.inject({ url: `/api/models/${id}/versions`, headers: as('reviewer') })).json() as Listed;
    expect(list.versions[0]).toMatchObject({ version: 2, author: 'owner', kind: 'restored' });
  });

  it('publishes the version routes in the OpenAPI document', async () => {
    const doc = (await app.inject('/api/docs/json')).json();
    expect(Object.keys(doc.paths['/api/models/{id}/versions'])).toEqual(expect.arrayContaining(['get', 'post']));
    expect(doc.paths['/api/models/{id}/versions/{version}/restore'].post).toBeDefined();
    expect(doc.components.schemas.SaveVersion.properties.message.maxLength).toBe(1000);
    expect(doc.components.schemas.Versions.required).toEqual(['versions', 'workingCopy']);
  });
});
