import { readFileSync } from 'node:fs';
import { buildModel } from '@bulwark/core';
import { findChromium } from '@bulwark/report/pdf';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from './app.js';
import { ModelStore } from './storage/ModelStore.js';
import { type Backend, backends } from './testing/backends.js';

const ROOT = new URL('../../../', import.meta.url).pathname;
const example = JSON.parse(readFileSync(`${ROOT}examples/infrastructure.bulwark.json`, 'utf8'));
const tm7 = readFileSync(`${ROOT}packages/formats/fixtures/minimal.tm7`, 'utf8');

describe.each(backends())('HTTP API on $name', (backend: Backend) => {
  let opened: Awaited<ReturnType<Backend['open']>>;
  let app: FastifyInstance;
  beforeAll(async () => {
    opened = await backend.open();
    app = await buildApp({ store: opened.store });
  });
  afterAll(async () => {
    await app.close();
    await opened.dispose();
  });

  const create = async (body: unknown): Promise<{ id: string; etag: string }> => {
    const r = await app.inject({ method: 'POST', url: '/api/models', payload: body as object });
    expect(r.statusCode, r.body).toBe(201);
    return { id: r.json().id, etag: String(r.headers.etag) };
  };

  it('answers /healthz while the database is reachable', async () => {
    const r = await app.inject('/healthz');
    expect(r.statusCode).toBe(200);
    expect(r.json()).toEqual({ ok: true, database: backend.name });
  });

  it('creates a model, lists it and reads it back with its ETag', async () => {
    const { id, etag } = await create(example);
    expect(etag).toBe('"1"');
    const list = (await app.inject('/api/models')).json().models as { id: string; role: string }[];
    expect(list.map((m) => m.id)).toContain(id);
    expect(list.every((m) => m.role === 'owner')).toBe(true); // the one local user owns every model
    const got = await app.inject(`/api/models/${id}`);
    expect(got.headers.etag).toBe('"1"');
    expect(got.json().model.metadata.name).toBe('Infrastructure');
    expect(got.json()).toMatchObject({ id, version: 1, updatedBy: 'local', role: 'owner' });
    const cached = await app.inject({ method: 'GET', url: `/api/models/${id}`, headers: { 'if-none-match': '"1"' } });
    expect(cached.statusCode).toBe(304);
    expect(cached.body).toBe('');
  });

  it('says it is in local mode, where nobody signs in and no CSRF token is needed', async () => {
    const me = await app.inject('/api/me');
    expect(me.statusCode).toBe(200);
    expect(me.json()).toEqual({ user: { id: 'local', name: 'local', isAdmin: true }, mode: 'local', csrfToken: null });
  });

  it('refuses writes that do not say which version they read, and stale ones, without changing anything', async () => {
    const { id } = await create(example);
    const doc = (await app.inject(`/api/models/${id}`)).json().model;
    doc.metadata.owner = 'ana';
    const none = await app.inject({ method: 'PUT', url: `/api/models/${id}`, payload: doc });
    expect(none.statusCode).toBe(428);
    expect(none.json().code).toBe('PRECONDITION_REQUIRED');
    const ok = await app.inject({
      method: 'PUT',
      url: `/api/models/${id}`,
      payload: doc,
      headers: { 'if-match': '"1"' },
    });
    expect(ok.statusCode).toBe(200);
    expect(ok.headers.etag).toBe('"2"');
    doc.metadata.owner = 'bo';
    const stale = await app.inject({
      method: 'PUT',
      url: `/api/models/${id}`,
      payload: doc,
      headers: { 'if-match': '"1"' },
    });
    expect(stale.statusCode).toBe(409);
    expect(stale.json()).toMatchObject({ code: 'VERSION_CONFLICT', currentVersion: 2 });
    expect((await app.inject(`/api/models/${id}`)).json().model.metadata.owner).toBe('ana');
  });

  it('never applies a change to a version other than the one the client named (no lost update in a race)', async () => {
    const { id } = await create(example);
    await app.inject({ method: 'POST', url: `/api/models/${id}/analyze`, headers: { 'if-match': '"1"' } });
    const threat = ((await app.inject(`/api/models/${id}`)).json().model.threats as { id: string }[])[0]?.id ?? '';
    // Client B sends its next edit (If-Match "3") before version 3 exists; B's read of the model
    // is held until client A's write has been acknowledged as version 3.
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    let readStarted: () => void = () => {};
    const reading = new Promise<void>((resolve) => {
      readStarted = resolve;
    });
    class PausingStore extends ModelStore {
      override async get(modelId: string) {
        const m = await super.get(modelId);
        readStarted();
        await held;
        return m;
      }
    }
    const slow = await buildApp({ store: opened.store, models: new PausingStore(opened.store.db) });
    try {
      const b = slow.inject({
        method: 'PATCH',
        url: `/api/models/${id}/threats`,
        headers: { 'if-match': '"3"' },
        payload: { threats: [{ id: threat, justification: 'B' }] },
      });
      await reading;
      const a = await app.inject({
        method: 'PATCH',
        url: `/api/models/${id}/threats`,
        headers: { 'if-match': '"2"' },
        payload: { threats: [{ id: threat, mitigations: 'A' }] },
      });
      expect(a.statusCode).toBe(200);
      expect(a.headers.etag).toBe('"3"');
      release();
      const bResult = await b;
      expect(bResult.statusCode).toBe(409);
      const final = (await app.inject(`/api/models/${id}`)).json();
      expect(final.version).toBe(3);
      expect(
        (final.model.threats as { id: string; mitigations?: string }[]).find((t) => t.id === threat)?.mitigations,
      ).toBe('A');
    } finally {
      release();
      await slow.close();
    }
  });

  it('validates bodies and says where they are wrong', async () => {
    const r = await app.inject({
      method: 'POST',
      url: '/api/models',
      payload: { schemaVersion: 1, metadata: {}, template: { id: 'stride' }, diagrams: [] },
    });
    expect(r.statusCode).toBe(422);
    expect(r.json().code).toBe('SCHEMA_INVALID');
    expect(r.json().details[0].path).toBe('metadata.name');
    expect((await app.inject('/api/models/nope')).statusCode).toBe(404);
  });

  it('analyses, triages threats in bulk, and keeps versions, diffs and an audit log', async () => {
    const { id } = await create({ name: 'Blank shop', template: 'stride' });
    const put = await app.inject({
      method: 'PUT',
      url: `/api/models/${id}`,
      headers: { 'if-match': '"1"' },
      payload: buildModel('Blank shop').entity('u').process('p').flow('u', 'p').build(),
    });
    expect(put.statusCode).toBe(200);
    const analysed = await app.inject({
      method: 'POST',
      url: `/api/models/${id}/analyze`,
      headers: { 'if-match': '"2"' },
    });
    expect(analysed.statusCode, analysed.body).toBe(200);
    // Save version: the analysed working copy (revision 3) kept with a message, no new revision.
    const kept = await app.inject({
      method: 'POST',
      url: `/api/models/${id}/versions`,
      headers: { 'if-match': '"3"' },
      payload: { message: 'Analysed' },
    });
    expect(kept.statusCode, kept.body).toBe(201);
    expect(kept.headers.etag).toBe('"3"');
    const threats = (await app.inject(`/api/models/${id}`)).json().model.threats as { id: string }[];
    expect(threats.length).toBeGreaterThan(2);
    const patch = await app.inject({
      method: 'PATCH',
      url: `/api/models/${id}/threats`,
      headers: { 'if-match': '"3"' },
      payload: { threats: threats.slice(0, 2).map((t) => ({ id: t.id, status: 'mitigated', justification: 'Done' })) },
    });
    expect(patch.statusCode, patch.body).toBe(200);
    // The PUT, the analysis and the triage wrote the working copy only.
    const listed = (await app.inject(`/api/models/${id}/versions`)).json();
    expect(listed.versions.map((v: { version: number; message: string }) => [v.version, v.message])).toEqual([
      [3, 'Analysed'],
      [1, 'Created'],
    ]);
    expect(listed.workingCopy).toMatchObject({ version: 4, changedSinceVersion: 3, updatedBy: 'local' });
    for (const url of [`/api/models/${id}/diff?from=3`, `/api/models/${id}/diff`]) {
      const answer = (await app.inject(url)).json();
      expect(answer).toMatchObject({ from: 3, to: 'working-copy', revision: 4 });
      expect(answer.diff.threats.changed).toHaveLength(2);
    }
    const fromFirst = (await app.inject(`/api/models/${id}/diff?from=1&to=3`)).json();
    expect(fromFirst.diff.elements.added).toHaveLength(3);
    const audit = (await app.inject(`/api/models/${id}/audit`)).json().entries as {
      action: string;
      field: string | null;
      newValue: string | null;
    }[];
    expect(audit.filter((a) => a.action === 'threat.changed' && a.field === 'status').map((a) => a.newValue)).toEqual([
      'mitigated',
      'mitigated',
    ]);
  });

  it('exports the reports: HTML (no scripts allowed), Markdown, CSV, SARIF and, with a browser, PDF', async () => {
    const created = await app.inject({
      method: 'POST',
      url: '/api/models',
      payload: example,
    });
    expect(created.statusCode, created.body).toBe(201);
    const id = created.json().id;
    const html = await app.inject(`/api/models/${id}/export?format=html`);
    expect(html.statusCode).toBe(200);
    expect(html.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(html.headers['content-security-policy']).toContain("default-src 'none'");
    expect(html.headers['content-disposition']).toBe('attachment; filename="Infrastructure-report.html"');
    expect(html.body).toContain('<h1>Infrastructure</h1>');
    const md = await app.inject(`/api/models/${id}/export?format=md`);
    expect(md.body).toContain('```mermaid');
    const csv = await app.inject(`/api/models/${id}/export?format=csv`);
    expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(csv.body.split('\r\n').length).toBeGreaterThan(100);
    const sarif = await app.inject(`/api/models/${id}/export?format=sarif`);
    expect(sarif.json().version).toBe('2.1.0');
    const unknown = await app.inject(`/api/models/${id}/export?format=docx`);
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().message).toContain('html, pdf, md, csv or sarif');
    const pdf = await app.inject(`/api/models/${id}/export?format=pdf`);
    if (findChromium().ok) {
      expect(pdf.statusCode, pdf.body.slice(0, 200)).toBe(200);
      expect(pdf.rawPayload.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    } else {
      expect(pdf.statusCode).toBe(500);
      expect(pdf.json().message).toMatch(/^This server cannot print PDFs\. /);
    }
  }, 60_000);

  it('imports an uploaded .tm7 with its template, and exports JSON and .tm7', async () => {
    const r = await app.inject({
      method: 'POST',
      url: '/api/models',
      payload: tm7,
      headers: { 'content-type': 'application/xml' },
    });
    expect(r.statusCode, r.body).toBe(201);
    const id = r.json().id;
    const analysed = await app.inject({
      method: 'POST',
      url: `/api/models/${id}/analyze`,
      headers: { 'if-match': '"1"' },
    });
    expect(analysed.statusCode, analysed.body).toBe(200);
    expect(r.json().warnings).toBeUndefined();
    const xml = await app.inject(`/api/models/${id}/export?format=tm7`);
    expect(xml.statusCode).toBe(200);
    expect(xml.body).toMatch(/^<ThreatModel /);
    expect(xml.headers['content-type']).toContain('application/xml');
    expect(xml.headers['content-disposition']).toBe('attachment; filename="Shop.tm7"');
    // What the format cannot hold is listed (URI-encoded JSON): here nothing.
    expect(JSON.parse(decodeURIComponent(String(xml.headers['x-bulwark-warnings'])))).toBeInstanceOf(Array);
    const json = await app.inject(`/api/models/${id}/export?format=json`);
    expect(JSON.parse(json.body).metadata.name).toBe('Shop');
    const yaml = await app.inject(`/api/models/${id}/export?format=yaml`);
    expect(yaml.body).toContain('name: Shop');
    const back = await app.inject({
      method: 'POST',
      url: '/api/models',
      payload: yaml.body,
      headers: { 'content-type': 'application/yaml' },
    });
    expect(back.statusCode, back.body).toBe(201);
    expect((await app.inject(`/api/models/${back.json().id}`)).json().model).toEqual(JSON.parse(json.body));
    const templates = (await app.inject('/api/templates')).json().templates as { id: string; builtin: boolean }[];
    // Kept for the uploaded model under an id of its own (storage/TemplateStore.ts), never as a shared template.
    expect(templates.find((t) => !t.builtin)?.id).toMatch(
      /^44444444-0000-4000-8000-000000000001\.imported-[0-9a-f]{12}$/,
    );
    const bad = await app.inject({
      method: 'POST',
      url: '/api/models',
      payload: 'PK\u0003\u0004zip',
      headers: { 'content-type': 'application/octet-stream' },
    });
    expect(bad.statusCode).toBe(400);
  });

  it('deletes only the version it read', async () => {
    const { id } = await create(example);
    expect(
      (await app.inject({ method: 'DELETE', url: `/api/models/${id}`, headers: { 'if-match': '"9"' } })).statusCode,
    ).toBe(409);
    expect(
      (await app.inject({ method: 'DELETE', url: `/api/models/${id}`, headers: { 'if-match': '"1"' } })).statusCode,
    ).toBe(204);
    expect((await app.inject(`/api/models/${id}`)).statusCode).toBe(404);
  });

  it('loses no triage when many clients patch threats at once, retrying on 409', async () => {
    const { id } = await create(example);
    await app.inject({ method: 'POST', url: `/api/models/${id}/analyze`, headers: { 'if-match': '"1"' } });
    const threats = ((await app.inject(`/api/models/${id}`)).json().model.threats as { id: string }[]).slice(0, 25);
    let conflicts = 0;
    await Promise.all(
      threats.map(async (t, i) => {
        for (;;) {
          const current = await app.inject(`/api/models/${id}`);
          const r = await app.inject({
            method: 'PATCH',
            url: `/api/models/${id}/threats`,
            headers: { 'if-match': String(current.headers.etag) },
            payload: { threats: [{ id: t.id, status: 'mitigated', justification: `client ${i}` }] },
          });
          if (r.statusCode === 200) return;
          expect(r.statusCode).toBe(409);
          conflicts++;
        }
      }),
    );
    const final = (await app.inject(`/api/models/${id}`)).json();
    const byId = new Map((final.model.threats as { id: string; justification?: string }[]).map((t) => [t.id, t]));
    threats.forEach((t, i) => {
      expect(byId.get(t.id)?.justification).toBe(`client ${i}`);
    });
    expect(final.version).toBe(2 + threats.length);
    expect(conflicts).toBeGreaterThanOrEqual(0);
  });

  it('publishes an OpenAPI document generated from the request schemas', async () => {
    const doc = (await app.inject('/api/docs/json')).json();
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/api/models', '/api/models/{id}', '/api/models/{id}/threats', '/api/templates']),
    );
    expect(doc.components.schemas.ThreatModel.properties.schemaVersion).toBeDefined();
    expect(doc.components.schemas.ThreatPatch.properties.threats).toBeDefined();
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/login', '/api/logout', '/api/me']));
    expect(doc.components.schemas.Role.enum).toEqual(['viewer', 'reviewer', 'editor', 'owner']);
    for (const schema of ['ModelSummary', 'ModelRead'])
      expect(doc.components.schemas[schema].properties.role).toMatchObject({ $ref: '#/components/schemas/Role' });
    expect(doc.components.schemas.Me.required).toContain('csrfToken');
    expect(doc.paths['/api/login'].post.requestBody.content['application/json'].schema.required).toEqual([
      'name',
      'password',
    ]);
    const page = await app.inject('/api/docs');
    expect(page.body).toContain('/api/models/{id}/analyze');
  });

  it('stores templates uploaded as .tb7, naming broken rules, and refuses duplicates and built-in ids', async () => {
    const tb7 = readFileSync(`${ROOT}packages/formats/fixtures/minimal.tb7`, 'utf8');
    const r = await app.inject({
      method: 'POST',
      url: '/api/templates',
      payload: tb7,
      headers: { 'content-type': 'application/xml' },
    });
    expect(r.statusCode, r.body).toBe(201);
    expect(r.json().brokenRules.map((b: { threatTypeId: string }) => b.threatTypeId)).toEqual(['X2']);
    const again = await app.inject({
      method: 'POST',
      url: '/api/templates',
      payload: tb7,
      headers: { 'content-type': 'application/xml' },
    });
    expect(again.statusCode).toBe(409);
    const stride = (await app.inject('/api/templates/stride')).json().template;
    expect((await app.inject({ method: 'POST', url: '/api/templates', payload: stride })).statusCode).toBe(400);
    expect((await app.inject('/api/templates/55555555-0000-4000-8000-000000000001')).json().template.name).toBe(
      'Bulwark test template',
    );
  });

  it('serves a plain page listing the models, every name escaped', async () => {
    const xss = structuredClone(example);
    xss.metadata.name = '<script>alert(1)</script>';
    await create(xss);
    const page = await app.inject('/');
    expect(page.headers['content-type']).toContain('text/html');
    expect(page.body).not.toContain('<script>alert(1)</script>');
    expect(page.body).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  });
});
