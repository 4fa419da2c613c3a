/**
 * Import says what happened (issue 16.7): a broken file is answered with where it breaks (line and
 * column, or the path) and what to do, as the CLI says it; an imported model is named after its own
 * name, else the uploaded file's; the answer carries a summary (counts, what the first analysis
 * will do, every warning). Small uploads are read on the event loop, large ones in a worker.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { buildModel, serializeModel, type ThreatModel } from '@bulwark/core';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from './app.js';
import { type Backend, backends } from './testing/backends.js';
import { compiledWorkerFile } from './work/pool.js';

const ROOT = new URL('../../../', import.meta.url).pathname;
const tm7 = readFileSync(`${ROOT}packages/formats/fixtures/minimal.tm7`, 'utf8');
const unnamedTm7 = tm7.replace('<ThreatModelName>Shop</ThreatModelName>', '<ThreatModelName/>');
const CORPUS = `${ROOT}../shared/corpus/tmt`;
const corpus = existsSync(CORPUS) ? readdirSync(CORPUS).filter((f) => f.endsWith('.tm7')) : [];

const brokenJson = '{\n  "schemaVersion": 1,\n  "metadata": { "name": "Shop" },\n  "template": ]\n}\n';
const yamlTypos = [
  'schemaVersion: 1',
  'metadata:',
  '  name: Shop',
  'template: { id: stride }',
  'diagrams:',
  '  - id: d',
  '    name: D',
  '    elements:',
  '      - id: a',
  '        kind: proces',
  '        name: A',
  '        typeId: GE.P',
  '        position: { x: 0, y: 0, width: 120, height: 60 }',
  '      - id: b',
  '        kind: dataStore',
  '        nme: B',
  '        typeId: GE.DS',
  '        position: { x: 0, y: 100, width: 120, height: 60 }',
  '',
].join('\n');

/** A model with a type stride does not define and a flow to nowhere. */
function oddModel(pad = 0): ThreatModel {
  const m = buildModel('Odd').process('web').store('db').flow('web', 'db', { name: 'Query' }).build();
  const elements = m.diagrams[0]?.elements ?? [];
  const web = elements.find((e) => e.name === 'web');
  if (web) web.typeId = 'GE.P.Nonsense';
  const flow = elements.find((e) => e.kind === 'dataFlow');
  if (flow && flow.kind === 'dataFlow') elements.push({ ...flow, id: 'lost', name: 'Lost', target: 'gone' });
  if (pad > 0) m.metadata.description = 'x'.repeat(pad);
  return m;
}

