/**
 * Threat Dragon import and export: our own v1 and v2 fixtures in detail, then every Threat Dragon
 * model of ../shared/corpus/threat-dragon (read, never copied): counts match the source, writing
 * what was read reads back the same, and what is written validates against Threat Dragon's v2
 * schema. Last, Threat Dragon's own reading code (bundled from the corpus, see
 * testing/threatDragonReader.ts) checks every export of the examples and both corpora, and opens
 * the version 1 ones with every shape, flow and threat.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { buildModel, parseModel, resolveTemplate, type Template, type ThreatModel, validateModel } from '@bulwark/core';
import { loadBuiltinTemplate, parseYamlText } from '@bulwark/templates';
import Ajv from 'ajv';
import { v5 as uuidOf } from 'uuid';
import { describe, expect, it } from 'vitest';
import { detectFormat } from './registry.js';
import {
  cannotRunThreatDragon,
  countRead,
  type OpenedCounts,
  threatDragonReader,
} from './testing/threatDragonReader.js';
import {
  BULWARK_ID_NAMESPACE,
  exportThreatDragon,
  exportThreatDragonV1,
  importThreatDragon,
  looksLikeThreatDragon,
  threatDragonFormat,
  threatDragonV1Format,
} from './threatDragon.js';
import { importTm7 } from './tm7.js';

/** The UUID a version 1 export gives an element id. */
const uuidV5 = (id: string) => uuidOf(id, BULWARK_ID_NAMESPACE);

const ROOT = new URL('../../../', import.meta.url).pathname;
const CORPUS = join(ROOT, '../shared/corpus/threat-dragon');
const SCHEMA = join(CORPUS, 'td.vue/src/assets/schema/threat-dragon-v2.schema.json');
const SCHEMA_V1 = join(CORPUS, 'td.vue/src/assets/schema/threat-dragon-v1.schema.json');
const present = existsSync(SCHEMA);
if (!present)
  console.warn(
    `skipping the Threat Dragon corpus tests: ${CORPUS} is absent (the corpus lives in ../shared beside the repository)`,
  );

type Json = Record<string, unknown>;

function unwrap<T>(result: { ok: true; value: T } | { ok: false; error: { message: string } }): T {
  if (!result.ok) throw new Error(result.error.message);
  return result.value;
}

const stride: Template = unwrap(loadBuiltinTemplate('stride'));
const resolvedStride = unwrap(resolveTemplate(stride));

/** Problems the stride template finds in an imported model that are errors, not warnings. */
function errorsOf(model: ThreatModel): string[] {
  return validateModel(model, resolvedStride)
    .filter((p) => p.severity === 'error')
    .map((p) => `${p.code}: ${p.message}`);
}
const fixture = (name: string) => readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8');
const v1Text = fixture('threat-dragon-v1.json');
const v2Text = fixture('threat-dragon-v2.json');
const v1 = unwrap(importThreatDragon(v1Text, 'threat-dragon-v1.json'));
const v2 = unwrap(importThreatDragon(v2Text, 'threat-dragon-v2.json'));

function elementsOf(model: ThreatModel) {
  return new Map(model.diagrams.flatMap((d) => d.elements).map((e) => [e.id, e]));
}

/** import(export(model)) with the warnings of both steps. */
function roundTrip(model: ThreatModel) {
  const out = exportThreatDragon(model, stride);
  const back = unwrap(importThreatDragon(out.text, 'exported.json'));
  return { out, back };
}

const validateV2 = present
  ? // a CommonJS module whose `default` is the class
    new Ajv.default({ allErrors: true, strict: false }).compile(JSON.parse(readFileSync(SCHEMA, 'utf8')))
  : undefined;
const validateV1 = present
  ? new Ajv.default({ allErrors: true, strict: false }).compile(JSON.parse(readFileSync(SCHEMA_V1, 'utf8')))
  : undefined;
function expectValid(text: string, validate = validateV2): void {
  if (!validate) return;
  const ok = validate(JSON.parse(text));
  expect(ok, JSON.stringify(validate.errors?.slice(0, 5), null, 2)).toBe(true);
}

/** import(export as version 1(model)). */
function roundTripV1(model: ThreatModel) {
  const out = exportThreatDragonV1(model, stride);
  const back = unwrap(importThreatDragon(out.text, 'exported-v1.json'));
  return { out, back };
}

