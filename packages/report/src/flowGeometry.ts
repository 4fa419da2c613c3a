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
 * - Several flows on one shape do not meet at one point: `spreadEnds` moves ends that would lie
 *   closer than `END_GAP` along the outline apart (each crowd spread evenly about where it was),
 *   and the geometry slides each end by its shift along the outline (`sourceShift`,
 *   `targetShift`), never so far that the flow would run back through its own shape. A lone end
 *   stays where the line between the centres leaves the shape.
 * - The label sits half-way along the visible part of the curve (between the two outlines),
 *   pushed outwards from the centre line when it would otherwise lie over a parallel flow's arc,
 *   so two flows' labels never cover each other; given `labelFree`, it moves along the flow to
 *   the nearest spot whose box that says is free (off other shapes and labels), else beside the
 *   flow near its middle.
 * - A flow from a shape to itself is a loop over the shape.
 * - Given the diagram's shapes (`FlowObstacles`), a flow without a handle keeps off every shape
 *   but its own two (`flowRoute`): when its line or arcs would pass under one (closer than
 *   `ROUTE_MARGIN`), it bends round it on one arc, the smallest that clears, on the side away
 *   from what is in the way; failing that, through two bends (a smooth S or a wider, lopsided
 *   arc). The flows between one pair move together, their lanes kept `LANE_GAP` apart. A flow
 *   with a handle is drawn as its user set it. The route depends only on the flow's two shapes,
 *   its lane and the shapes near it, so the editor can route each flow on its own while shapes move.
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
  /** How far to slide the start along the source's outline (clockwise, in diagram units): `spreadEnds`. */
  sourceShift?: number;
  /** The same for the end on the target's outline. */
  targetShift?: number;
  /** Whether a label box there covers nothing it should not (shapes, other labels); with `labelSize`. */
  labelFree?: (box: Rect) => boolean;
  /** How the flow goes round shapes in its way (`flowRoute`); ignored with a handle. */
  route?: FlowRoute;
  /** The diagram's shapes: without `route`, the flow is routed off them here (`flowRoute`). */
  obstacles?: FlowObstacles;
}

/**
 * A way round shapes, as sideways offsets from the line between the pair's centres (from its
 * first shape to its second, as lanes count; positive to the right of that direction as seen
 * on the screen, y down): one arc through the point `offset` off the line half-way, or two bends
 * `offsets` off it a third and two thirds of the way. A lane's own offset is added to both.
 */
export type FlowRoute = { offset: number } | { offsets: readonly [number, number] };

/** A flow as drawn. */
export type FlowCurve =
  | { kind: 'line'; start: Point; end: Point }
  | { kind: 'curve'; start: Point; control: Point; end: Point }
  | { kind: 'loop'; start: Point; c1: Point; c2: Point; end: Point }
  /** A flow routed through two bends (`FlowRoute`'s `offsets`). */
  | { kind: 'cubic'; start: Point; c1: Point; c2: Point; end: Point };

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

/** The least distance along a shape's outline between two flows' ends (`spreadEnds`). */
export const END_GAP = 18;

/** Where along a flow its label may go, in order of preference (shares of the visible curve). */
export const LABEL_SPOTS: readonly number[] = [0.5, 0.4, 0.6, 0.3, 0.7, 0.22, 0.78];

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

/** Half the width and height of a shape's outline, and whether it is an ellipse. */
function radii(end: FlowEnd): { a: number; b: number; round: boolean } {
  return { a: end.rect.width / 2, b: end.rect.height / 2, round: end.kind === 'process' };
}

/** The length of a shape's outline (an ellipse's by Ramanujan's approximation). */
export function outlineLength(end: FlowEnd): number {
  const { a, b, round } = radii(end);
  if (!round) return 4 * (a + b);
  const h = ((a - b) * (a - b)) / ((a + b) * (a + b) || 1);
  return Math.PI * (a + b) * (1 + (3 * h) / (10 + Math.sqrt(4 - 3 * h)));
}

/**
 * How far along a shape's outline a point on it lies, clockwise on the screen (y down): from the
 * top-left corner for a box, from the rightmost point for an ellipse (by angle, scaled to length).
 */
