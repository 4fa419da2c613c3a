/**
 * The one place where a Bulwark diagram becomes React Flow nodes and edges: shapes by element
 * kind, boundaries behind everything, flows as arrows (both ends for bi-directional ones), each
 * flow with its lane among the flows between the same two shapes (`flowLanes`, the report's) and
 * how far its ends slide along the shapes' outlines so that flows on one shape do not meet at one
 * point (`spreadEnds`, the report's).
 */
import type { DataFlow, Diagram, Element, Rect } from '@bulwark/core';
import { flowLanes, KIND_WORDS, type Lane, sizeOf, spreadEnds } from '@bulwark/report';
import type { Edge, Node } from '@xyflow/react';

/** A data flow as React Flow draws it (see edges.tsx). */
export type FlowEdgeType = Edge<{ element: DataFlow; lane?: Lane; shift?: EndShift }, 'flow'>;

/** How far a flow's two ends slide along their shapes' outlines (`spreadEnds`). */
export interface EndShift {
  source: number;
  target: number;
}

/** What a node component receives. */
export interface ElementNodeData extends Record<string, unknown> {
  element: Element;
  label: string;
}

/** Whether a diagram needs the auto-layout: the report package decides, for the editor and the SVG alike. */
export { needsLayout } from '@bulwark/report';

/** Lays out elements without positions on a simple grid, so models written as code show up. */
function fallbackPosition(index: number): { x: number; y: number } {
  return { x: 40 + (index % 6) * 220, y: 40 + Math.floor(index / 6) * 180 };
}

type Drawn = { node: Node<ElementNodeData> } | { edge: FlowEdgeType };

/** What a screen reader says for a shape or arrow: its kind, its name, and what else matters. */
function spoken(el: Element, label: string): string {
  const extra = [
    el.kind === 'dataFlow' && el.bidirectional ? 'both ways' : '',
    el.outOfScope ? 'out of scope' : '',
    'childDiagramId' in el && el.childDiagramId ? 'has a detail diagram' : '',
  ].filter((x) => x !== '');
  return `${KIND_WORDS[el.kind]}: ${label}${extra.length > 0 ? ` (${extra.join(', ')})` : ''}`;
}

/** One element as a React Flow node (shapes, boundaries, notes) or edge (flows). */
function draw(el: Element, index: number, lane: Lane | undefined, shift: EndShift | undefined): Drawn {
  const label = 'grouped' in el && el.grouped ? `${el.name} (grouped)` : el.name;
  const ariaLabel = spoken(el, label);
  if (el.kind === 'dataFlow') {
    return {
      edge: {
        id: el.id,
        source: el.source,
        target: el.target,
        label: el.name,
        type: 'flow',
        ariaLabel,
        data: { element: el, ...(lane ? { lane } : {}), ...(shift ? { shift } : {}) },
        markerEnd: { type: 'arrowclosed' as never },
        ...(el.bidirectional ? { markerStart: { type: 'arrowclosed' as never } } : {}),
        className: 'bw-flow',
      },
    };
  }
  if (el.kind === 'trustBoundary' && el.shape === 'line') {
    const s = el.path?.source ?? { x: 0, y: 0 };
    const t = el.path?.target ?? { x: 0, y: 0 };
    const x = Math.min(s.x, t.x);
    const y = Math.min(s.y, t.y);
    return {
      node: {
        id: el.id,
        type: 'lineBoundary',
        ariaLabel,
        position: { x, y },
        data: { element: el, label },
        style: { width: Math.max(2, Math.abs(t.x - s.x)), height: Math.max(2, Math.abs(t.y - s.y)) },
        zIndex: -1,
        selectable: true,
      },
    };
  }
  const rect = 'position' in el && el.position ? el.position : { ...fallbackPosition(index), ...sizeOf(el.kind) };
  return {
    node: {
      id: el.id,
      type: el.kind === 'trustBoundary' ? 'boundary' : el.kind,
      ariaLabel,
      position: { x: rect.x, y: rect.y },
      data: { element: el, label },
      // A box boundary is picked and dragged by its name: its inside lets clicks and drags through
      // to the canvas (pan, box-select) and to what it contains.
      style: {
        width: rect.width,
        height: rect.height,
        ...(el.kind === 'trustBoundary' ? { pointerEvents: 'none' } : {}),
      },
      ...(el.kind === 'trustBoundary' ? { zIndex: -1 } : {}),
    },
  };
}

/** What was drawn for each element object: an unchanged element keeps its node, so React Flow skips it. */
export type FlowCache = WeakMap<Element, { index: number; lane: string; drawn: Drawn }>;

/**
 * Converts a diagram to React Flow nodes and edges. With a cache, elements the last edit did not
 * touch (the same objects: actions never copy what they do not change) come back as the same
 * nodes, so a large diagram redraws only what changed.
 */
export function modelToFlow(
  diagram: Diagram,
  cache: FlowCache = new WeakMap(),
): { nodes: Node<ElementNodeData>[]; edges: FlowEdgeType[] } {
  const nodes: Node<ElementNodeData>[] = [];
  const edges: FlowEdgeType[] = [];
  const flows = diagram.elements.filter((e): e is DataFlow => e.kind === 'dataFlow');
  const lanes = flowLanes(flows);
  const shapes = new Map<string, { kind: string; rect: Rect }>();
  for (const e of diagram.elements)
    if ((e.kind === 'process' || e.kind === 'dataStore' || e.kind === 'externalEntity') && e.position)
      shapes.set(e.id, { kind: e.kind, rect: e.position });
  const shifts = spreadEnds(flows, (id) => shapes.get(id), lanes);
  diagram.elements.forEach((el, index) => {
    let hit = cache.get(el);
    const lane = lanes.get(el.id);
    const shift = shifts.get(el.id);
    const laneKey = `${lane ? `${lane.index}/${lane.count}` : ''}${shift ? `|${shift.source}/${shift.target}` : ''}`;
    // Shapes without a position are placed by their index, flows in their lane and with their ends'
    // shifts: a new one draws them anew.
    if (!hit || (hit.index !== index && !('position' in el && el.position)) || hit.lane !== laneKey) {
      hit = { index, lane: laneKey, drawn: draw(el, index, lane, shift) };
      cache.set(el, hit);
    }
    if ('edge' in hit.drawn) edges.push(hit.drawn.edge);
    else nodes.push(hit.drawn.node);
  });
  return { nodes, edges };
}
