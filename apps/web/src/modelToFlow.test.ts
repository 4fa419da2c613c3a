import { buildModel, type Diagram } from '@bulwark/core';
import { describe, expect, it } from 'vitest';
import { type FlowCache, modelToFlow } from './modelToFlow.js';

describe('modelToFlow', () => {
  it('gives flows between the same two shapes their lanes, and redraws a flow whose lane changed', () => {
    const model = buildModel()
      .entity('browser')
      .process('web')
      .store('db')
      .flow('browser', 'web', undefined, { id: 'request' })
      .flow('web', 'db', undefined, { id: 'query' })
      .build();
    const diagram = model.diagrams[0] as Diagram;
    const cache: FlowCache = new WeakMap();
    const before = modelToFlow(diagram, cache);
    expect(before.edges.map((e) => [e.id, e.data?.lane])).toEqual([
      ['request', undefined],
      ['query', undefined],
    ]);
    // The same elements: the same edges (React Flow skips them).
    expect(modelToFlow(diagram, cache).edges[1]).toBe(before.edges[1]);
    const withResponse: Diagram = {
      ...diagram,
      elements: [
        ...diagram.elements,
        { kind: 'dataFlow', id: 'response', typeId: 'GE.DF', name: 'Response', source: 'web', target: 'browser' },
      ],
    };
    const after = modelToFlow(withResponse, cache);
    expect(after.edges.map((e) => [e.id, e.data?.lane])).toEqual([
      ['request', { index: 0, count: 2 }],
      ['query', undefined],
      ['response', { index: 1, count: 2 }],
    ]);
    expect(after.edges[0]).not.toBe(before.edges[0]);
    expect(after.edges[1]).toBe(before.edges[1]);
  });
});
