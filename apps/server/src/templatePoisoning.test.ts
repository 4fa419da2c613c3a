/**
 * Templates are shared state: a knowledge base inside an uploaded file must never replace a
 * built-in template or one other models use, by anyone, and it stays so after a restart. Only
 * administrators add or change shared templates.
 */
import { buildModel, type Template } from '@bulwark/core';
import { formatById } from '@bulwark/formats';
import { loadBuiltinTemplate } from '@bulwark/templates';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from './app.js';
import { UserStore } from './storage/UserStore.js';
import { type Backend, backends } from './testing/backends.js';

const stride = (() => {
  const t = loadBuiltinTemplate('stride');
  if (!t.ok) throw new Error(t.error.message);
  return t.value;
})();

/** The template with the same id, a higher version and every rule rewritten to produce nothing of its own. */
function poisoned(base: Template, version: string): Template {
  return {
    ...base,
    version,
    threatTypes: [
      {
        ...(base.threatTypes[0] as Template['threatTypes'][number]),
        id: 'planted',
        title: 'Planted threat',
        include: "source is 'GE.EI' and target is 'GE.EI'",
      },
    ],
  };
}

/** A .tm7 of a small model carrying `kb` as its knowledge base, as the Microsoft tool writes them. */
function tm7With(kb: Template, name: string): string {
  const model = buildModel(name, kb.id)
    .entity('user')
    .process('web')
    .store('db')
    .flow('user', 'web')
    .flow('web', 'db')
    .build();
  const tm7 = formatById('tm7');
  if (!tm7?.write) throw new Error('no tm7 writer');
  return tm7.write(model, kb).text;
}

