import { describe, expect, it } from 'vitest';
import { buildModel } from './buildModel.js';
import { computeInteractions, directedInteractions } from './interactions.js';

const box = (x: number, y: number, size = 20) => ({ x, y, width: size, height: size });

function crossedNames(model: ReturnType<ReturnType<typeof buildModel>['build']>, flowId: string): string[] {
  const fc = computeInteractions(model).flows.find((f) => f.flow.id === flowId);
  return fc ? fc.crossed.map((b) => b.name) : ['<no flow>'];
}

describe('computeInteractions', () => {
  it('makes one interaction per one-way flow and two per bi-directional flow', () => {
    const model = buildModel()
      .entity('user', { position: box(0, 0) })
      .process('web', { position: box(100, 0) })
      .store('db', { position: box(200, 0) })
      .flow('user', 'web', undefined, { id: 'f1', bidirectional: true })
      .flow('web', 'db', undefined, { id: 'f2' })
      .build();
    const set = computeInteractions(model);
    const interactions = directedInteractions(set);
    expect(interactions.map((i) => i.key)).toEqual(['user:f1:web', 'web:f1:user', 'web:f2:db']);
    expect(interactions.map((i) => i.reverse)).toEqual([false, true, false]);
    expect(set.flows).toHaveLength(2);
    expect(set.interactionCount).toBe(3);
  });

  it('crosses a box boundary when exactly one endpoint centre lies inside it', () => {
    const model = buildModel()
      .boundary('dmz', { name: 'DMZ', position: { x: 80, y: -20, width: 200, height: 60 } })
      .entity('user', { position: box(0, 0) })
      .process('web', { position: box(100, 0) })
      .store('db', { position: box(200, 0) })
      .flow('user', 'web', undefined, { id: 'in' })
      .flow('web', 'db', undefined, { id: 'inside' })
      .build();
    expect(crossedNames(model, 'in')).toEqual(['DMZ']);
    expect(crossedNames(model, 'inside')).toEqual([]);
  });

  it('counts each nested box that one endpoint is in and the other is not', () => {
    const model = buildModel()
      .boundary('outer', { name: 'Outer', position: { x: 50, y: -50, width: 400, height: 200 } })
      .boundary('inner', { name: 'Inner', position: { x: 150, y: -30, width: 100, height: 100 } })
      .entity('user', { position: box(0, 0) })
      .process('web', { position: box(100, 0) })
      .process('core', { position: box(180, 0) })
      .flow('user', 'core', undefined, { id: 'deep' })
      .flow('web', 'core', undefined, { id: 'one' })
      .flow('user', 'web', undefined, { id: 'edge' })
      .build();
    expect(crossedNames(model, 'deep')).toEqual(['Outer', 'Inner']);
    expect(crossedNames(model, 'one')).toEqual(['Inner']);
    expect(crossedNames(model, 'edge')).toEqual(['Outer']);
  });

  it('crosses a line boundary when the flow path intersects it, curved or straight', () => {
    const model = buildModel()
      .line('wall', { x: 60, y: -100 }, { x: 60, y: 100 }, { name: 'Wall' })
      .process('a', { position: box(0, 0) })
      .process('b', { position: box(100, 0) })
      .process('c', { position: box(0, 60) })
      .flow('a', 'b', undefined, { id: 'across' })
      .flow('a', 'c', undefined, { id: 'alongside' })
      .build();
    expect(crossedNames(model, 'across')).toEqual(['Wall']);
    expect(crossedNames(model, 'alongside')).toEqual([]);
    // Bend the alongside flow through a handle beyond the wall: now it crosses (twice, counted once).
    const bent = structuredClone(model);
    const flow = bent.diagrams[0]?.elements.find((e) => e.id === 'alongside');
    if (flow?.kind === 'dataFlow') flow.path = { handle: { x: 120, y: 40 } };
    expect(crossedNames(bent, 'alongside')).toEqual(['Wall']);
    // A curved boundary that bows away from the straight flow does not cross it.
    const curved = buildModel()
      .line('arc', { x: 40, y: -100 }, { x: 40, y: -5 }, { name: 'Arc', handle: { x: 40, y: -50 } })
      .process('a', { position: box(0, 0) })
      .process('b', { position: box(100, 0) })
      .flow('a', 'b', undefined, { id: 'f' })
      .build();
    expect(crossedNames(curved, 'f')).toEqual([]);
  });

  it('computes crossing from boundary membership when the model has no geometry', () => {
    const model = buildModel()
      .boundary('corp', { name: 'Corporate network' })
      .boundary('dc', { name: 'Data centre', boundary: 'corp' })
      .entity('user')
      .process('web', { boundary: 'corp' })
      .store('db', { boundary: 'dc' })
      .store('cache', { boundary: 'dc' })
      .flow('user', 'web', undefined, { id: 'f1' })
      .flow('web', 'db', undefined, { id: 'f2' })
      .flow('user', 'db', undefined, { id: 'f3' })
      .flow('db', 'cache', undefined, { id: 'f4' })
      .build();
    expect(crossedNames(model, 'f1')).toEqual(['Corporate network']);
    expect(crossedNames(model, 'f2')).toEqual(['Data centre']);
    expect(crossedNames(model, 'f3')).toEqual(['Corporate network', 'Data centre']);
    expect(crossedNames(model, 'f4')).toEqual([]);
  });

  it('treats an annotation at the end of a flow as an endpoint, as the Microsoft tool does', () => {
    const model = buildModel().process('a').build();
    model.diagrams[0]?.elements.push(
      { kind: 'annotation', id: 'note', typeId: 'GE.A', name: 'Note' },
      { kind: 'dataFlow', id: 'f', typeId: 'GE.DF', name: 'F', source: 'a', target: 'note' },
    );
    expect(computeInteractions(model).interactionCount).toBe(1);
  });

  it('skips flows whose ends are missing or are boundaries or flows', () => {
    const model = buildModel()
      .boundary('tb')
      .process('a')
      .flow('a', 'ghost', undefined, { id: 'dangling' })
      .flow('a', 'tb', undefined, { id: 'toBoundary' })
      .build();
    const set = computeInteractions(model);
    expect(set.flows).toEqual([]);
    expect(set.interactionCount).toBe(0);
    expect(set.skipped.map((s) => s.flowId)).toEqual(['dangling', 'toBoundary']);
    expect(set.skipped[0]?.reason).toContain('"ghost" is not an element');
    expect(set.skipped[1]?.reason).toContain('trustBoundary');
  });
});