describe('importThreatDragon, version 1 (JointJS cells)', () => {
  const els = elementsOf(v1.model);
  const id = (n: number) => `6f2d1c4e-0a51-4c0e-9a57-1f0c3f7d2a0${n}`;

  it('reads the summary and detail into the metadata, on the stride template', () => {
    expect(v1.model.metadata).toEqual({
      name: 'Shop checkout (v1)',
      owner: 'Checkout team',
      reviewer: 'Rita',
      contributors: ['Ana', 'Bo'],
      description: "A small checkout written for Bulwark's tests.",
    });
    expect(v1.model.template.id).toBe('stride');
    expect(v1.warnings).toEqual([]);
    expect(errorsOf(v1.model)).toEqual([]);
    expect(errorsOf(v2.model)).toEqual([]);
  });

  it('reads actors, processes, stores, flows and boundary curves with their geometry', () => {
    expect(v1.model.diagrams.map((d) => [d.id, d.name])).toEqual([['0', 'Checkout']]);
    expect(els.get(id(1))).toMatchObject({
      kind: 'externalEntity',
      typeId: 'GE.EI',
      name: 'Shopper',
      position: { x: 40, y: 200, width: 160, height: 80 },
      properties: { 'threatDragon:providesAuthentication': true },
    });
    expect(els.get(id(2))).toMatchObject({ kind: 'process', typeId: 'GE.P', name: 'Checkout service' });
    expect(els.get(id(3))).toMatchObject({
      kind: 'dataStore',
      typeId: 'GE.DS',
      outOfScope: true,
      outOfScopeReason: 'Run by the payments team',
      properties: { isLog: false, storesCredentials: true, encryptedAtRest: true, 'threatDragon:isSigned': false },
    });
    expect(els.get(id(4))).toMatchObject({
      kind: 'trustBoundary',
      shape: 'line',
      typeId: 'GE.TB.L',
      name: 'Internet',
      path: { source: { x: 300, y: 20 }, target: { x: 300, y: 560 }, handle: { x: 320, y: 300 } },
    });
    expect(els.get(id(5))).toMatchObject({
      kind: 'dataFlow',
      typeId: 'GE.DF',
      name: 'Place order',
      source: id(1),
      target: id(2),
      path: { handle: { x: 300, y: 230 } },
      // a protocol the stride list knows is that choice; the exact text is kept beside it
      properties: {
        encrypted: true,
        protocol: 'HTTPS',
        'threatDragon:protocol': 'https',
        'threatDragon:isPublicNetwork': true,
      },
    });
    expect(els.get(id(6))?.properties).toEqual({ protocol: 'Other', 'threatDragon:protocol': 'Postgres wire' });
  });

  it('reads threats as manual threats on their element, with status, priority and category mapped', () => {
    const threats = v1.model.threats ?? [];
    expect(threats).toHaveLength(3);
    expect(threats[0]).toEqual({
      id: '4b1e9c1a-7d7e-4c38-8f0e-6a8f1b2c3d01',
      typeId: 'manual',
      origin: 'manual',
      category: 'I',
      title: 'Card data read from memory',
      description: 'A compromised host could read card numbers.',
      priority: 'High',
      status: 'not-started',
      mitigations: 'Tokenise cards before they reach the service.',
      elementId: id(2),
      diagramId: '0',
      properties: { 'threatDragon:modelType': 'STRIDE', 'threatDragon:ruleId': 'rule-7' },
    });
    // a threat without an id gets one from its element
    expect(threats[1]).toMatchObject({ id: `${id(3)}-threat-1`, status: 'mitigated', priority: 'Low', category: 'T' });
    expect(threats[2]).toMatchObject({ elementId: id(5), status: 'not-applicable', category: 'S' });
  });
});

