import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  buildModel,
  generateThreats,
  type PropertyDef,
  type Result,
  resolveTemplate,
  type Template,
} from '@bulwark/core';
import { BUILTIN_TEMPLATE_IDS, loadBuiltinTemplate } from '@bulwark/templates';
import { describe, expect, it } from 'vitest';
import { exportTb7, importTb7, looksLikeTb7, tb7ExportLosses } from './tb7.js';
import { attributeOf } from './tmtKnowledgeBase.js';

function unwrap<T>(r: Result<T>): T {
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

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

const CORPUS = join(new URL('../../../', import.meta.url).pathname, '../shared/corpus/tmt');
const corpusPresent = existsSync(CORPUS);
if (!corpusPresent)
  console.warn(`skipping the .tb7 round trip over the corpus: ${CORPUS} is absent (it lives in ../shared)`);

/** What a .tb7 holds of a template: the template without what `tb7ExportLosses` names. */
function asTb7Holds(t: Template): Template {
  const property = (p: PropertyDef): PropertyDef => {
    const { values, mode } = attributeOf(p);
    if (values.length === 0) return { id: p.id, name: p.name, type: 'text', default: '' };
    return {
      id: p.id,
      name: p.name,
      type: 'list',
      values,
      ...(mode === 'Static' ? { description: p.description } : {}),
    };
  };
  return {
    ...t,
    description: `Imported from the Microsoft Threat Modeling Tool (${t.name} ${t.version}).`,
    elementTypes: t.elementTypes.map((e) => ({
      ...e,
      ...(e.hidden ? {} : { hidden: undefined }),
      ...(e.properties && e.properties.length > 0
        ? { properties: e.properties.map(property) }
        : { properties: undefined }),
    })),
    threatTypes: t.threatTypes
      .filter((x) => x.scope !== 'element')
      .map(({ mitigations: _m, references: _r, examples: _e, scope: _s, ...x }) => x),
  };
}

const clean = (t: Template): Template => JSON.parse(JSON.stringify(t));

describe('exportTb7', () => {
  it.each(BUILTIN_TEMPLATE_IDS)('writes the built-in %s so that reading it back gives all a .tb7 holds', (id) => {
    const template = unwrap(loadBuiltinTemplate(id));
    const text = exportTb7(template);
    expect(looksLikeTb7(text)).toBe(true);
    const back = importTb7(text, `${id}.tb7`);
    if (!back.ok) throw new Error(back.error.message);
    expect(clean(back.value)).toEqual(clean(asTb7Holds(template)));
    expect(tb7ExportLosses(template)).toContain("the template's description");
  });

  it('escapes every text it writes, and says nothing is lost when nothing is', () => {
    const r = importTb7(text, 'minimal.tb7');
    if (!r.ok) throw new Error(r.error.message);
    const t = { ...r.value, name: 'A & B <x> "q"', author: 'line one\nline\ttwo', description: undefined };
    const out = exportTb7(t);
    expect(out).toContain('name="A &amp; B &lt;x&gt; &quot;q&quot;"');
    const back = importTb7(out);
    if (!back.ok) throw new Error(back.error.message);
    expect(back.value.name).toBe('A & B <x> "q"');
    expect(back.value.author).toBe('line one\nline\ttwo');
    expect(back.value.threatTypes).toEqual(r.value.threatTypes);
    expect(tb7ExportLosses(t)).toEqual([]);
  });

  describe.skipIf(!corpusPresent)('over the corpus', () => {
    const files = corpusPresent ? readdirSync(CORPUS).filter((f) => f.endsWith('.tb7')) : [];
    it.each(files)('%s: import -> export -> import is stable', (file) => {
      const first = importTb7(readFileSync(join(CORPUS, file), 'utf8'), file);
      if (!first.ok) {
        expect(first.error.message).toMatch(/DTD|entit/i); // the entity bomb is refused
        return;
      }
      const second = importTb7(exportTb7(first.value), file);
      if (!second.ok) throw new Error(second.error.message);
      expect(clean(second.value)).toEqual(clean(first.value));
    });
  });
});
