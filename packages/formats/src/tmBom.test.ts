/**
 * OWASP TM-BOM import and export: our own fixture, then every TM-BOM of
 * ../shared/corpus/threat-dragon (read, never copied): the library JSON and the CycloneDX
 * wrapping import with their source's counts, library files read back the same after export,
 * and what is written validates against the library's published schema. The CycloneDX wrapping
 * written back (fixture and corpus) reads back the same and has the structure the reader needs;
 * tmBomCycloneDxSchema.test.ts checks it with CycloneDX's own validator.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { analyze, parseModel, resolveTemplate, type ThreatModel, validateModel } from '@bulwark/core';
import { loadBuiltinTemplate } from '@bulwark/templates';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { detectFormat } from './registry.js';
import {
  exportTmBom,
  exportTmBomCycloneDx,
  importTmBom,
  looksLikeTmBom,
  tmBomCycloneDxFormat,
  tmBomFormat,
} from './tmBom.js';

const ROOT = new URL('../../../', import.meta.url).pathname;
const CORPUS = join(ROOT, '../shared/corpus/threat-dragon');
const SCHEMA = join(CORPUS, 'td.vue/src/assets/schema/threat-model.schema.json');
const present = existsSync(SCHEMA);
if (!present)
  console.warn(
    `skipping the TM-BOM corpus tests: ${CORPUS} is absent (the corpus lives in ../shared beside the repository)`,
  );

function unwrap<T>(result: { ok: true; value: T } | { ok: false; error: { message: string } }): T {
  if (!result.ok) throw new Error(result.error.message);
  return result.value;
}

const stride = unwrap(resolveTemplate(unwrap(loadBuiltinTemplate('stride'))));

function validator(): ((data: unknown) => boolean) & { errors?: unknown } {
  const ajv = new Ajv2020.default({ allErrors: true, strict: false });
  addFormats.default(ajv);
  const schema = JSON.parse(readFileSync(SCHEMA, 'utf8'));
  delete schema.$schema;
  return ajv.compile(schema);
}

const fixtureText = readFileSync(new URL('../fixtures/minimal.tmbom.json', import.meta.url), 'utf8');
const model = unwrap(importTmBom(fixtureText, 'minimal.tmbom.json')).model;
const elements = new Map(model.diagrams.flatMap((d) => d.elements).map((e) => [e.id, e]));

function again(source: ThreatModel): ThreatModel {
  return unwrap(importTmBom(exportTmBom(source).text, 'exported.json')).model;
}

describe('importTmBom', () => {
  it('recognises TM-BOM by its content', () => {
    expect(looksLikeTmBom(fixtureText)).toBe(true);
    expect(tmBomFormat.detect?.('{"otmVersion": "0.2.0"}')).toBe(false);
  });

  it('reads zones, actors, components, stores and flows', () => {
    expect(model.metadata).toMatchObject({ name: 'Recipe box', assumptions: ['The hosting provider patches hosts.'] });
    expect(elements.get('cloud')).toMatchObject({ kind: 'trustBoundary', shape: 'box' });
    expect(elements.get('cook')).toMatchObject({ kind: 'externalEntity', typeId: 'human-user' });
    expect(elements.get('recipes-api')).toMatchObject({ kind: 'process', boundaryId: 'cloud' });
    expect(elements.get('recipes-db')).toMatchObject({
      kind: 'dataStore',
      typeId: 'sql-database',
      boundaryId: 'cloud',
    });
    expect(elements.get('save-recipe')).toMatchObject({
      kind: 'dataFlow',
      source: 'cook',
      target: 'recipes-api',
      properties: { encrypted: true, carriesSensitiveData: false },
    });
    expect(model.assets).toEqual([
      { id: 'recipes', name: 'Recipes', classification: 'confidential', description: 'What cooks save.' },
    ]);
  });

  it('turns threats into manual threats, status from their controls', () => {
    expect(model.threats).toMatchObject([
      {
        id: 'stolen-session',
        origin: 'manual',
        status: 'needs-investigation',
        priority: 'High',
        elementId: 'recipes-api',
        mitigations: 'Short sessions (scheduled)',
      },
    ]);
  });

  it('says what is wrong with a broken file', () => {
    const broken = importTmBom('{"scope": {}, "trust_zones": [{"title": "x"}]}', 'bad.json');
    expect(broken.ok).toBe(false);
    if (!broken.ok) expect(broken.error).toMatchObject({ code: 'SCHEMA_INVALID', path: 'trust_zones[0]' });
    const syntax = importTmBom('{"scope": ', 'bad.json');
    if (!syntax.ok) expect(syntax.error.code).toBe('PARSE_SYNTAX');
  });
});

describe('exportTmBom', () => {
  it('writes what it read back', () => {
    expect(again(model)).toEqual(model);
    expect(exportTmBom(model).warnings).toEqual([]);
  });

  it('says when a threat status can no longer be carried by its controls', () => {
    const triaged = { ...model, threats: model.threats?.map((t) => ({ ...t, status: 'mitigated' as const })) };
    expect(exportTmBom(triaged).warnings.join('\n')).toMatch(/status of 1 threat \(e\.g\. "Stolen session"\)/);
  });

  it.skipIf(!present)('writes files the published schema accepts', () => {
    const validate = validator();
    const out = JSON.parse(exportTmBom(model).text);
    expect(validate(out), JSON.stringify(validate.errors)).toBe(true);
  });
});

function corpusFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (name === 'node_modules') return [];
    if (statSync(path).isDirectory()) return corpusFiles(path);
    return name.endsWith('.json') && !name.includes('schema') ? [path] : [];
  });
}

// ---- The CycloneDX wrapping, written ---------------------------------------------------------

type Cdx = { name?: string; type?: string; 'bom-ref'?: string; properties?: { name: string; value: string }[] };
const cdxType = (c: Cdx) => c.properties?.find((p) => p.name === 'cdx:model:type')?.value;
const cdxProp = (c: Cdx, name: string) => c.properties?.find((p) => p.name === name)?.value;

/** What the CycloneDX reader needs of a file: CycloneDX 1.6, diagrams of typed `data` components whose references resolve. */
function expectCdxStructure(text: string): void {
  const bom = JSON.parse(text);
  expect(bom).toMatchObject({ bomFormat: 'CycloneDX', specVersion: '1.6', version: 1 });
  expect(typeof bom.metadata.component.name).toBe('string');
  const refs = new Set<string>();
  for (const diagram of bom.components as (Cdx & { components: Cdx[] })[]) {
    expect(diagram).toMatchObject({ type: 'data', 'bom-ref': expect.any(String), name: expect.any(String) });
    expect(cdxType(diagram)).toBe('diagram');
    expect(Array.isArray(diagram.components)).toBe(true);
    const inDiagram = new Map(diagram.components.map((c) => [c['bom-ref'], c]));
    for (const c of diagram.components) {
      expect(c.type).toBe('data');
      expect(refs.has(String(c['bom-ref'])), `duplicate bom-ref ${c['bom-ref']}`).toBe(false);
      refs.add(String(c['bom-ref']));
      for (const p of c.properties ?? []) expect([typeof p.name, typeof p.value]).toEqual(['string', 'string']);
      expect(['actor', 'process', 'server', 'lambda', 'datastore', 'boundary', 'dataflow', 'asset']).toContain(
        cdxType(c),
      );
      if (cdxType(c) === 'dataflow')
        for (const end of ['source', 'destination'])
          expect(inDiagram.has(cdxProp(c, `cdx:model:dataflow:${end}`)), `${c.name} ${end}`).toBe(true);
      const zone = cdxProp(c, 'cdx:model:inBoundary');
      if (zone !== undefined) expect(cdxType(inDiagram.get(zone) ?? {})).toBe('boundary');
    }
  }
}

