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

  it('spreads the ends of flows that would meet at one point on a shape, and redraws them when shapes move', () => {
    const at = (x: number, y: number, width = 150, height = 60) => ({ x, y, width, height });
    const diagram: Diagram = {
      id: 'd',
      name: 'D',
      elements: [
        { kind: 'process', id: 'hub', typeId: 'GE.P', name: 'Hub', position: at(200, 0, 100, 100) },
        { kind: 'dataStore', id: 'a', typeId: 'GE.DS', name: 'A', position: at(180, 400) },
        // Beyond A, nearly in line with it, but far enough aside that the flow to it passes A (a
        // flow under a shape would bend round it: flowGeometry's flowRoute).
        { kind: 'dataStore', id: 'b', typeId: 'GE.DS', name: 'B', position: at(384, 800) },
        { kind: 'externalEntity', id: 'far', typeId: 'GE.EI', name: 'Far', position: at(800, 20) },
        { kind: 'dataFlow', id: 'fa', typeId: 'GE.DF', name: 'To A', source: 'hub', target: 'a' },
        { kind: 'dataFlow', id: 'fb', typeId: 'GE.DF', name: 'To B', source: 'hub', target: 'b' },
        { kind: 'dataFlow', id: 'ff', typeId: 'GE.DF', name: 'To far', source: 'hub', target: 'far' },
      ],
    };
    const cache: FlowCache = new WeakMap();
    const { edges } = modelToFlow(diagram, cache);
    const shift = (id: string) => edges.find((e) => e.id === id)?.data?.shift;
    expect(shift('ff')).toBeUndefined();
    const a = shift('fa')?.source ?? 0;
    const b = shift('fb')?.source ?? 0;
    expect(Math.sign(a)).toBe(-Math.sign(b));
    expect(Math.abs(a) + Math.abs(b)).toBeGreaterThan(5);
    // Moved far apart, the two need no shift: their edges are drawn anew.
    const moved: Diagram = {
      ...diagram,
      elements: diagram.elements.map((e) => (e.id === 'b' ? { ...e, position: at(-600, 0) } : e)),
    };
    const after = modelToFlow(moved, cache).edges;
    expect(after.find((e) => e.id === 'fa')?.data?.shift).toBeUndefined();
    expect(after.find((e) => e.id === 'ff')).toBe(edges.find((e) => e.id === 'ff'));
  });
});