describe('importThreatDragon, version 2 (X6 cells)', () => {
  const els = elementsOf(v2.model);

  it('reads boxes, text blocks and curves; boxes come first, the rest in drawing order', () => {
    expect(v2.model.diagrams[0]?.elements.map((e) => e.id)).toEqual([
      'box-dc',
      'actor-visitor',
      'process-api',
      'store-bookings',
      'flow-book',
      'flow-save',
      'curve-internet',
      'text-note',
    ]);
    expect(els.get('box-dc')).toMatchObject({
      kind: 'trustBoundary',
      shape: 'box',
      typeId: 'GE.TB.B',
      position: { x: 300, y: 40, width: 420, height: 300 },
    });
    expect(els.get('text-note')).toMatchObject({ kind: 'annotation', typeId: 'GE.A', name: 'Drawn for the tests' });
    expect(els.get('curve-internet')).toMatchObject({
      description: 'Where the public network ends',
      path: { handle: { x: 240, y: 200 } },
    });
  });

  it('keeps every field: mapped ones as stride properties, the rest as threatDragon: keys', () => {
    expect(els.get('process-api')?.properties).toEqual({
      'threatDragon:handlesCardPayment': false,
      'threatDragon:handlesGoodsOrServices': true,
      'threatDragon:isWebApplication': true,
      'threatDragon:privilegeLevel': '',
      'threatDragon:json:threatFrequency': '{"spoofing":1,"tampering":0}',
    });
    expect(els.get('store-bookings')?.properties).toEqual({
      isLog: true,
      storesCredentials: false,
      encryptedAtRest: false,
      'threatDragon:isSigned': true,
      'threatDragon:storesInventory': true,
    });
    expect(els.get('flow-save')).toMatchObject({ outOfScope: true, outOfScopeReason: 'Local socket' });
  });

  it('reads a flow with ports, several bend points and both directions', () => {
    const flow = els.get('flow-book');
    expect(flow).toMatchObject({
      kind: 'dataFlow',
      bidirectional: true,
      // the middle bend point is the handle; all of them are kept
      path: { handle: { x: 280, y: 160 }, sourcePort: 'right', targetPort: 'left' },
    });
    expect(JSON.parse(String(flow?.properties?.['threatDragon:json:vertices']))).toHaveLength(3);
  });

  it('maps threats without loss and keeps the ones on a loose flow, orphaned, with a warning', () => {
    const threats = new Map((v2.model.threats ?? []).map((t) => [t.id, t]));
    expect(threats.get('threat-api-1')).toMatchObject({
      priority: 'High',
      status: 'not-started',
      category: 'T',
      properties: {
        'threatDragon:severity': 'Critical',
        'threatDragon:score': '9.1',
        'threatDragon:json:number': '1',
        'threatDragon:json:new': 'false',
      },
    });
    expect(threats.get('threat-api-2')).toMatchObject({
      status: 'not-applicable',
      category: 'Linkability',
      properties: { 'threatDragon:status': 'NotApplicable', 'threatDragon:modelType': 'LINDDUN' },
    });
    expect(threats.get('threat-loose-1')).toMatchObject({ elementId: 'flow-loose', orphaned: true });
    expect(els.has('flow-loose')).toBe(false);
    expect(v2.warnings.join('\n')).toMatch(/"Loose end".*not connected.*source/);
    expect(v2.warnings.join('\n')).toMatch(/"Privacy view" is a LINDDUN diagram/);
  });

  it('keeps a diagram description as a note', () => {
    expect(v2.model.notes).toEqual([
      { id: 'threatDragon-diagram-0', text: 'The booking path, from the browser to the database.' },
    ]);
  });
});

describe('importThreatDragon errors', () => {
  it('says where JSON breaks', () => {
    const r = importThreatDragon('{\n  "summary": {,\n}', 'broken.json');
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error).toMatchObject({ code: 'PARSE_SYNTAX', file: 'broken.json', line: 2 });
      expect(r.error.message).toMatch(/not valid JSON/);
    }
  });

  it.each([
    ['[]', '', /no JSON object/],
    ['{"detail": {"diagrams": []}}', 'summary', /no "summary" object/],
    ['{"summary": {"title": "x"}}', 'detail', /no "detail" object/],
    ['{"summary": {"title": "x"}, "detail": {"diagrams": 3}}', 'detail.diagrams', /not a list/],
    ['{"summary": {"title": 3}, "detail": {"diagrams": []}}', 'summary.title', /not text/],
    ['{"summary": {"title": "x"}, "detail": {"diagrams": [{"cells": {}}]}}', 'detail.diagrams[0].cells', /not a list/],
  ])('refuses %s with a path', (text, path, message) => {
    const r = importThreatDragon(text, 'bad.json');
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error).toMatchObject({ code: 'SCHEMA_INVALID', file: 'bad.json', path });
      expect(r.error.message).toMatch(message);
    }
  });

  it('leaves out cells of unknown types, with a warning', () => {
    const text = JSON.stringify({
      summary: { title: 'x' },
      detail: {
        diagrams: [
          {
            id: 0,
            title: 'D',
            cells: [{ id: 'c1', shape: 'edge', data: { type: 'tm.Odd', threats: [{ title: 't' }] } }],
          },
        ],
      },
    });
    const r = unwrap(importThreatDragon(text, 'odd.json'));
    expect(r.model.diagrams[0]?.elements).toEqual([]);
    expect(r.warnings[0]).toMatch(/unknown type "tm.Odd"; it was left out, with its 1 threat\(s\)/);
  });
});

