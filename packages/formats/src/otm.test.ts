/**
 * Open Threat Model import and export: our own fixture in detail, then every OTM file of
 * ../shared/corpus/otm (read, never copied): counts match the source, writing what was read
 * reads back the same, and what is written validates against the published schema.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { analyze, parseModel, resolveTemplate, type Template, type ThreatModel, validateModel } from '@bulwark/core';
import { loadBuiltinTemplate, parseYamlText } from '@bulwark/templates';
import Ajv from 'ajv';
import { describe, expect, it } from 'vitest';
import { exportOtm, importOtm, looksLikeOtm, otmFormat } from './otm.js';
import { detectFormat } from './registry.js';

const ROOT = new URL('../../../', import.meta.url).pathname;
const CORPUS = join(ROOT, '../shared/corpus/otm');
/** Threat Dragon ships OTM demos and test models too. */
const TD_CORPUS = join(ROOT, '../shared/corpus/threat-dragon/td.vue');
const SCHEMA = join(CORPUS, 'OpenThreatModel/otm_schema.json');
const present = existsSync(SCHEMA);
if (!present)
  console.warn(
    `skipping the OTM corpus tests: ${CORPUS} is absent (the corpus lives in ../shared beside the repository)`,
  );

function unwrap<T>(result: { ok: true; value: T } | { ok: false; error: { message: string } }): T {
  if (!result.ok) throw new Error(result.error.message);
  return result.value;
}

const stride: Template = unwrap(loadBuiltinTemplate('stride'));
const strideResolved = unwrap(resolveTemplate(stride));
const fixtureText = readFileSync(new URL('../fixtures/minimal.otm.yaml', import.meta.url), 'utf8');
const fixture = unwrap(importOtm(fixtureText, 'minimal.otm.yaml'));
const model = fixture.model;
const elements = new Map(model.diagrams.flatMap((d) => d.elements).map((e) => [e.id, e]));

