import { describe, expect, it } from 'vitest';
import { buildModel } from '../buildModel.js';
import type { Threat } from '../model/ThreatModelSchema.js';
import { parseRule } from '../rules/parseRule.js';
import { resolved, testTemplate, threatType } from '../testing/fixtures.js';
import { analyze } from './analyze.js';
import { generateThreats, requirementsOf } from './generateThreats.js';

const template = resolved(
  testTemplate([
    threatType('spoof', "source is 'GE.EI' and target is 'GE.P'", { category: 'S', priority: 'High' }),
    threatType('sqli', "source is 'GE.P' and target is 'sql'", { exclude: "source.validatesInput is 'Yes'" }),
    threatType('sniff', "flow crosses 'GE.TB.B' and not flow.protocol is 'HTTPS'", {
      category: 'I',
      title: 'Sniffing {flow.Name} ({flow.protocol})',
    }),
    threatType('at-rest', "element is 'GE.DS' and element.encrypted is 'False'", {
      scope: 'element',
      category: 'I',
      title: '{element.name} is readable at rest',
    }),
    threatType('broken', "source is 'GE.P' and and"),
  ]),
);

const model = buildModel('Shop', 'test')
  .boundary('net', { name: 'Internet' })
  .entity('user', { name: 'User', boundary: 'net' })
  .process('web', { name: 'Web' })
  .store('db', { name: 'Orders', typeId: 'sql' })
  .flow('user', 'web', { protocol: 'HTTP' }, { id: 'login', name: 'Login', bidirectional: true })
  .flow('web', 'db', undefined, { id: 'query', name: 'Query' })
  .build();

const ids = (threats: readonly Threat[]) => threats.map((t) => t.id).sort();

describe('generateThreats', () => {
  it('generates a threat per matching interaction and element, with placeholders filled', () => {
    const { threats } = generateThreats(model, template);
    expect(ids(threats)).toEqual([
      'at-rest:db',
      'sniff:user:login:web',
      'sniff:web:login:user',
      'spoof:user:login:web',
      'sqli:web:query:db',
    ]);
    const sniff = threats.find((t) => t.id === 'sniff:user:login:web');
    expect(sniff).toMatchObject({
      title: 'Sniffing Login (HTTP)',
      category: 'I',
      status: 'not-started',
      origin: 'generated',
      diagramId: 'main',
    });
    expect(sniff?.interaction).toEqual({ sourceId: 'user', flowId: 'login', targetId: 'web' });
    expect(threats.find((t) => t.id === 'at-rest:db')).toMatchObject({
      title: 'Orders is readable at rest',
      elementId: 'db',
    });
    expect(threats.find((t) => t.id === 'spoof:user:login:web')).toMatchObject({
      priority: 'High',
      title: 'spoof on User to Web',
    });
  });

  it('reports a broken rule by threat type and goes on without it', () => {
    expect(template.ruleProblems).toHaveLength(1);
    expect(template.ruleProblems[0]).toMatchObject({
      threatTypeId: 'broken',
      rule: 'include',
      error: { code: 'RULE_SYNTAX' },
    });
  });

  it('honours exclude rules and property values', () => {
    const safe = structuredClone(model);
    const web = safe.diagrams[0]?.elements.find((e) => e.id === 'web');
    if (web) web.properties = { validatesInput: 'Yes' };
    expect(ids(generateThreats(safe, template).threats)).not.toContain('sqli:web:query:db');
  });

  it('still generates threats for out-of-scope elements, marked as such', () => {
    const oos = structuredClone(model);
    const db = oos.diagrams[0]?.elements.find((e) => e.id === 'db');
    if (db) db.outOfScope = true;
    const threats = generateThreats(oos, template).threats;
    expect(threats.find((t) => t.id === 'sqli:web:query:db')?.outOfScope).toBe(true);
    expect(threats.find((t) => t.id === 'at-rest:db')?.outOfScope).toBe(true);
    expect(threats.find((t) => t.id === 'spoof:user:login:web')?.outOfScope).toBeUndefined();
  });

  it('indexes threat types by the types their include rule requires', () => {
    const req = (rule: string) => {
      const r = parseRule(rule);
      if (!r.ok) throw new Error(r.error.message);
      return requirementsOf(r.value).map((x) => [x.slot, [...x.types].sort()]);
    };
    expect(req("source is 'A' and target is 'B'")).toEqual([
      ['source', ['A']],
      ['target', ['B']],
    ]);
    expect(req("(target is 'A' or target is 'B') and flow crosses 'T'")).toEqual([
      ['target', ['A', 'B']],
      ['crosses', ['T']],
    ]);
    expect(req("target is 'A' or source is 'B'")).toEqual([]);
    expect(req("not source is 'A'")).toEqual([]);
  });
});

