import { describe, expect, it } from 'vitest';
import {
  END_GAP,
  type FlowEnd,
  FlowObstacles,
  flowGeometry,
  flowLanes,
  flowPathData,
  flowRoute,
  LANE_GAP,
  outlineAt,
  outlineLength,
  outlineOffset,
  outlinePoint,
  ROUTE_MARGIN,
  spreadEnds,
  spreadPositions,
} from './flowGeometry.js';

const box = (x: number, y: number, width = 150, height = 60) => ({ x, y, width, height });
const entity = (x: number, y: number): FlowEnd => ({ kind: 'externalEntity', rect: box(x, y) });
const process = (x: number, y: number): FlowEnd => ({ kind: 'process', rect: box(x, y, 100, 100) });
const close = (a: { x: number; y: number }, b: { x: number; y: number }) => Math.hypot(a.x - b.x, a.y - b.y) < 1e-6;

describe('flowGeometry', () => {
  it('attaches to the outline on the side facing the other shape: any side, following the shapes', () => {
    const a = entity(0, 200);
    const b = entity(0, 0);
    // b above a: the flow leaves a's top edge and enters b's bottom edge.
    const up = flowGeometry({ source: a, target: b });
    expect(up.curve).toEqual({ kind: 'line', start: { x: 75, y: 200 }, end: { x: 75, y: 60 } });
    // Moved to the right: right edge to left edge.
    const right = flowGeometry({ source: a, target: entity(400, 200) });
    expect(right.curve.start).toEqual({ x: 150, y: 230 });
    expect(right.curve.end).toEqual({ x: 400, y: 230 });
  });

  it('attaches a process on its circle, a store and an entity on their box', () => {
    const p = process(0, 0);
    const diagonal = outlinePoint(p, { x: 1000, y: 1000 });
    expect(Math.hypot(diagonal.x - 50, diagonal.y - 50)).toBeCloseTo(50, 6);
    expect(outlinePoint({ kind: 'dataStore', rect: box(0, 0) }, { x: 75, y: 1000 })).toEqual({ x: 75, y: 60 });
    expect(outlinePoint(entity(0, 0), { x: -1000, y: 30 })).toEqual({ x: 0, y: 30 });
  });

  it('gives flows between the same pair mirrored arcs, a request and its response one each side', () => {
    const flows = [
      { id: 'req', source: 'a', target: 'b' },
      { id: 'res', source: 'b', target: 'a' },
      { id: 'other', source: 'a', target: 'c' },
      { id: 'bent', source: 'a', target: 'b', path: { handle: { x: 1, y: 1 } } },
    ];
    const lanes = flowLanes(flows);
    expect([...lanes]).toEqual([
      ['req', { index: 0, count: 2 }],
      ['res', { index: 1, count: 2 }],
    ]);
    const a = entity(0, 0);
    const b = entity(400, 0);
    const req = flowGeometry({ source: a, target: b, lane: lanes.get('req') as never, reversed: false });
    const res = flowGeometry({ source: b, target: a, lane: lanes.get('res') as never, reversed: true });
    expect(req.curve.kind).toBe('curve');
    expect(req.middle.y).toBeCloseTo(30 - LANE_GAP / 2, 6);
    expect(res.middle.y).toBeCloseTo(30 + LANE_GAP / 2, 6);
    expect(close(req.curve.start, res.curve.end)).toBe(false);
  });

  it('keeps the labels of parallel flows apart, even when the pair is one above the other', () => {
    const a = entity(0, 0);
    const b = entity(0, 300);
    const size = { width: 60, height: 16 };
    const one = flowGeometry({ source: a, target: b, lane: { index: 0, count: 2 }, labelSize: size });
    const two = flowGeometry({ source: b, target: a, lane: { index: 1, count: 2 }, reversed: true, labelSize: size });
    // Side by side, not covering each other.
    expect(Math.abs(one.label.x - two.label.x)).toBeGreaterThanOrEqual(size.width);
    expect(one.label.y).toBeCloseTo(two.label.y, 6);
  });

  it('curves through a handle, and loops over a shape that sends to itself', () => {
    const bent = flowGeometry({ source: entity(0, 0), target: entity(400, 0), handle: { x: 275, y: 130 } });
    expect(close(bent.middle, { x: 275, y: 130 })).toBe(true);
    expect(flowPathData(bent.curve)).toBe('M 105 60 Q 275 200 445 60');
    const loop = flowGeometry({ source: entity(0, 100), target: entity(0, 100), self: true });
    expect(loop.curve.kind).toBe('loop');
    expect(loop.label.y).toBeLessThan(100);
  });

  it('moves a label along its flow off a shape, to the nearest free spot', () => {
    const size = { width: 80, height: 16 };
    const blocker = { x: 280, y: 10, width: 100, height: 40 };
    const hits = (r: { x: number; y: number; width: number; height: number }) =>
      r.x < blocker.x + blocker.width &&
      blocker.x < r.x + r.width &&
      r.y < blocker.y + blocker.height &&
      blocker.y < r.y + r.height;
    const plain = flowGeometry({ source: entity(0, 0), target: entity(500, 0), labelSize: size });
    expect(hits({ x: plain.label.x - 40, y: plain.label.y - 8, ...size })).toBe(true);
    const moved = flowGeometry({
      source: entity(0, 0),
      target: entity(500, 0),
      labelSize: size,
      labelFree: (r) => !hits(r),
    });
    expect(hits({ x: moved.label.x - 40, y: moved.label.y - 8, ...size })).toBe(false);
    expect(moved.label).toEqual({ x: 150 + 350 * 0.22, y: 30 });
    // Nowhere along it: beside it, touching it.
    const long = { width: 400, height: 16 };
    const beside = flowGeometry({
      source: entity(0, 0),
      target: entity(500, 0),
      labelSize: long,
      labelFree: (r) => r.y + r.height <= 30 || r.y >= 30,
    });
    expect(beside.label.x).toBeCloseTo(325, 6);
    expect(Math.abs(beside.label.y - 30)).toBeCloseTo(11, 6);
  });
});