describe('importOtm', () => {
  it('recognises OTM by its content, in JSON and YAML', () => {
    expect(looksLikeOtm(fixtureText)).toBe(true);
    expect(looksLikeOtm('{\n  "otmVersion": "0.1.0",\n  "project": {}}')).toBe(true);
    expect(looksLikeOtm('{"schemaVersion": 1, "metadata": {"name": "x"}}')).toBe(false);
    expect(otmFormat.detect?.(fixtureText)).toBe(true);
  });

  it('reads the project, and keeps what Bulwark has no field for in a note', () => {
    expect(model.metadata).toEqual({
      name: 'Parcel tracker',
      owner: 'Logistics team',
      description: 'Couriers report parcel positions; customers look them up.',
    });
    expect(model.template.id).toBe('stride');
    expect(model.notes?.[0]?.text).toContain('"id":"parcel-tracker"');
    expect(model.assets).toEqual([
      {
        id: 'positions',
        name: 'Parcel positions',
        classification: 'confidential',
        description: 'Where each parcel was last seen.',
      },
    ]);
  });

  it('turns trust zones into nested box boundaries with absolute positions', () => {
    expect(model.diagrams.map((d) => [d.id, d.name])).toEqual([['overview', 'Overview']]);
    expect(elements.get('cloud')).toMatchObject({
      kind: 'trustBoundary',
      shape: 'box',
      typeId: 'cloud-network',
      position: { x: 400, y: 20, width: 700, height: 600 },
      properties: { 'otm:trustRating': 80, 'otm:type': 'private' },
    });
    // "data tier" is not a Bulwark id: cleaned, with the OTM id kept.
    expect(elements.get('data-tier')).toMatchObject({
      boundaryId: 'cloud',
      position: { x: 750, y: 120 },
      properties: { 'otm:id': 'data tier' },
    });
    expect(elements.get('internet')).toMatchObject({ typeId: 'internet-boundary' });
  });

  it('maps components to stride element types, keeping the OTM type, tags and attributes', () => {
    expect(elements.get('courier-app')).toMatchObject({
      kind: 'externalEntity',
      typeId: 'mobile-client',
      boundaryId: 'internet',
      position: { x: 120, y: 120, width: 100, height: 80 },
      properties: {
        'otm:attribute:platform': 'Android',
        'otm:attribute:offline': true,
        'otm:json:versions': '[12,13]',
        'otm:type': 'android-device-client',
        'otm:tags': '["mobile"]',
      },
    });
    expect(elements.get('api')).toMatchObject({ kind: 'process', typeId: 'web-app', boundaryId: 'cloud' });
    expect(elements.get('db')).toMatchObject({ kind: 'dataStore', typeId: 'sql-database', boundaryId: 'data-tier' });
    // A component inside a component: in its parent's zone, positioned from the parent.
    expect(elements.get('rate-limiter')).toMatchObject({
      kind: 'process',
      typeId: 'GE.P',
      boundaryId: 'cloud',
      position: { x: 510, y: 230 },
      properties: { 'otm:parentComponent': 'api' },
    });
    expect(elements.get('store')).toMatchObject({ kind: 'dataFlow', source: 'api', target: 'db', bidirectional: true });
    expect(elements.get('report')).toMatchObject({
      properties: { 'otm:attribute:protocol': 'HTTPS', 'otm:tags': '["https"]', 'otm:assets': '["positions"]' },
    });
  });

  it('makes one threat per reference, with status, priority, mitigations and risk kept', () => {
    const threats = new Map((model.threats ?? []).map((t) => [t.id, t]));
    expect([...threats.keys()].sort()).toEqual([
      'sql-injection@db',
      'stolen-token@api',
      'stolen-token@report',
      'unplaced',
    ]);
    expect(threats.get('stolen-token@api')).toMatchObject({
      origin: 'manual',
      category: 'S',
      title: 'Stolen courier token',
      priority: 'High',
      status: 'not-started',
      elementId: 'api',
      diagramId: 'overview',
      mitigations: 'Short-lived tokens (required)',
      properties: { 'otm:state': 'exposed', 'otm:likelihood': '60', 'otm:impact': '90', 'otm:cwes': '["CWE-522"]' },
    });
    expect(threats.get('stolen-token@report')).toMatchObject({
      status: 'not-applicable',
      interaction: { sourceId: 'courier-app', flowId: 'report', targetId: 'api' },
    });
    expect(threats.get('sql-injection@db')).toMatchObject({ status: 'mitigated', category: 'T', priority: 'Medium' });
    expect(threats.get('unplaced')).toMatchObject({ category: 'I', priority: 'Low' });
    expect(threats.get('unplaced')?.elementId).toBeUndefined();
  });

  it('gives a model that validates against the stride template', () => {
    expect(
      validateModel(model, strideResolved).filter((p) => p.severity === 'error' || p.code === 'UNKNOWN_PROPERTY'),
    ).toEqual([]);
  });

  it('says what is wrong with a broken file, and where', () => {
    const syntax = importOtm('otmVersion: 0.2.0\nproject: {name: "x\n', 'bad.otm');
    expect(syntax.ok).toBe(false);
    if (!syntax.ok) expect(syntax.error).toMatchObject({ code: 'PARSE_SYNTAX', file: 'bad.otm' });
    const noProject = importOtm('{"otmVersion": "0.2.0"}', 'bad.otm');
    if (!noProject.ok) expect(noProject.error).toMatchObject({ code: 'SCHEMA_INVALID', path: 'project' });
    expect(noProject.ok).toBe(false);
    const noId = importOtm('otmVersion: 0.2.0\nproject: {name: x, id: x}\ncomponents: [{name: y}]', 'bad.otm');
    if (!noId.ok) expect(noId.error).toMatchObject({ code: 'SCHEMA_INVALID', path: 'components[0]' });
    expect(noId.ok).toBe(false);
  });
});

const validate = present
  ? new Ajv.default({ allErrors: true, strict: false }).compile(JSON.parse(readFileSync(SCHEMA, 'utf8')))
  : undefined;

