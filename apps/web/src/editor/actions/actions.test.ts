import { buildModel, modelDigest, type ThreatModel, ThreatModelSchema } from '@bulwark/core';
import { describe, expect, it } from 'vitest';
import { type Action, copyElements, perform, record, redo, startHistory, undo } from './actions.js';

const base = (): ThreatModel =>
  buildModel('Shop')
    .entity('user', { position: { x: 0, y: 0, width: 100, height: 60 } })
    .process('web', { position: { x: 200, y: 0, width: 100, height: 100 } })
    .flow('user', 'web', undefined, { id: 'f1' })
    .threat({
      id: 't1',
      typeId: 'x',
      origin: 'generated',
      category: 'S',
      title: 'T',
      description: '',
      priority: 'High',
      status: 'not-started',
    })
    .build();

const steps: Action[] = [
  {
    type: 'add',
    diagramId: 'main',
    element: {
      kind: 'dataStore',
      id: 'db',
      typeId: 'GE.DS',
      name: 'Orders',
      position: { x: 400, y: 0, width: 150, height: 60 },
    },
  },
  { type: 'connect', diagramId: 'main', id: 'f2', source: 'web', target: 'db', typeId: 'GE.DF', name: 'Queries' },
  { type: 'move', diagramId: 'main', positions: { web: { x: 250, y: 40 } } },
  { type: 'setProperty', diagramId: 'main', id: 'f2', key: 'protocol', value: 'HTTPS' },
  { type: 'setField', diagramId: 'main', id: 'db', field: 'outOfScope', value: true },
  { type: 'triage', threatId: 't1', status: 'mitigated', justification: 'MFA', by: 'ana', at: '2026-01-01T00:00:00Z' },
  { type: 'delete', diagramId: 'main', ids: ['web'] },
];