export function outlineOffset(end: FlowEnd, p: Point): number {
  const { a, b, round } = radii(end);
  const r = end.rect;
  if (round) {
    const c = centreOf(r);
    const angle = Math.atan2((p.y - c.y) / (b || 1), (p.x - c.x) / (a || 1));
    return ((angle + 2 * Math.PI) % (2 * Math.PI)) * (outlineLength(end) / (2 * Math.PI));
  }
  const w = r.width;
  const h = r.height;
  // The side the point is nearest to decides (a corner belongs to the side that starts there).
  const d = [Math.abs(p.y - r.y), Math.abs(p.x - (r.x + w)), Math.abs(p.y - (r.y + h)), Math.abs(p.x - r.x)];
  const side = d.indexOf(Math.min(...d));
  const clamp = (v: number, max: number) => Math.min(max, Math.max(0, v));
  if (side === 0) return clamp(p.x - r.x, w);
  if (side === 1) return w + clamp(p.y - r.y, h);
  if (side === 2) return w + h + clamp(r.x + w - p.x, w);
  return 2 * w + h + clamp(r.y + h - p.y, h);
}

/** The point a distance `s` along a shape's outline (see `outlineOffset`); any `s`, wrapped round. */
export function outlineAt(end: FlowEnd, s: number): Point {
  const length = outlineLength(end);
  const u = length > 0 ? ((s % length) + length) % length : 0;
  const { a, b, round } = radii(end);
  const r = end.rect;
  if (round) {
    const c = centreOf(r);
    const angle = (u / (length || 1)) * 2 * Math.PI;
    return { x: c.x + a * Math.cos(angle), y: c.y + b * Math.sin(angle) };
  }
  const w = r.width;
  const h = r.height;
  if (u < w) return { x: r.x + u, y: r.y };
  if (u < w + h) return { x: r.x + w, y: r.y + (u - w) };
  if (u < 2 * w + h) return { x: r.x + w - (u - w - h), y: r.y + h };
  return { x: r.x, y: r.y + h - (u - 2 * w - h) };
}

/**
 * Positions on a circle of length `length`, moved apart to at least `gap` (less when they do not
 * fit), each crowd spread evenly about its middle; returns each position's shift, in input order.
 */
export function spreadPositions(positions: readonly number[], length: number, gap: number): number[] {
  const n = positions.length;
  if (n < 2 || length <= 0) return positions.map(() => 0);
  const g = Math.min(gap, length / n);
  const order = positions.map((p, i) => ({ p: ((p % length) + length) % length, i })).sort((x, y) => x.p - y.p);
  // Cut the circle in its widest gap, so no crowd straddles the cut.
  let cut = 0;
  let widest = -1;
  for (let k = 0; k < n; k++) {
    const here = (order[k] as { p: number }).p;
    const before = (order[(k + n - 1) % n] as { p: number }).p;
    const space = k === 0 ? here + length - before : here - before;
    if (space > widest) {
      widest = space;
      cut = k;
    }
  }
  const line = [...order.slice(cut), ...order.slice(0, cut)].map((o, k) => ({
    i: o.i,
    p: k > 0 && o.p < (order[cut] as { p: number }).p ? o.p + length : o.p,
  }));
  // Blocks of positions g apart, merged while they overlap; a block sits centred on its members' mean.
  const blocks: { start: number; members: number[]; sum: number }[] = [];
  for (const [k, o] of line.entries()) {
    blocks.push({ start: o.p, members: [k], sum: o.p });
    for (;;) {
      const last = blocks[blocks.length - 1] as (typeof blocks)[number];
      const prev = blocks[blocks.length - 2];
      const m = last.members.length;
      last.start = last.sum / m - ((m - 1) * g) / 2;
      if (!prev || prev.start + prev.members.length * g <= last.start + 1e-9) break;
      prev.members.push(...last.members);
      prev.sum += last.sum;
      blocks.pop();
    }
  }
  const shifts = positions.map(() => 0);
  for (const block of blocks)
    for (const [j, k] of block.members.entries()) {
      const o = line[k] as { i: number; p: number };
      shifts[o.i] = block.start + j * g - o.p;
    }
  return shifts;
}

/** A flow as `spreadEnds` reads it. */
export interface SpreadFlow {
  id: string;
  source: string;
  target: string;
  path?: { handle?: Point } | undefined;
}

/**
 * The shifts along the outline that keep the ends of a shape's flows at least `END_GAP` apart
 * (see the module's comment), by flow id; flows whose ends need none are left out. `ends` gives
 * each shape's kind and box (undefined: not drawn); `lanes` are the diagram's `flowLanes`; each
 * flow is taken as routed off `obstacles` (by default the shapes the flows attach to).
 */
