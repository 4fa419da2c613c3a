/**
 * How good a diagram's layout is, in figures a person can check: flows that cross each other,
 * shapes that overlap, flows that run through a shape they do not join, flows against reading
 * order, and the total length of the flows. Auto-layout keeps a new layout only when these are
 * better (`compareQuality`); the benchmark prints them before and after.
 *
 * A flow is measured on the path the drawing gives it (`flowPath`, the one place that decides it,
 * from flowGeometry.ts): from the outline of its source to the outline of its target, straight,
 * through its bend handle, or on its lane beside the other flows between the same two shapes. Pure.
 */
import { centre, type Diagram, type Element, type Point, type Rect, segmentsIntersect } from '@bulwark/core';
import { flowGeometry, flowLanes, type Lane } from './flowGeometry.js';
import { sizeOf } from './shapes.js';

/** The figures of one diagram's layout. */
export interface LayoutQuality {
  /** Shapes (processes, data stores, external entities, notes) placed. */
  shapes: number;
  /** Flows measured (both ends placed, not a loop). */
  flows: number;
  /** Pairs of flows whose paths intersect (flows sharing an end shape are not counted). */
  crossings: number;
  /**
   * Pairs that overlap: two shapes whose boxes overlap, a shape cut by a box boundary's edge
   * (partly inside it), or two box boundaries that overlap without one holding the other.
   */
  overlaps: number;
  /** (flow, shape) pairs where the flow's path passes through a shape that is not one of its ends. */
  throughShapes: number;
  /** Flows drawn right to left (or straight up): for information, not part of the comparison. */
  againstReadingOrder: number;
  /** The total length of the flows' paths, in diagram units, rounded. */
  length: number;
}

type NodeKind = 'process' | 'dataStore' | 'externalEntity' | 'annotation';
type FlowEl = Extract<Element, { kind: 'dataFlow' }>;

/** A placed shape: its box and kind (a process is drawn as the ellipse in its box). */
export interface PlacedShape {
  id: string;
  kind: string;
  rect: Rect;
}

/** How many straight pieces a curved flow is measured as. */
const CURVE_SEGMENTS = 16;
/** How far (diagram units) a flow may graze a shape before it counts as running through it. */
const GRAZE = 2;

/**
 * The polyline a flow is drawn as between two placed shapes: flowGeometry.ts's curve (the one the
 * editor and the SVG draw), straight from outline to outline, through its bend handle, or on its
 * lane when it shares both shapes with other flows; curves measured as `CURVE_SEGMENTS` pieces.
 * The one place the measure takes a flow's path from.
 */
export function flowPath(
  source: PlacedShape,
  target: PlacedShape,
  handle?: Point,
  lane?: { lane: Lane; reversed: boolean },
): Point[] {
  const { curve, at } = flowGeometry({
    source,
    target,
    ...(handle ? { handle } : {}),
    ...(lane ? { lane: lane.lane, reversed: lane.reversed } : {}),
  });
  if (curve.kind === 'line') return [curve.start, curve.end];
  const points: Point[] = [];
  for (let i = 0; i <= CURVE_SEGMENTS; i++) points.push(at(i / CURVE_SEGMENTS));
  return points;
}

