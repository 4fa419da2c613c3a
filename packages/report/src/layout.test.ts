import { readFileSync } from 'node:fs';
import {
  buildModel,
  centre,
  computeInteractions,
  contains,
  parseModel,
  type Rect,
  type ThreatModel,
} from '@bulwark/core';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { autoLayout, needsLayout } from './layout.js';

/** The model with the new rectangles in place (as the web editor's `layout` action does). */
function laidOut(model: ThreatModel, diagramId: string, rects: Record<string, Rect>): ThreatModel {
  return {
    ...model,
    diagrams: model.diagrams.map((d) =>
      d.id !== diagramId
        ? d
        : {
            ...d,
            elements: d.elements.map((e) =>
              rects[e.id] && e.kind !== 'dataFlow' && !(e.kind === 'trustBoundary' && e.shape === 'line')
                ? { ...e, position: rects[e.id] }
                : e,
            ),
          },
    ),
  };
}

describe('autoLayout', () => {
  it('places every node without overlaps, left to right along the flows, and keeps boundary members inside', async () => {
    const model = buildModel('Shop')
      .entity('user', { position: { x: 0, y: 0, width: 150, height: 60 } })
      .process('web', { position: { x: 500, y: 500, width: 100, height: 100 } })
      .store('db', { position: { x: 520, y: 700, width: 150, height: 60 } })
      .boundary('dc', { position: { x: 450, y: 450, width: 400, height: 400 } })
      .flow('user', 'web', undefined, { id: 'f1' })
      .flow('web', 'db', undefined, { id: 'f2' })
      .build();
    const diagram = model.diagrams[0];
    if (!diagram) throw new Error('no diagram');
    const rects = await autoLayout(diagram);
    const user = rects.user;
    const web = rects.web;
    const db = rects.db;
    const dc = rects.dc;
    if (!user || !web || !db || !dc) throw new Error('missing rects');
    expect(user.x + user.width).toBeLessThan(web.x);
    expect(web.x + web.width).toBeLessThan(db.x);
    expect(contains(dc, centre(web))).toBe(true);
    expect(contains(dc, centre(db))).toBe(true);
    expect(contains(dc, centre(user))).toBe(false);
    // What crosses the boundary is the same after the layout.
    const before = computeInteractions(model).flows.map((f) => [f.flow.id, f.crossed.length]);
    const after = laidOut(model, diagram.id, rects);
    expect(computeInteractions(after).flows.map((f) => [f.flow.id, f.crossed.length])).toEqual(before);
  });

  it("keeps every crossing of the seeds' infrastructure model (nested and side-by-side boundaries)", async () => {
    const text = readFileSync(new URL('../../../examples/infrastructure.bulwark.json', import.meta.url), 'utf8');
    const parsed = parseModel(JSON.parse(text));
    if (!parsed.ok) throw new Error('example does not parse');
    const model = parsed.value;
    const diagram = model.diagrams[0];
    if (!diagram) throw new Error('no diagram');
    const rects = await autoLayout(diagram);
    const crossings = (m: typeof model) =>
      computeInteractions(m).flows.map((f) => [f.flow.id, f.crossed.map((b) => b.id).sort()]);
    const after = laidOut(model, diagram.id, rects);
    expect(crossings(after)).toEqual(crossings(model));
    // No two nodes overlap.
    const nodes = after.diagrams[0]?.elements.flatMap((e) =>
      e.kind === 'process' || e.kind === 'dataStore' || e.kind === 'externalEntity' ? [e.position] : [],
    );
    for (const [i, a] of (nodes ?? []).entries())
      for (const b of (nodes ?? []).slice(i + 1))
        if (a && b)
          expect(a.x + a.width <= b.x || b.x + b.width <= a.x || a.y + a.height <= b.y || b.y + b.height <= a.y).toBe(
            true,
          );
  });

  it('draws a model written as code (no geometry, boundaries by membership) with the same crossings', async () => {
    const text = readFileSync(new URL('../../../examples/webshop.bulwark.yaml', import.meta.url), 'utf8');
    const parsed = parseModel(parseYaml(text));
    if (!parsed.ok) throw new Error('example does not parse');
    const model = parsed.value;
    const diagram = model.diagrams[0];
    if (!diagram) throw new Error('no diagram');
    expect(needsLayout(diagram)).toBe(true);
    const rects = await autoLayout(diagram);
    const after = laidOut(model, diagram.id, rects);
    const laid = after.diagrams[0];
    if (!laid) throw new Error('no diagram');
    expect(needsLayout(laid)).toBe(false);
    const crossings = (m: typeof model) =>
      computeInteractions(m).flows.map((f) => [f.flow.id, f.crossed.map((b) => b.id).sort()]);
    expect(crossings(after)).toEqual(crossings(model));
    expect(crossings(model).some(([, c]) => (c?.length ?? 0) > 0)).toBe(true);
  });
});
