import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  buildModel,
  centre,
  computeInteractions,
  contains,
  type Diagram,
  parseModel,
  type Rect,
  type ThreatModel,
} from '@bulwark/core';
import { formatById } from '@bulwark/formats';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { applyLayout, autoLayout, changedCrossings, layoutDiagram, needsLayout, planLayout } from './layout.js';
import { measureLayout } from './layoutQuality.js';

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

/** The four-element diagram: browser, web app, database, a box boundary around the last two, a request and a response. */
function fourElements(db: { x: number; y: number }, query = false): Diagram {
  const b = buildModel('Shop')
    .entity('browser', { position: { x: 100, y: 200, width: 150, height: 60 } })
    .process('web', { position: { x: 400, y: 180, width: 100, height: 100 } })
    .store('db', { position: { ...db, width: 150, height: 60 } })
    .boundary('dc', { position: { x: 280, y: 100, width: 620, height: 260 } })
    .flow('browser', 'web', undefined, { id: 'request', name: 'Request' })
    .flow('web', 'browser', undefined, { id: 'response', name: 'Response' });
  const d = (query ? b.flow('web', 'db', undefined, { id: 'query', name: 'Query' }) : b).build().diagrams[0];
  if (!d) throw new Error('no diagram');
  return d;
}

describe('planLayout', () => {
  it("keeps the issue's four-element diagram as it is, and its layout keeps the database right of the web app", async () => {
    const diagram = fourElements({ x: 650, y: 200 });
    const plan = await planLayout(diagram);
    expect(plan.apply).toBe(false);
    expect(plan.message).toMatch(
      /^The diagram is already as good, so it was left as it is: flows through shapes 0, overlaps 0, crossings 0, length \d+ \(a new layout: \d+\)\.$/,
    );
    const { rects } = plan.layout;
    const [browser, web, db] = [rects.browser, rects.web, rects.db];
    if (!browser || !web || !db) throw new Error('missing rects');
    expect(browser.x + browser.width).toBeLessThan(web.x);
    expect(web.x + web.width).toBeLessThan(db.x);
    expect(plan.after.throughShapes).toBe(0);
    expect(changedCrossings(diagram, applyLayout(diagram, plan.layout))).toBe(0);
  });

  it('lays the four elements out when the database sits in the way of the request and the response', async () => {
    const diagram = fourElements({ x: 290, y: 200 }, true);
    expect(measureLayout(diagram).throughShapes).toBe(2);
    const plan = await planLayout(diagram);
    expect(plan.apply).toBe(true);
    expect(plan.message).toMatch(
      /^Laid out: flows through shapes 2 → 0, overlaps \d+ → 0, crossings 0, length \d+ → \d+\.$/,
    );
    const laid = applyLayout(diagram, plan.layout);
    const pos = (id: string) => {
      const e = laid.elements.find((x) => x.id === id);
      return e && 'position' in e ? e.position : undefined;
    };
    const [browser, web, db] = [pos('browser'), pos('web'), pos('db')];
    if (!browser || !web || !db) throw new Error('missing positions');
    expect(browser.x + browser.width).toBeLessThan(web.x);
    expect(web.x + web.width).toBeLessThan(db.x);
    expect(measureLayout(laid)).toMatchObject({ throughShapes: 0, overlaps: 0, crossings: 0 });
    expect(changedCrossings(diagram, laid)).toBe(0);
  });

  it('puts sources left of targets, a response closing a cycle running back (whichever flow comes first)', async () => {
    for (const order of [
      ['app', 'db'],
      ['db', 'app'],
    ] as const) {
      const b = buildModel('m').entity('user').process('app').store('db');
      const d = (
        order[0] === 'app'
          ? b.flow('user', 'app').flow('app', 'db').flow('db', 'app').flow('app', 'user')
          : b.flow('app', 'user').flow('db', 'app').flow('app', 'db').flow('user', 'app')
      ).build().diagrams[0];
      if (!d) throw new Error('no diagram');
      // Without positions: model order decides where reading starts (the user is declared first).
      const { rects } = await layoutDiagram(d);
      const [user, app, db] = [rects.user, rects.app, rects.db];
      if (!user || !app || !db) throw new Error('missing rects');
      expect(user.x).toBeLessThan(app.x);
      expect(app.x).toBeLessThan(db.x);
    }
  });

  it('moves a line boundary with the layout so that it crosses the same flows', async () => {
    // The Internet boundary between the browser and the web app; the database drawn in the way.
    const model = buildModel('m')
      .entity('browser', { position: { x: 0, y: 0, width: 150, height: 60 } })
      .store('db', { position: { x: 250, y: 0, width: 150, height: 60 } })
      .process('web', { position: { x: 500, y: -20, width: 100, height: 100 } })
      .line('internet', { x: 200, y: -200 }, { x: 200, y: 300 })
      .flow('browser', 'web', undefined, { id: 'request' })
      .flow('web', 'db', undefined, { id: 'query' })
      .build();
    const diagram = model.diagrams[0];
    if (!diagram) throw new Error('no diagram');
    const crossed = (d: Diagram) =>
      computeInteractions({ ...model, diagrams: [d] }).flows.map((f) => [f.flow.id, f.crossed.map((b) => b.id)]);
    expect(crossed(diagram)).toEqual([
      ['request', ['internet']],
      ['query', []],
    ]);
    const plan = await planLayout(diagram);
    expect(plan.apply).toBe(true);
    expect(plan.layout.lines?.internet).toBeDefined();
    expect(crossed(applyLayout(diagram, plan.layout))).toEqual(crossed(diagram));
  });

  it('leaves a diagram whose layout would change what a flow crosses, and says so', async () => {
    // Two boundaries that overlap without one holding the other: the gateway sits in both, the
    // user only in the first. No tree of containers keeps that.
    const d = buildModel('m')
      .boundary('zone', { position: { x: 0, y: 0, width: 400, height: 300 } })
      .boundary('net', { position: { x: 250, y: 0, width: 400, height: 300 } })
      .entity('user', { position: { x: 40, y: 100, width: 100, height: 60 } })
      .process('gateway', { position: { x: 280, y: 100, width: 100, height: 100 } })
      .process('app', { position: { x: 500, y: 400, width: 100, height: 100 } })
      .flow('user', 'gateway')
      .flow('gateway', 'app')
      .build().diagrams[0];
    if (!d) throw new Error('no diagram');
    const plan = await planLayout(d);
    expect(plan.apply).toBe(false);
    expect(plan.message).toMatch(
      /^The diagram was left as it is: a new layout would change which trust boundaries \d+ flows? cross/,
    );
  });

  it('always lays out a diagram with unplaced shapes', async () => {
    const d = buildModel('m').entity('a').process('b').flow('a', 'b').build().diagrams[0];
    if (!d) throw new Error('no diagram');
    const plan = await planLayout(d);
    expect(plan.apply).toBe(true);
    expect(plan.before).toBeUndefined();
    expect(plan.message).toMatch(/^Laid out: /);
  });

  it('sets each flow straight, or bent around a shape in its way, and drops end points stored for the old places', async () => {
    const d = buildModel('m')
      .entity('a', { position: { x: 0, y: 0, width: 150, height: 60 } })
      .process('b', { position: { x: 300, y: 0, width: 100, height: 100 } })
      .store('c', { position: { x: 600, y: 0, width: 150, height: 60 } })
      .flow('a', 'b', undefined, { id: 'ab' })
      .flow('b', 'c', undefined, { id: 'bc' })
      .flow('a', 'c', undefined, { id: 'ac' })
      .build().diagrams[0];
    if (!d) throw new Error('no diagram');
    const withStale: Diagram = {
      ...d,
      elements: d.elements.map((e) =>
        e.kind === 'dataFlow'
          ? { ...e, path: { source: { x: -500, y: -500 }, target: { x: 900, y: 900 }, sourcePort: 'East' } }
          : e,
      ),
    };
    const layout = await layoutDiagram(withStale);
    expect(measureLayout(withStale, layout.rects, layout.handles).throughShapes).toBe(0);
    const laid = applyLayout(withStale, layout);
    for (const e of laid.elements)
      if (e.kind === 'dataFlow')
        expect(e.path === undefined || Object.keys(e.path)).toSatisfy((k) => k === true || String(k) === 'handle');
  });
});