describe('actions', () => {
  it('never change the model they are given', () => {
    let model = base();
    for (const action of steps) {
      const before = JSON.stringify(model);
      const next = perform(model, action);
      expect(JSON.stringify(model)).toBe(before);
      expect(next).not.toBe(model);
      model = next;
    }
  });

  it('do what they say: add, connect, move, set, triage; deleting an element deletes its flows', () => {
    let model = base();
    for (const action of steps.slice(0, 6)) model = perform(model, action);
    const els = new Map(model.diagrams[0]?.elements.map((e) => [e.id, e]));
    expect(els.get('f2')).toMatchObject({
      kind: 'dataFlow',
      source: 'web',
      target: 'db',
      properties: { protocol: 'HTTPS' },
    });
    expect(els.get('web')).toMatchObject({ position: { x: 250, y: 40, width: 100, height: 100 } });
    expect(els.get('db')).toMatchObject({ outOfScope: true });
    expect(model.threats?.[0]).toMatchObject({ status: 'mitigated', justification: 'MFA', changedBy: 'ana' });
    const after = perform(model, steps[6] as Action);
    expect(after.diagrams[0]?.elements.map((e) => e.id)).toEqual(['user', 'db']);
  });

  it('set the status of many threats at once, and add manual threats', () => {
    const manual = {
      id: 'manual-1',
      typeId: 'manual',
      origin: 'manual' as const,
      category: 'T',
      title: 'Insider edits orders',
      description: 'By hand',
      priority: 'High',
      status: 'not-started' as const,
      elementId: 'web',
    };
    let model = perform(base(), { type: 'addThreat', threat: manual });
    expect(model.threats?.map((t) => t.id)).toEqual(['t1', 'manual-1']);
    model = perform(model, {
      type: 'triageMany',
      threatIds: ['t1', 'manual-1'],
      status: 'needs-investigation',
      by: 'ana',
      at: '2026-01-02T00:00:00Z',
    });
    expect(model.threats?.map((t) => [t.status, t.changedBy])).toEqual([
      ['needs-investigation', 'ana'],
      ['needs-investigation', 'ana'],
    ]);
  });

  it('add, rename and delete diagrams (never the last), and set the model metadata', () => {
    let model = perform(base(), { type: 'addDiagram', id: 'd2', name: 'Level 1' });
    model = perform(model, { type: 'renameDiagram', diagramId: 'd2', name: 'Level 1: orders' });
    expect(model.diagrams.map((d) => [d.id, d.name, d.elements.length])).toEqual([
      ['main', 'Main', 3],
      ['d2', 'Level 1: orders', 0],
    ]);
    model = perform(model, { type: 'deleteDiagram', diagramId: 'main' });
    expect(model.diagrams.map((d) => d.id)).toEqual(['d2']);
    expect(perform(model, { type: 'deleteDiagram', diagramId: 'd2' })).toBe(model);
    model = perform(model, { type: 'setMetadata', field: 'owner', value: 'Ana' });
    model = perform(model, {
      type: 'editLines',
      field: 'assumptions',
      edits: [{ op: 'add', value: 'Staff use managed devices', after: null }],
    });
    expect(model.metadata).toMatchObject({ owner: 'Ana', assumptions: ['Staff use managed devices'] });
    model = perform(model, { type: 'setMetadata', field: 'owner', value: '' });
    expect(model.metadata.owner).toBeUndefined();
  });

  it('detail diagrams: one step adds the diagram and links the element; deleting the diagram unlinks it', () => {
    let model = perform(base(), {
      type: 'addChildDiagram',
      diagramId: 'main',
      elementId: 'web',
      id: 'd2',
      name: 'Web',
    });
    expect(model.diagrams.map((d) => d.id)).toEqual(['main', 'd2']);
    expect(model.diagrams[0]?.elements.find((e) => e.id === 'web')).toMatchObject({ childDiagramId: 'd2' });
    const unlinked = perform(model, { type: 'unlinkChildDiagram', diagramId: 'main', elementId: 'web' });
    expect(unlinked.diagrams[0]?.elements.find((e) => e.id === 'web')).not.toHaveProperty('childDiagramId');
    expect(unlinked.diagrams.length).toBe(2);
    model = perform(model, { type: 'deleteDiagram', diagramId: 'd2' });
    expect(model.diagrams.map((d) => d.id)).toEqual(['main']);
    expect(model.diagrams[0]?.elements.find((e) => e.id === 'web')).not.toHaveProperty('childDiagramId');
  });

  it("edit a manual threat's texts, never a generated one's; bend and straighten a flow", () => {
    const manual = {
      id: 'manual-1',
      typeId: 'manual',
      origin: 'manual' as const,
      category: 'T',
      title: 'Insider edits orders',
      description: '',
      priority: 'High',
      status: 'not-started' as const,
    };
    const at = '2026-01-03T00:00:00Z';
    let model = perform(base(), { type: 'addThreat', threat: manual });
    model = perform(model, {
      type: 'editThreat',
      threatId: 'manual-1',
      field: 'title',
      value: 'Insider',
      by: 'bo',
      at,
    });
    model = perform(model, { type: 'editThreat', threatId: 't1', field: 'title', value: 'Changed', by: 'bo', at });
    expect(model.threats?.map((t) => [t.title, t.changedBy])).toEqual([
      ['T', undefined],
      ['Insider', 'bo'],
    ]);
    const handle = { x: 150, y: 90 };
    const bent = perform(model, { type: 'setPath', diagramId: 'main', id: 'f1', path: { handle } });
    expect(bent.diagrams[0]?.elements.find((e) => e.id === 'f1')).toMatchObject({ path: { handle } });
    const straight = perform(bent, { type: 'setPath', diagramId: 'main', id: 'f1', path: undefined });
    expect(straight.diagrams[0]?.elements.find((e) => e.id === 'f1')).not.toHaveProperty('path');
  });

  it('reconnect moves one end of a flow to another shape, keeps its bend, and ignores a drop on its own ends', () => {
    const model = buildModel('Shop')
      .entity('user')
      .process('web')
      .store('db')
      .flow('user', 'web', undefined, { id: 'f' })
      .build();
    const bent = perform(model, {
      type: 'setPath',
      diagramId: 'main',
      id: 'f',
      path: { target: { x: 1, y: 2 }, targetPort: 'East', source: { x: 3, y: 4 }, handle: { x: 5, y: 6 } },
    });
    const flowOf = (m: typeof model) => m.diagrams[0]?.elements.find((e) => e.id === 'f');
    const moved = perform(bent, { type: 'reconnect', diagramId: 'main', id: 'f', end: 'target', to: 'db' });
    expect(flowOf(moved)).toMatchObject({
      source: 'user',
      target: 'db',
      path: { source: { x: 3, y: 4 }, handle: { x: 5, y: 6 } },
    });
    expect(flowOf(moved)).not.toHaveProperty('path.target');
    expect(flowOf(moved)).not.toHaveProperty('path.targetPort');
    const start = perform(model, { type: 'reconnect', diagramId: 'main', id: 'f', end: 'source', to: 'db' });
    expect(flowOf(start)).toMatchObject({ source: 'db', target: 'web' });
    expect(flowOf(start)).not.toHaveProperty('path');
    // Onto its own other end, onto itself, or onto something that is not a shape: nothing changes.
    for (const to of ['web', 'user', 'nothing', 'f'])
      expect(flowOf(perform(model, { type: 'reconnect', diagramId: 'main', id: 'f', end: 'source', to }))).toBe(
        flowOf(model),
      );
  });

  it('layout: new rectangles, and each flow given bent through its handle or straight (stale end points dropped)', () => {
    const model = perform(base(), {
      type: 'setPath',
      diagramId: 'main',
      id: 'f1',
      path: { source: { x: 1, y: 2 }, target: { x: 3, y: 4 }, handle: { x: 5, y: 6 }, sourcePort: 'East' },
    });
    const rects = { user: { x: 80, y: 80, width: 100, height: 60 }, web: { x: 320, y: 60, width: 100, height: 100 } };
    const bent = perform(model, { type: 'layout', diagramId: 'main', rects, handles: { f1: { x: 250, y: 20 } } });
    const els = bent.diagrams[0]?.elements ?? [];
    expect(els.find((e) => e.id === 'user')).toMatchObject({ position: rects.user });
    expect(els.find((e) => e.id === 'f1')).toMatchObject({ path: { handle: { x: 250, y: 20 } } });
    expect(els.find((e) => e.id === 'f1')).not.toHaveProperty('path.source');
    const straight = perform(model, { type: 'layout', diagramId: 'main', rects, handles: { f1: null } });
    expect(straight.diagrams[0]?.elements.find((e) => e.id === 'f1')).not.toHaveProperty('path');
    // Without handles (an older caller), flows are left as they are.
    const kept = perform(model, { type: 'layout', diagramId: 'main', rects });
    expect(kept.diagrams[0]?.elements.find((e) => e.id === 'f1')).toMatchObject({ path: { handle: { x: 5, y: 6 } } });
    expect(ThreatModelSchema.safeParse(bent).success).toBe(true);
    // Line boundaries given move as straight lines.
    const lined = buildModel('m')
      .entity('a')
      .line('l', { x: 0, y: 0 }, { x: 0, y: 100 }, { handle: { x: 20, y: 50 } })
      .build();
    const moved = perform(lined, {
      type: 'layout',
      diagramId: 'main',
      rects: {},
      lines: { l: { source: { x: 50, y: 0 }, target: { x: 50, y: 300 } } },
    });
    expect(moved.diagrams[0]?.elements.find((e) => e.id === 'l')).toMatchObject({
      path: { source: { x: 50, y: 0 }, target: { x: 50, y: 300 } },
    });
    expect(moved.diagrams[0]?.elements.find((e) => e.id === 'l')).not.toHaveProperty('path.handle');
  });

  it('moving a box boundary takes what is inside it along; a move that moves nothing changes nothing', () => {
    const model = buildModel('Shop')
      .entity('user', { position: { x: 0, y: 0, width: 100, height: 60 } })
      .process('web', { position: { x: 220, y: 20, width: 100, height: 100 } })
      .boundary('dc', { position: { x: 200, y: 0, width: 300, height: 300 } })
      .boundary('inner', { position: { x: 210, y: 150, width: 100, height: 100 } })
      .build();
    const [diagram] = model.diagrams;
    if (!diagram) throw new Error('no diagram');
    const line = {
      kind: 'trustBoundary' as const,
      id: 'wall',
      typeId: 'GE.TB.L',
      name: 'Wall',
      shape: 'line' as const,
      path: { source: { x: 400, y: 10 }, target: { x: 400, y: 90 }, handle: { x: 420, y: 50 } },
    };
    const withLine = perform(model, { type: 'add', diagramId: diagram.id, element: line });
    const moved = perform(withLine, { type: 'move', diagramId: diagram.id, positions: { dc: { x: 250, y: 10 } } });
    const at = (id: string) => moved.diagrams[0]?.elements.find((e) => e.id === id);
    expect(at('dc')).toMatchObject({ position: { x: 250, y: 10 } });
    expect(at('web')).toMatchObject({ position: { x: 270, y: 30 } });
    expect(at('inner')).toMatchObject({ position: { x: 260, y: 160 } });
    expect(at('wall')).toMatchObject({ path: { source: { x: 450, y: 20 }, handle: { x: 470, y: 60 } } });
    expect(at('user')).toMatchObject({ position: { x: 0, y: 0 } });
    // A line boundary moves by its top-left corner.
    const lineMoved = perform(withLine, { type: 'move', diagramId: diagram.id, positions: { wall: { x: 0, y: 0 } } });
    expect(lineMoved.diagrams[0]?.elements.find((e) => e.id === 'wall')).toMatchObject({
      path: { source: { x: 0, y: 0 }, target: { x: 0, y: 80 } },
    });
    expect(perform(moved, { type: 'move', diagramId: diagram.id, positions: { dc: { x: 250, y: 10 } } })).toBe(moved);
  });

  it('copy and paste: new ids, offset positions, flows between copied elements only, one step', () => {
    const model = base();
    const els = model.diagrams[0]?.elements ?? [];
    let n = 0;
    const copies = copyElements(els, (old) => `${old}-copy${++n}`, { x: 40, y: 40 });
    expect(copies.map((e) => e.id)).toEqual(['user-copy1', 'web-copy2', 'f1-copy3']);
    expect(copies[2]).toMatchObject({ source: 'user-copy1', target: 'web-copy2' });
    expect(copies[0]).toMatchObject({ position: { x: 40, y: 40 } });
    // A flow whose other end is not copied is left out.
    expect(
      copyElements(
        els.filter((e) => e.id !== 'web'),
        (old) => `${old}-2`,
        { x: 0, y: 0 },
      ).map((e) => e.id),
    ).toEqual(['user-2']);
    const pasted = perform(model, { type: 'paste', diagramId: 'main', elements: copies });
    expect(pasted.diagrams[0]?.elements.length).toBe(6);
    expect(els[0]).toMatchObject({ position: { x: 0, y: 0 } });
  });

  it('undo and redo return the model to each previous state exactly', () => {
    let h = startHistory(base());
    const states = [JSON.stringify(h.present)];
    for (const action of steps) {
      h = record(h, action);
      states.push(JSON.stringify(h.present));
    }
    for (let i = states.length - 2; i >= 0; i--) {
      h = undo(h);
      expect(JSON.stringify(h.present)).toBe(states[i]);
    }
    for (let i = 1; i < states.length; i++) {
      h = redo(h);
      expect(JSON.stringify(h.present)).toBe(states[i]);
    }
    expect(undo(startHistory(base())).present).toEqual(base());
  });

  it('mark interactions reviewed (sorted, who and when) and take it back, one undo step each, the digest unchanged', () => {
    const mark = (interaction: string, reviewed = true): Action => ({
      type: 'markReviewed',
      interaction,
      reviewed,
      by: 'ana',
      at: '2026-01-02T00:00:00Z',
    });
    const signOff = { by: 'rui', at: '2026-01-01T00:00:00Z', digest: 'a'.repeat(64) };
    const start = { ...base(), review: { signOffs: [signOff] } };
    let h = startHistory(start);
    h = record(h, mark('web:f1:user'));
    h = record(h, mark('user:f1:web'));
    expect(h.present.review).toEqual({
      signOffs: [signOff],
      reviewed: [
        { interaction: 'user:f1:web', by: 'ana', at: '2026-01-02T00:00:00Z' },
        { interaction: 'web:f1:user', by: 'ana', at: '2026-01-02T00:00:00Z' },
      ],
    });
    expect(ThreatModelSchema.safeParse(h.present).success).toBe(true);
    expect(modelDigest(h.present)).toBe(modelDigest(start));
    // Marking again what is already marked is no step at all.
    expect(record(h, mark('user:f1:web'))).toBe(h);
    h = record(h, mark('user:f1:web', false));
    expect(h.present.review?.reviewed?.map((r) => r.interaction)).toEqual(['web:f1:user']);
    expect(undo(h).present.review?.reviewed).toHaveLength(2);
    // Taking back the last one leaves no empty list behind; with nothing else, no review section.
    const alone = record(startHistory(base()), mark('user:f1:web'));
    expect(perform(alone.present, mark('user:f1:web', false))).toEqual(base());
    expect(perform(h.present, mark('web:f1:user', false)).review).toEqual({ signOffs: [signOff] });
  });
});
