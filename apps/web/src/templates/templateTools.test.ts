import { analyze, buildModel, resolveTemplate, type Template, type ThreatType } from '@bulwark/core';
import { describe, expect, it } from 'vitest';
import {
  blankTemplate,
  copyOfTemplate,
  kindOf,
  modelInteractions,
  previewThreat,
  reapplyPreview,
  ruleProblem,
  ruleTokens,
  templateIdFrom,
  threatTypeMatches,
} from './templateTools.js';

const template: Template = {
  ...blankTemplate('kiosk', 'Kiosk'),
  categories: [{ id: 'T', name: 'Tampering' }],
  elementTypes: [
    ...blankTemplate('kiosk', 'Kiosk').elementTypes,
    {
      id: 'kiosk.terminal',
      name: 'Kiosk terminal',
      parent: 'GE.EI',
      properties: [{ id: 'locked', name: 'Locked down', type: 'list', values: ['No', 'Yes'] }],
    },
  ],
};
const threatType: ThreatType = {
  id: 'kiosk.tamper',
  title: 'Tampering with {source.Name} (locked: {source.locked})',
  category: 'T',
  include: "source is 'kiosk.terminal'",
  exclude: "source.locked is 'Yes'",
  description: '{source.Name} sends to {target.Name}.',
  priority: 'High',
};
const model = buildModel('m', 'kiosk')
  .entity('k1', { typeId: 'kiosk.terminal', name: 'Lobby kiosk' })
  .entity('k2', { typeId: 'kiosk.terminal', name: 'Safe kiosk', properties: { locked: 'Yes' } })
  .process('api', { name: 'API' })
  .flow('k1', 'api', {}, { id: 'f1', name: 'Orders' })
  .flow('k2', 'api', {}, { id: 'f2', name: 'Orders 2' })
  .build();

describe('ruleTokens', () => {
  it('colours keywords, roles, attributes and literals, and gives the rule back exactly', () => {
    const rule = "not source.locked is 'Yes' and (flow crosses 'GE.TB.B' or target is 'GE.P";
    const tokens = ruleTokens(rule);
    expect(tokens.map((t) => t.text).join('')).toBe(rule);
    const kind = (text: string) => tokens.find((t) => t.text === text)?.kind;
    expect([kind('not'), kind('source'), kind('locked'), kind("'Yes'"), kind('crosses'), kind("'GE.P")]).toEqual([
      'keyword',
      'role',
      'attr',
      'literal',
      'keyword',
      'literal',
    ]);
  });
});

describe('ruleProblem', () => {
  it('gives the column of the first problem, and nothing for a good or empty rule', () => {
    expect(ruleProblem("source is 'GE.P'")).toBeUndefined();
    expect(ruleProblem('')).toBeUndefined();
    const p = ruleProblem("source iz 'GE.P'");
    expect(p?.column).toBe(8);
    expect(ruleProblem("element is 'GE.P'")?.message).toBeTruthy();
    expect(ruleProblem("element is 'GE.P'", 'element')).toBeUndefined();
  });
});

describe('threatTypeMatches and previewThreat', () => {
  it('lists the interactions the rules hit, and fills the text for any interaction', () => {
    const r = threatTypeMatches(model, template, threatType);
    expect(r).toEqual({
      ok: true,
      matches: [
        {
          threatId: 'kiosk.tamper:k1:f1:api',
          key: 'k1:f1:api',
          label: 'Lobby kiosk → Orders → API',
          title: 'Tampering with Lobby kiosk (locked: No)',
        },
      ],
    });
    expect(modelInteractions(model).map((i) => i.key)).toEqual(['k1:f1:api', 'k2:f2:api']);
    expect(previewThreat(model, template, threatType, 'k2:f2:api')).toEqual({
      title: 'Tampering with Safe kiosk (locked: Yes)',
      description: 'Safe kiosk sends to API.',
    });
  });

  it('says why when the rule or the template is broken', () => {
    const broken = threatTypeMatches(model, template, { ...threatType, include: "source is 'x' and" });
    expect(broken.ok).toBe(false);
    const noCategory = threatTypeMatches(model, template, { ...threatType, category: 'Z' });
    expect(noCategory.ok).toBe(false);
  });
});

describe('reapplyPreview', () => {
  it('lists the threats that would appear and disappear, and changes nothing', () => {
    const v1 = resolveTemplate({ ...template, threatTypes: [threatType] });
    const v2 = resolveTemplate({
      ...template,
      version: '1.0.1',
      threatTypes: [{ ...threatType, id: 'kiosk.other', exclude: undefined }],
    });
    if (!v1.ok || !v2.ok) throw new Error('templates do not resolve');
    const current = analyze(model, v1.value).model;
    const frozen = JSON.stringify(current);
    const p = reapplyPreview(current, v2.value);
    expect(JSON.stringify(current)).toBe(frozen);
    expect(p.appear.map((t) => t.id)).toEqual(['kiosk.other:k1:f1:api', 'kiosk.other:k2:f2:api']);
    expect(p.disappear.map((t) => t.id)).toEqual(['kiosk.tamper:k1:f1:api']);
    expect(p.model.template.version).toBe('1.0.1');
  });
});

describe('new templates', () => {
  it('starts from the generic types, or copies one under a new id at 1.0.0', () => {
    expect(templateIdFrom('My Kiosk Template!')).toBe('my-kiosk-template');
    expect(blankTemplate('a', 'A').elementTypes.map((t) => t.id)).toEqual([
      'GE.P',
      'GE.DS',
      'GE.EI',
      'GE.DF',
      'GE.TB.B',
      'GE.TB.L',
      'GE.A',
    ]);
    expect(kindOf(template, 'kiosk.terminal')).toBe('externalEntity');
    expect(kindOf({ ...template, elementTypes: [{ id: 'a', name: 'A', parent: 'b' }] }, 'a')).toBeUndefined();
    const copy = copyOfTemplate({ ...template, version: '3.2.1' }, 'b', 'B');
    expect(copy).toMatchObject({ id: 'b', name: 'B', version: '1.0.0' });
    expect(resolveTemplate(copy).ok).toBe(true);
  });
});
