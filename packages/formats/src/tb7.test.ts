import { readFileSync } from 'node:fs';
import { buildModel, generateThreats, resolveTemplate } from '@bulwark/core';
import { describe, expect, it } from 'vitest';
import { importTb7, looksLikeTb7 } from './tb7.js';

const text = readFileSync(new URL('../fixtures/minimal.tb7', import.meta.url), 'utf8');

describe('importTb7', () => {
  it('reads a .tb7 template: manifest, priorities, types with their own root types, categories, threat types', () => {
    expect(looksLikeTb7(text)).toBe(true);
    const r = importTb7(text, 'minimal.tb7');
    if (!r.ok) throw new Error(JSON.stringify(r.error));
    const t = r.value;
    expect(t).toMatchObject({
      id: '55555555-0000-4000-8000-000000000001',
      name: 'Bulwark test template',
      version: '2.0.0',
      priorities: ['Critical', 'Normal'],
    });
    expect(t.elementTypes.find((e) => e.id === '9a9a9a9a-0000-4000-8000-000000000001')).toMatchObject({
      kind: 'externalEntity',
    });
    expect(t.threatTypes.find((x) => x.id === 'X1')).toMatchObject({
      priority: 'Critical',
      exclude: "flow.authenticated is 'Yes'",
    });
  });

  it('loads with a broken rule, names it, and generates with the rest', () => {
    const r = importTb7(text, 'minimal.tb7');
    if (!r.ok) throw new Error(r.error.message);
    const resolved = resolveTemplate(r.value);
    if (!resolved.ok) throw new Error(resolved.error.message);
    expect(resolved.value.ruleProblems.map((p) => p.threatTypeId)).toEqual(['X2']);
    const model = buildModel('m', r.value.id)
      .entity('phone', { typeId: 'X.Mobile', name: 'Phone' })
      .process('api', { typeId: 'X.Api', name: 'API' })
      .flow('phone', 'api', { authenticated: 'No' })
      .build();
    expect(generateThreats(model, resolved.value).threats.map((x) => x.title)).toEqual([
      'Phone impersonated towards API',
    ]);
  });
});