type R = { x: number; y: number; width: number; height: number };

/** The least distance from the drawn curve (sampled finely) into or towards a box: negative inside it. */
function clearance(at: (u: number) => { x: number; y: number }, r: R): number {
  let least = Number.POSITIVE_INFINITY;
  for (let i = 1; i < 400; i++) {
    const p = at(i / 400);
    const dx = Math.max(r.x - p.x, p.x - (r.x + r.width));
    const dy = Math.max(r.y - p.y, p.y - (r.y + r.height));
    least = Math.min(least, dx > 0 || dy > 0 ? Math.hypot(Math.max(dx, 0), Math.max(dy, 0)) : Math.max(dx, dy));
  }
  return least;
}

describe('flowRoute', () => {
  const a = entity(0, 0);
  const b = entity(600, 0);
  // A little below the line between the centres (y 30): the way round is above it.
  const blocker = box(300, 10, 80, 60);
  const shapes = new FlowObstacles([a.rect, b.rect, blocker, box(280, 400)]);

  it('bends a flow round a shape in its way, on the side away from it, and leaves a clear one straight', () => {
    expect(flowGeometry({ source: a, target: b }).curve.kind).toBe('line');
    const g = flowGeometry({ source: a, target: b, obstacles: shapes });
    expect(g.curve.kind).toBe('curve');
    expect(g.middle.y).toBeLessThan(30);
    expect(clearance(g.at, blocker)).toBeGreaterThanOrEqual(ROUTE_MARGIN - 0.5);
    // The smallest arc that clears: the next one down in size would not.
    const route = flowRoute({ source: a, target: b }, shapes);
    expect(route).toEqual({ offset: expect.any(Number) });
    expect(flowGeometry({ source: a, target: b, ...(route ? { route } : {}) }).curve).toEqual(g.curve);
    // Nothing in the way: straight, as without shapes.
    const clear = new FlowObstacles([a.rect, b.rect, box(300, 300)]);
    expect(flowRoute({ source: a, target: b }, clear)).toBeUndefined();
    expect(flowGeometry({ source: a, target: b, obstacles: clear }).curve.kind).toBe('line');
  });

  it('keeps a request and its response on separate arcs, both round the shape', () => {
    const req = flowGeometry({ source: a, target: b, lane: { index: 0, count: 2 }, obstacles: shapes });
    const res = flowGeometry({ source: b, target: a, lane: { index: 1, count: 2 }, reversed: true, obstacles: shapes });
    for (const g of [req, res]) expect(clearance(g.at, blocker)).toBeGreaterThanOrEqual(ROUTE_MARGIN - 0.5);
    expect(Math.hypot(req.middle.x - res.middle.x, req.middle.y - res.middle.y)).toBeCloseTo(LANE_GAP, 6);
    expect(req.middle.y).toBeLessThan(30);
    expect(res.middle.y).toBeLessThan(30);
  });

  it('draws a flow with a handle as its user set it, and a loop as a loop', () => {
    const handle = { x: 340, y: 40 };
    const plain = flowGeometry({ source: a, target: b, handle });
    expect(flowGeometry({ source: a, target: b, handle, obstacles: shapes })).toMatchObject({
      curve: plain.curve,
      middle: plain.middle,
    });
    expect(flowGeometry({ source: a, target: a, self: true, obstacles: shapes }).curve.kind).toBe('loop');
  });

  it('goes through two bends where no single arc clears', () => {
    // A wall above the line near a third of the way, one below it near two thirds: an S gets through.
    const up = box(250, -400, 50, 445);
    const down = box(450, 15, 50, 445);
    const walls = new FlowObstacles([a.rect, b.rect, up, down]);
    const route = flowRoute({ source: a, target: b }, walls);
    expect(route).toEqual({ offsets: [expect.any(Number), expect.any(Number)] });
    const g = flowGeometry({ source: a, target: b, obstacles: walls });
    expect(g.curve.kind).toBe('cubic');
    expect(flowPathData(g.curve)).toMatch(/^M [\d.-]+ [\d.-]+ C /);
    for (const r of [up, down]) expect(clearance(g.at, r)).toBeGreaterThanOrEqual(ROUTE_MARGIN - 0.5);
    // It leaves and enters the outlines.
    expect(close(outlineAt(a, outlineOffset(a, g.curve.start)), g.curve.start)).toBe(true);
    expect(close(outlineAt(b, outlineOffset(b, g.curve.end)), g.curve.end)).toBe(true);
  });

  it('routes the flows of a 1,000-element diagram in a few milliseconds', () => {
    // 500 shapes on a jittered grid and 500 flows, most to a near shape, a fifth across the diagram.
    let seed = 7;
    const rnd = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    const ends: FlowEnd[] = [];
    for (let i = 0; i < 500; i++) {
      const x = (i % 25) * 240 + rnd() * 60;
      const y = Math.floor(i / 25) * 200 + rnd() * 50;
      ends.push(i % 3 === 0 ? process(x, y) : entity(x, y));
    }
    const flows = Array.from({ length: 500 }, (_, i) => {
      const s = Math.floor(rnd() * 500);
      const near = [1, -1, 25, -25, 26, 2, 50][Math.floor(rnd() * 7)] as number;
      const t = rnd() < 0.2 ? Math.floor(rnd() * 500) : Math.min(499, Math.max(0, s + near));
      return { id: `f${i}`, source: `s${s}`, target: `s${t}` };
    });
    const endOf = (id: string) => ends[Number(id.slice(1))] as FlowEnd;
    const lanes = flowLanes(flows);
    const drawAll = () => {
      const obstacles = new FlowObstacles(ends.map((e) => e.rect));
      let bent = 0;
      for (const f of flows) {
        const lane = lanes.get(f.id);
        const g = flowGeometry({
          source: endOf(f.source),
          target: endOf(f.target),
          self: f.source === f.target,
          ...(lane ? { lane, reversed: f.source > f.target } : {}),
          obstacles,
        });
        if (g.curve.kind === 'curve' || g.curve.kind === 'cubic') bent++;
      }
      return bent;
    };
    drawAll();
    const t0 = performance.now();
    const bent = drawAll();
    const ms = performance.now() - t0;
    expect(bent).toBeGreaterThan(100);
    // About 20 ms on the machine this was written on; a generous bound, for slow CI machines.
    expect(ms).toBeLessThan(400);
  });
});