describe('exportThreatDragon', () => {
  it('writes what it read back: import, export, import gives the same model', () => {
    for (const first of [v1, v2]) {
      const { out, back } = roundTrip(first.model);
      const expected = { ...first.model, threats: first.model.threats?.filter((t) => !t.orphaned) };
      expect(back.model).toEqual(expected);
      expectValid(out.text);
    }
  });

  it('writes Threat Dragon values as they were, and only the losses as warnings', () => {
    const { out } = roundTrip(v2.model);
    const file = JSON.parse(out.text) as Json;
    expect(file.version).toBe('2.6.2');
    const diagram = (file.detail as { diagrams: Json[] }).diagrams[0] as Json;
    expect(diagram).toMatchObject({ id: 0, title: 'Booking', description: expect.stringMatching(/booking path/) });
    const cells = new Map((diagram.cells as Json[]).map((c) => [c.id, c]));
    expect(cells.get('process-api')).toMatchObject({
      shape: 'process',
      data: {
        type: 'tm.Process',
        hasOpenThreats: true,
        isWebApplication: true,
        threatFrequency: { spoofing: 1, tampering: 0 },
        threats: [
          { id: 'threat-api-1', severity: 'Critical', status: 'Open', type: 'Tampering', number: 1, new: false },
          { id: 'threat-api-2', severity: '', status: 'NotApplicable', type: 'Linkability', number: 2 },
        ],
      },
    });
    expect(cells.get('flow-book')).toMatchObject({
      source: { cell: 'actor-visitor', port: 'actor-visitor-right' },
      target: { cell: 'process-api', port: 'process-api-left' },
      vertices: [
        { x: 250, y: 150 },
        { x: 280, y: 160 },
        { x: 320, y: 155 },
      ],
      data: { isBidirectional: true, isEncrypted: true, protocol: 'HTTPS', trustBoundaryIds: ['box-dc'] },
    });
    expect(cells.get('box-dc')).toMatchObject({ shape: 'trust-boundary-box', zIndex: -1 });
    // the only loss: the threat of the flow Bulwark could not keep
    expect(out.warnings).toEqual([expect.stringMatching(/^Threats on no element .*Unknown sender/)]);
  });

  it('follows Bulwark edits over the kept Threat Dragon values', () => {
    const model = structuredClone(v2.model);
    const flow = model.diagrams[0]?.elements.find((e) => e.id === 'flow-book');
    if (flow?.kind !== 'dataFlow' || !flow.path) throw new Error('fixture changed');
    flow.path.handle = { x: 1, y: 2 };
    const api = model.threats?.find((t) => t.id === 'threat-api-1');
    if (!api) throw new Error('fixture changed');
    api.priority = 'Low';
    api.status = 'mitigated';
    const file = JSON.parse(exportThreatDragon(model, stride).text);
    const cells = new Map((file.detail.diagrams[0].cells as Json[]).map((c) => [c.id, c]));
    expect(cells.get('flow-book')?.vertices).toEqual([{ x: 1, y: 2 }]);
    const threat = (cells.get('process-api')?.data as { threats: Json[] } | undefined)?.threats[0];
    expect(threat).toMatchObject({ severity: 'Low', status: 'Mitigated' });
  });

  it('warns about what a Threat Dragon file cannot hold, and still writes a valid file', () => {
    const model = buildModel('Web shop', 'stride')
      .entity('user', { name: 'Customer' })
      .process('web', { name: 'Web app', typeId: 'web-app', properties: { validatesInput: true } })
      .store('db', { name: 'Orders' })
      .flow('user', 'web', { protocol: 'HTTPS' }, { id: 'f1', name: 'Order' })
      .flow('web', 'db', {}, { id: 'f2', name: 'Save' })
      .build();
    model.assets = [{ id: 'orders', name: 'Orders', classification: 'confidential' }];
    model.notes = [{ id: 'n1', text: 'Why.' }];
    model.metadata.assumptions = ['Browsers are not ours.'];
    model.threats = [
      {
        id: 'S:user:f1:web',
        typeId: 'S',
        origin: 'generated',
        category: 'S',
        title: 'Spoofed customer',
        description: '',
        priority: 'High',
        status: 'needs-investigation',
        justification: 'Looking into it',
        interaction: { sourceId: 'user', flowId: 'f1', targetId: 'web' },
      },
    ];
    const out = exportThreatDragon(model, stride);
    expectValid(out.text);
    const text = out.warnings.join('\n');
    for (const expected of [
      /note\(s\) were left out/,
      /asset\(s\) were left out/,
      /assumptions were left out/,
      /no equivalent of were written as their basic shape \(process\): Web application \(Web app\)/,
      /without a position were placed on a grid/,
      /no field for were left out: validatesInput \(Web app\)/,
      /needing investigation were written as Open/,
      /justifications were left out/,
      /Generated threats/,
    ])
      expect(text).toMatch(expected);
    const back = unwrap(importThreatDragon(out.text, 'shop.json'));
    expect(back.model.threats?.[0]).toMatchObject({ elementId: 'f1', status: 'not-started', category: 'S' });
    expect(back.model.diagrams[0]?.elements.map((e) => e.id)).toEqual(['user', 'web', 'db', 'f1', 'f2']);
  });
});

