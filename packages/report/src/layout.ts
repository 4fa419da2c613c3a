/**
 * Auto-layout with elkjs (layered, left to right, flows as edges). Box boundaries are laid out
 * as containers of the elements (and boundaries) whose centres they held before, the innermost
 * boundary being an element's parent, so what was inside a boundary stays inside it and every
 * crossing is the same afterwards. Models written as code (no positions, `boundaryId`
 * membership) get membership as containment. Line boundaries, and notes no flow ends at, keep
 * their places. Flows are handed to ELK in reading order (cycles broken from the leftmost shape),
 * and each gets a bend handle only when its straight line would run through another shape.
 *
 * `planLayout` is what the editor's Auto-layout button does: it measures the diagram as it is and
 * the layouts proposed (layoutQuality.ts) and keeps a layout only when it is measurably better and
 * the analysis is unchanged. Pure and asynchronous (elkjs answers with a promise); the web editor
 * applies the result as one `layout` action, the SVG renderer draws with `autoLayout`'s rectangles.
 */
import {
  centre,
  computeInteractions,
  contains,
  type Diagram,
  type Element,
  type Point,
  pathsIntersect,
  preparePath,
  type Rect,
  type ThreatModel,
} from '@bulwark/core';
import type { ElkNode } from 'elkjs/lib/elk.bundled.js';
import { flowLanes } from './flowGeometry.js';
import {
  boxOf,
  compareQuality,
  flowPath,
  Grid,
  type LayoutQuality,
  measureLayout,
  type PlacedShape,
  pathThroughShape,
  qualityChange,
  qualityWords,
} from './layoutQuality.js';
import { sizeOf } from './shapes.js';

const MARGIN = 80;
/** Room between shapes, in every boundary too (ELK reads spacing from each node's own parent), so flow labels fit. */
const SPACING = { 'elk.spacing.nodeNode': '50', 'elk.layered.spacing.nodeNodeBetweenLayers': '140' };

type ElkClass = new () => { layout(graph: ElkNode): Promise<ElkNode> };
let elkClass: Promise<ElkClass> | undefined;

/**
 * elkjs, loaded on first use (it is large: renderers that never lay out, and the web app until it
 * lays out, do without it). elkjs is CommonJS: bundlers hand over its class as the default
 * export, Node's ESM loader the module object with the class under `default`.
 */
function loadElk(): Promise<ElkClass> {
  elkClass ??= import('elkjs/lib/elk.bundled.js').then((m) => {
    const mod = m.default as unknown as { default?: ElkClass };
    return mod.default ?? (mod as unknown as ElkClass);
  });
  return elkClass;
}

type Box = Extract<Element, { kind: 'process' | 'dataStore' | 'externalEntity' | 'trustBoundary' | 'annotation' }>;

/**
 * The rectangle an element is laid out with, or none when it keeps its place: line boundaries,
 * and notes no flow ends at (a note a flow ends at, as the Microsoft tool allows, is laid out
 * like a shape, so it stays in its boundary).
 */
function rectOf(e: Element, flowEnds: ReadonlySet<string>): Rect | undefined {
  if (e.kind === 'process' || e.kind === 'dataStore' || e.kind === 'externalEntity') {
    return e.position ?? { ...sizeOf(e.kind), x: 0, y: 0 };
  }
  if (e.kind === 'annotation' && flowEnds.has(e.id)) return e.position ?? { ...sizeOf(e.kind), x: 0, y: 0 };
  // A boundary without geometry (a model written as code) gets its size from what it holds.
  if (e.kind === 'trustBoundary' && e.shape === 'box') return e.position ?? { x: 0, y: 0, width: 200, height: 120 };
  return undefined;
}

/** The box boundary a model written as code puts an element in (`boundaryId`), when it has one. */
function declaredBoundary(e: Element): string | undefined {
  return 'boundaryId' in e ? e.boundaryId : undefined;
}

/** Whether `id` is `ancestor` or sits (through `parent`) inside it: a parent link there would loop. */
function inside(parent: Map<string, string>, id: string, ancestor: string): boolean {
  const seen = new Set<string>();
  for (let at: string | undefined = id; at !== undefined && !seen.has(at); at = parent.get(at)) {
    if (at === ancestor) return true;
    seen.add(at);
  }
  return false;
}