export function spreadEnds(
  flows: readonly SpreadFlow[],
  ends: (id: string) => FlowEnd | undefined,
  lanes: ReadonlyMap<string, Lane> = flowLanes(flows),
  obstacles?: FlowObstacles,
): Map<string, { source: number; target: number }> {
  const onShape = new Map<string, { flow: string; end: 'source' | 'target'; at: number }[]>();
  const add = (shape: string, item: { flow: string; end: 'source' | 'target'; at: number }) => {
    const list = onShape.get(shape);
    if (list) list.push(item);
    else onShape.set(shape, [item]);
  };
  const found = new Map<string, FlowEnd>();
  const endOf = (id: string) => {
    let e = found.get(id);
    if (!e) {
      e = ends(id);
      if (e) found.set(id, e);
    }
    return e;
  };
  for (const f of flows) {
    endOf(f.source);
    endOf(f.target);
  }
  const shapes = obstacles ?? new FlowObstacles([...found.values()].map((e) => e.rect));
  for (const f of flows) {
    if (f.source === f.target) continue;
    const source = endOf(f.source);
    const target = endOf(f.target);
    if (!source || !target) continue;
    const lane = lanes.get(f.id);
    const { curve } = flowGeometry({
      source,
      target,
      ...(f.path?.handle ? { handle: f.path.handle } : {}),
      ...(lane ? { lane, reversed: f.source > f.target } : {}),
      obstacles: shapes,
    });
    add(f.source, { flow: f.id, end: 'source', at: outlineOffset(source, curve.start) });
    add(f.target, { flow: f.id, end: 'target', at: outlineOffset(target, curve.end) });
  }
  const shifts = new Map<string, { source: number; target: number }>();
  for (const [shape, list] of onShape) {
    if (list.length < 2) continue;
    const end = found.get(shape) as FlowEnd;
    const moved = spreadPositions(
      list.map((x) => x.at),
      outlineLength(end),
      END_GAP,
    );
    for (const [k, item] of list.entries()) {
      const by = moved[k] ?? 0;
      if (Math.abs(by) < 0.05) continue;
      const s = shifts.get(item.flow) ?? { source: 0, target: 0 };
      s[item.end] = by;
      shifts.set(item.flow, s);
    }
  }
  return shifts;
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

/** A lane's sideways offset from the line between the pair's centres, half-way (0 for a lone flow). */
function laneOffset(lane: Lane | undefined): number {
  return lane && lane.count > 1 ? (lane.index - (lane.count - 1) / 2) * LANE_GAP : 0;
}

/** The unit normal of the line from `first` to `second` (to its right as seen on the screen, y down). */
function normalOf(first: Point, second: Point): Point {
  const len = Math.hypot(second.x - first.x, second.y - first.y) || 1;
  return { x: -(second.y - first.y) / len, y: (second.x - first.x) / len };
}

/**
 * The points a flow bends through, in its own direction: none (straight), one (passed half-way)
 * or two (passed a third and two thirds of the way), for a route and a lane offset.
 */
function bendsOf(ca: Point, cb: Point, reversed: boolean, route: FlowRoute | undefined, lane: number): Point[] {
  const [first, second] = reversed ? [cb, ca] : [ca, cb];
  const n = normalOf(first, second);
  const along = (share: number, off: number): Point => ({
    x: first.x + (second.x - first.x) * share + n.x * off,
    y: first.y + (second.y - first.y) * share + n.y * off,
  });
  if (route && 'offsets' in route) {
    const two = [along(1 / 3, route.offsets[0] + lane), along(2 / 3, route.offsets[1] + lane)];
    return reversed ? two.reverse() : two;
  }
  const off = (route?.offset ?? 0) + lane;
  return off === 0 ? [] : [along(0.5, off)];
}

function quadAt(s: Point, c: Point, e: Point, u: number): Point {
  return {
    x: (1 - u) * (1 - u) * s.x + 2 * u * (1 - u) * c.x + u * u * e.x,
    y: (1 - u) * (1 - u) * s.y + 2 * u * (1 - u) * c.y + u * u * e.y,
  };
}

function cubicAt(s: Point, c1: Point, c2: Point, e: Point, u: number): Point {
  const v = 1 - u;
  return {
    x: v * v * v * s.x + 3 * v * v * u * c1.x + 3 * v * u * u * c2.x + u * u * u * e.x,
    y: v * v * v * s.y + 3 * v * v * u * c1.y + 3 * v * u * u * c2.y + u * u * u * e.y,
  };
}

/** The cubic's inner control points for a curve from s to e passing p at a third and q at two thirds. */
function cubicThrough(s: Point, p: Point, q: Point, e: Point): [Point, Point] {
  return [
    { x: (-5 * s.x + 18 * p.x - 9 * q.x + 2 * e.x) / 6, y: (-5 * s.y + 18 * p.y - 9 * q.y + 2 * e.y) / 6 },
    { x: (2 * s.x - 9 * p.x + 18 * q.x - 5 * e.x) / 6, y: (2 * s.y - 9 * p.y + 18 * q.y - 5 * e.y) / 6 },
  ];
}

/** The curve between two shapes through its bends (see `bendsOf`), its ends slid by their shifts. */
function curveThrough(
  source: FlowEnd,
  target: FlowEnd,
  bends: readonly Point[],
  sourceShift: number | undefined,
  targetShift: number | undefined,
): { curve: FlowCurve; at: (u: number) => Point } {
  const ca = centreOf(source.rect);
  const cb = centreOf(target.rect);
  const [p, q] = bends;
  if (p && q) {
    // The ends face the control points of the cubic between the centres through both bends.
    const [t1, t2] = cubicThrough(ca, p, q, cb);
    const start = slide(source, outlinePoint(source, t1), sourceShift, t1);
    const end = slide(target, outlinePoint(target, t2), targetShift, t2);
    const [c1, c2] = cubicThrough(start, p, q, end);
    return { curve: { kind: 'cubic', start, c1, c2, end }, at: (u) => cubicAt(start, c1, c2, end, u) };
  }
  if (p) {
    // The ends face the curve's control point; the curve then passes through the bend itself.
    const towards = controlPoint(ca, cb, p);
    const start = slide(source, outlinePoint(source, towards), sourceShift, towards);
    const end = slide(target, outlinePoint(target, towards), targetShift, towards);
    const control = controlPoint(start, end, p);
    return { curve: { kind: 'curve', start, control, end }, at: (u) => quadAt(start, control, end, u) };
  }
  const natural = { start: outlinePoint(source, cb), end: outlinePoint(target, ca) };
  const start = slide(source, natural.start, sourceShift, natural.end);
  const end = slide(target, natural.end, targetShift, start);
  return {
    curve: { kind: 'line', start, end },
    at: (u) => ({ x: start.x + (end.x - start.x) * u, y: start.y + (end.y - start.y) * u }),
  };
}

/**
 * The diagram's shapes as boxes a flow keeps off (`flowRoute`), filed in a grid of cells so that
 * a point of a flow is tested against the few shapes in its cell, not every shape.
 */
export class FlowObstacles {
  private readonly cells = new Map<number, Rect[]>();
  private static readonly CELL = 160;
  /** How many boxes are filed. */
  readonly size: number;

  constructor(rects: Iterable<Rect>) {
    const c = FlowObstacles.CELL;
    const m = ROUTE_MARGIN;
    let size = 0;
    for (const r of rects) {
      size++;
      // Filed wherever the box and its margin reach, so a point finds it in the point's own cell.
      const i1 = Math.floor((r.x + r.width + m) / c);
      const j1 = Math.floor((r.y + r.height + m) / c);
      for (let i = Math.floor((r.x - m) / c); i <= i1; i++)
        for (let j = Math.floor((r.y - m) / c); j <= j1; j++) {
          // A number key (column and row packed), not a string: no string made per look.
          const k = i * 0x100000 + j;
          const cell = this.cells.get(k);
          if (cell) cell.push(r);
          else this.cells.set(k, [r]);
        }
    }
    this.size = size;
  }

  /** The boxes (none of `own`) that `p` lies under or within `margin` (at most `ROUTE_MARGIN`) of. */
  under(p: Point, margin: number, own: readonly Rect[], found: Rect[]): void {
    const c = FlowObstacles.CELL;
    const cell = this.cells.get(Math.floor(p.x / c) * 0x100000 + Math.floor(p.y / c));
    if (!cell) return;
    for (const r of cell)
      if (
        p.x > r.x - margin &&
        p.x < r.x + r.width + margin &&
        p.y > r.y - margin &&
        p.y < r.y + r.height + margin &&
        !found.includes(r) &&
        !own.some((o) => o === r || (o.x === r.x && o.y === r.y && o.width === r.width && o.height === r.height))
      )
        found.push(r);
  }
}

/** How close (diagram units) a routed flow may pass to a shape not its own. */
export const ROUTE_MARGIN = 8;
/** The sideways offsets tried for one arc round a shape, smallest first (each on both sides). */
const ARC_OFFSETS = [24, 40, 60, 85, 115, 150, 200, 260, 340];
/** The offsets tried for each of two bends when no arc clears. */
const BEND_OFFSETS = [40, 90, 160, 250];
/** How far apart the points of a flow are tested against the shapes near it. */
const STEP = 6;
/** A flow whose line passes under more shapes than this crosses a crowd no bend gets round: it stays straight. */
const CROWD = 4;
/** Two bends are looked for only round this many shapes at most (arcs round up to `CROWD`). */
const FEW = 2;

/** A curve's length, roughly: its control polygon's. */
function roughLength(curve: FlowCurve): number {
  const pts =
    curve.kind === 'line'
      ? [curve.start, curve.end]
      : curve.kind === 'curve'
        ? [curve.start, curve.control, curve.end]
        : [curve.start, curve.c1, curve.c2, curve.end];
  let length = 0;
  for (let i = 1; i < pts.length; i++) {
    const a = pts[i - 1] as Point;
    const b = pts[i] as Point;
    length += Math.hypot(b.x - a.x, b.y - a.y);
  }
  return length;
}

/**
 * The shapes (not its own) a drawn curve passes under or within `margin` of: every one, or with
 * `first` only the first found. Its points `STEP` apart are tested coarsely first (every eighth,
 * then those between), so a curve in the way of something is usually found so in a few looks.
 */
function blockers(
  curve: FlowCurve,
  at: (u: number) => Point,
  own: readonly Rect[],
  obstacles: FlowObstacles,
  margin: number,
  first: boolean,
): Rect[] {
  const found: Rect[] = [];
  const steps = Math.max(8, Math.ceil(roughLength(curve) / STEP));
  for (let stride = 8; stride >= 1; stride /= 2)
    for (let i = stride; i < steps; i += stride) {
      if (stride < 8 && i % (stride * 2) === 0) continue;
      obstacles.under(at(i / steps), margin, own, found);
      if (first && found.length > 0) return found;
    }
  return found;
}

/**
 * How a flow without a handle goes round the shapes in its way (see the module's comment), or
 * undefined when its line (or its lane's arc) is clear, or no way round was found (it is then
 * drawn as it would be without shapes). Every lane of its pair is tested, so the pair's flows,
 * each routed on its own, move together. Decided without the ends' shifts, which differ per flow.
 */
export function flowRoute(input: FlowInput, obstacles: FlowObstacles): FlowRoute | undefined {
  const { source, target } = input;
  if (input.self || input.handle || obstacles.size === 0) return undefined;
  const ca = centreOf(source.rect);
  const cb = centreOf(target.rect);
  const reversed = input.reversed === true;
  const lane = input.lane && input.lane.count > 1 ? input.lane : undefined;
  const lanes = lane ? Array.from({ length: lane.count }, (_, index) => laneOffset({ index, count: lane.count })) : [0];
  const own = [source.rect, target.rect];
  const blocked = (route: FlowRoute | undefined, first: boolean): Rect[] => {
    const hit: Rect[] = [];
    for (const off of lanes) {
      const { curve, at } = curveThrough(source, target, bendsOf(ca, cb, reversed, route, off), 0, 0);
      for (const r of blockers(curve, at, own, obstacles, ROUTE_MARGIN, first)) if (!hit.includes(r)) hit.push(r);
      if (first && hit.length > 0) break;
    }
    return hit;
  };
  const inWay = blocked(undefined, false);
  if (inWay.length === 0 || inWay.length > CROWD) return undefined;
  // Round the side away from what is in the way first.
  const [from, to] = reversed ? [cb, ca] : [ca, cb];
  const n = normalOf(from, to);
  const mid = { x: (from.x + to.x) / 2, y: (from.y + to.y) / 2 };
  const lean = inWay.reduce((sum, r) => {
    const c = centreOf(r);
    return sum + (c.x - mid.x) * n.x + (c.y - mid.y) * n.y;
  }, 0);
  const side = lean > 0 ? -1 : 1;
  const reach = Math.max(80, Math.hypot(to.x - from.x, to.y - from.y) * 0.9);
  for (const o of ARC_OFFSETS.filter((o) => o <= reach))
    for (const route of [{ offset: side * o }, { offset: -side * o }])
      if (blocked(route, true).length === 0) return route;
  if (inWay.length > FEW) return undefined;
  // Two bends: the least sideways first, an S (one bend each side) costing a little more.
  const signed = BEND_OFFSETS.filter((o) => o <= reach).flatMap((o) => [side * o, -side * o]);
  const pairs: { offsets: [number, number]; cost: number }[] = [];
  for (const a of signed)
    for (const b of signed) pairs.push({ offsets: [a, b], cost: Math.abs(a) + Math.abs(b) + (a * b < 0 ? 40 : 0) });
  pairs.sort((x, y) => x.cost - y.cost);
  for (const { offsets } of pairs) if (blocked({ offsets }, true).length === 0) return { offsets };
  return undefined;
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
    const top = { x: c.x, y: a.y - 45 };
    return {
      curve: { kind: 'loop', start, c1, c2, end },
      at: (u) => cubicAt(start, c1, c2, end, u),
      label: top,
      middle: top,
    };
  }
  const ca = centreOf(source.rect);
  const cb = centreOf(target.rect);
  let bends: Point[];
  let push: { normal: Point; offset: number } | undefined;
  if (input.handle) bends = [input.handle];
  else {
    const reversed = input.reversed === true;
    const lane = laneOffset(input.lane);
    const route = input.route ?? (input.obstacles ? flowRoute(input, input.obstacles) : undefined);
    bends = bendsOf(ca, cb, reversed, route, lane);
    if (lane !== 0) push = { normal: reversed ? normalOf(cb, ca) : normalOf(ca, cb), offset: lane };
  }
  const { curve, at } = curveThrough(source, target, bends, input.sourceShift, input.targetShift);
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
  if (input.labelFree && input.labelSize) {
    const { width, height } = input.labelSize;
    const box = (p: Point): Rect => ({ x: p.x - width / 2, y: p.y - height / 2, width, height });
    const free = input.labelFree;
    if (!free(box(label))) {
      // Along the flow first; then beside it (touching it, either side) near its middle.
      const along = LABEL_SPOTS.slice(1).map(at);
      const beside = LABEL_SPOTS.slice(0, 3).flatMap((t) => {
        const p = at(t);
        const q = at(Math.min(1, t + 0.01));
        const len = Math.hypot(q.x - p.x, q.y - p.y) || 1;
        const n = { x: -(q.y - p.y) / len, y: (q.x - p.x) / len };
        const off = (Math.abs(n.x) * width + Math.abs(n.y) * height) / 2 + 3;
        return [1, -1].map((sign) => ({ x: p.x + n.x * off * sign, y: p.y + n.y * off * sign }));
      });
      const spot = [...along, ...beside].find((p) => free(box(p)));
      if (spot) label = spot;
    }
  }
  return { curve, at, label, middle };
}

