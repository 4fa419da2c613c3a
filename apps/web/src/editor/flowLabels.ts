/**
 * Where the diagram's flows go and their names, all at once.
 *
 * Routes: each flow without a handle keeps off the shapes that are not its own (`flowRoute`, the
 * report's), against the shapes where they are now. A flow's route is worked out once per set of
 * nodes and kept; while shapes are dragged, only the flows on a dragged shape are routed again
 * (the others keep theirs until the drop), so a drag costs the few flows it moves.
 *
 * Names: each flow's label at the first spot along (or beside) its flow that covers no shape, no
 * shape name (grown past its circle when zoomed out), no boundary name and no label placed before it
 * (`flowGeometry`'s `labelFree`, over the flows in order, as the SVG report places them). Planned
 * once per set of shapes, flows and label scale, read by every arrow (edges.tsx), so labels keep
 * off each other too, not only off the shapes. Zoomed out (labels grown, cut short), a label that
 * finds no free spot is left out (the flow's title still names it); near, every label is drawn.
 * Read from the store, never subscribed to: a pan plans nothing.
 */
import type { Point, Rect } from '@bulwark/core';
import {
  type FlowEnd,
  FlowObstacles,
  type FlowRoute,
  flowGeometry,
  flowRoute,
  Occupied,
  wrapText,
} from '@bulwark/report';
import type { InternalNode, ReactFlowState } from '@xyflow/react';
import { FLOW_FONT, NAME_FONT } from './labelScale.js';
import type { FlowEdgeType } from './modelToFlow.js';

/** Flow labels are measured as the report measures them: an average glyph is this share of the font size. */
const GLYPH = 0.56;
/** A label at middle zoom: one line of at most this many characters. */
const SHORT = 18;
/** The kinds of node a label keeps off. */
const SHAPES = new Set(['process', 'dataStore', 'externalEntity']);

/** A label's lines and its size in diagram units at scale 1. */
export interface LabelText {
  lines: string[];
  width: number;
  height: number;
}

function measured(lines: string[]): LabelText {
  const longest = Math.max(0, ...lines.map((l) => l.length));
  return { lines, width: longest * FLOW_FONT * GLYPH + 8, height: lines.length * FLOW_FONT * 1.25 + 4 };
}

/** A flow's name whole (up to three lines) and cut short (one line), as drawn near and at middle zoom. */
export function labelTexts(name: string): { full: LabelText; short: LabelText } {
  if (name === '') return { full: measured([]), short: measured([]) };
  return {
    full: measured(wrapText(name, 24, 3)),
    short: measured([name.length > SHORT ? `${name.slice(0, SHORT - 1).trimEnd()}…` : name]),
  };
}

/** A node as the geometry sees it: its kind and its box, where it is now (also while it is dragged). */
export function endOf(node: InternalNode | undefined): FlowEnd | undefined {
  if (!node) return undefined;
  const { x, y } = node.internals.positionAbsolute;
  const width = node.measured.width ?? node.width ?? Number(node.style?.width ?? 0);
  const height = node.measured.height ?? node.height ?? Number(node.style?.height ?? 0);
  return { kind: node.type ?? '', rect: { x, y, width, height } };
}

/** The routes worked out for one set of nodes, and the last route of every flow (kept through a drag). */
interface Routes {
  nodes: unknown;
  obstacles: FlowObstacles | undefined;
  dragging: boolean;
  routes: Map<string, FlowRoute | undefined>;
  last: Map<string, FlowRoute | undefined>;
}
const routing = new WeakMap<object, Routes>();

/** Whether two routes are the same way round. */
export function sameRoute(a: FlowRoute | undefined, b: FlowRoute | undefined): boolean {
  if (a === b) return true;
  if (!a || !b) return false;
  if ('offset' in a) return 'offset' in b && a.offset === b.offset;
  return 'offsets' in b && a.offsets[0] === b.offsets[0] && a.offsets[1] === b.offsets[1];
}

/**
 * How a flow goes round the shapes in its way, for the nodes as they are now (see the module's
 * comment); undefined for a flow drawn straight or on its lane, or bent by its user.
 */
export function routeOf(state: ReactFlowState, id: string): FlowRoute | undefined {
  let r = routing.get(state.nodeLookup);
  if (!r) {
    r = { nodes: undefined, obstacles: undefined, dragging: false, routes: new Map(), last: new Map() };
    routing.set(state.nodeLookup, r);
  }
  if (r.nodes !== state.nodes) {
    r.nodes = state.nodes;
    r.obstacles = undefined;
    r.routes = new Map();
    r.dragging = state.nodes.some((n) => n.dragging);
  }
  if (r.routes.has(id)) return r.routes.get(id);
  const edge = state.edgeLookup.get(id) as FlowEdgeType | undefined;
  const from = edge ? state.nodeLookup.get(edge.source) : undefined;
  const to = edge ? state.nodeLookup.get(edge.target) : undefined;
  let route: FlowRoute | undefined;
  if (r.dragging && r.last.has(id) && !from?.dragging && !to?.dragging) route = r.last.get(id);
  else if (edge?.data && !edge.data.element.path?.handle && edge.source !== edge.target) {
    const source = endOf(from);
    const target = endOf(to);
    if (source && target) {
      if (!r.obstacles) {
        const boxes: Rect[] = [];
        for (const n of state.nodeLookup.values()) {
          const end = SHAPES.has(n.type ?? '') ? endOf(n) : undefined;
          if (end) boxes.push(end.rect);
        }
        r.obstacles = new FlowObstacles(boxes);
      }
      const { lane } = edge.data;
      route = flowRoute(
        { source, target, ...(lane ? { lane, reversed: edge.source > edge.target } : {}) },
        r.obstacles,
      );
    }
  }
  r.routes.set(id, route);
  r.last.set(id, route);
  return route;
}