/** How the layered layout orders a diagram. */
export type LayoutStrategy =
  /** Layers from the flows alone (cycles broken in reading order). */
  | 'layered'
  /** Layers and order within them taken from where the shapes are now, where the flows allow. */
  | 'interactive';

/** A new layout: rectangles by element id, and each flow's bend handle (`null`: straight). */
export interface LayoutResult {
  rects: Record<string, Rect>;
  handles: Record<string, Point | null>;
  /** New straight lines for line boundaries, placed so each crosses the same flows as before. */
  lines?: Record<string, { source: Point; target: Point }>;
}

/**
 * The flows as ELK edges, pointing the way a reader goes: a flow that closes a cycle (a response
 * to a request, a loop) is given to ELK reversed, so ELK never picks which flow of a cycle runs
 * backwards. Which flow that is comes from a depth-first walk that starts at the shapes with
 * nothing flowing in, leftmost first (model order for shapes without positions), and takes each
 * shape's flows in model order.
 */
function readingOrderEdges(
  flows: Extract<Element, { kind: 'dataFlow' }>[],
  order: Map<string, number>,
): { id: string; sources: string[]; targets: string[] }[] {
  const out = new Map<string, Extract<Element, { kind: 'dataFlow' }>[]>();
  const incoming = new Map<string, number>();
  for (const f of flows) {
    out.set(f.source, [...(out.get(f.source) ?? []), f]);
    incoming.set(f.target, (incoming.get(f.target) ?? 0) + 1);
  }
  const nodes = [...order.keys()].sort((a, b) => (order.get(a) ?? 0) - (order.get(b) ?? 0));
  const starts = [...nodes.filter((n) => !incoming.has(n)), ...nodes.filter((n) => incoming.has(n))];
  const state = new Map<string, 'open' | 'done'>();
  const reversed = new Set<string>();
  for (const start of starts) {
    if (state.has(start)) continue;
    // An explicit stack: a long chain of flows must not overflow the call stack.
    const stack: { node: string; next: number }[] = [{ node: start, next: 0 }];
    state.set(start, 'open');
    while (stack.length > 0) {
      const top = stack[stack.length - 1] as { node: string; next: number };
      const edges = out.get(top.node) ?? [];
      const f = edges[top.next++];
      if (!f) {
        state.set(top.node, 'done');
        stack.pop();
        continue;
      }
      const seen = state.get(f.target);
      if (seen === 'open') reversed.add(f.id);
      else if (seen === undefined) {
        state.set(f.target, 'open');
        stack.push({ node: f.target, next: 0 });
      }
    }
  }
  return flows.map((f) =>
    reversed.has(f.id)
      ? { id: f.id, sources: [f.target], targets: [f.source] }
      : { id: f.id, sources: [f.source], targets: [f.target] },
  );
}

/** The point half-way along a polyline (by length). */
function halfway(points: readonly Point[]): Point | undefined {
  let total = 0;
  for (let i = 0; i + 1 < points.length; i++) {
    const a = points[i] as Point;
    const b = points[i + 1] as Point;
    total += Math.hypot(b.x - a.x, b.y - a.y);
  }
  let left = total / 2;
  for (let i = 0; i + 1 < points.length; i++) {
    const a = points[i] as Point;
    const b = points[i + 1] as Point;
    const len = Math.hypot(b.x - a.x, b.y - a.y);
    if (len >= left && len > 0) return { x: a.x + ((b.x - a.x) * left) / len, y: a.y + ((b.y - a.y) * left) / len };
    left -= len;
  }
  return points[0];
}

/** Sideways offsets tried, in order, for a flow whose straight line and ELK route both run through a shape. */
const DETOURS = [40, -40, 80, -80, 120, -120, 180, -180, 260, -260, 360, -360, 480, -480];

