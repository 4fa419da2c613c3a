/**
 * A model converted from a .tm7 travels with its template (issue 17.9): `bulwark convert` embeds
 * the file's knowledge base (`template.embedded`), the server keeps it for that model alone (never
 * over a template others use) and analyses the upload as the CLI does. And a .tm7 with flows left
 * unattached is answered with a warning naming each (issue 17.7).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildModel, embedTemplate, serializeModel } from '@bulwark/core';
import { loadBuiltinTemplate } from '@bulwark/templates';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from './app.js';
import { type Backend, backends } from './testing/backends.js';

const ROOT = new URL('../../../', import.meta.url).pathname;
const CLI = join(ROOT, 'apps/cli/bin/bulwark.js');
/** A real file whose author left 7 of its 17 flows unattached (read from ../shared, never copied). */
const TM7 = join(ROOT, '../shared/corpus/tmt/AlfonsoConte__UninaBandi-ESAME-SSD__New_Threat_Model.tm7');
const present = existsSync(TM7);
if (!present)
  console.warn(`skipping the converted .tm7 upload tests: ${TM7} is absent (the corpus lives in ../shared)`);

const dir = mkdtempSync(join(tmpdir(), 'bulwark-converted-'));
const cli = (...args: string[]): string =>
  execFileSync(process.execPath, [CLI, ...args], { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

/** The CLI's conversion, and the threats its analysis gives (not orphaned), as ids. */
let converted = '';
let cliThreats: string[] = [];
if (present) {
  cli('convert', TM7, '-o', 'converted.bulwark.json');
  // Without the copy convert keeps in .bulwark/templates: the model file alone must do.
  rmSync(join(dir, '.bulwark'), { recursive: true, force: true });
  converted = readFileSync(join(dir, 'converted.bulwark.json'), 'utf8');
  const analysed = JSON.parse(cli('analyze', 'converted.bulwark.json', '--format', 'json')) as {
    threats: { id: string; orphaned?: boolean }[];
  };
  cliThreats = analysed.threats
    .filter((t) => !t.orphaned)
    .map((t) => t.id)
    .sort();
}

const stride = (() => {
  const t = loadBuiltinTemplate('stride');
  if (!t.ok) throw new Error(t.error.message);
  return t.value;
})();

describe.each(backends())('a converted .tm7 uploaded ($name)', (backend: Backend) => {
  let opened: Awaited<ReturnType<Backend['open']>>;
  let app: FastifyInstance;
  beforeAll(async () => {
    opened = await backend.open();
    app = await buildApp({ store: opened.store });
  });
  afterAll(async () => {
    await app?.close();
    await opened?.dispose();
  });

  const upload = (payload: string, filename: string) =>
    app.inject({
      method: 'POST',
      url: `/api/models?filename=${encodeURIComponent(filename)}`,
      payload,
      headers: { 'content-type': 'application/octet-stream' },
    });
  const analyse = async (id: string): Promise<string[]> => {
    const current = (await app.inject({ url: `/api/models/${id}` })).json();
    const r = await app.inject({
      method: 'POST',
      url: `/api/models/${id}/analyze`,
      headers: { 'if-match': `"${current.version}"` },
    });
    expect(r.statusCode, r.body).toBe(200);
    const after = (await app.inject({ url: `/api/models/${id}` })).json();
    return (after.model.threats as { id: string; orphaned?: boolean }[])
      .filter((t) => !t.orphaned)
      .map((t) => t.id)
      .sort();
  };

  it.skipIf(!present)('analyses the model as the CLI does, with the template it carries', async () => {
    expect(JSON.parse(converted).template.embedded.id).toBe(JSON.parse(converted).template.id);
    const r = await upload(converted, 'converted.bulwark.json');
    expect(r.statusCode, r.body).toBe(201);
    expect(r.json().warnings.join('\n')).toMatch(
      /embedded template "SDL TM Knowledge Base \(Core\)" .* is kept on this server for this model alone/,
    );
    const stored = (await app.inject({ url: `/api/models/${r.json().id}` })).json().model;
    expect(stored.template.embedded).toBeUndefined();
    expect(cliThreats.length).toBeGreaterThan(50);
    expect(await analyse(r.json().id)).toEqual(cliThreats);
  });

  it.skipIf(!present)('names each unattached flow of a .tm7 upload in its answer and its summary', async () => {
    const r = await upload(readFileSync(TM7, 'utf8'), 'New_Threat_Model.tm7');
    expect(r.statusCode, r.body).toBe(201);
    const loose = (w: string[]) => w.filter((x) => x.includes('kept without an end: attach it in the editor'));
    expect(loose(r.json().warnings)).toHaveLength(7);
    expect(loose(r.json().summary.warnings)).toHaveLength(7);
    expect(r.json().warnings.join('\n')).toContain('Data flow "HTTPS" (id ac78c88e-ec55-4203-9613-f5cc3ddef349)');
  });

  it('keeps an embedded template named like a built-in one for that model alone', async () => {
    const planted = {
      ...stride,
      threatTypes: [{ ...(stride.threatTypes[0] as (typeof stride.threatTypes)[number]), title: 'Planted' }],
    };
    const model = buildModel('Trojan', 'stride').entity('user').process('web').flow('user', 'web').build();
    const r = await upload(serializeModel(embedTemplate(model, planted)), 'trojan.bulwark.json');
    expect(r.statusCode, r.body).toBe(201);
    expect(r.json().warnings.join(' ')).toMatch(/kept as "stride\.imported-[0-9a-f]{12}" for this model only/);
    const mine = (await app.inject({ url: `/api/models/${r.json().id}` })).json().model;
    expect(mine.template.id).toMatch(/^stride\.imported-[0-9a-f]{12}$/);
    const served = (await app.inject({ url: '/api/templates/stride' })).json().template;
    expect(served).toEqual(stride);
    // The built-in itself, embedded unchanged, is simply the built-in.
    const plain = await upload(serializeModel(embedTemplate(model, stride)), 'plain.bulwark.json');
    expect((await app.inject({ url: `/api/models/${plain.json().id}` })).json().model.template.id).toBe('stride');
  });

  it('refuses an embedded template that is not a template, saying where', async () => {
    const model = buildModel('Broken', 'stride').entity('user').build();
    const broken = { ...model, template: { id: 'stride', embedded: { id: 'stride', threatTypes: 'none' } } };
    const r = await upload(`${JSON.stringify(broken, null, 2)}\n`, 'broken.bulwark.json');
    expect(r.statusCode, r.body).toBeGreaterThanOrEqual(400);
    expect(r.statusCode).toBeLessThan(500);
    expect(JSON.stringify(r.json())).toContain('template.embedded');
  });
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));