describe('exportThreatDragonV1', () => {
  it('writes what it read from a version 1 file back as version 1: the same model, a valid file', () => {
    const { out, back } = roundTripV1(v1.model);
    expect(back.model).toEqual(v1.model);
    expect(out.warnings).toEqual([]);
    expectValid(out.text, validateV1);
    const file = JSON.parse(out.text) as Json;
    expect(file.version).toBe('1.6.1');
    const diagram = (file.detail as { diagrams: Json[] }).diagrams[0] as Json;
    expect(diagram).toMatchObject({ id: 0, title: 'Checkout', diagramType: 'STRIDE' });
    expect(diagram.cells).toBeUndefined();
    const cells = (diagram.diagramJson as { cells: Json[] }).cells;
    const flow = cells.find((c) => c.type === 'tm.Flow' && c.protocol === 'https');
    expect(flow).toMatchObject({
      isEncrypted: true,
      isPublicNetwork: true,
      source: { id: '6f2d1c4e-0a51-4c0e-9a57-1f0c3f7d2a01' },
      labels: [{ attrs: { text: { text: 'Place order' } } }],
    });
    expect(flow?.data).toBeUndefined();
  });

  it('writes a version 2 model as version 1: UUIDs made from the ids, boxes as closed curves that read back as boxes, no text blocks', () => {
    const { out, back } = roundTripV1(v2.model);
    expectValid(out.text, validateV1);
    const els = elementsOf(back.model);
    const before = v2.model.diagrams.flatMap((d) => d.elements).filter((e) => e.kind !== 'annotation');
    expect([...els.keys()].sort()).toEqual(before.map((e) => uuidV5(e.id)).sort());
    for (const e of before) expect(els.get(uuidV5(e.id))?.name).toBe(e.name);
    expect(els.get(uuidV5('flow-book'))).toMatchObject({
      source: uuidV5('actor-visitor'),
      target: uuidV5('process-api'),
      bidirectional: true,
    });
    // the box is a closed curve round the same area: corner to corner through the other three
    const file = JSON.parse(out.text) as { detail: { diagrams: { diagramJson: { cells: Json[] } }[] } };
    const box = file.detail.diagrams[0]?.diagramJson.cells.find((c) => c.id === uuidV5('box-dc'));
    expect(box).toMatchObject({
      type: 'tm.Boundary',
      source: { x: 300, y: 40 },
      target: { x: 300, y: 40 },
      vertices: [
        { x: 720, y: 40 },
        { x: 720, y: 340 },
        { x: 300, y: 340 },
      ],
    });
    expect(box?.labels).toMatchObject([{ attrs: { text: { text: 'Data centre' } } }]);
    // and Bulwark reads it back as the box it was
    expect(els.get(uuidV5('box-dc'))).toMatchObject({
      kind: 'trustBoundary',
      shape: 'box',
      position: { x: 300, y: 40, width: 420, height: 300 },
    });
    const threats = (v2.model.threats ?? []).filter((t) => !t.orphaned);
    expect(back.model.threats?.map((t) => [t.id, t.elementId])).toEqual(
      threats.map((t) => [t.id, uuidV5(t.elementId ?? '')]),
    );
    const warnings = out.warnings.join('\n');
    expect(warnings).toMatch(/not UUIDs were written as UUIDs made from them.*: box-dc, actor-visitor/);
    expect(warnings).toMatch(/Boundary boxes were written as closed boundary curves.*: Data centre/);
    expect(warnings).toMatch(/Text blocks were left out.*: Drawn for the tests/);
  });

  it("still reads Bulwark's older version 1 exports (short ids, boundary boxes, text blocks, empty labels)", () => {
    const cell = (type: string, id: string, more: Json) => ({
      type,
      id,
      z: 1,
      size: { width: 10, height: 10 },
      ...more,
    });
    const at = (x: number, y: number) => ({ position: { x, y }, size: { width: 160, height: 80 } });
    const text = JSON.stringify({
      version: '1.6.1',
      summary: { title: 'Old export' },
      detail: {
        contributors: [],
        diagrams: [
          {
            id: 0,
            title: 'D',
            diagramType: 'STRIDE',
            diagramJson: {
              cells: [
                cell('tm.BoundaryBox', 'dc', { ...at(0, 0), name: 'DC', attrs: {} }),
                cell('tm.Process', 'web', { ...at(10, 10), attrs: { text: { text: 'Web' } } }),
                cell('tm.Store', 'db', { ...at(300, 10), attrs: { text: { text: 'DB' } }, storesCredentials: true }),
                cell('tm.Flow', 'f1', { source: { id: 'web' }, target: { id: 'db' }, labels: [], attrs: {} }),
                cell('tm.Text', 'note', { ...at(0, 300), attrs: { text: { text: 'A note' } } }),
              ],
            },
          },
        ],
      },
    });
    const els = elementsOf(unwrap(importThreatDragon(text, 'old.json')).model);
    expect([...els.keys()]).toEqual(['dc', 'web', 'db', 'f1', 'note']);
    expect(els.get('dc')).toMatchObject({ kind: 'trustBoundary', shape: 'box' });
    expect(els.get('db')?.properties).toEqual({ storesCredentials: true });
    expect(els.get('f1')).toMatchObject({ source: 'web', target: 'db' });
  });

  it('is a write-only format beside threat-dragon, which keeps detection', () => {
    expect(threatDragonV1Format).toMatchObject({ id: 'threat-dragon-v1', write: exportThreatDragonV1 });
    expect(threatDragonV1Format.detect).toBeUndefined();
    expect(threatDragonV1Format.read).toBeUndefined();
    expect(detectFormat(exportThreatDragonV1(v1.model, stride).text)?.id).toBe('threat-dragon');
  });
});