function suite(name: string, setup: () => Promise<{ app: FastifyInstance; close: () => Promise<void> }>, pad = 0) {
  describe(name, () => {
    let app: FastifyInstance;
    let close: () => Promise<void>;
    beforeAll(async () => {
      ({ app, close } = await setup());
    });
    afterAll(async () => close());

    const upload = (payload: string, type: string, filename?: string) =>
      app.inject({
        method: 'POST',
        url: filename === undefined ? '/api/models' : `/api/models?filename=${encodeURIComponent(filename)}`,
        payload,
        headers: { 'content-type': type },
      });
    const padJson = (text: string) =>
      pad > 0 ? text.replace(/\n}\n$/, `,\n  "pad": "${'x'.repeat(pad)}"\n}\n`) : text;
    const padYaml = (text: string) => (pad > 0 ? `# ${'x'.repeat(pad)}\n${text}` : text);

    it('answers corrupt JSON with its line and column and what to do, as JSON or as a file', async () => {
      for (const type of ['application/json', 'application/octet-stream']) {
        const r = await upload(padJson(brokenJson), type, 'shop.bulwark.json');
        expect(r.statusCode, r.body).toBe(400);
        const body = r.json();
        expect(body).toMatchObject({ code: 'PARSE_SYNTAX', line: 4, column: 15 });
        expect(body.message).toMatch(/^Not valid JSON at line 4, column 15: expected a value .*found "\]"\. /);
        expect(body.message).toMatch(/(send|import) it again\.$/);
      }
    });

    it('lists every problem of a YAML file with its line', async () => {
      const r = await upload(padYaml(yamlTypos), 'application/yaml', 'shop.yaml');
      expect(r.statusCode, r.body).toBe(422);
      const body = r.json() as { code: string; details: { message: string; path?: string; line?: number }[] };
      expect(body.code).toBe('SCHEMA_INVALID');
      expect(body.details.length).toBeGreaterThanOrEqual(2);
      const offset = pad > 0 ? 1 : 0;
      for (const d of body.details) expect(d.line, d.message).toBeGreaterThan(0);
      expect(body.details.map((d) => d.line)).toContain(10 + offset);
      expect(body.details.some((d) => d.line === 14 + offset || d.line === 16 + offset)).toBe(true);
    });

    it('lists every schema problem of a JSON file with its path and line', async () => {
      const model = JSON.parse(serializeModel(oddModel(pad)));
      model.diagrams[0].elements[0].kind = 'proces';
      const r = await upload(`${JSON.stringify(model, null, 2)}\n`, 'application/octet-stream', 'odd.bulwark.json');
      expect(r.statusCode, r.body).toBe(422);
      const kind = (r.json().details as { path?: string; line?: number }[]).find((d) => d.path?.endsWith('.kind'));
      expect(kind?.line).toBeGreaterThan(1);
    });

    it('imports an unknown element type and a dangling flow with a warning for each, and counts what it holds', async () => {
      const r = await upload(serializeModel(oddModel(pad)), 'application/octet-stream', 'odd.bulwark.json');
      expect(r.statusCode, r.body).toBe(201);
      const { summary } = r.json();
      expect(summary).toMatchObject({
        format: 'json',
        nameFrom: 'file',
        diagrams: 1,
        elements: 2,
        flows: 2,
        boundaries: 0,
        threats: 0,
      });
      expect(summary.analysis).toMatchObject({ template: expect.stringMatching(/^stride@/), changed: 0, orphaned: 0 });
      expect(summary.analysis.added).toBeGreaterThan(0);
      expect(summary.warnings.join('\n')).toContain('"GE.P.Nonsense", which template "stride" does not define');
      expect(summary.warnings.join('\n')).toMatch(/Flow "Lost" \(lost\) has target "gone"/);
      const stored = (await app.inject(`/api/models/${r.json().id}`)).json().model;
      expect(stored.metadata.name).toBe('Odd');
      expect(stored.threats ?? []).toEqual([]);
    });

    it("names a .tm7 after the tool's model name, else the file's name, never upload", async () => {
      const named = await upload(tm7, 'application/xml', 'something-else.tm7');
      expect(named.statusCode, named.body).toBe(201);
      expect(named.json().summary).toMatchObject({
        format: 'tm7',
        nameFrom: 'file',
        elements: 2,
        flows: 1,
        threats: 1,
      });
      expect(named.json().summary.analysis).toMatchObject({ template: expect.stringMatching(/^44444444-/) });
      const unnamed = await upload(unnamedTm7, 'application/xml', 'C:\\fakepath\\Payments review.tm7');
      expect(unnamed.statusCode, unnamed.body).toBe(201);
      expect(unnamed.json().summary.nameFrom).toBe('filename');
      const anonymous = await upload(unnamedTm7, 'application/xml');
      expect(anonymous.statusCode, anonymous.body).toBe(201);
      const names = new Map(
        ((await app.inject('/api/models')).json().models as { id: string; name: string }[]).map((m) => [m.id, m.name]),
      );
      expect(names.get(named.json().id)).toBe('Shop');
      expect(names.get(unnamed.json().id)).toBe('Payments review');
      expect(names.get(anonymous.json().id)).toBe('Imported model');
      expect([...names.values()]).not.toContain('upload');
    });

    it.skipIf(pad === 0 || corpus.length === 0)('reads a large .tm7 of the corpus, named after its file', async () => {
      const name = 'Derrezed-Fez__ip-fingerprinting__Threat-Model.tm7';
      const text = readFileSync(`${CORPUS}/${name}`, 'utf8');
      expect(text.length).toBeGreaterThan(64 * 1024);
      const r = await upload(text, 'application/xml', name);
      expect(r.statusCode, r.body.slice(0, 300)).toBe(201);
      expect(r.json().summary).toMatchObject({ format: 'tm7', nameFrom: 'filename', elements: 9, flows: 16 });
      const got = (await app.inject(`/api/models/${r.json().id}`)).json().model.metadata.name;
      expect(got).toBe('Derrezed-Fez__ip-fingerprinting__Threat-Model');
    });

    it('names the file in a failure of another format, and refuses a file name over the query limit', async () => {
      const broken = await upload('<ThreatModel><DrawingSurfaceList>', 'application/xml', 'broken.tm7');
      expect(broken.statusCode).toBe(400);
      const long = await upload(tm7, 'application/xml', `${'x'.repeat(2100)}.tm7`);
      expect(long.statusCode).toBe(400);
      expect(long.json().message).toMatch(/"filename" is 2104 characters long/);
    });
  });
}

for (const backend of backends()) {
  suite(`import on ${backend.name}, read on the event loop`, async () => {
    const opened = await backend.open();
    const app = await buildApp({ store: opened.store });
    return {
      app,
      close: async () => {
        await app.close();
        await opened.dispose();
      },
    };
  });
}

const workerFile = compiledWorkerFile();
describe.skipIf(!existsSync(workerFile))('large uploads', () => {
  const [sqlite] = backends();
  suite(
    'import on sqlite, read in a worker (over 64 KiB)',
    async () => {
      const opened = await (sqlite as Backend).open();
      const app = await buildApp({ store: opened.store, work: { workerFile, threads: 1 } });
      return {
        app,
        close: async () => {
          await app.close();
          await opened.dispose();
        },
      };
    },
    70 * 1024,
  );
});

describe.skipIf(corpus.length === 0)('the Microsoft tool corpus', () => {
  let app: FastifyInstance;
  let close: () => Promise<void>;
  beforeAll(async () => {
    const opened = await (backends()[0] as Backend).open();
    app = await buildApp({ store: opened.store });
    close = async () => {
      await app.close();
      await opened.dispose();
    };
  });
  afterAll(async () => close());

  it('names every model after its own name or its file, and counts it', async () => {
    for (const file of corpus.slice(0, 12)) {
      const text = readFileSync(`${CORPUS}/${file}`, 'utf8');
      const r = await app.inject({
        method: 'POST',
        url: `/api/models?filename=${encodeURIComponent(file)}`,
        payload: text,
        headers: { 'content-type': 'application/xml' },
      });
      expect(r.statusCode, `${file}: ${r.body.slice(0, 300)}`).toBe(201);
      const { summary } = r.json();
      const own = /<ThreatModelName>([^<]+)<\/ThreatModelName>/.exec(text)?.[1]?.trim();
      const got = (await app.inject(`/api/models/${r.json().id}`)).json().model.metadata.name;
      expect(got, file).toBe(own ?? file.replace(/\.tm7$/, ''));
      expect(summary.nameFrom, file).toBe(own ? 'file' : 'filename');
      expect(summary.elements + summary.flows, file).toBeGreaterThan(0);
      expect(summary.analysis, file).toBeDefined();
    }
  }, 120_000);
});