const ROOT = new URL('../../../', import.meta.url).pathname;
const CORPUS = join(ROOT, '../shared/corpus/tmt');

/** The examples and (when ../shared/corpus is there) every corpus .tm7 model that reads. */
function layoutModels(): [string, ThreatModel][] {
  const out: [string, ThreatModel][] = [];
  for (const name of readdirSync(join(ROOT, 'examples'))) {
    if (!/\.bulwark\.(json|ya?ml)$/.test(name)) continue;
    const text = readFileSync(join(ROOT, 'examples', name), 'utf8');
    const parsed = parseModel(name.endsWith('.json') ? JSON.parse(text) : parseYaml(text));
    if (parsed.ok) out.push([name, parsed.value]);
  }
  if (!existsSync(CORPUS)) return out;
  const tm7 = formatById('tm7');
  for (const name of readdirSync(CORPUS, { recursive: true }).map(String)) {
    if (!name.endsWith('.tm7')) continue;
    const read = tm7?.read?.(readFileSync(join(CORPUS, name), 'utf8'), name);
    if (read?.ok) out.push([name, read.value.model]);
  }
  return out;
}

function hasLines(d: Diagram): boolean {
  return d.elements.some((e) => e.kind === 'trustBoundary' && e.shape === 'line');
}

/** Whether two box boundaries overlap without one holding the other. */
function overlappingBoxes(d: Diagram): boolean {
  const boxes = d.elements.flatMap((e) => (e.kind === 'trustBoundary' && e.position ? [e.position] : []));
  const inside = (a: Rect, b: Rect) =>
    a.x >= b.x && a.y >= b.y && a.x + a.width <= b.x + b.width && a.y + a.height <= b.y + b.height;
  return boxes.some((a, i) =>
    boxes.some(
      (b, j) =>
        j > i &&
        a.x < b.x + b.width &&
        b.x < a.x + a.width &&
        a.y < b.y + b.height &&
        b.y < a.y + a.height &&
        !inside(a, b) &&
        !inside(b, a),
    ),
  );
}