describe('exportThreatDragon values in the types Threat Dragon wants', () => {
  it('writes "Yes" and "No" as true and false, and leaves out what is neither, with warnings', () => {
    const model = buildModel('Typed', 'stride')
      .store('db', { name: 'Orders', properties: { storesCredentials: 'No', isLog: 'Yes', encryptedAtRest: 'Maybe' } })
      .entity('user', { name: 'Customer', properties: { 'threatDragon:providesAuthentication': 'TRUE' } })
      .process('web', { name: 'Web', properties: { 'threatDragon:privilegeLevel': 3 } })
      .build();
    for (const write of [exportThreatDragon, exportThreatDragonV1]) {
      const out = write(model, stride);
      const file = JSON.parse(out.text) as { detail: { diagrams: Json[] } };
      const diagram = file.detail.diagrams[0] as Json;
      const cells = ((diagram.diagramJson as Json | undefined)?.cells ?? diagram.cells) as Json[];
      const fields = (name: string) => {
        const c = cells.find((x) => ((x.data ?? x) as Json).type && JSON.stringify(x).includes(`"${name}"`));
        return (c?.data ?? c) as Json;
      };
      expect(fields('Orders')).toMatchObject({ storesCredentials: false, isALog: true });
      expect(fields('Orders').isEncrypted).toBeUndefined();
      expect(fields('Customer')).toMatchObject({ providesAuthentication: true });
      expect(fields('Web')).toMatchObject({ privilegeLevel: '3' });
      const warnings = out.warnings.join('\n');
      expect(warnings).toMatch(/written as true or false.*storesCredentials "No" \(Orders\)/);
      expect(warnings).toMatch(/neither, were left out: isEncrypted "Maybe" \(Orders\)/);
      expect(warnings).toMatch(/written as text.*privilegeLevel \(Web\)/);
      expectValid(out.text, write === exportThreatDragon ? validateV2 : validateV1);
    }
  });
});

describe('exportThreatDragon on the example models', () => {
  it.each(['infrastructure.bulwark.json', 'webshop.bulwark.yaml'])('%s: a valid file that reads back', (name) => {
    const text = readFileSync(join(ROOT, 'examples', name), 'utf8');
    const model = unwrap(parseModel(unwrap(parseYamlText(text, name)).data, name));
    const template = unwrap(loadBuiltinTemplate(model.template.id));
    const out = exportThreatDragon(model, template);
    expectValid(out.text);
    const back = unwrap(importThreatDragon(out.text, name));
    const count = (m: ThreatModel) => m.diagrams.flatMap((d) => d.elements).length;
    expect(count(back.model)).toBe(count(model));
  });
});

describe('threatDragonFormat', () => {
  it('recognises Threat Dragon files by content, and only them', () => {
    expect(looksLikeThreatDragon(v1Text)).toBe(true);
    expect(looksLikeThreatDragon(v2Text)).toBe(true);
    expect(looksLikeThreatDragon('{"schemaVersion": 1, "metadata": {"name": "x"}}')).toBe(false);
    expect(looksLikeThreatDragon('{"summary": {}, "detail": "x"}')).toBe(false);
    expect(threatDragonFormat.id).toBe('threat-dragon');
    expect(detectFormat(v2Text)?.id).toBe('threat-dragon');
  });
});

// ---- The corpus -------------------------------------------------------------------------------

function jsonFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'schema' && dir.endsWith('assets') ? [] : jsonFiles(path);
    return name.endsWith('.json') ? [path] : [];
  });
}

