import { buildModel, type ThreatModel } from '@bulwark/core';
import { describe, expect, it } from 'vitest';
import { perform } from './actions.js';
import { describeChanges, replay } from './conflict.js';

const base = (): ThreatModel =>
  buildModel('Shop')
    .entity('user', { position: { x: 0, y: 0, width: 100, height: 60 } })
    .process('web', { position: { x: 200, y: 0, width: 100, height: 100 } })
    .flow('user', 'web', undefined, { id: 'f1' })
    .build();

describe('conflicts', () => {
  it('re-applies my edits on their version: both sets of changes are there', () => {
    const theirs = perform(base(), {
      type: 'setField',
      diagramId: 'main',
      id: 'web',
      field: 'name',
      value: 'Shop web',
    });
    const mine = [
      {
        type: 'add' as const,
        diagramId: 'main',
        element: {
          kind: 'dataStore' as const,
          id: 'db',
          typeId: 'GE.DS',
          name: 'Orders',
          position: { x: 400, y: 0, width: 150, height: 60 },
        },
      },
      { type: 'setMetadata' as const, field: 'owner' as const, value: 'Ana' },
    ];
    const merged = replay(theirs, mine);
    const names = merged.diagrams[0]?.elements.map((e) => e.name);
    expect(names).toContain('Shop web');
    expect(names).toContain('Orders');
    expect(merged.metadata.owner).toBe('Ana');
  });

  it('says what they changed', () => {
    const theirs = perform(base(), { type: 'delete', diagramId: 'main', ids: ['f1'] });
    const lines = describeChanges(base(), theirs);
    expect(lines.join(' ')).toMatch(/Deleted “.+”/);
    expect(describeChanges(base(), base())).toEqual(['Nothing that shows on the diagram or the threats.']);
  });
});