/**
 * Each flow's handle for the new rectangles: straight when the straight line is clear of other
 * shapes, else the middle of ELK's route around them when the curve through it is clear, else
 * the nearest sideways bend that is (the drawing is one curve through one handle, so ELK's route
 * is a hint, checked with the same path the measure uses). When none is clear, the one through
 * fewest shapes.
 */
function flowHandles(
  diagram: Diagram,
  rects: Readonly<Record<string, Rect>>,
  routes: ReadonlyMap<string, Point[]>,
): Record<string, Point | null> {
  const shapes: PlacedShape[] = [];
  for (const e of diagram.elements) {
    if (e.kind !== 'process' && e.kind !== 'dataStore' && e.kind !== 'externalEntity' && e.kind !== 'annotation')
      continue;
    const rect = rects[e.id] ?? e.position;
    if (rect) shapes.push({ id: e.id, kind: e.kind, rect });
  }
  const byId = new Map(shapes.map((s) => [s.id, s]));
  // Shapes in a grid of buckets, so each candidate path is checked only against the shapes near it.
  const grid = new Grid<PlacedShape>(200);
  for (const s of shapes) grid.add(boxOf([s.rect, { x: s.rect.x + s.rect.width, y: s.rect.y + s.rect.height }]), s);
  const flows = diagram.elements.filter((e): e is Extract<Element, { kind: 'dataFlow' }> => e.kind === 'dataFlow');
  // Flows left without a handle between the same two shapes are drawn on lanes beside each other.
  const lanes = flowLanes(flows.map((f) => ({ id: f.id, source: f.source, target: f.target })));
  const handles: Record<string, Point | null> = {};
  for (const e of flows) {
    const a = byId.get(e.source);
    const b = byId.get(e.target);
    if (!a || !b || e.source === e.target) continue;
    const lane = lanes.get(e.id);
    const hits = (h: Point | undefined) => {
      const path = flowPath(a, b, h, !h && lane ? { lane, reversed: e.source > e.target } : undefined);
      let n = 0;
      for (const s of grid.near(boxOf(path))) if (s !== a && s !== b && pathThroughShape(path, s)) n++;
      return n;
    };
    const ca = { x: a.rect.x + a.rect.width / 2, y: a.rect.y + a.rect.height / 2 };
    const cb = { x: b.rect.x + b.rect.width / 2, y: b.rect.y + b.rect.height / 2 };
    const mid = { x: (ca.x + cb.x) / 2, y: (ca.y + cb.y) / 2 };
    const len = Math.hypot(cb.x - ca.x, cb.y - ca.y) || 1;
    const normal = { x: -(cb.y - ca.y) / len, y: (cb.x - ca.x) / len };
    const route = routes.get(e.id);
    const routeMid = route ? halfway(route) : undefined;
    const candidates: (Point | undefined)[] = [
      undefined,
      ...(routeMid ? [{ x: Math.round(routeMid.x), y: Math.round(routeMid.y) }] : []),
      // ELK's own bends: a curve through one of them follows its route around the shapes.
      ...(route ?? []).slice(1, -1).map((p) => ({ x: Math.round(p.x), y: Math.round(p.y) })),
      ...DETOURS.map((off) => ({ x: Math.round(mid.x + normal.x * off), y: Math.round(mid.y + normal.y * off) })),
    ];
    let best: { handle: Point | undefined; hits: number } | undefined;
    for (const handle of candidates) {
      const n = hits(handle);
      if (!best || n < best.hits) best = { handle, hits: n };
      if (n === 0) break;
    }
    handles[e.id] = best?.handle ?? null;
  }
  return handles;
}

/** New rectangles, by element id, for the diagram's nodes and box boundaries. */
export async function autoLayout(diagram: Diagram): Promise<Record<string, Rect>> {
  return (await layoutDiagram(diagram, 'layered', { handles: false })).rects;
}

/**
 * The diagram laid out with elkjs: rectangles for its shapes and box boundaries, and a bend
 * handle (or `null`, straight) for each flow so that its curve keeps off other shapes (left out
 * with `handles: false`: the SVG of a model written as code bends its flows itself).
 */