/** Corpus files that are Threat Dragon models, and the malformed ones meant to fail. */
/** A model file's JSON (a Threat Dragon template file holds its model under `model`). */
function modelJson(f: string): Json {
  const data = JSON.parse(readFileSync(f, 'utf8')) as Json;
  return 'templateMetadata' in data ? (data.model as Json) : data;
}
const corpus = jsonFiles(CORPUS).filter((f) => {
  const data = modelJson(f);
  return ('summary' in data || 'summarize' in data) && ('detail' in data || 'details' in data);
});
const malformed = corpus.filter((f) => f.includes('malformed'));
const wellFormed = corpus.filter((f) => !f.includes('malformed'));

/** What the source file holds, counted straight from its JSON. */
function sourceCounts(data: Json) {
  const counts = { nodes: 0, flows: 0, looseFlows: 0, boundaries: 0, texts: 0, threats: 0 };
  const diagrams = ((data.detail as Json).diagrams ?? []) as Json[];
  for (const d of diagrams) {
    const cells = ((d.diagramJson as Json | undefined)?.cells ?? d.cells ?? []) as Json[];
    for (const c of cells) {
      const fields = (c.data ?? c) as Json;
      const type = String(fields.type ?? c.type);
      counts.threats += ((fields.threats ?? []) as unknown[]).length;
      if (['tm.Actor', 'tm.Process', 'tm.Store'].includes(type)) counts.nodes++;
      else if (type === 'tm.Boundary' || type === 'tm.BoundaryBox') counts.boundaries++;
      else if (type === 'tm.Text') counts.texts++;
      else if (type === 'tm.Flow') {
        const end = (e: unknown) => !!((e as Json | undefined)?.cell || (e as Json | undefined)?.id);
        if (end(c.source) && end(c.target)) counts.flows++;
        else counts.looseFlows++;
      }
    }
  }
  return counts;
}

describe.skipIf(!present)('the Threat Dragon corpus', () => {
  it('holds models of both versions and the malformed ones', () => {
    expect(wellFormed.length).toBeGreaterThanOrEqual(20);
    expect(malformed.length).toBe(2);
  });

  it.each(wellFormed.map((f) => [relative(CORPUS, f)]))('%s: imports with the counts of the source', (name) => {
    const text = readFileSync(join(CORPUS, name), 'utf8');
    const data = modelJson(join(CORPUS, name));
    const r = unwrap(importThreatDragon(text, name));
    const elements = r.model.diagrams.flatMap((d) => d.elements);
    const count = (kind: string) => elements.filter((e) => e.kind === kind).length;
    const src = sourceCounts(data);
    expect(r.model.diagrams).toHaveLength(((data.detail as Json).diagrams as unknown[]).length);
    expect(count('process') + count('dataStore') + count('externalEntity')).toBe(src.nodes);
    expect(count('dataFlow')).toBe(src.flows);
    expect(count('trustBoundary')).toBe(src.boundaries);
    expect(count('annotation')).toBe(src.texts);
    expect(r.model.threats ?? []).toHaveLength(src.threats);
    expect(r.warnings.filter((w) => w.includes('not connected'))).toHaveLength(src.looseFlows);
    expect(errorsOf(r.model)).toEqual([]);
    expect(looksLikeThreatDragon(text)).toBe(true);
  });

  it.each(wellFormed.map((f) => [relative(CORPUS, f)]))('%s: import, export, import is stable and valid', (name) => {
    const first = unwrap(importThreatDragon(readFileSync(join(CORPUS, name), 'utf8'), name));
    const { out, back } = roundTrip(first.model);
    expect(back.model).toEqual({ ...first.model, threats: first.model.threats?.filter((t) => !t.orphaned) });
    expectValid(out.text);
    // what was read is written back: losses are only threats on flows Bulwark could not keep
    for (const w of out.warnings) expect(w).toMatch(/^Threats on no element/);
  });

  /** Version 1 models: JointJS cells under diagramJson, or no diagrams and no 2.x version. */
  const v1Corpus = wellFormed.filter((f) => {
    const data = modelJson(f);
    const diagrams = ((data.detail as Json).diagrams ?? []) as Json[];
    if (diagrams.length === 0) return !String(data.version ?? '').startsWith('2');
    return diagrams.some((d) => 'diagramJson' in d);
  });
  it('holds version 1 models, and a version 1 schema that refuses what is not one', () => {
    expect(v1Corpus.length).toBeGreaterThanOrEqual(8);
    expect(validateV1?.({ summary: {} })).toBe(false);
  });

  it.each(v1Corpus.map((f) => [relative(CORPUS, f)]))(
    '%s: import, export as version 1, import is stable and valid',
    (name) => {
      const first = unwrap(importThreatDragon(readFileSync(join(CORPUS, name), 'utf8'), name));
      const { out, back } = roundTripV1(first.model);
      expect(back.model).toEqual({ ...first.model, threats: first.model.threats?.filter((t) => !t.orphaned) });
      expectValid(out.text, validateV1);
      for (const w of out.warnings) expect(w).toMatch(/^Threats on no element/);
    },
  );

  it.each(malformed.map((f) => [relative(CORPUS, f)]))('%s: refused with a clear error', (name) => {
    const r = importThreatDragon(readFileSync(join(CORPUS, name), 'utf8'), name);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.file).toBe(name);
      expect(r.error.message).toMatch(/^Not a Threat Dragon model: it has no "(summary|detail)" object/);
    }
  });

  it('does not take the corpus files of other formats for Threat Dragon models', () => {
    for (const f of jsonFiles(CORPUS).filter((f) => !corpus.includes(f)))
      expect(looksLikeThreatDragon(readFileSync(f, 'utf8')), f).toBe(false);
  });
});