function againCdx(source: ThreatModel) {
  const out = exportTmBomCycloneDx(source);
  return { out, back: unwrap(importTmBom(out.text, 'exported.cdx.json')) };
}

describe('exportTmBomCycloneDx', () => {
  const cdxText = readFileSync(new URL('../fixtures/minimal.tmbom.cdx.json', import.meta.url), 'utf8');
  const cdx = unwrap(importTmBom(cdxText, 'minimal.tmbom.cdx.json'));

  it('writes what it read from a CycloneDX file back: the same model, no warnings', () => {
    expect(cdx.warnings).toEqual([]);
    expect(cdx.model.assets).toHaveLength(1);
    expect(cdx.model.diagrams[0]?.elements).toHaveLength(7);
    const { out, back } = againCdx(cdx.model);
    expect(back.model).toEqual(cdx.model);
    expect(back.warnings).toEqual([]);
    expect(out.warnings).toEqual([]);
    expectCdxStructure(out.text);
    expect(detectFormat(out.text)?.id).toBe('tm-bom');
    const written = JSON.parse(out.text).components[0].components as Cdx[];
    expect(written.find((c) => c['bom-ref'] === 'browse')?.properties).toEqual([
      { name: 'cdx:model:type', value: 'dataflow' },
      { name: 'cdx:model:dataflow:source', value: 'cook' },
      { name: 'cdx:model:dataflow:destination', value: 'recipes-api' },
      { name: 'cdx:model:dataflow:isBidirectional', value: 'true' },
      { name: 'cdx:model:dataflow:protocol', value: 'HTTPS' },
    ]);
  });

  it('writes each asset classification as CycloneDX data, read back exactly (public too)', () => {
    const model = structuredClone(cdx.model);
    model.assets = [{ id: 'menus', name: 'Menus', classification: 'public' }];
    const { out, back } = againCdx(model);
    expect(out.warnings).toEqual([]);
    const written = JSON.parse(out.text).components[0].components as (Cdx & { data?: unknown })[];
    expect(written.find((c) => c['bom-ref'] === 'menus')?.data).toEqual([
      { type: 'dataset', name: 'Menus', classification: 'public' },
    ]);
    expect(back.model.assets).toEqual(model.assets);
  });

  it('tells a TM-BOM from any other CycloneDX file', () => {
    const sbom = {
      bomFormat: 'CycloneDX',
      specVersion: '1.6',
      components: [{ type: 'data', name: 'x', components: [] }],
    };
    expect(looksLikeTmBom(JSON.stringify(sbom))).toBe(false);
    expect(looksLikeTmBom(exportTmBomCycloneDx(cdx.model).text)).toBe(true);
    expect(looksLikeTmBom(cdxText)).toBe(true);
  });

  it('follows Bulwark edits: a changed type, direction and zone are written as they now are', () => {
    const model = structuredClone(cdx.model);
    const els = model.diagrams[0]?.elements ?? [];
    const api = els.find((e) => e.id === 'recipes-api');
    const save = els.find((e) => e.id === 'save');
    if (api?.kind !== 'process' || save?.kind !== 'dataFlow') throw new Error('fixture changed');
    api.typeId = 'serverless-function';
    delete api.boundaryId;
    save.bidirectional = true;
    const back = againCdx(model).back.model;
    const backEls = new Map(back.diagrams[0]?.elements.map((e) => [e.id, e]));
    expect(backEls.get('recipes-api')).toMatchObject({
      typeId: 'serverless-function',
      properties: { 'cdx:model:type': 'lambda' },
    });
    expect(backEls.get('recipes-api')).not.toHaveProperty('boundaryId');
    expect(backEls.get('save')).toMatchObject({ bidirectional: true });
  });

  it('names what the CycloneDX wrapping cannot hold, and the model reads back with its nodes and flows', () => {
    const text = readFileSync(new URL('../fixtures/minimal.tmbom.json', import.meta.url), 'utf8');
    const library = unwrap(importTmBom(text, 'minimal.tmbom.json')).model;
    const { out, back } = againCdx(library);
    expectCdxStructure(out.text);
    expect(out.warnings.join('\n')).toMatch(/Left out, as the CycloneDX wrapping holds the diagram only.*threat\(s\)/);
    const kinds = (m: ThreatModel) => m.diagrams.flatMap((d) => d.elements.map((e) => `${e.id}:${e.kind}`));
    expect(kinds(back.model)).toEqual(kinds(library));
  });

  it('is a write-only format beside tm-bom, which keeps detection', () => {
    expect(tmBomCycloneDxFormat).toMatchObject({ id: 'tm-bom-cyclonedx' });
    expect(tmBomCycloneDxFormat.detect).toBeUndefined();
    expect(tmBomCycloneDxFormat.read).toBeUndefined();
    expect(tmBomCycloneDxFormat.write?.(cdx.model, {} as never).text).toBe(exportTmBomCycloneDx(cdx.model).text);
  });
});