export async function layoutDiagram(
  diagram: Diagram,
  strategy: LayoutStrategy = 'layered',
  options: { handles?: boolean } = {},
): Promise<LayoutResult> {
  const flowEnds = new Set(diagram.elements.flatMap((e) => (e.kind === 'dataFlow' ? [e.source, e.target] : [])));
  const items = diagram.elements.flatMap((e) => {
    const rect = rectOf(e, flowEnds);
    return rect ? [{ element: e as Box, rect, boundary: e.kind === 'trustBoundary' }] : [];
  });
  const area = (r: Rect) => r.width * r.height;
  const boundaries = new Set(items.filter((i) => i.boundary).map((i) => i.element.id));
  // Each item's parent: the boundary a model written as code names, else the smallest box
  // boundary holding its centre.
  const parent = new Map<string, string>();
  for (const item of items) {
    const declared = declaredBoundary(item.element);
    if (declared !== undefined && boundaries.has(declared) && !inside(parent, declared, item.element.id)) {
      parent.set(item.element.id, declared);
      continue;
    }
    if (!('position' in item.element) || !item.element.position) continue;
    const c = centre(item.rect);
    let best: (typeof items)[number] | undefined;
    for (const b of items) {
      // A boundary holds a shape whose centre it holds, whatever their sizes (as the analysis
      // counts it); it holds another boundary only when larger (so membership cannot loop).
      if (!b.boundary || b === item || !b.element.position) continue;
      if (item.boundary && area(b.rect) <= area(item.rect)) continue;
      if (!contains(b.rect, c) || inside(parent, b.element.id, item.element.id)) continue;
      if (!best || area(b.rect) < area(best.rect)) best = b;
    }
    if (best) parent.set(item.element.id, best.element.id);
  }
  const interactive = strategy === 'interactive';
  // ELK wants the hierarchy-aware strategies on every container, the root and each boundary.
  const strategyOptions: Record<string, string> = interactive
    ? {
        'elk.layered.layering.strategy': 'INTERACTIVE',
        'elk.layered.crossingMinimization.strategy': 'INTERACTIVE',
      }
    : {};
  const elk = new Map<string, ElkNode>();
  for (const item of items) {
    const placed = 'position' in item.element && item.element.position ? item.element.position : undefined;
    elk.set(item.element.id, {
      id: item.element.id,
      // The interactive strategies read where each node is now (absolute positions suit them: only the order counts).
      ...(interactive && placed ? { x: placed.x, y: placed.y } : {}),
      ...(item.boundary
        ? {
            children: [],
            layoutOptions: { ...SPACING, ...strategyOptions, 'elk.padding': '[top=40,left=30,bottom=30,right=30]' },
          }
        : { width: item.rect.width, height: item.rect.height }),
    });
  }
  const root: ElkNode = {
    id: '@root',
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': 'RIGHT',
      'elk.hierarchyHandling': 'INCLUDE_CHILDREN',
      'elk.edgeRouting': 'POLYLINE',
      'elk.json.edgeCoords': 'ROOT',
      'elk.layered.considerModelOrder.strategy': 'NODES_AND_EDGES',
      ...strategyOptions,
      ...SPACING,
    },
    children: [],
    edges: [],
  };
  for (const item of items) {
    const node = elk.get(item.element.id) as ElkNode;
    const up = parent.get(item.element.id);
    (up ? (elk.get(up) as ElkNode) : root).children?.push(node);
  }
  // An empty boundary still needs a size.
  for (const item of items) {
    const node = elk.get(item.element.id) as ElkNode;
    if (item.boundary && node.children?.length === 0) {
      node.width = Math.min(item.rect.width, 200);
      node.height = Math.min(item.rect.height, 120);
    }
  }
  const ids = new Set(items.filter((i) => !i.boundary).map((i) => i.element.id));
  const flows = diagram.elements.filter(
    (e): e is Extract<Element, { kind: 'dataFlow' }> =>
      e.kind === 'dataFlow' && ids.has(e.source) && ids.has(e.target) && e.source !== e.target,
  );
  // Reading order: leftmost (then topmost) first where shapes are placed, else model order.
  const order = new Map<string, number>();
  const nodes = items.filter((i) => !i.boundary);
  const placedAll = nodes.every((i) => 'position' in i.element && i.element.position);
  const sorted = placedAll
    ? [...nodes].sort((a, b) => a.rect.x + a.rect.width / 2 - (b.rect.x + b.rect.width / 2) || a.rect.y - b.rect.y)
    : nodes;
  for (const [n, i] of sorted.entries()) order.set(i.element.id, n);
  root.edges = readingOrderEdges(flows, order);
  // A placed shape no flow touches would go to the first column: an unseen edge from the shape
  // left of it in the same boundary keeps it where it is read (a database drawn right of the web
  // app stays right of it).
  if (placedAll) {
    const touched = new Set(flows.flatMap((f) => [f.source, f.target]));
    const cx = (i: (typeof nodes)[number]) => i.rect.x + i.rect.width / 2;
    for (const item of nodes) {
      if (touched.has(item.element.id)) continue;
      const up = parent.get(item.element.id);
      let left: (typeof nodes)[number] | undefined;
      for (const other of nodes)
        if (other !== item && parent.get(other.element.id) === up && cx(other) < cx(item) - 1)
          if (!left || cx(other) > cx(left)) left = other;
      if (left)
        root.edges.push({ id: `@order:${item.element.id}`, sources: [left.element.id], targets: [item.element.id] });
    }
  }
  const ELK = await loadElk();
  const done = await new ELK().layout(root);
  const rects: Record<string, Rect> = {};
  const walk = (node: ElkNode, ox: number, oy: number) => {
    for (const child of node.children ?? []) {
      const x = ox + (child.x ?? 0);
      const y = oy + (child.y ?? 0);
      rects[child.id] = {
        x: Math.round(x),
        y: Math.round(y),
        width: Math.round(child.width ?? 0),
        height: Math.round(child.height ?? 0),
      };
      walk(child, x, y);
    }
  };
  walk(done, MARGIN, MARGIN);
  const routes = new Map<string, Point[]>();
  for (const edge of done.edges ?? []) {
    const section = edge.sections?.[0];
    if (!section) continue;
    const at = (p: { x: number; y: number }) => ({ x: p.x + MARGIN, y: p.y + MARGIN });
    routes.set(edge.id, [section.startPoint, ...(section.bendPoints ?? []), section.endPoint].map(at));
  }
  if (options.handles === false) return { rects, handles: {} };
  const handles = flowHandles(diagram, rects, routes);
  const lines = placeLines(diagram, applyLayout(diagram, { rects, handles }));
  return { rects, handles, ...(Object.keys(lines).length > 0 ? { lines } : {}) };
}