describe.each(backends())('template poisoning ($name)', (backend: Backend) => {
  let opened: Awaited<ReturnType<Backend['open']>>;
  let app: FastifyInstance;
  const tokens: Record<string, string> = {};
  let victimModel = '';
  let victimThreats: string[] = [];
  let acmeModel = '';
  let acmeThreats: string[] = [];
  const as = (who: string) => ({ authorization: `Bearer ${tokens[who]}` });

  const start = async () => {
    app = await buildApp({ store: opened.store, auth: 'local' });
  };
  const analyse = async (id: string, who: string): Promise<string[]> => {
    const current = (await app.inject({ url: `/api/models/${id}`, headers: as(who) })).json();
    const r = await app.inject({
      method: 'POST',
      url: `/api/models/${id}/analyze`,
      headers: { ...as(who), 'if-match': `"${current.version}"` },
    });
    expect(r.statusCode, r.body).toBe(200);
    const after = (await app.inject({ url: `/api/models/${id}`, headers: as(who) })).json();
    return (after.model.threats as { id: string; orphaned?: boolean }[])
      .filter((t) => !t.orphaned)
      .map((t) => t.id)
      .sort();
  };
  const upload = (who: string, text: string) =>
    app.inject({
      method: 'POST',
      url: '/api/models',
      payload: text,
      headers: { ...as(who), 'content-type': 'application/xml' },
    });

  beforeAll(async () => {
    opened = await backend.open();
    await start();
    const users = new UserStore(opened.store.db);
    for (const [name, admin] of [
      ['admin', true],
      ['victim', false],
      ['mallory', false],
    ] as const) {
      const u = await users.add(name, `${name}-long-passphrase-42`, admin);
      tokens[name] = (await users.createToken(u.id, 'tests')).token;
    }
    // The victim's stride model, analysed: the threats to keep.
    const model = buildModel('Victim', 'stride')
      .entity('browser')
      .process('app')
      .store('db')
      .flow('browser', 'app')
      .flow('app', 'db')
      .build();
    const created = await app.inject({ method: 'POST', url: '/api/models', payload: model, headers: as('victim') });
    victimModel = created.json().id;
    victimThreats = await analyse(victimModel, 'victim');
    expect(victimThreats.length).toBeGreaterThan(5);
    // A shared custom template, added by an administrator, and a model on it.
    const acme: Template = { ...stride, id: 'acme', name: 'ACME', version: '1.0.0' };
    const added = await app.inject({ method: 'POST', url: '/api/templates', payload: acme, headers: as('admin') });
    expect(added.statusCode, added.body).toBe(201);
    const onAcme = await app.inject({
      method: 'POST',
      url: '/api/models',
      payload: { ...model, template: { id: 'acme' } },
      headers: as('admin'),
    });
    acmeModel = onAcme.json().id;
    acmeThreats = await analyse(acmeModel, 'admin');
    expect(acmeThreats.length).toBeGreaterThan(5);
  });
  afterAll(async () => {
    await app?.close();
    await opened?.dispose();
  });

  it.each([
    ['the built-in stride', () => poisoned(stride, '99.0.0')],
    ['the built-in stride at its own version', () => poisoned(stride, stride.version)],
    ['the shared acme', () => poisoned({ ...stride, id: 'acme', name: 'ACME', version: '1.0.0' }, '2.0.0')],
    [
      'the shared acme at its own version',
      () => poisoned({ ...stride, id: 'acme', name: 'ACME', version: '1.0.0' }, '1.0.0'),
    ],
  ])("a plain user's upload carrying %s changes no one else's threats", async (_what, kb) => {
    const r = await upload('mallory', tm7With(kb(), 'Trojan'));
    expect(r.statusCode, r.body).toBe(201);
    expect(r.json().warnings?.join(' ')).toMatch(/kept as ".*\.imported-[0-9a-f]{12}" for this model only/);
    // The uploader's model keeps its own knowledge base, under an id nobody else uses.
    const mine = (await app.inject({ url: `/api/models/${r.json().id}`, headers: as('mallory') })).json().model;
    expect(mine.template.id).toMatch(/\.imported-[0-9a-f]{12}$/);
    expect(await analyse(r.json().id, 'mallory')).toEqual([]);
    expect(await analyse(victimModel, 'victim')).toEqual(victimThreats);
    expect(await analyse(acmeModel, 'admin')).toEqual(acmeThreats);
    // What the web app reads to analyse in the browser is unchanged too.
    const served = (await app.inject({ url: '/api/templates/stride', headers: as('victim') })).json().template;
    expect(served).toEqual(stride);
    const acme = (await app.inject({ url: '/api/templates/acme', headers: as('admin') })).json().template;
    expect(acme.version).toBe('1.0.0');
    expect(acme.threatTypes.length).toBe(stride.threatTypes.length);
  });

  it('stays so after a restart', async () => {
    await app.close();
    await start();
    expect(await analyse(victimModel, 'victim')).toEqual(victimThreats);
    expect(await analyse(acmeModel, 'admin')).toEqual(acmeThreats);
    const versions = (await app.inject({ url: '/api/templates/stride/versions', headers: as('victim') })).json();
    expect(versions.versions.map((v: { version: string }) => v.version)).toEqual([stride.version]);
    const listed = (await app.inject({ url: '/api/templates', headers: as('victim') })).json().templates;
    expect(listed.filter((t: { id: string }) => t.id === 'stride').length).toBe(1);
  });

  it('the same upload twice keeps one copy; a knowledge base equal to a stored template uses it', async () => {
    const kb = poisoned(stride, '77.0.0');
    const a = await upload('mallory', tm7With(kb, 'Twice'));
    const b = await upload('mallory', tm7With(kb, 'Twice'));
    const idOf = async (r: typeof a) =>
      (await app.inject({ url: `/api/models/${r.json().id}`, headers: as('mallory') })).json().model.template.id;
    expect(await idOf(a)).toBe(await idOf(b));
    const plain = await upload('mallory', tm7With(stride, 'Plain stride'));
    expect(plain.json().warnings ?? [], JSON.stringify(plain.json().warnings)).not.toEqual(
      expect.arrayContaining([expect.stringMatching(/kept as/)]),
    );
    expect(await idOf(plain)).toBe('stride');
  });

  it('only administrators add or change shared templates', async () => {
    const acme2 = { ...stride, id: 'acme', name: 'ACME', version: '3.0.0' };
    for (const who of ['victim', 'mallory']) {
      expect(
        (await app.inject({ method: 'POST', url: '/api/templates', payload: acme2, headers: as(who) })).statusCode,
      ).toBe(403);
      const save = await app.inject({
        method: 'POST',
        url: '/api/templates/acme/versions',
        payload: { template: acme2, baseVersion: '1.0.0' },
        headers: as(who),
      });
      expect(save.statusCode).toBe(403);
    }
    const reserved = await app.inject({
      method: 'POST',
      url: '/api/templates',
      payload: { ...stride, id: 'acme.imported-0123456789ab', version: '1' },
      headers: as('admin'),
    });
    expect(reserved.statusCode).toBe(400);
    expect(reserved.json().message).toMatch(/kept for knowledge bases of uploaded models/);
  });
});