describe.skipIf(!present)('TM-BOM corpus', () => {
  const files = present ? corpusFiles(CORPUS).filter((f) => looksLikeTmBom(readFileSync(f, 'utf8'))) : [];
  const validate = present ? validator() : undefined;

  it('finds the TM-BOM files', () => {
    expect(files.length).toBeGreaterThanOrEqual(6);
  });

  it.each(files.map((f) => [f.slice(CORPUS.length + 1), f]))('%s imports with its counts and exports', (_n, file) => {
    const text = readFileSync(file, 'utf8');
    const source = JSON.parse(text);
    const imported = unwrap(importTmBom(text, file));
    const m = imported.model;
    expect(detectFormat(text)?.id).toBe('tm-bom');
    const problems = validateModel(m, stride).filter((p) => p.severity === 'error' || p.code === 'UNKNOWN_PROPERTY');
    expect(problems).toEqual([]);
    const all = m.diagrams.flatMap((d) => d.elements);
    const count = (kind: string) => all.filter((e) => e.kind === kind).length;
    if (source.bomFormat === 'CycloneDX') {
      const children = source.components.flatMap((c: { components?: unknown[] }) => c.components ?? []);
      const typed = (t: string) =>
        children.filter((c: { properties?: { name: string; value: string }[] }) =>
          c.properties?.some((p) => p.name === 'cdx:model:type' && p.value === t),
        ).length;
      expect(count('trustBoundary')).toBe(typed('boundary'));
      expect(count('dataFlow')).toBe(typed('dataflow'));
      expect(count('externalEntity') + count('process') + count('dataStore')).toBe(
        typed('actor') + typed('server') + typed('process') + typed('lambda') + typed('datastore'),
      );
    } else {
      expect(count('trustBoundary')).toBe(source.trust_zones.length);
      // Flows whose ends the file never defines (two Threat Dragon test models have them) are left out, with a warning.
      const defined = new Set(
        [...source.actors, ...source.components, ...source.data_stores].map((x) => x.symbolic_name),
      );
      const whole = source.data_flows.filter(
        (f: { source: { object: string }; destination: { object: string } }) =>
          defined.has(f.source.object) && defined.has(f.destination.object),
      );
      expect(count('dataFlow')).toBe(whole.length);
      expect(imported.warnings.filter((w) => w.startsWith('Data flow')).length).toBe(
        source.data_flows.length - whole.length,
      );
      expect(count('externalEntity')).toBe(source.actors.length);
      expect(count('process')).toBe(source.components.length);
      expect(count('dataStore')).toBe(source.data_stores.length);
      expect((m.threats ?? []).length).toBe((source.threats ?? []).length);
      expect(again(m)).toEqual(m);
    }
    const out = JSON.parse(exportTmBom(m).text);
    expect(validate?.(out), JSON.stringify(validate?.errors)).toBe(true);
  });

  const cdxFiles = files.filter((f) => JSON.parse(readFileSync(f, 'utf8')).bomFormat === 'CycloneDX');
  it('holds CycloneDX-wrapped files', () => expect(cdxFiles.length).toBeGreaterThanOrEqual(3));

  it.each(cdxFiles.map((f) => [f.slice(CORPUS.length + 1), f]))(
    '%s: import, export as CycloneDX, import is stable',
    (_n, file) => {
      const first = unwrap(importTmBom(readFileSync(file, 'utf8'), file)).model;
      const { out, back } = againCdx(first);
      expect(back.model).toEqual(first);
      expect(out.warnings).toEqual([]);
      expectCdxStructure(out.text);
    },
  );
});