describe('auto-layout keeps the analysis', () => {
  it.skipIf(!existsSync(CORPUS))('(the corpus is in ../shared/corpus/tmt)', () => {});
  it('every flow crosses the same trust boundaries after planLayout, on the examples and the corpus; box boundaries alone never change', async () => {
    const models = layoutModels();
    expect(models.length).toBeGreaterThanOrEqual(2);
    let laidOut = 0;
    for (const [name, model] of models) {
      const diagrams: Diagram[] = [];
      for (const diagram of model.diagrams) {
        const plan = await planLayout(diagram);
        const after = plan.apply ? applyLayout(diagram, plan.layout) : diagram;
        if (plan.apply) laidOut++;
        diagrams.push(after);
        // Box boundaries are containers: a layout never changes what a flow crosses through them
        // (unless two of them overlap without one holding the other, which no tree of containers
        // can keep, or a line boundary, which stays where it is, is crossed: then planLayout refuses).
        if (!hasLines(diagram) && !overlappingBoxes(diagram))
          expect(changedCrossings(diagram, applyLayout(diagram, plan.layout)), name).toBe(0);
      }
      const crossings = (m: ThreatModel) =>
        computeInteractions(m).flows.map((f) => [f.flow.id, f.crossed.map((b) => b.id).sort()]);
      expect(crossings({ ...model, diagrams }), name).toEqual(crossings(model));
    }
    expect(laidOut).toBeGreaterThan(0);
  }, 60_000);
});
