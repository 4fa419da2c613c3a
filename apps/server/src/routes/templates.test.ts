import { readFileSync } from 'node:fs';
import { importTb7 } from '@bulwark/formats';
import { describe, expect, it } from 'vitest';
import { type Backend, backends } from '../testing/backends.js';
import { suiteApp } from '../testing/suiteApp.js';
import { nextTemplateVersion } from './templates.js';

const ROOT = new URL('../../../../', import.meta.url).pathname;
const XML = { 'content-type': 'application/xml' };
const tb7 = readFileSync(`${ROOT}packages/formats/fixtures/minimal.tb7`, 'utf8');

describe('nextTemplateVersion', () => {
  it.each([
    ['1.0.0', '1.0.1'],
    ['4.1.0.11', '4.1.0.12'],
    ['7', '8'],
    ['1.0.9', '1.0.10'],
    ['beta', 'beta.1'],
  ])('%s -> %s', (from, to) => expect(nextTemplateVersion(from)).toBe(to));
  it('skips versions already taken', () => expect(nextTemplateVersion('1.0.0', new Set(['1.0.1']))).toBe('1.0.2'));
});

describe.each(backends())('template routes on $name', (backend: Backend) => {
  const app = suiteApp(backend);

  const stride = async () => (await app().inject('/api/templates/stride')).json().template;
  const mine = async () => ({ ...(await stride()), id: 'my-stride', name: 'My STRIDE', version: '1.0.0' });

  it('reads a built-in template, its versions, and says it is built in', async () => {
    const r = await app().inject('/api/templates/stride');
    expect(r.statusCode).toBe(200);
    expect(r.json().builtin).toBe(true);
    expect(r.json().tb7Losses).toContain("the template's description");
    const versions = (await app().inject('/api/templates/stride/versions')).json().versions;
    expect(versions).toEqual([expect.objectContaining({ version: r.json().template.version, builtin: true })]);
    expect((await app().inject('/api/templates/nope/versions')).statusCode).toBe(422);
  });

  it('saves the next version of a user template, numbered by the server, and refuses a stale one', async () => {
    const created = await app().inject({ method: 'POST', url: '/api/templates', payload: await mine() });
    expect(created.statusCode, created.body).toBe(201);
    const edited = { ...(await mine()), name: 'My STRIDE, edited' };
    const saved = await app().inject({
      method: 'POST',
      url: '/api/templates/my-stride/versions',
      payload: { template: edited, baseVersion: '1.0.0' },
    });
    expect(saved.statusCode, saved.body).toBe(201);
    expect(saved.json()).toMatchObject({ id: 'my-stride', version: '1.0.1', brokenRules: [] });
    const stale = await app().inject({
      method: 'POST',
      url: '/api/templates/my-stride/versions',
      payload: { template: edited, baseVersion: '1.0.0' },
    });
    expect(stale.statusCode).toBe(409);
    expect(stale.json()).toMatchObject({ code: 'VERSION_CONFLICT', currentVersion: '1.0.1' });

    expect((await app().inject('/api/templates/my-stride')).json().template).toMatchObject({
      name: 'My STRIDE, edited',
      version: '1.0.1',
    });
    expect((await app().inject('/api/templates/my-stride?version=1.0.0')).json().template.name).toBe('My STRIDE');
    expect((await app().inject('/api/templates/my-stride?version=9.9.9')).statusCode).toBe(404);
    const versions = (await app().inject('/api/templates/my-stride/versions')).json().versions;
    expect(versions.map((v: { version: string }) => v.version)).toEqual(['1.0.1', '1.0.0']);
    // A model created now uses the newest version.
    const model = await app().inject({
      method: 'POST',
      url: '/api/models',
      payload: { name: 'm', template: 'my-stride' },
    });
    expect((await app().inject(`/api/models/${model.json().id}`)).json().model.template).toEqual({
      id: 'my-stride',
      version: '1.0.1',
    });
  });

  it('reports broken rules on save, refuses invalid templates and built-in ids', async () => {
    await app().inject({ method: 'POST', url: '/api/templates', payload: { ...(await mine()), id: 'broken-one' } });
    const t = { ...(await mine()), id: 'broken-one' };
    t.threatTypes = [{ ...t.threatTypes[0], include: "source is 'GE.P' and" }];
    const saved = await app().inject({
      method: 'POST',
      url: '/api/templates/broken-one/versions',
      payload: { template: t, baseVersion: '1.0.0' },
    });
    expect(saved.statusCode, saved.body).toBe(201);
    expect(saved.json().brokenRules).toEqual([expect.objectContaining({ rule: 'include' })]);
    const invalid = await app().inject({
      method: 'POST',
      url: '/api/templates/broken-one/versions',
      payload: { template: { ...t, categories: 'x' }, baseVersion: '1.0.1' },
    });
    expect(invalid.statusCode).toBe(422);
    expect(
      (await app().inject({ method: 'POST', url: '/api/templates/broken-one/versions', payload: {} })).statusCode,
    ).toBe(422);
    const builtin = await app().inject({
      method: 'POST',
      url: '/api/templates/stride/versions',
      payload: { template: await stride(), baseVersion: '1.0.0' },
    });
    expect(builtin.statusCode).toBe(400);
  });

  it('downloads a template as JSON and as a .tb7 that reads back', async () => {
    const json = await app().inject('/api/templates/stride/export?format=json');
    expect(json.headers['content-type']).toContain('application/json');
    expect(json.headers['content-disposition']).toMatch(/^attachment; filename="STRIDE-[\d.]+\.json"$/);
    expect(JSON.parse(json.body).id).toBe('stride');
    const xml = await app().inject('/api/templates/stride/export?format=tb7');
    expect(xml.headers['content-type']).toContain('application/xml');
    const back = importTb7(xml.body);
    expect(back.ok && back.value.threatTypes.length).toBeGreaterThan(10);
    expect((await app().inject('/api/templates/stride/export?format=docx')).statusCode).toBe(400);
  });

  it('stores a .tb7 upload and edits it like any template', async () => {
    const r = await app().inject({ method: 'POST', url: '/api/templates', payload: tb7, headers: XML });
    expect(r.statusCode, r.body).toBe(201);
    const id = r.json().id as string;
    const t = (await app().inject(`/api/templates/${id}`)).json().template;
    const saved = await app().inject({
      method: 'POST',
      url: `/api/templates/${id}/versions`,
      payload: { template: t, baseVersion: '2.0.0' },
    });
    expect(saved.json().version).toBe('2.0.1');
  });
});