function roundTrip(source: ThreatModel): { again: ThreatModel; otm: unknown; warnings: string[] } {
  const out = exportOtm(source, stride);
  const otm = JSON.parse(out.text);
  const again = unwrap(importOtm(out.text, 'exported.otm')).model;
  return { again, otm, warnings: out.warnings };
}

describe('exportOtm', () => {
  it('writes what it read back, keeping positions relative to the parent', () => {
    const { again, otm } = roundTrip(model);
    expect(again).toEqual(model);
    const o = otm as { components: { id: string; representations?: { position: unknown }[] }[] };
    expect(o.components.find((c) => c.id === 'rate-limiter')?.representations?.[0]?.position).toEqual({ x: 10, y: 10 });
  });

  it.skipIf(!present)('writes files the published OTM schema accepts', () => {
    const { otm } = roundTrip(model);
    expect(validate?.(otm), JSON.stringify(validate?.errors)).toBe(true);
  });

  it('lists what OTM cannot hold', () => {
    const extended: ThreatModel = {
      ...model,
      metadata: { ...model.metadata, reviewer: 'Rita' },
      diagrams: model.diagrams.map((d) => ({
        ...d,
        elements: [...d.elements, { kind: 'annotation', id: 'n1', typeId: 'GE.A', name: 'Note' }],
      })),
    };
    const { warnings } = exportOtm(extended, stride);
    expect(warnings.join('\n')).toMatch(/annotations/);
    expect(warnings.join('\n')).toMatch(/reviewer/);
  });
});

/** The lists of an OTM file the corpus test counts. */
interface OtmLists {
  trustZones?: unknown[];
  components?: { threats?: { threat: string }[] }[];
  dataflows?: { threats?: { threat: string }[] }[];
  threats?: { id: string }[];
}

function corpusFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return corpusFiles(path);
    if (name === 'node_modules') return [];
    return /\.(otm|json|ya?ml)$/.test(name) && !name.includes('schema') ? [path] : [];
  });
}

