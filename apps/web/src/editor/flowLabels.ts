/**
 * Where the diagram's flow names go, all at once: each flow's label at the first spot along (or
 * beside) its flow that covers no shape and no label placed before it (`flowGeometry`'s
 * `labelFree`, over the flows in order, as the SVG report places them). Planned once per set of
 * shapes, flows and label scale, read by every arrow (edges.tsx), so labels keep off each other
 * too, not only off the shapes. Zoomed out (labels grown, cut short), a label that finds no free
 * spot is left out (the flow's title still names it); near, every label is drawn. Read from the
 * store, never subscribed to: a pan plans nothing.
 */
import type { Point } from '@bulwark/core';
import { type FlowEnd, flowGeometry, Occupied, wrapText } from '@bulwark/report';
import type { InternalNode, ReactFlowState } from '@xyflow/react';
import { FLOW_FONT } from './labelScale.js';
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

type Plan = { nodes: unknown; scale: number; near: boolean; spots: Map<string, Point | null> };
const plans = new WeakMap<object, Plan>();

function plan(state: ReactFlowState, scale: number, near: boolean): Map<string, Point | null> {
  const taken = new Occupied();
  for (const n of state.nodeLookup.values()) {
    if (!SHAPES.has(n.type ?? '')) continue;
    const end = endOf(n);
    if (end) taken.add(end.rect);
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
    const g = flowGeometry({
      source,
      target,
      self: edge.source === edge.target,
      ...(handle ? { handle } : {}),
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
 * Where a flow's label goes among all the diagram's labels, at this label scale and level: null
 * when it is left out (zoomed out, no free spot), undefined when the flow is not planned.
 */
export function plannedLabel(
  state: ReactFlowState,
  id: string,
  scale: number,
  near: boolean,
): Point | null | undefined {
  let p = plans.get(state.edges);
  if (!p || p.nodes !== state.nodes || p.scale !== scale || p.near !== near) {
    p = { nodes: state.nodes, scale, near, spots: plan(state, scale, near) };
    plans.set(state.edges, p);
  }
  return p.spots.get(id);
}
