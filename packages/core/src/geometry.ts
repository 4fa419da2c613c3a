/**
 * Plane geometry for trust-boundary crossing: centres, containment, and whether two paths
 * (straight, or curved through a handle point) intersect.
 */
import type { Path, Point, Rect } from './model/ThreatModelSchema.js';

/** The centre of a rectangle. */
export function centre(rect: Rect): Point {
  return { x: rect.x + rect.width / 2, y: rect.y + rect.height / 2 };
}

/** Is the point inside the rectangle (edges included)? */
export function contains(rect: Rect, p: Point): boolean {
  return p.x >= rect.x && p.x <= rect.x + rect.width && p.y >= rect.y && p.y <= rect.y + rect.height;
}

/** How many straight segments approximate a curved path. */
const CURVE_SEGMENTS = 16;

/**
 * The polyline a path is drawn as: a straight segment, or a quadratic curve that passes through
 * the handle at its middle (control point = 2 * handle - (start + end) / 2).
 */
export function polyline(start: Point, end: Point, handle?: Point): Point[] {
  if (!handle) return [start, end];
  const cx = 2 * handle.x - (start.x + end.x) / 2;
  const cy = 2 * handle.y - (start.y + end.y) / 2;
  const points: Point[] = [];
  for (let i = 0; i <= CURVE_SEGMENTS; i++) {
    const t = i / CURVE_SEGMENTS;
    const u = 1 - t;
    points.push({
      x: u * u * start.x + 2 * u * t * cx + t * t * end.x,
      y: u * u * start.y + 2 * u * t * cy + t * t * end.y,
    });
  }
  return points;
}

/** The bounding box of a polyline. */
export function bounds(points: readonly Point[]): Rect {
  let minX = Number.POSITIVE_INFINITY;
  let minY = Number.POSITIVE_INFINITY;
  let maxX = Number.NEGATIVE_INFINITY;
  let maxY = Number.NEGATIVE_INFINITY;
  for (const p of points) {
    if (p.x < minX) minX = p.x;
    if (p.y < minY) minY = p.y;
    if (p.x > maxX) maxX = p.x;
    if (p.y > maxY) maxY = p.y;
  }
  return { x: minX, y: minY, width: maxX - minX, height: maxY - minY };
}

function overlaps(a: Rect, b: Rect): boolean {
  return a.x <= b.x + b.width && b.x <= a.x + a.width && a.y <= b.y + b.height && b.y <= a.y + a.height;
}

function orient(a: Point, b: Point, c: Point): number {
  const v = (b.x - a.x) * (c.y - a.y) - (b.y - a.y) * (c.x - a.x);
  return v > 1e-9 ? 1 : v < -1e-9 ? -1 : 0;
}

function onSegment(a: Point, b: Point, p: Point): boolean {
  return (
    Math.min(a.x, b.x) - 1e-9 <= p.x &&
    p.x <= Math.max(a.x, b.x) + 1e-9 &&
    Math.min(a.y, b.y) - 1e-9 <= p.y &&
    p.y <= Math.max(a.y, b.y) + 1e-9
  );
}

/** Do segments ab and cd intersect (touching counts)? */
export function segmentsIntersect(a: Point, b: Point, c: Point, d: Point): boolean {
  const o1 = orient(a, b, c);
  const o2 = orient(a, b, d);
  const o3 = orient(c, d, a);
  const o4 = orient(c, d, b);
  if (o1 !== o2 && o3 !== o4) return true;
  if (o1 === 0 && onSegment(a, b, c)) return true;
  if (o2 === 0 && onSegment(a, b, d)) return true;
  if (o3 === 0 && onSegment(c, d, a)) return true;
  if (o4 === 0 && onSegment(c, d, b)) return true;
  return false;
}

/** A polyline with its bounding box, ready for repeated intersection tests. */
export interface PreparedPath {
  points: readonly Point[];
  box: Rect;
}

/** Prepares a path for intersection tests. */
export function preparePath(start: Point, end: Point, handle?: Point): PreparedPath {
  const points = polyline(start, end, handle);
  return { points, box: bounds(points) };
}

/** Do two prepared polylines intersect? */
export function pathsIntersect(a: PreparedPath, b: PreparedPath): boolean {
  if (!overlaps(a.box, b.box)) return false;
  for (let i = 0; i + 1 < a.points.length; i++) {
    const p = a.points[i] as Point;
    const q = a.points[i + 1] as Point;
    for (let j = 0; j + 1 < b.points.length; j++) {
      if (segmentsIntersect(p, q, b.points[j] as Point, b.points[j + 1] as Point)) return true;
    }
  }
  return false;
}

/** The start, end and handle of a path whose endpoints may be given or defaulted. */
export function pathPoints(
  path: Path | undefined,
  start?: Point,
  end?: Point,
): { start?: Point; end?: Point; handle?: Point } {
  const s = path?.source ?? start;
  const e = path?.target ?? end;
  return {
    ...(s ? { start: s } : {}),
    ...(e ? { end: e } : {}),
    ...(path?.handle ? { handle: path.handle } : {}),
  };
}
