/**
 * The models list carries what the models page shows (issue 16.8): each model's open
 * high-priority threats and element count, kept right by every way a model is written (create,
 * save, triage, import, analysis) without the list reading any document.
 */
import { readFileSync } from 'node:fs';
import { buildModel, type ThreatModel } from '@bulwark/core';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from './app.js';
import { THUMBNAIL_LAYOUT_LIMIT, THUMBNAIL_LIMIT } from './routes/thumbnail.js';
import { countsOf } from './storage/modelSummary.js';
import { type Backend, backends } from './testing/backends.js';

const ROOT = new URL('../../../', import.meta.url).pathname;
const example = JSON.parse(readFileSync(`${ROOT}examples/infrastructure.bulwark.json`, 'utf8')) as ThreatModel;
const tm7 = readFileSync(`${ROOT}packages/formats/fixtures/minimal.tm7`, 'utf8');

function threat(id: string, priority: string, status: 'not-started' | 'needs-investigation' | 'mitigated') {
  return {
    id,
    typeId: 'manual',
    origin: 'manual' as const,
    category: 'S',
    title: id,
    description: id,
    priority,
    status,
  };
}

describe.each(backends())('models list summary on $name', (backend: Backend) => {
  let app: FastifyInstance;
  let opened: Awaited<ReturnType<Backend['open']>>;
  beforeAll(async () => {
    opened = await backend.open();
    app = await buildApp({ store: opened.store });
  });
  afterAll(async () => {
    await app.close();
    await opened.dispose();
  });

  const listed = async (id: string) => {
    const r = await app.inject('/api/models');
    expect(r.statusCode).toBe(200);
    return (r.json().models as { id: string; openHighThreats: number; elementCount: number }[]).find(
      (m) => m.id === id,
    );
  };
  const stored = async (id: string) => countsOf((await app.inject(`/api/models/${id}`)).json().model as ThreatModel);

  it('counts on create, save and triage', async () => {
    const model = buildModel('Shop')
      .process('web')
      .store('db')
      .flow('web', 'db')
      .threat(threat('t1', 'High', 'not-started'))
      .threat(threat('t2', 'High', 'needs-investigation'))
      .threat(threat('t3', 'High', 'mitigated'))
      .threat(threat('t4', 'Medium', 'not-started'))
      .build();
    const created = await app.inject({ method: 'POST', url: '/api/models', payload: model });
    expect(created.statusCode, created.body).toBe(201);
    const { id } = created.json();
    expect(await listed(id)).toMatchObject({ openHighThreats: 2, elementCount: 3 });

    // A save of the whole document: one more element, one threat mitigated.
    const saved = buildModel('Shop')
      .process('web')
      .store('db')
      .entity('user')
      .flow('web', 'db')
      .threat(threat('t1', 'High', 'mitigated'))
      .threat(threat('t2', 'High', 'needs-investigation'))
      .threat(threat('t3', 'High', 'mitigated'))
      .threat(threat('t4', 'Medium', 'not-started'))
      .build();
    const put = await app.inject({
      method: 'PUT',
      url: `/api/models/${id}`,
      payload: saved,
      headers: { 'if-match': '"1"' },
    });
    expect(put.statusCode, put.body).toBe(200);
    expect(await listed(id)).toMatchObject({ openHighThreats: 1, elementCount: 4 });

    // Triage: t2 mitigated (-1), t3 reopened (+1), t4 raised to High (+1).
    const patch = await app.inject({
      method: 'PATCH',
      url: `/api/models/${id}/threats`,
      payload: {
        threats: [
          { id: 't2', status: 'mitigated' },
          { id: 't3', status: 'not-started' },
          { id: 't4', priority: 'High' },
        ],
      },
      headers: { 'if-match': '"2"' },
    });
    expect(patch.statusCode, patch.body).toBe(200);
    expect(await listed(id)).toMatchObject({ openHighThreats: 2, elementCount: 4 });
    expect(await listed(id)).toMatchObject(await stored(id));

    // The same threat changed twice in one patch counts once.
    const twice = await app.inject({
      method: 'PATCH',
      url: `/api/models/${id}/threats`,
      payload: {
        threats: [
          { id: 't3', status: 'mitigated' },
          { id: 't3', priority: 'Low' },
        ],
      },
      headers: { 'if-match': '"3"' },
    });
    expect(twice.statusCode, twice.body).toBe(200);
    expect(await listed(id)).toMatchObject({ openHighThreats: 1 });
    expect(await listed(id)).toMatchObject(await stored(id));
  });

  it('counts imports and the analysis', async () => {
    const imported = await app.inject({
      method: 'POST',
      url: '/api/models',
      payload: tm7,
      headers: { 'content-type': 'application/xml' },
    });
    expect(imported.statusCode, imported.body).toBe(201);
    const tm7Id = imported.json().id;
    expect(await listed(tm7Id)).toMatchObject(await stored(tm7Id));
    expect((await listed(tm7Id))?.elementCount).toBeGreaterThan(0);

    const created = await app.inject({ method: 'POST', url: '/api/models', payload: example });
    const { id } = created.json();
    expect(await listed(id)).toMatchObject(countsOf(example));
    const analyzed = await app.inject({
      method: 'POST',
      url: `/api/models/${id}/analyze`,
      headers: { 'if-match': '"1"' },
    });
    expect(analyzed.statusCode, analyzed.body).toBe(200);
    const after = await stored(id);
    expect(after.openHighThreats).toBeGreaterThan(0);
    expect(await listed(id)).toMatchObject(after);
  });

  it('draws the first diagram as a small SVG, escaped, cached by version, with a placeholder for large models', async () => {
    const model = buildModel('Thumb')
      .process('web', { name: '<script>alert(1)</script>' })
      .store('db')
      .flow('web', 'db')
      .build();
    const { id } = (await app.inject({ method: 'POST', url: '/api/models', payload: model })).json();
    const r = await app.inject(`/api/models/${id}/thumbnail`);
    expect(r.statusCode, r.body).toBe(200);
    expect(r.headers['content-type']).toMatch(/^image\/svg\+xml/);
    expect(r.headers.etag).toBe('"1"');
    expect(r.body).toContain('<svg');
    expect(r.body).toContain('&lt;script&gt;');
    expect(r.body).not.toContain('<script');
    const again = await app.inject({ url: `/api/models/${id}/thumbnail`, headers: { 'if-none-match': '"1"' } });
    expect(again.statusCode).toBe(304);
    expect(again.body).toBe('');

    // Without positions (a model written as code): laid out first.
    const unplaced = buildModel('Code').process('a').store('b').flow('a', 'b').build();
    for (const e of unplaced.diagrams[0]?.elements ?? []) delete (e as { position?: unknown }).position;
    const code = (await app.inject({ method: 'POST', url: '/api/models', payload: unplaced })).json();
    const drawn = await app.inject(`/api/models/${code.id}/thumbnail`);
    expect(drawn.statusCode, drawn.body).toBe(200);
    expect(drawn.body).toContain('<svg');

    const large = buildModel('Large');
    for (let i = 0; i <= THUMBNAIL_LIMIT; i++) large.process(`p${i}`);
    const big = (await app.inject({ method: 'POST', url: '/api/models', payload: large.build() })).json();
    const placeholder = await app.inject(`/api/models/${big.id}/thumbnail`);
    expect(placeholder.statusCode).toBe(200);
    expect(placeholder.body).toContain(`${THUMBNAIL_LIMIT + 1} elements`);

    // A large diagram without positions is not laid out for a thumbnail.
    const wide = buildModel('Wide code');
    for (let i = 0; i <= THUMBNAIL_LAYOUT_LIMIT; i++) wide.process(`q${i}`);
    const wideModel = wide.build();
    for (const e of wideModel.diagrams[0]?.elements ?? []) delete (e as { position?: unknown }).position;
    const w = (await app.inject({ method: 'POST', url: '/api/models', payload: wideModel })).json();
    expect((await app.inject(`/api/models/${w.id}/thumbnail`)).body).toContain('Not laid out yet');

    expect((await app.inject('/api/models/nope/thumbnail')).statusCode).toBe(404);
  });
});
