import { describe, expect, it } from 'vitest';
import {
  END_GAP,
  type FlowEnd,
  flowGeometry,
  flowLanes,
  flowPathData,
  LANE_GAP,
  outlineAt,
  outlineLength,
  outlineOffset,
  outlinePoint,
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
    const shifts = spreadEnds(flows, (id) => shapes[id]);
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