describe('outlines', () => {
  it('walks a box clockwise from its top-left corner, and an ellipse from its rightmost point', () => {
    const e = entity(0, 0);
    expect(outlineLength(e)).toBe(420);
    for (const s of [0, 40, 150, 170, 250, 330, 400]) expect(outlineOffset(e, outlineAt(e, s))).toBeCloseTo(s, 6);
    expect(outlineAt(e, 150 + 60 + 75)).toEqual({ x: 75, y: 60 });
    expect(outlineAt(e, -10)).toEqual({ x: 0, y: 10 });
    const p = process(0, 0);
    expect(outlineLength(p)).toBeCloseTo(100 * Math.PI, 6);
    for (const s of [0, 60, 200, 300]) {
      const q = outlineAt(p, s);
      expect(Math.hypot(q.x - 50, q.y - 50)).toBeCloseTo(50, 6);
      expect(outlineOffset(p, q)).toBeCloseTo(s, 6);
    }
  });
});

describe('spreadEnds', () => {
  it('spreads crowded positions evenly about their middle, round the circle, and leaves lone ones', () => {
    expect(spreadPositions([10, 10, 10], 400, 20)).toEqual([-20, 0, 20]);
    expect(spreadPositions([100, 300], 400, 20)).toEqual([0, 0]);
    // Across the cut of the circle: 395 and 5 are 10 apart.
    const s = spreadPositions([395, 5], 400, 20);
    expect(s[0]).toBeCloseTo(-5, 6);
    expect(s[1]).toBeCloseTo(5, 6);
    // More than fit: evenly round the whole outline.
    const all = spreadPositions([0, 1, 2, 3], 40, 20).map((d, i) => i + d);
    for (let i = 1; i < 4; i++) expect((all[i] as number) - (all[i - 1] as number)).toBeCloseTo(10, 6);
  });

  it('keeps the ends of a shape’s flows END_GAP apart along its outline, lone flows as they were', () => {
    // Three stores below a process, nearly in line: their flows would meet at one point on it.
    const shapes: Record<string, FlowEnd> = {
      hub: process(200, 0),
      a: entity(230, 400),
      b: entity(240, 600),
      c: entity(250, 800),
      far: entity(800, 20),
    };
    const flows = [
      { id: 'fa', source: 'hub', target: 'a' },
      { id: 'fb', source: 'hub', target: 'b' },
      { id: 'fc', source: 'c', target: 'hub' },
      { id: 'lone', source: 'hub', target: 'far' },
    ];
    // No shapes to keep off (a and b lie in the way of the flows beyond them): the spread alone.
    const shifts = spreadEnds(flows, (id) => shapes[id], undefined, new FlowObstacles([]));
    expect(shifts.has('lone')).toBe(false);
    const ends = flows
      .filter((f) => f.id !== 'lone')
      .map((f) => {
        const s = shifts.get(f.id);
        const g = flowGeometry({
          source: shapes[f.source] as FlowEnd,
          target: shapes[f.target] as FlowEnd,
          sourceShift: s?.source ?? 0,
          targetShift: s?.target ?? 0,
        });
        return f.source === 'hub' ? g.curve.start : g.curve.end;
      });
    const hub = shapes.hub as FlowEnd;
    const at = ends.map((p) => outlineOffset(hub, p)).sort((x, y) => x - y);
    for (let i = 1; i < at.length; i++) expect((at[i] as number) - (at[i - 1] as number)).toBeCloseTo(END_GAP, 6);
    // Still on the circle, and still on its lower side, facing the stores.
    for (const p of ends) {
      expect(Math.hypot(p.x - 250, p.y - 50)).toBeCloseTo(50, 6);
      expect(p.y).toBeGreaterThan(90);
    }
    // Without shifts the geometry is as before.
    const plain = flowGeometry({ source: hub, target: shapes.far as FlowEnd });
    expect(plain.curve.start).toEqual(outlinePoint(hub, { x: 875, y: 50 }));
  });

  it('never slides an end so far that the flow runs back through its own shape', () => {
    // A shift of a quarter of the circle would put the start on the circle's far side from the target.
    const hub = process(0, 0);
    const target = entity(0, 300);
    const g = flowGeometry({ source: hub, target, sourceShift: 150 });
    const s = g.curve.start;
    const e = g.curve.end;
    // Every point of the drawn line after its start lies outside the circle.
    for (let i = 1; i <= 20; i++) {
      const p = { x: s.x + ((e.x - s.x) * i) / 20, y: s.y + ((e.y - s.y) * i) / 20 };
      expect(Math.hypot(p.x - 50, p.y - 50)).toBeGreaterThan(49.9);
    }
    // A small shift is kept as asked.
    const small = flowGeometry({ source: hub, target, sourceShift: 10 });
    const natural = flowGeometry({ source: hub, target }).curve.start;
    expect(outlineOffset(hub, small.curve.start)).toBeCloseTo(outlineOffset(hub, natural) + 10, 6);
  });
});