/** An axis-aligned box by its corners. */
export interface Box {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/** The box around some points. */
export function boxOf(points: readonly Point[]): Box {
  const b = { x0: Number.POSITIVE_INFINITY, y0: Number.POSITIVE_INFINITY, x1: -Infinity, y1: -Infinity };
  for (const p of points) {
    b.x0 = Math.min(b.x0, p.x);
    b.y0 = Math.min(b.y0, p.y);
    b.x1 = Math.max(b.x1, p.x);
    b.y1 = Math.max(b.y1, p.y);
  }
  return b;
}

function boxesMeet(a: Box, b: Box): boolean {
  return a.x0 <= b.x1 && b.x0 <= a.x1 && a.y0 <= b.y1 && b.y0 <= a.y1;
}

/** Do two polylines intersect (touching counts)? */
export function polylinesIntersect(a: readonly Point[], b: readonly Point[]): boolean {
  if (!boxesMeet(boxOf(a), boxOf(b))) return false;
  for (let i = 0; i + 1 < a.length; i++)
    for (let j = 0; j + 1 < b.length; j++)
      if (segmentsIntersect(a[i] as Point, a[i + 1] as Point, b[j] as Point, b[j + 1] as Point)) return true;
  return false;
}

/** Does segment pq pass through the inside of the shape (shrunk by `GRAZE`: a flow touching its edge does not count)? */
function segmentThrough(p: Point, q: Point, shape: PlacedShape): boolean {
  const r = shape.rect;
  const hx = r.width / 2 - GRAZE;
  const hy = r.height / 2 - GRAZE;
  if (hx <= 0 || hy <= 0) return false;
  const c = centre(r);
  if (shape.kind === 'process') {
    // The ellipse as a unit circle: the closest point of the segment to its centre.
    const ax = (p.x - c.x) / hx;
    const ay = (p.y - c.y) / hy;
    const dx = (q.x - p.x) / hx;
    const dy = (q.y - p.y) / hy;
    const len = dx * dx + dy * dy;
    const t = len === 0 ? 0 : Math.max(0, Math.min(1, -(ax * dx + ay * dy) / len));
    const x = ax + t * dx;
    const y = ay + t * dy;
    return x * x + y * y < 1;
  }
  // Liang-Barsky: clip the segment to the box; a part of positive length left means through.
  let t0 = 0;
  let t1 = 1;
  const dx = q.x - p.x;
  const dy = q.y - p.y;
  const edges: [number, number][] = [
    [-dx, p.x - (c.x - hx)],
    [dx, c.x + hx - p.x],
    [-dy, p.y - (c.y - hy)],
    [dy, c.y + hy - p.y],
  ];
  for (const [pp, qq] of edges) {
    if (pp === 0) {
      if (qq < 0) return false;
      continue;
    }
    const t = qq / pp;
    if (pp < 0) t0 = Math.max(t0, t);
    else t1 = Math.min(t1, t);
    if (t0 > t1) return false;
  }
  return t1 - t0 > 1e-9;
}

/** Does the polyline pass through the shape? */
export function pathThroughShape(points: readonly Point[], shape: PlacedShape): boolean {
  const r = shape.rect;
  if (!boxesMeet(boxOf(points), { x0: r.x, y0: r.y, x1: r.x + r.width, y1: r.y + r.height })) return false;
  for (let i = 0; i + 1 < points.length; i++)
    if (segmentThrough(points[i] as Point, points[i + 1] as Point, shape)) return true;
  return false;
}

/** Do two boxes share some inside (edges touching do not count)? */
function rectsOverlap(a: Rect, b: Rect): boolean {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}

function rectInside(inner: Rect, outer: Rect): boolean {
  return (
    inner.x >= outer.x &&
    inner.y >= outer.y &&
    inner.x + inner.width <= outer.x + outer.width &&
    inner.y + inner.height <= outer.y + outer.height
  );
}

function pathLength(points: readonly Point[]): number {
  let sum = 0;
  for (let i = 0; i + 1 < points.length; i++) {
    const a = points[i] as Point;
    const b = points[i + 1] as Point;
    sum += Math.hypot(b.x - a.x, b.y - a.y);
  }
  return sum;
}

/**
 * A grid of buckets over the diagram, so that each flow is tested only against the shapes and
 * flows near it (a diagram of thousands of shapes is measured in well under a second).
 */
export class Grid<T> {
  private readonly cells = new Map<number, T[]>();
  constructor(private readonly size: number) {}
  private keys(b: Box): number[] {
    const s = this.size;
    const keys: number[] = [];
    for (let i = Math.floor(b.x0 / s); i <= Math.floor(b.x1 / s); i++)
      for (let j = Math.floor(b.y0 / s); j <= Math.floor(b.y1 / s); j++) keys.push(i * 0x100000 + j);
    return keys;
  }
  add(b: Box, item: T): void {
    for (const k of this.keys(b)) {
      const cell = this.cells.get(k);
      if (cell) cell.push(item);
      else this.cells.set(k, [item]);
    }
  }
  near(b: Box): Set<T> {
    const out = new Set<T>();
    for (const k of this.keys(b)) for (const item of this.cells.get(k) ?? []) out.add(item);
    return out;
  }
}

/** Where each shape and box boundary is: `rects` (e.g. a new layout) first, else its stored position. */
function placed(
  diagram: Diagram,
  rects: Readonly<Record<string, Rect>>,
): {
  shapes: PlacedShape[];
  boxes: PlacedShape[];
} {
  const shapes: PlacedShape[] = [];
  const boxes: PlacedShape[] = [];
  for (const e of diagram.elements) {
    if (e.kind === 'dataFlow') continue;
    if (e.kind === 'trustBoundary') {
      const rect = e.shape === 'box' ? (rects[e.id] ?? e.position) : undefined;
      if (rect) boxes.push({ id: e.id, kind: e.kind, rect });
      continue;
    }
    const rect = rects[e.id] ?? e.position;
    if (rect) shapes.push({ id: e.id, kind: e.kind as NodeKind, rect: { ...sizeOf(e.kind), ...rect } });
  }
  return { shapes, boxes };
}

/**
 * The figures of a diagram's layout. `rects` replace stored positions and `handles` stored bend
 * handles (an entry of `null`: drawn straight), so a layout can be measured before it is applied.
 */
export function measureLayout(
  diagram: Diagram,
  rects: Readonly<Record<string, Rect>> = {},
  handles: Readonly<Record<string, Point | null>> = {},
): LayoutQuality {
  const { shapes, boxes } = placed(diagram, rects);
  const byId = new Map(shapes.map((s) => [s.id, s]));
  const cell = 200;
  const shapeGrid = new Grid<PlacedShape>(cell);
  for (const s of shapes)
    shapeGrid.add(boxOf([s.rect, { x: s.rect.x + s.rect.width, y: s.rect.y + s.rect.height }]), s);

  let overlaps = 0;
  for (const s of shapes) {
    const b = boxOf([s.rect, { x: s.rect.x + s.rect.width, y: s.rect.y + s.rect.height }]);
    for (const o of shapeGrid.near(b)) if (o.id > s.id && rectsOverlap(s.rect, o.rect)) overlaps++;
    for (const box of boxes) if (rectsOverlap(s.rect, box.rect) && !rectInside(s.rect, box.rect)) overlaps++;
  }
  for (const [i, a] of boxes.entries())
    for (const b of boxes.slice(i + 1))
      if (rectsOverlap(a.rect, b.rect) && !rectInside(a.rect, b.rect) && !rectInside(b.rect, a.rect)) overlaps++;

  const paths: { flow: FlowEl; points: Point[]; box: Box }[] = [];
  let throughShapes = 0;
  let againstReadingOrder = 0;
  let length = 0;
  const handleOf = (e: FlowEl) => (e.id in handles ? (handles[e.id] ?? undefined) : e.path?.handle);
  const flows = diagram.elements.filter((e): e is FlowEl => e.kind === 'dataFlow');
  const lanes = flowLanes(
    flows.map((f) => ({ id: f.id, source: f.source, target: f.target, path: { handle: handleOf(f) } })),
  );
  for (const e of flows) {
    if (e.source === e.target) continue;
    const a = byId.get(e.source);
    const b = byId.get(e.target);
    if (!a || !b) continue;
    const handle = handleOf(e);
    const lane = lanes.get(e.id);
    const points = flowPath(a, b, handle, lane ? { lane, reversed: e.source > e.target } : undefined);
    const box = boxOf(points);
    paths.push({ flow: e, points, box });
    length += pathLength(points);
    for (const s of shapeGrid.near(box))
      if (s.id !== e.source && s.id !== e.target && pathThroughShape(points, s)) throughShapes++;
    const ca = centre(a.rect);
    const cb = centre(b.rect);
    const dx = cb.x - ca.x;
    if (!e.bidirectional && (dx < -1 || (Math.abs(dx) <= 1 && cb.y < ca.y - 1))) againstReadingOrder++;
  }
  let crossings = 0;
  const flowGrid = new Grid<number>(cell);
  paths.forEach((p, i) => {
    for (const j of flowGrid.near(p.box)) {
      const q = paths[j] as (typeof paths)[number];
      const f = p.flow;
      const g = q.flow;
      if (f.source === g.source || f.source === g.target || f.target === g.source || f.target === g.target) continue;
      if (boxesMeet(p.box, q.box) && polylinesIntersect(p.points, q.points)) crossings++;
    }
    flowGrid.add(p.box, i);
  });
  return {
    shapes: shapes.length,
    flows: paths.length,
    crossings,
    overlaps,
    throughShapes,
    againstReadingOrder,
    length: Math.round(length),
  };
}

/** How much shorter the flows must get, as a share, for length alone to make a layout better. */
export const LENGTH_GAIN = 0.1;

/**
 * Whether `after` is measurably better than `before`: compared in order on flows through shapes,
 * overlaps, crossings, and then (all those equal) the flows' total length, at least `LENGTH_GAIN`
 * shorter. Negative: better; positive: worse; 0: as good.
 */
export function compareQuality(after: LayoutQuality, before: LayoutQuality): number {
  for (const key of ['throughShapes', 'overlaps', 'crossings'] as const)
    if (after[key] !== before[key]) return after[key] - before[key];
  if (after.length < before.length * (1 - LENGTH_GAIN)) return -1;
  if (before.length < after.length * (1 - LENGTH_GAIN)) return 1;
  return 0;
}

/** The figures in words, e.g. "0 flows through shapes, 0 overlaps, 1 crossing, flows 840 long". */
export function qualityWords(q: LayoutQuality): string {
  const count = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;
  return [
    count(q.throughShapes, 'flow through a shape', 'flows through shapes'),
    count(q.overlaps, 'overlap', 'overlaps'),
    count(q.crossings, 'crossing', 'crossings'),
    `flows ${q.length} long`,
  ].join(', ');
}

/**
 * How the figures change, in words: "flows through shapes 2 → 0, overlaps 1 → 0, crossings 0,
 * length 344 → 493" (a figure that does not change is given once). With `was`, the figures the
 * change would bring are put as "(a new layout: N)" instead of arrows.
 */
export function qualityChange(
  before: LayoutQuality,
  after: LayoutQuality,
  mode: 'arrows' | 'proposed' = 'arrows',
): string {
  const parts: [string, number, number][] = [
    ['flows through shapes', before.throughShapes, after.throughShapes],
    ['overlaps', before.overlaps, after.overlaps],
    ['crossings', before.crossings, after.crossings],
    ['length', before.length, after.length],
  ];
  return parts
    .map(([name, a, b]) =>
      a === b ? `${name} ${a}` : mode === 'arrows' ? `${name} ${a} → ${b}` : `${name} ${a} (a new layout: ${b})`,
    )
    .join(', ');
}