/** Whether a point lies inside a shape (its ellipse or its box), off the outline. */
function inside(end: FlowEnd, p: Point): boolean {
  const r = end.rect;
  const c = centreOf(r);
  const a = r.width / 2;
  const b = r.height / 2;
  if (end.kind === 'process') return ((p.x - c.x) / a) ** 2 + ((p.y - c.y) / b) ** 2 < 0.999;
  return Math.abs(p.x - c.x) < a - 0.01 && Math.abs(p.y - c.y) < b - 0.01;
}

/**
 * A point on an outline slid along it by `by` (clockwise), or the point itself. The flow leaving
 * the slid point towards `toward` must not run back through its own shape (a flow wrapped round
 * the shape it starts from): the slide is halved until it does not, else dropped.
 */
function slide(end: FlowEnd, p: Point, by: number | undefined, toward: Point): Point {
  if (!by || end.rect.width <= 0 || end.rect.height <= 0) return p;
  const from = outlineOffset(end, p);
  for (let k = 0, d = by; k < 4; k++, d /= 2) {
    const q = outlineAt(end, from + d);
    const len = Math.hypot(toward.x - q.x, toward.y - q.y) || 1;
    const step = Math.min(4, len / 2);
    const ahead = { x: q.x + ((toward.x - q.x) / len) * step, y: q.y + ((toward.y - q.y) / len) * step };
    if (!inside(end, ahead)) return q;
  }
  return p;
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