/** The height of a shape name's line, in units of its font size (canvasLabels.css). */
const NAME_LINE = 1.15;
/** How much wider than its circle a grown process name may be (canvasLabels.css). */
const NAME_SPILL = 1.65;
/** The icon above a process's name, and the gap under it (canvasLabels.css). */
const ICON = 19;

/**
 * Where a process's name is drawn when it is wider than the circle (zoomed out, names grown to
 * `nameScale`: they may spill past the circle's sides, canvasLabels.css): a box for flow names to
 * keep off, or undefined when the name fits inside the shape.
 */
export function nameSpill(end: FlowEnd, name: string, nameScale: number): Rect | undefined {
  if (end.kind !== 'process' || nameScale <= 1 || name === '') return undefined;
  const { x, y, width, height } = end.rect;
  const font = NAME_FONT * nameScale;
  const text = name.length * font * GLYPH;
  const widest = width * NAME_SPILL;
  if (text <= width) return undefined;
  const lines = Math.min(3, Math.ceil(text / widest));
  const w = Math.min(text, widest) + 4;
  const h = lines * font * NAME_LINE + 2;
  const cy = y + height / 2 + ICON / 2;
  return { x: x + width / 2 - w / 2, y: cy - h / 2, width: w, height: h };
}

/** A bold name's average glyph, as a share of its font size. */
const BOLD_GLYPH = 0.62;

/**
 * Where a trust boundary's name is drawn at `nameScale` (styles.css, canvasLabels.css): in the
 * box's top-left corner, on one line within it; beside the bend of a line boundary.
 */
export function boundaryName(node: InternalNode, name: string, nameScale: number): Rect | undefined {
  if (name === '') return undefined;
  const font = NAME_FONT * nameScale;
  const text = name.length * font * BOLD_GLYPH;
  const el = (node.data as { element?: { path?: { source?: Point; target?: Point; handle?: Point } } }).element;
  if (node.type === 'lineBoundary') {
    const s = el?.path?.source;
    const t = el?.path?.target;
    if (!s || !t) return undefined;
    const bend = el?.path?.handle ?? { x: (s.x + t.x) / 2, y: (s.y + t.y) / 2 };
    return { x: bend.x + 6, y: bend.y - 6 - font, width: text, height: font * 1.3 };
  }
  const box = endOf(node)?.rect;
  if (!box) return undefined;
  return { x: box.x + 8, y: box.y + 4, width: Math.min(text + 6, box.width - 16), height: font * 1.2 + 6 };
}

type Plan = { nodes: unknown; scale: number; nameScale: number; near: boolean; spots: Map<string, Point | null> };
const plans = new WeakMap<object, Plan>();

function plan(state: ReactFlowState, scale: number, nameScale: number, near: boolean): Map<string, Point | null> {
  const taken = new Occupied();
  for (const n of state.nodeLookup.values()) {
    const data = n.data as { label?: unknown } | undefined;
    const label = typeof data?.label === 'string' ? data.label : '';
    if (n.type === 'boundary' || n.type === 'lineBoundary') {
      const name = boundaryName(n, label, nameScale);
      if (name) taken.add(name);
      continue;
    }
    if (!SHAPES.has(n.type ?? '')) continue;
    const end = endOf(n);
    if (!end) continue;
    taken.add(end.rect);
    const spill = near ? undefined : nameSpill(end, label, nameScale);
    if (spill) taken.add(spill);
  }
  const spots = new Map<string, Point | null>();
  for (const edge of state.edges as FlowEdgeType[]) {
    const name = typeof edge.label === 'string' ? edge.label.trim() : '';
    const source = endOf(state.nodeLookup.get(edge.source));
    const target = endOf(state.nodeLookup.get(edge.target));
    if (name === '' || !source || !target || !edge.data) continue;
    const { full, short } = labelTexts(name);
    const text = near ? full : short;
    const width = text.width * scale;
    const height = text.height * scale;
    const { lane, shift, element } = edge.data;
    const handle = element.path?.handle;
    const route = routeOf(state, edge.id);
    const g = flowGeometry({
      source,
      target,
      self: edge.source === edge.target,
      ...(handle ? { handle } : {}),
      ...(route ? { route } : {}),
      ...(lane ? { lane, reversed: edge.source > edge.target } : {}),
      ...(shift ? { sourceShift: shift.source, targetShift: shift.target } : {}),
      labelSize: { width, height },
      labelFree: (r) => !taken.hits(r),
    });
    const box = { x: g.label.x - width / 2, y: g.label.y - height / 2, width, height };
    if (!near && taken.hits(box)) {
      spots.set(edge.id, null);
      continue;
    }
    taken.add(box);
    spots.set(edge.id, g.label);
  }
  return spots;
}

/**
 * Where a flow's label goes among all the diagram's labels, at this label scale (and shape names'
 * `nameScale`) and level: null when it is left out (zoomed out, no free spot), undefined when the
 * flow is not planned.
 */
export function plannedLabel(
  state: ReactFlowState,
  id: string,
  scale: number,
  nameScale: number,
  near: boolean,
): Point | null | undefined {
  let p = plans.get(state.edges);
  if (!p || p.nodes !== state.nodes || p.scale !== scale || p.nameScale !== nameScale || p.near !== near) {
    p = { nodes: state.nodes, scale, nameScale, near, spots: plan(state, scale, nameScale, near) };
    plans.set(state.edges, p);
  }
  return p.spots.get(id);
}
