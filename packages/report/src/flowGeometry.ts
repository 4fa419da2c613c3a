/**
 * How a data flow is drawn, for the web editor and the SVG report alike: where it leaves and
 * enters its shapes, the curve between them, and where its label goes. Pure: no DOM, no I/O.
 *
 * - A flow attaches where the line from a shape's centre towards the curve leaves the shape's
 *   outline: an ellipse for a process (a circle when square), the box of a data store's two
 *   lines, the rectangle of an external entity. So it leaves from any side and follows the
 *   shapes as they move.
 * - A flow with a bend handle curves through it: its ends face the control point of the curve
 *   between the two centres through the handle (the path core's `polyline` tests for
 *   crossing), and the drawn curve, between those ends, passes through the handle itself.
 * - Flows without a handle between the same two shapes get lanes: mirrored arcs either side of
 *   the line between the centres, 36 units apart half-way (a request and its response: one
 *   each side). A lone flow is straight.
 * - The label sits half-way along the curve, pushed outwards from the centre line when it
 *   would otherwise lie over a parallel flow's arc, so two flows' labels never cover each other.
 * - A flow from a shape to itself is a loop over the shape.
 */
import type { Point, Rect } from '@bulwark/core';

/** One end of a flow: the kind of shape it attaches to and where the shape is. */
export interface FlowEnd {
  /** `process` attaches on an ellipse; any other kind on its rectangle. */
  kind: string;
  rect: Rect;
}

/** A flow's place among the flows without a handle between the same two shapes. */
export interface Lane {
  index: number;
  count: number;
}

/** What `flowGeometry` needs. */
export interface FlowInput {
  source: FlowEnd;
  target: FlowEnd;
  /** The two ends are the same shape: a loop (a shape's id compared by the caller). */
  self?: boolean;
  /** The point the curve passes through half-way: the flow's stored handle, or a detour. */
  handle?: Point;
  /** Its lane when other flows share its two shapes (see `flowLanes`); ignored with a handle. */
  lane?: Lane;
  /**
   * Whether the flow runs from the pair's second shape to its first (its source id sorts after
   * its target id): lanes are counted from the first shape, so a response mirrors its request.
   */
  reversed?: boolean;
  /** The label's size, to keep it clear of the other lanes' labels. */
  labelSize?: { width: number; height: number };
}

/** A flow as drawn. */
export type FlowCurve =
  | { kind: 'line'; start: Point; end: Point }
  | { kind: 'curve'; start: Point; control: Point; end: Point }
  | { kind: 'loop'; start: Point; c1: Point; c2: Point; end: Point };

/** Where a flow is drawn and where its name goes. */
export interface FlowGeometry {
  curve: FlowCurve;
  /** The point a share `t` (0..1) of the way along the curve. */
  at: (t: number) => Point;
  /** The label's centre. */
  label: Point;
  /** The point half-way along the curve, where its bend handle sits. */
  middle: Point;
}

/** How far apart the lanes of flows between the same two shapes are, half-way. */
export const LANE_GAP = 36;

function centreOf(r: Rect): Point {
  return { x: r.x + r.width / 2, y: r.y + r.height / 2 };
}

/** The quadratic curve's control point for a curve from s to t passing through h half-way. */
export function controlPoint(s: Point, t: Point, h: Point): Point {
  return { x: 2 * h.x - (s.x + t.x) / 2, y: 2 * h.y - (s.y + t.y) / 2 };
}

/** Where the ray from a shape's centre towards `toward` leaves its outline (ellipse for processes, else the box). */
export function outlinePoint(end: FlowEnd, toward: Point): Point {
  const r = end.rect;
  const c = centreOf(r);
  const dx = toward.x - c.x;
  const dy = toward.y - c.y;
  if (dx === 0 && dy === 0) return c;
  const a = r.width / 2;
  const b = r.height / 2;
  let t: number;
  if (end.kind === 'process') t = 1 / Math.sqrt((dx * dx) / (a * a || 1) + (dy * dy) / (b * b || 1));
  else
    t = Math.min(
      dx === 0 ? Number.POSITIVE_INFINITY : a / Math.abs(dx),
      dy === 0 ? Number.POSITIVE_INFINITY : b / Math.abs(dy),
    );
  return { x: c.x + dx * t, y: c.y + dy * t };
}

/** The flows that share their two shapes (and have no handle), with their lanes, in the given order. */
export function flowLanes(
  flows: readonly { id: string; source: string; target: string; path?: { handle?: Point } | undefined }[],
): Map<string, Lane> {
  const byPair = new Map<string, string[]>();
  for (const f of flows) {
    if (f.path?.handle || f.source === f.target) continue;
    const key = f.source < f.target ? `${f.source}\u0000${f.target}` : `${f.target}\u0000${f.source}`;
    const group = byPair.get(key);
    if (group) group.push(f.id);
    else byPair.set(key, [f.id]);
  }
  const lanes = new Map<string, Lane>();
  for (const group of byPair.values()) {
    if (group.length < 2) continue;
    for (const [index, id] of group.entries()) lanes.set(id, { index, count: group.length });
  }
  return lanes;
}