describe.skipIf(!present)('exportTmBom of a model drawn in Bulwark', () => {
  it('writes the example model, analysed, as a valid TM-BOM that reads back with the same nodes and flows', () => {
    const text = readFileSync(new URL('../../../examples/infrastructure.bulwark.json', import.meta.url), 'utf8');
    const source = unwrap(parseModel(JSON.parse(text)));
    const analysed = analyze(source, unwrap(resolveTemplate(unwrap(loadBuiltinTemplate(source.template.id))))).model;
    const out = exportTmBom(analysed);
    const validate = validator();
    expect(validate(JSON.parse(out.text)), JSON.stringify(validate.errors)).toBe(true);
    const back = unwrap(importTmBom(out.text, 'example.json')).model;
    const names = (m: ThreatModel, kinds: string[]) =>
      m.diagrams
        .flatMap((d) => d.elements)
        .filter((e) => kinds.includes(e.kind) && !(e.kind === 'trustBoundary' && e.shape === 'line'))
        .map((e) => e.name)
        .sort();
    const nodes = ['process', 'dataStore', 'externalEntity', 'trustBoundary'];
    expect(names(back, nodes)).toEqual(names(analysed, nodes));
    expect(names(back, ['dataFlow']).length).toBeGreaterThan(0);
    expect(back.threats?.length).toBe(analysed.threats?.length);
    expect(new Set(back.threats?.map((t) => t.id)).size).toBe(back.threats?.length);
  });
});