describe.skipIf(!present)('OTM corpus', () => {
  const roots = [CORPUS, TD_CORPUS].filter((dir) => existsSync(dir));
  const files = roots.flatMap(corpusFiles).filter((f) => looksLikeOtm(readFileSync(f, 'utf8')));

  it('finds the OTM files', () => {
    expect(files.length).toBeGreaterThanOrEqual(20);
  });

  it.each(files.map((f) => [f.slice(join(ROOT, '../shared/corpus').length + 1), f]))(
    '%s imports with matching counts, round-trips and validates',
    (_name, file) => {
      const text = readFileSync(file, 'utf8');
      const result = unwrap(importOtm(text, file));
      // Read as PyYAML reads it (OpenThreatModel/EXAMPLE.yaml has a snippet indented too little).
      const source = unwrap(parseYamlText(text, file)).data as OtmLists;
      const m = result.model;
      const all = m.diagrams.flatMap((d) => d.elements);
      const refs = [...(source.components ?? []), ...(source.dataflows ?? [])].flatMap(
        (c: { threats?: { threat: string }[] }) => c.threats ?? [],
      );
      const referenced = new Set(refs.map((r: { threat: string }) => r.threat));
      const unreferenced = (source.threats ?? []).filter((t: { id: string }) => !referenced.has(t.id));
      expect(all.filter((e) => e.kind === 'trustBoundary').length).toBe((source.trustZones ?? []).length);
      expect(all.filter((e) => e.kind !== 'trustBoundary' && e.kind !== 'dataFlow').length).toBe(
        (source.components ?? []).length,
      );
      expect(all.filter((e) => e.kind === 'dataFlow').length).toBe((source.dataflows ?? []).length);
      expect((m.threats ?? []).length).toBe(refs.length + unreferenced.length);
      expect(detectFormat(text)?.id).toBe('otm');
      const problems = validateModel(m, strideResolved).filter(
        (p) => p.severity === 'error' || p.code === 'UNKNOWN_PROPERTY',
      );
      expect(problems).toEqual([]);
      const { again, otm } = roundTrip(m);
      expect(again).toEqual(m);
      expect(validate?.(otm), JSON.stringify(validate?.errors)).toBe(true);
    },
  );

  it("reads the OTM project's EXAMPLE.yaml (a snippet indented less than YAML 1.2 allows) as its EXAMPLE.json, with a warning", () => {
    const dir = join(CORPUS, 'OpenThreatModel');
    const yaml = unwrap(importOtm(readFileSync(join(dir, 'EXAMPLE.yaml'), 'utf8'), 'EXAMPLE.yaml'));
    const json = unwrap(importOtm(readFileSync(join(dir, 'EXAMPLE.json'), 'utf8'), 'EXAMPLE.json'));
    expect(yaml.model).toEqual(json.model);
    expect(yaml.warnings).toEqual([
      'The quoted text at line 128, column 11 continues on lines indented less than YAML 1.2 allows: read as PyYAML and js-yaml read it. Indent those lines further to make the file valid YAML 1.2.',
      ...json.warnings,
    ]);
    const elements = yaml.model.diagrams.flatMap((d) => d.elements);
    expect(elements.filter((e) => e.kind === 'trustBoundary').map((e) => e.name)).toEqual(['Internet', 'Private']);
    expect(elements.filter((e) => e.kind !== 'trustBoundary' && e.kind !== 'dataFlow').map((e) => e.name)).toEqual([
      'Web Client',
      'Web Service',
      'Customer Database',
      'Class CustomerDatabase',
    ]);
  });

  it('still refuses an OTM file whose quote is never closed, with its line', () => {
    const r = importOtm("otmVersion: 0.2.0\nproject:\n  name: 'x\n  id: p\n", 'broken.otm.yaml');
    expect(r.ok).toBe(false);
    if (!r.ok) expect([r.error.code, r.error.line]).toEqual(['PARSE_SYNTAX', 5]);
  });

  it('refuses a file that only looks like OTM by name', () => {
    const tm7Json = join(CORPUS, 'startleft/slp_mtmt/tests/resources/otm/test_model_tm7.otm');
    if (existsSync(tm7Json)) expect(looksLikeOtm(readFileSync(tm7Json, 'utf8'))).toBe(false);
  });
});

describe.skipIf(!present)('exportOtm of a model drawn in Bulwark', () => {
  it('writes the example model, analysed, as valid OTM that reads back with the same shapes and threats', () => {
    const text = readFileSync(new URL('../../../examples/infrastructure.bulwark.json', import.meta.url), 'utf8');
    const source = unwrap(parseModel(JSON.parse(text)));
    const template = unwrap(loadBuiltinTemplate(source.template.id));
    const analysed = analyze(source, unwrap(resolveTemplate(template))).model;
    const out = exportOtm(analysed, template);
    expect(validate?.(JSON.parse(out.text)), JSON.stringify(validate?.errors)).toBe(true);
    const back = unwrap(importOtm(out.text, 'example.otm')).model;
    const kinds = (m: ThreatModel) =>
      m.diagrams
        .flatMap((d) => d.elements)
        .filter((e) => e.kind !== 'annotation' && !(e.kind === 'trustBoundary' && e.shape === 'line'))
        .map((e) => `${e.kind}:${e.name}`)
        .sort();
    expect(kinds(back)).toEqual(kinds(analysed));
    expect(back.threats?.length).toBe(analysed.threats?.length);
    expect(back.template.id).toBe('infrastructure');
    // Typed properties (keys without a namespace) come back as they were.
    const typed = (m: ThreatModel) =>
      m.diagrams
        .flatMap((d) => d.elements)
        .filter((e) => e.kind !== 'annotation')
        .map((e) => [e.name, Object.entries(e.properties ?? {}).filter(([k]) => !k.includes(':'))])
        .sort((a, b) => String(a[0]).localeCompare(String(b[0])));
    expect(typed(back)).toEqual(typed(analysed));
    expect(validateModel(back, unwrap(resolveTemplate(template))).filter((p) => p.severity === 'error')).toEqual([]);
  });
});