/** Whether a diagram has shapes that were never placed (a model written as code): auto-layout draws them. */
export function needsLayout(diagram: Diagram): boolean {
  return diagram.elements.some(
    (e) =>
      ((e.kind === 'process' || e.kind === 'dataStore' || e.kind === 'externalEntity') && !e.position) ||
      (e.kind === 'trustBoundary' && e.shape === 'box' && !e.position),
  );
}

/**
 * The diagram with a layout applied: shapes and box boundaries at their new rectangles, each
 * flow bent through its new handle or straight (the end points and ports a file stored for the
 * old places are dropped: a flow's ends default to its shapes). What the editor's `layout` action does.
 */
export function applyLayout(diagram: Diagram, layout: LayoutResult): Diagram {
  return {
    ...diagram,
    elements: diagram.elements.map((e) => {
      if (e.kind === 'dataFlow') {
        if (!(e.id in layout.handles)) return e;
        const handle = layout.handles[e.id];
        const { path: _old, ...rest } = e;
        return handle ? { ...rest, path: { handle } } : rest;
      }
      if (e.kind === 'trustBoundary' && e.shape === 'line') {
        const line = layout.lines?.[e.id];
        return line ? { ...e, path: { source: line.source, target: line.target } } : e;
      }
      const rect = layout.rects[e.id];
      return rect ? ({ ...e, position: rect } as Element) : e;
    }),
  };
}

