import { buildModel, diffModels } from '@bulwark/core';
import { describe, expect, it } from 'vitest';
import { describeFieldChanges, diffDiagram, diffDiagramList } from './diffDiagram.js';

const at = (x: number) => ({ position: { x, y: 0, width: 100, height: 60 } });

const before = buildModel('Shop')
  .diagram('ctx', 'Context')
  .boundary('net', { name: 'Internet', position: { x: -20, y: -20, width: 500, height: 200 } })
  .entity('user', { name: 'User', ...at(0) })
  .process('web', { name: 'Web', ...at(200) })
  .store('old', { name: 'Old store', ...at(400) })
  .flow('web', 'old', undefined, { id: 'f-old', name: 'Writes' })
  .flow('user', 'web', undefined, { id: 'f1', name: 'Request' })
  .diagram('gone', 'Retired')
  .process('legacy', { name: 'Legacy', ...at(0) })
  .build();

const after = buildModel('Shop')
  .diagram('ctx', 'Context')
  .entity('user', { name: 'User', ...at(0) })
  .process('web', { name: 'Web app', ...at(200), properties: { auth: 'none' } })
  .store('db', { name: 'Orders', ...at(400) })
  .flow('user', 'web', undefined, { id: 'f1', name: 'Request' })
  .build();

describe('diffDiagram', () => {
  it('draws the newer diagram with the lost elements as ghosts, each marked', () => {
    const diff = diffModels(before, after);
    const { diagram, marks } = diffDiagram(before, after, diff, 'ctx');
    // The lost boundary goes behind, the lost store and its flow after the rest.
    expect(diagram.elements.map((e) => e.id)).toEqual(['net', 'user', 'web', 'db', 'f1', 'old', 'f-old']);
    expect(Object.fromEntries(marks)).toEqual({
      net: 'removed',
      old: 'removed',
      'f-old': 'removed',
      db: 'added',
      web: 'changed',
    });
    // A diagram only the older version had is all ghosts.
    expect(Object.fromEntries(diffDiagram(before, after, diff, 'gone').marks)).toEqual({ legacy: 'removed' });
    expect(diffDiagramList(before, after, diff)).toEqual([
      { id: 'ctx', name: 'Context', changes: 5 },
      { id: 'gone', name: 'Retired', changes: 1 },
    ]);
  });

  it('puts field changes in words: values quoted, properties one by one, positions without numbers', () => {
    const changed = diffModels(before, after).elements.changed.find((c) => c.id === 'web');
    expect(describeFieldChanges(changed?.changes ?? [])).toEqual([
      'name: “Web” → “Web app”',
      'property auth: none → “none”',
    ]);
    expect(
      describeFieldChanges(
        [
          { field: 'position', from: { x: 0 }, to: { x: 1 } },
          { field: 'outOfScope', from: undefined, to: true },
          { field: 'status', from: 'not-started', to: 'mitigated' },
        ],
        (field, v) => (field === 'status' ? String(v).toUpperCase() : String(v)),
      ),
    ).toEqual(['position or size changed', 'out of scope: undefined → true', 'status: NOT-STARTED → MITIGATED']);
  });
});
