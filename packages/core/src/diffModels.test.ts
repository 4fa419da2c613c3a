import { describe, expect, it } from 'vitest';
import { buildModel } from './buildModel.js';
import { diffModels, isEmptyDiff } from './diffModels.js';
import type { Threat } from './model/ThreatModelSchema.js';

const threat = (id: string, extra: Partial<Threat> = {}): Threat => ({
  id,
  typeId: 't',
  origin: 'generated',
  category: 'S',
  title: id,
  description: '',
  priority: 'High',
  status: 'not-started',
  ...extra,
});

describe('diffModels', () => {
  const before = buildModel('Shop')
    .entity('user')
    .process('web')
    .store('db')
    .flow('user', 'web', { protocol: 'HTTP' }, { id: 'f1' })
    .threat(threat('a'))
    .threat(threat('b'))
    .build();

  it('finds nothing between a model and itself', () => {
    expect(isEmptyDiff(diffModels(before, structuredClone(before)))).toBe(true);
  });

  it('lists elements added, removed and changed (with the fields), and threats new, removed and re-triaged', () => {
    const after = structuredClone(before);
    const d = after.diagrams[0];
    if (!d) throw new Error('no diagram');
    d.elements = d.elements.filter((e) => e.id !== 'db');
    d.elements.push({ kind: 'process', id: 'cache', typeId: 'GE.P', name: 'Cache' });
    const flow = d.elements.find((e) => e.id === 'f1');
    if (flow?.kind === 'dataFlow') {
      flow.properties = { protocol: 'HTTPS' };
      flow.name = 'Login';
    }
    after.metadata.owner = 'ana';
    after.threats = [threat('a', { status: 'mitigated', justification: 'TLS everywhere' }), threat('c')];

    const diff = diffModels(before, after);
    expect(diff.metadata).toEqual([{ field: 'owner', from: undefined, to: 'ana' }]);
    expect(diff.elements.added).toEqual([{ id: 'cache', name: 'Cache', kind: 'process', diagramId: 'main' }]);
    expect(diff.elements.removed.map((e) => e.id)).toEqual(['db']);
    expect(diff.elements.changed).toEqual([
      {
        id: 'f1',
        name: 'Login',
        kind: 'dataFlow',
        changes: [
          { field: 'name', from: 'user to web', to: 'Login' },
          { field: 'properties', from: { protocol: 'HTTP' }, to: { protocol: 'HTTPS' } },
        ],
      },
    ]);
    expect(diff.threats.added.map((t) => t.id)).toEqual(['c']);
    expect(diff.threats.removed.map((t) => t.id)).toEqual(['b']);
    expect(diff.threats.changed).toEqual([
      {
        id: 'a',
        title: 'a',
        changes: [
          { field: 'status', from: 'not-started', to: 'mitigated' },
          { field: 'justification', from: undefined, to: 'TLS everywhere' },
        ],
      },
    ]);
  });

  it('ignores key order in nested values', () => {
    const a = buildModel()
      .process('p', { properties: { x: 'Yes', y: 'No' } })
      .build();
    const b = buildModel()
      .process('p', { properties: { y: 'No', x: 'Yes' } })
      .build();
    expect(isEmptyDiff(diffModels(a, b))).toBe(true);
  });
});