/** The open stretches between the given intervals (sorted, merged), as their middles, and one beyond each end. */
function gaps(intervals: [number, number][], beyond: number): number[] {
  const sorted = [...intervals].sort((a, b) => a[0] - b[0]);
  const out: number[] = [];
  let end = Number.NEGATIVE_INFINITY;
  for (const [a, b] of sorted) {
    if (end !== Number.NEGATIVE_INFINITY && a > end + 4) out.push((end + a) / 2);
    end = Math.max(end, b);
  }
  const first = sorted[0];
  return first ? [...out, first[0] - beyond, end + beyond] : out;
}

/**
 * New places for the line boundaries of a laid-out diagram: each a straight line in a gap between
 * the columns (or rows) of shapes, across all of them or part, chosen so that it crosses exactly
 * the flows it crossed before (the analysis then finds every crossing unchanged). A line no
 * candidate fits keeps its place (and `planLayout` then refuses the layout, saying why).
 */
function placeLines(before: Diagram, laid: Diagram): Record<string, { source: Point; target: Point }> {
  const lines = before.elements.filter(
    (e): e is Extract<Element, { kind: 'trustBoundary' }> =>
      e.kind === 'trustBoundary' && e.shape === 'line' && !!e.path?.source && !!e.path?.target,
  );
  if (lines.length === 0) return {};
  const wanted = new Map<string, string>(lines.map((l) => [l.id, '']));
  const model = (d: Diagram) => ({ diagrams: [d] }) as unknown as ThreatModel;
  const crossedBy = new Map<string, string[]>();
  for (const f of computeInteractions(model(before)).flows)
    for (const b of f.crossed) if (wanted.has(b.id)) crossedBy.set(b.id, [...(crossedBy.get(b.id) ?? []), f.flow.id]);
  const rects = new Map<string, Rect>();
  for (const e of laid.elements)
    if ('position' in e && e.position && e.kind !== 'trustBoundary') rects.set(e.id, e.position);
  const boxes = [...rects.values()];
  if (boxes.length === 0) return {};
  const paths: { id: string; path: ReturnType<typeof preparePath> }[] = [];
  for (const e of laid.elements) {
    if (e.kind !== 'dataFlow') continue;
    const a = rects.get(e.source);
    const b = rects.get(e.target);
    if (!a || !b) continue;
    paths.push({ id: e.id, path: preparePath(centre(a), centre(b), e.path?.handle) });
  }
  const top = Math.min(...boxes.map((r) => r.y)) - 40;
  const bottom = Math.max(...boxes.map((r) => r.y + r.height)) + 40;
  const left = Math.min(...boxes.map((r) => r.x)) - 40;
  const right = Math.max(...boxes.map((r) => r.x + r.width)) + 40;
  const xs = gaps(
    boxes.map((r) => [r.x, r.x + r.width]),
    30,
  );
  const ys = gaps(
    boxes.map((r) => [r.y, r.y + r.height]),
    30,
  );
  const candidates: { source: Point; target: Point }[] = [
    ...xs.map((x) => ({ source: { x, y: top }, target: { x, y: bottom } })),
    ...ys.map((y) => ({ source: { x: left, y }, target: { x: right, y } })),
  ];
  // Part of a column gap: from the top or bottom edge to a gap between the rows, or between two
  // such gaps; part of a row gap likewise.
  for (const x of xs)
    for (const [i, y] of ys.entries()) {
      candidates.push({ source: { x, y: top }, target: { x, y } }, { source: { x, y }, target: { x, y: bottom } });
      for (const y2 of ys.slice(i + 1)) candidates.push({ source: { x, y }, target: { x, y: y2 } });
    }
  for (const y of ys)
    for (const [i, x] of xs.entries()) {
      candidates.push({ source: { x: left, y }, target: { x, y } }, { source: { x, y }, target: { x: right, y } });
      for (const x2 of xs.slice(i + 1)) candidates.push({ source: { x, y }, target: { x: x2, y } });
    }
  const crossing = (c: { source: Point; target: Point }) => {
    const line = preparePath(c.source, c.target);
    return paths
      .filter((p) => pathsIntersect(p.path, line))
      .map((p) => p.id)
      .sort()
      .join(' ');
  };
  const out: Record<string, { source: Point; target: Point }> = {};
  for (const l of lines) {
    const want = [...(crossedBy.get(l.id) ?? [])].sort().join(' ');
    const fit = candidates.find((c) => crossing(c) === want);
    if (fit) {
      const round = (p: Point) => ({ x: Math.round(p.x), y: Math.round(p.y) });
      out[l.id] = { source: round(fit.source), target: round(fit.target) };
    }
  }
  return out;
}