describe('analyze', () => {
  it('keeps every triage field when regenerating, and flags threats whose interaction vanished', () => {
    const first = analyze(model, template).model;
    const triaged = structuredClone(first);
    for (const t of triaged.threats ?? []) {
      if (t.id === 'sqli:web:query:db')
        Object.assign(t, {
          status: 'mitigated',
          priority: 'Low',
          justification: 'Parameterised queries',
          mitigations: 'ORM',
          changedBy: 'ana',
          changedAt: '2026-01-01T00:00:00Z',
        });
    }
    const manual: Threat = {
      id: 'manual-1',
      typeId: 'manual',
      origin: 'manual',
      category: 'T',
      title: 'Insider edits orders',
      description: '',
      priority: 'High',
      status: 'needs-investigation',
    };
    triaged.threats = [...(triaged.threats ?? []), manual];

    const again = analyze(triaged, template);
    const kept = again.model.threats?.find((t) => t.id === 'sqli:web:query:db');
    expect(kept).toMatchObject({
      status: 'mitigated',
      priority: 'Low',
      justification: 'Parameterised queries',
      mitigations: 'ORM',
      changedBy: 'ana',
      changedAt: '2026-01-01T00:00:00Z',
    });
    expect(again.model.threats).toContainEqual(manual);
    expect(again.merge).toEqual({ added: 0, kept: 5, orphaned: 0, dropped: 0, manual: 1 });

    // Remove the query flow: its threat stays, flagged, with its triage.
    const changed = structuredClone(again.model);
    const d = changed.diagrams[0];
    if (d) d.elements = d.elements.filter((e) => e.id !== 'query');
    const third = analyze(changed, template);
    expect(third.model.threats?.find((t) => t.id === 'sqli:web:query:db')).toMatchObject({
      orphaned: true,
      status: 'mitigated',
      justification: 'Parameterised queries',
    });
    expect(third.merge.orphaned).toBe(1);
    expect(third.model.threats?.filter((t) => t.orphaned).map((t) => t.id)).toEqual(['sqli:web:query:db']);

    // Remove the login flow, whose threats nobody triaged: they go, nothing is flagged.
    const untouched = structuredClone(again.model);
    const u = untouched.diagrams[0];
    if (u) u.elements = u.elements.filter((e) => e.id !== 'login');
    const gone = analyze(untouched, template);
    expect(gone.merge.dropped).toBeGreaterThan(0);
    expect(gone.merge.orphaned).toBe(0);
    expect(gone.model.threats?.some((t) => t.interaction?.flowId === 'login')).toBe(false);

    // Put it back: the orphan flag goes, triage is still there.
    const fourth = analyze(again.model, template);
    expect(fourth.model.threats?.find((t) => t.id === 'sqli:web:query:db')?.orphaned).toBeUndefined();
  });

  it('never changes the model it is given, and records the template version', () => {
    const before = JSON.stringify(model);
    const result = analyze(model, template);
    expect(JSON.stringify(model)).toBe(before);
    expect(result.model.template).toEqual({ id: 'test', version: '1' });
    expect(result.summary).toMatchObject({
      total: 5,
      byStatus: { 'not-started': 5 },
      byCategory: { S: 1, T: 1, I: 3 },
    });
    expect(result.interactionCount).toBe(3);
  });
});
