import { existsSync, readFileSync } from 'node:fs';
import type { Threat, ThreatModel } from '@bulwark/core';
import ajvDraft04 from 'ajv-draft-04';
import ajvFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { generalText, idLines, renderSarif, renderSarifParts, sarifLevel } from './sarif.js';
import { analysedExample, EXAMPLE_URL } from './testing/example.js';

const SCHEMA = new URL('../../../../shared/corpus/sarif/sarif-schema-2.1.0.json', import.meta.url).pathname;
const present = existsSync(SCHEMA);
if (!present)
  console.warn(
    `skipping the SARIF schema check: ${SCHEMA} is absent (the corpus lives in ../shared beside the repository)`,
  );

const { model, template } = analysedExample(readFileSync(EXAMPLE_URL, 'utf8'));

/** The example with some threats triaged, one of each status. */
function triaged(m: ThreatModel): ThreatModel {
  const threats = (m.threats ?? []).map((t, i): Threat => {
    if (i === 0) return { ...t, status: 'mitigated', justification: 'TLS everywhere', mitigations: 'HSTS' };
    if (i === 1) return { ...t, status: 'not-applicable', justification: 'Not reachable from outside' };
    if (i === 2) return { ...t, status: 'needs-investigation', justification: 'Ask the network team' };
    if (i === 3) return { ...t, status: 'mitigated' };
    return t;
  });
  return { ...m, threats };
}

interface Result {
  ruleId: string;
  ruleIndex: number;
  level: string;
  message: { text: string };
  locations: {
    physicalLocation?: { artifactLocation: { uri: string }; region?: { startLine: number } };
    logicalLocations: { name: string; kind: string; fullyQualifiedName: string }[];
  }[];
  partialFingerprints: Record<string, string>;
  suppressions?: { kind: string; status: string; justification: string }[];
  properties: Record<string, unknown>;
}

const input = triaged(model);
const text = renderSarif(input, template, { modelUri: 'examples/infrastructure.bulwark.json', toolVersion: '0.1.0' });
const log = JSON.parse(text);
const run = log.runs[0];
const results = run.results as Result[];