/** Which trust boundaries each flow crosses, as the analysis computes it (flow id -> sorted boundary ids). */
function crossingsOf(diagram: Diagram): Map<string, string> {
  // The analysis reads only a model's diagrams.
  const model = { diagrams: [diagram] } as unknown as ThreatModel;
  return new Map(
    computeInteractions(model).flows.map((f) => [
      f.flow.id,
      f.crossed
        .map((b) => b.id)
        .sort()
        .join(' '),
    ]),
  );
}

/** How many flows would cross other trust boundaries after the layout than before. */
export function changedCrossings(before: Diagram, after: Diagram): number {
  const a = crossingsOf(before);
  const b = crossingsOf(after);
  let changed = 0;
  for (const [id, crossed] of a) if (b.get(id) !== crossed) changed++;
  for (const id of b.keys()) if (!a.has(id)) changed++;
  return changed;
}

/** What auto-layout proposes for a diagram, and whether to take it. */
export interface LayoutPlan {
  /** Whether to apply the layout: always for a diagram with unplaced shapes, else only when measurably better. */
  apply: boolean;
  layout: LayoutResult;
  /** The figures of the diagram as it is (absent when it has unplaced shapes). */
  before?: LayoutQuality;
  /** The figures of the layout proposed. */
  after: LayoutQuality;
  /** What happened, in a sentence for the person who asked. */
  message: string;
}

/**
 * Auto-layout that keeps a layout only when it is measurably better (`compareQuality`: flows
 * through shapes, overlaps, crossings, then length) and the analysis is unchanged (every flow
 * crosses the same trust boundaries). A diagram with unplaced shapes is always laid out. On a
 * placed diagram the layout from the flows is tried first, and taken when it is better; else the
 * layout keeping the order the shapes have now, and the better of the two is proposed.
 */
export async function planLayout(diagram: Diagram): Promise<LayoutPlan> {
  if (needsLayout(diagram)) {
    const layout = await layoutDiagram(diagram);
    const after = measureLayout(diagram, layout.rects, layout.handles);
    return { apply: true, layout, after, message: `Laid out: ${qualityWords(after)}.` };
  }
  const before = measureLayout(diagram);
  let best: { layout: LayoutResult; after: LayoutQuality } | undefined;
  let changed = 0;
  for (const strategy of ['layered', 'interactive'] as const) {
    const layout = await layoutDiagram(diagram, strategy);
    const moved = changedCrossings(diagram, applyLayout(diagram, layout));
    if (moved > 0) {
      changed = moved;
      continue;
    }
    const after = measureLayout(diagram, layout.rects, layout.handles);
    if (!best || compareQuality(after, best.after) < 0) best = { layout, after };
    // The first layout better than the diagram is taken (each costs an ELK run, the first a slow one).
    if (compareQuality(after, before) < 0) break;
  }
  if (!best) {
    const layout = await layoutDiagram(diagram);
    const after = measureLayout(diagram, layout.rects, layout.handles);
    return {
      apply: false,
      layout,
      before,
      after,
      message: `The diagram was left as it is: a new layout would change which trust boundaries ${changed} ${changed === 1 ? 'flow crosses' : 'flows cross'} (line boundaries stay where they are, and box boundaries that overlap without one holding the other cannot both stay containers).`,
    };
  }
  if (compareQuality(best.after, before) < 0)
    return {
      apply: true,
      ...best,
      before,
      message: `Laid out: ${qualityChange(before, best.after)}.`,
    };
  return {
    apply: false,
    ...best,
    before,
    message: `The diagram is already as good, so it was left as it is: ${qualityChange(before, best.after, 'proposed')}.`,
  };
}