// ---- Threat Dragon's own reading code ---------------------------------------------------------

const cannotRun = cannotRunThreatDragon();
if (cannotRun) console.warn(`skipping the checks with Threat Dragon's own code: ${cannotRun}`);
const TMT = join(ROOT, '../shared/corpus/tmt');

/** Every model these tests write as Threat Dragon: the examples, the Threat Dragon corpus and the .tm7 corpus. */
const writtenModels: [string, () => { model: ThreatModel; template: Template }][] = [
  ...['infrastructure.bulwark.json', 'webshop.bulwark.yaml'].map((name) => [
    `examples/${name}`,
    () => {
      const model = unwrap(
        parseModel(unwrap(parseYamlText(readFileSync(join(ROOT, 'examples', name), 'utf8'), name)).data, name),
      );
      return { model, template: unwrap(loadBuiltinTemplate(model.template.id)) };
    },
  ]),
  ...wellFormed.map((f) => [
    `threat-dragon/${relative(CORPUS, f)}`,
    () => ({ model: unwrap(importThreatDragon(readFileSync(f, 'utf8'), f)).model, template: stride }),
  ]),
  // the .tm7 files Bulwark reads (the corpus also holds broken ones, refused on purpose)
  ...(existsSync(TMT) ? readdirSync(TMT).filter((f) => f.endsWith('.tm7')) : [])
    .map((f) => [`tmt/${f}`, importTm7(readFileSync(join(TMT, f), 'utf8'), f)] as const)
    .flatMap(([name, r]) => (r.ok ? [[name, () => r.value]] : [])),
] as [string, () => { model: ThreatModel; template: Template }][];

/** What Threat Dragon must open of a model: its shapes, flows and the threats on them (text blocks have no place in version 1). */
function expectedCounts(model: ThreatModel): OpenedCounts {
  const counts: OpenedCounts = { nodes: 0, flows: 0, attachedFlows: 0, boundaries: 0, threats: 0 };
  const holders = new Set<string>();
  for (const diagram of model.diagrams) {
    const nodes = new Set(
      diagram.elements.filter((e) => ['process', 'dataStore', 'externalEntity'].includes(e.kind)).map((e) => e.id),
    );
    counts.nodes += nodes.size;
    for (const e of diagram.elements) {
      if (e.kind === 'trustBoundary') counts.boundaries++;
      if (e.kind === 'dataFlow') {
        counts.flows++;
        if (nodes.has(e.source) && nodes.has(e.target)) counts.attachedFlows++;
      }
      if (e.kind !== 'trustBoundary' && e.kind !== 'annotation') holders.add(e.id);
    }
  }
  counts.threats = (model.threats ?? []).filter((t) => holders.has(t.elementId ?? t.interaction?.flowId ?? '')).length;
  return counts;
}

describe.skipIf(cannotRun !== undefined)("Threat Dragon's own code on every export", () => {
  it('has models to write: the examples and both corpora', () => {
    expect(writtenModels.length).toBeGreaterThanOrEqual(2 + (present ? 20 : 0) + (existsSync(TMT) ? 50 : 0));
  });

  it.each(writtenModels.map(([name]) => [name]))(
    '%s: the version 2 export passes its schema check; it opens the version 1 export with every shape, flow and threat',
    async (name) => {
      const td = await threatDragonReader();
      const load = writtenModels.find(([n]) => n === name)?.[1];
      if (!load) throw new Error(`no model ${name}`);
      const { model, template } = load();
      expect(td.checkV2(JSON.parse(exportThreatDragon(model, template).text))).toBeNull();
      const v1 = JSON.parse(exportThreatDragonV1(model, template).text) as unknown;
      expect(td.isV1(v1)).toBe(true);
      expect(countRead(td.readV1(v1))).toEqual(expectedCounts(model));
    },
  );
});