describe('renderSarif', () => {
  it.skipIf(!present)('is valid against the official SARIF 2.1.0 schema, with and without a model file', () => {
    // Both are CommonJS modules whose `default` is the export itself.
    const ajv = new ajvDraft04.default({ allErrors: true, strict: false });
    ajvFormats.default(ajv);
    const validate = ajv.compile(JSON.parse(readFileSync(SCHEMA, 'utf8')));
    expect(validate(log), JSON.stringify(validate.errors?.slice(0, 5), null, 2)).toBe(true);
    expect(validate({ version: '2.1.0', runs: [{ tool: { driver: {} } }] })).toBe(false);
    const bare = JSON.parse(renderSarif(model, template));
    expect(validate(bare), JSON.stringify(validate.errors?.slice(0, 5), null, 2)).toBe(true);
  });

  it('has one run by Bulwark whose rules are the threat types used, and a result per threat', () => {
    expect(log.version).toBe('2.1.0');
    expect(log.runs).toHaveLength(1);
    expect(run.tool.driver.name).toBe('Bulwark');
    expect(run.tool.driver.version).toBe('0.1.0');
    const used = [...new Set((input.threats ?? []).map((t) => t.typeId))].sort();
    expect(run.tool.driver.rules.map((r: { id: string }) => r.id)).toEqual(used);
    for (const r of run.tool.driver.rules) {
      expect(r.name).toMatch(/^[A-Z][A-Za-z0-9]*$/);
      expect(`${r.shortDescription.text} ${r.fullDescription.text}`).not.toMatch(/\{(source|target|flow|element)\./);
      expect(r.shortDescription.text).not.toBe('');
      expect(r.fullDescription.text).not.toBe('');
      expect(['error', 'warning', 'note']).toContain(r.defaultConfiguration.level);
    }
    expect(results).toHaveLength(input.threats?.length ?? 0);
    for (const r of results) expect(run.tool.driver.rules[r.ruleIndex].id).toBe(r.ruleId);
  });

  it('words placeholders in general terms in the rules', () => {
    expect(generalText('{source.Name} sends {flow.protocol} to {target.Name}')).toBe(
      "The source sends the flow's protocol to the target",
    );
    expect(generalText('Spoofing of {element.Name}')).toBe('Spoofing of the element');
  });

  it('maps priority to level, keeps the threat id as fingerprint and names the elements', () => {
    expect(['High', 'Medium', 'Low', 'Critical', 'high'].map(sarifLevel)).toEqual([
      'error',
      'warning',
      'note',
      'warning',
      'error',
    ]);
    const byId = new Map((input.threats ?? []).map((t) => [t.id, t]));
    for (const r of results) {
      const t = byId.get(r.partialFingerprints['bulwarkThreatId/v1'] as string) as Threat;
      expect(r.level).toBe(sarifLevel(t.priority));
      expect(r.properties).toMatchObject({ threatId: t.id, status: t.status, priority: t.priority });
      expect(r.message.text.startsWith(t.title)).toBe(true);
      expect(r.locations[0]?.physicalLocation?.artifactLocation.uri).toBe('examples/infrastructure.bulwark.json');
      expect(r.locations[0]?.logicalLocations.length).toBe(t.interaction ? 3 : 1);
    }
    const firewall = results.find((r) => r.locations[0]?.logicalLocations.some((l) => l.name === 'Firewall service'));
    expect(firewall?.locations[0]?.logicalLocations.find((l) => l.name === 'Firewall service')).toEqual({
      name: 'Firewall service',
      kind: 'process',
      fullyQualifiedName: 'Context/Firewall service',
    });
  });

  it('suppresses mitigated and not-applicable threats with their justification, never the others', () => {
    const [first, second, third, fourth] = results.filter((r) =>
      (input.threats ?? []).slice(0, 4).some((t) => t.id === r.partialFingerprints['bulwarkThreatId/v1']),
    );
    const suppressed = results.filter((r) => r.suppressions);
    expect(suppressed).toHaveLength(3);
    const justifications = suppressed.map((r) => r.suppressions?.[0]?.justification).sort();
    expect(justifications).toEqual(['Mitigated', 'Not reachable from outside', 'TLS everywhere']);
    for (const r of suppressed) expect(r.suppressions?.[0]).toMatchObject({ kind: 'external', status: 'accepted' });
    expect([first, second, third, fourth].filter((r) => r?.properties.status === 'needs-investigation')).toHaveLength(
      1,
    );
    expect(results.filter((r) => r.properties.status === 'needs-investigation' && r.suppressions)).toEqual([]);
  });

  it('points each result at the line that defines its threat, flow or element when given the file', () => {
    const fileText = readFileSync(EXAMPLE_URL, 'utf8');
    const withText = JSON.parse(
      renderSarif(input, template, { modelUri: 'examples/infrastructure.bulwark.json', modelText: fileText }),
    );
    const lines = fileText.split('\n');
    for (const r of withText.runs[0].results as Result[]) {
      const line = r.locations[0]?.physicalLocation?.region?.startLine ?? 0;
      const first = r.locations[0]?.logicalLocations[0]?.name;
      const threat = (input.threats ?? []).find((t) => t.id === r.partialFingerprints['bulwarkThreatId/v1']);
      const firstId = threat?.interaction?.flowId ?? threat?.elementId;
      expect(lines[line - 1], `${first}`).toContain(`"id": "${firstId}"`);
    }
    expect(results.every((r) => r.locations[0]?.physicalLocation?.region?.startLine === 1)).toBe(true);
    const yaml =
      'a:\n  - id: web\n    typeId: t\n  - id: "db:1"\n    id: \'q\'\n  - { kind: process, id: api, boundaryId: b }\n';
    expect([...idLines(yaml).entries()]).toEqual([
      ['web', 2],
      ['db:1', 4],
      ['q', 5],
      ['api', 6],
    ]);
    expect([...idLines('{"id":"a","elements":[{"id":"b\\"c","typeId":"x"}]}').entries()]).toEqual([
      ['a', 1],
      ['b"c', 1],
    ]);
  });

  it('is deterministic and leaves out the physical location without a model file', () => {
    expect(
      renderSarif(input, template, { modelUri: 'examples/infrastructure.bulwark.json', toolVersion: '0.1.0' }),
    ).toBe(text);
    const bare = JSON.parse(renderSarif(model, template));
    expect(bare.runs[0].results[0].locations[0].physicalLocation).toBeUndefined();
    expect(bare.runs[0].artifacts).toBeUndefined();
  });
});

describe('the SARIF log in pieces', () => {
  /** What JSON.stringify writes for the same log: the pieces must join to exactly that. */
  const canonical = (text: string) => `${JSON.stringify(JSON.parse(text), null, 2)}\n`;

  it('joins to the 2-space JSON of the whole log, one piece per result', () => {
    const m = triaged(model);
    const parts = [...renderSarifParts(m, template, { modelUri: 'm.json', toolVersion: '1.0.0' })];
    expect(parts.length).toBe((m.threats?.length ?? 0) + 2);
    const text = parts.join('');
    expect(text).toBe(canonical(text));
    expect(text).toBe(renderSarif(m, template, { modelUri: 'm.json', toolVersion: '1.0.0' }));
  });

  it('writes an empty result list as []', () => {
    const text = renderSarif({ ...model, threats: [] }, template);
    expect(text).toBe(canonical(text));
    expect(JSON.parse(text).runs[0].results).toEqual([]);
  });

  it('is not thrown by model text that looks like the results key', () => {
    const trick = '\u0000results';
    const m: ThreatModel = {
      ...triaged(model),
      metadata: { ...model.metadata, name: `\n      "results": ${JSON.stringify(trick)}` },
    };
    const first = (m.threats ?? [])[0] as Threat;
    m.threats = [{ ...first, title: trick }, ...(m.threats ?? []).slice(1)];
    const text = renderSarif(m, template);
    expect(text).toBe(canonical(text));
    const log = JSON.parse(text);
    expect(log.runs[0].properties.model).toBe(m.metadata.name);
    expect(log.runs[0].results).toHaveLength(m.threats.length);
  });
});