/** The point half-way a lane's arc passes through, between the centres of the pair's first and second shape. */
function laneBend(first: Point, second: Point, lane: Lane): { bend: Point; normal: Point; offset: number } {
  const len = Math.hypot(second.x - first.x, second.y - first.y) || 1;
  const normal = { x: -(second.y - first.y) / len, y: (second.x - first.x) / len };
  const offset = (lane.index - (lane.count - 1) / 2) * LANE_GAP;
  return {
    bend: { x: (first.x + second.x) / 2 + normal.x * offset, y: (first.y + second.y) / 2 + normal.y * offset },
    normal,
    offset,
  };
}

function quadAt(s: Point, c: Point, e: Point, u: number): Point {
  return {
    x: (1 - u) * (1 - u) * s.x + 2 * u * (1 - u) * c.x + u * u * e.x,
    y: (1 - u) * (1 - u) * s.y + 2 * u * (1 - u) * c.y + u * u * e.y,
  };
}

/** Where a flow is drawn: see the module's comment. */
export function flowGeometry(input: FlowInput): FlowGeometry {
  const { source, target } = input;
  if (input.self) {
    const a = source.rect;
    const c = centreOf(a);
    const start = { x: c.x - a.width / 4, y: a.y + (source.kind === 'process' ? a.height * 0.07 : 0) };
    const end = { x: c.x + a.width / 4, y: start.y };
    const c1 = { x: start.x - 20, y: a.y - 60 };
    const c2 = { x: end.x + 20, y: a.y - 60 };
    const cubic = (u: number): Point => {
      const v = 1 - u;
      return {
        x: v * v * v * start.x + 3 * v * v * u * c1.x + 3 * v * u * u * c2.x + u * u * u * end.x,
        y: v * v * v * start.y + 3 * v * v * u * c1.y + 3 * v * u * u * c2.y + u * u * u * end.y,
      };
    };
    const top = { x: c.x, y: a.y - 45 };
    return { curve: { kind: 'loop', start, c1, c2, end }, at: cubic, label: top, middle: top };
  }
  const ca = centreOf(source.rect);
  const cb = centreOf(target.rect);
  let handle = input.handle;
  let push: { normal: Point; offset: number } | undefined;
  if (!handle && input.lane && input.lane.count > 1) {
    const [first, second] = input.reversed ? [cb, ca] : [ca, cb];
    const lane = laneBend(first, second, input.lane);
    handle = lane.bend;
    if (lane.offset !== 0) push = lane;
  }
  let curve: FlowCurve;
  let at: (t: number) => Point;
  if (handle) {
    // The ends face the curve's control point; the curve then passes through the handle itself.
    const towards = controlPoint(ca, cb, handle);
    const start = outlinePoint(source, towards);
    const end = outlinePoint(target, towards);
    const control = controlPoint(start, end, handle);
    curve = { kind: 'curve', start, control, end };
    at = (u) => quadAt(start, control, end, u);
  } else {
    const start = outlinePoint(source, cb);
    const end = outlinePoint(target, ca);
    curve = { kind: 'line', start, end };
    at = (u) => ({ x: start.x + (end.x - start.x) * u, y: start.y + (end.y - start.y) * u });
  }
  const middle = at(0.5);
  let label = middle;
  if (push && input.labelSize) {
    // The label's half-extent across the centre line: a label nearer the line than that would
    // lie over the other side's arc and its label. Push it out just far enough.
    const { width, height } = input.labelSize;
    const half = (Math.abs(push.normal.x) * width + Math.abs(push.normal.y) * height) / 2;
    const more = half + 2 - Math.abs(push.offset);
    if (more > 0) {
      const sign = Math.sign(push.offset);
      label = { x: middle.x + push.normal.x * sign * more, y: middle.y + push.normal.y * sign * more };
    }
  }
  return { curve, at, label, middle };
}

/** A number as SVG text: one decimal at most, no `-0`. */
export function svgNumber(v: number): string {
  const r = Math.round(v * 10) / 10;
  return Object.is(r, -0) ? '0' : String(r);
}

/** The curve as SVG path data. */
export function flowPathData(curve: FlowCurve): string {
  const n = svgNumber;
  const { start: s, end: e } = curve;
  if (curve.kind === 'line') return `M ${n(s.x)} ${n(s.y)} L ${n(e.x)} ${n(e.y)}`;
  if (curve.kind === 'curve')
    return `M ${n(s.x)} ${n(s.y)} Q ${n(curve.control.x)} ${n(curve.control.y)} ${n(e.x)} ${n(e.y)}`;
  return `M ${n(s.x)} ${n(s.y)} C ${n(curve.c1.x)} ${n(curve.c1.y)} ${n(curve.c2.x)} ${n(curve.c2.y)} ${n(e.x)} ${n(e.y)}`;
}
