import { describe, expect, it } from 'vitest';
import { type FlowEnd, flowGeometry, flowLanes, flowPathData, LANE_GAP, outlinePoint } from './flowGeometry.js';

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
});
