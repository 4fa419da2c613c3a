/**
 * Interactions: every flow with its source and target, and the trust boundaries it crosses.
 * A bi-directional flow is two interactions (one each way) for threat generation and one row
 * in the interactions tables. Crossing is computed, never typed: from geometry when the
 * diagram has it, from `boundaryId` membership when the model is written as code.
 */
import { centre, contains, type PreparedPath, pathPoints, pathsIntersect, preparePath } from './geometry.js';
import type { DataFlow, Element, NodeElement, ThreatModel, TrustBoundary } from './model/ThreatModelSchema.js';

/** One direction of a flow: source -> flow -> target. */
export interface Interaction {
  /** `sourceId:flowId:targetId`, the Microsoft tool's InteractionKey. */
  key: string;
  diagramId: string;
  flow: DataFlow;
  source: FlowEndpoint;
  target: FlowEndpoint;
  /** True for the second direction of a bi-directional flow. */
  reverse: boolean;
  /** The trust boundaries the flow crosses, in diagram order. */
  crossed: readonly TrustBoundary[];
}

/** A flow that yields no interaction, and why. */
export interface SkippedFlow {
  flowId: string;
  diagramId: string;
  reason: string;
}

/** Every flow that yields interactions (with its crossings), and the flows that could not be used. */
export interface InteractionSet {
  /** One entry per flow (both directions of a bi-directional flow share it). */
  flows: FlowCrossing[];
  /** How many interactions the flows make (two per bi-directional flow). */
  interactionCount: number;
  skipped: SkippedFlow[];
}

/** A flow with its endpoints and crossings: one row of an interactions table. */
export interface FlowCrossing {
  diagramId: string;
  flow: DataFlow;
  source: FlowEndpoint;
  target: FlowEndpoint;
  crossed: readonly TrustBoundary[];
}

const NODE_KINDS = new Set(['process', 'dataStore', 'externalEntity']);

/** Is this element a process, data store or external entity (something a flow should join)? */
export function isNode(el: Element): el is NodeElement {
  return NODE_KINDS.has(el.kind);
}

/** What a flow can end at. */
export type FlowEndpoint = NodeElement | Extract<Element, { kind: 'annotation' }>;

/**
 * Can a flow end here? Processes, stores and entities; and, as the Microsoft tool allows it,
 * annotations (validation warns about those).
 */
export function isFlowEndpoint(el: Element): el is FlowEndpoint {
  return NODE_KINDS.has(el.kind) || el.kind === 'annotation';
}

/**
 * Computes, per diagram, which box boundaries each node lies in, as ascending indices into
 * `boxes` (a node is usually in one or two, so crossing is a short merge of two lists).
 */
function boxMembership(nodes: FlowEndpoint[], boxes: TrustBoundary[]): Map<string, number[]> {
  const indexById = new Map(boxes.map((b, i) => [b.id, i]));
  const result = new Map<string, number[]>();
  for (const node of nodes) {
    const inside: number[] = [];
    if ('boundaryId' in node && node.boundaryId !== undefined) {
      // As-code: follow the membership chain outwards.
      let cur = indexById.get(node.boundaryId);
      while (cur !== undefined && !inside.includes(cur)) {
        inside.push(cur);
        const parent = (boxes[cur] as TrustBoundary).boundaryId;
        cur = parent !== undefined ? indexById.get(parent) : undefined;
      }
      inside.sort((a, b) => a - b);
    } else if (node.position) {
      const c = centre(node.position);
      boxes.forEach((box, i) => {
        if (box.position && contains(box.position, c)) inside.push(i);
      });
    }
    result.set(node.id, inside);
  }
  return result;
}

/** The boxes in exactly one of two ascending index lists, in diagram order. */
function symmetricDifference(
  a: readonly number[],
  b: readonly number[],
  boxes: readonly TrustBoundary[],
): TrustBoundary[] {
  const out: TrustBoundary[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    const x = a[i];
    const y = b[j];
    if (y === undefined || (x !== undefined && x < y)) {
      out.push(boxes[x as number] as TrustBoundary);
      i++;
    } else if (x === undefined || y < x) {
      out.push(boxes[y] as TrustBoundary);
      j++;
    } else {
      i++;
      j++;
    }
  }
  return out;
}

/** Computes every interaction of the model with the boundaries each crosses. */
export function computeInteractions(model: ThreatModel): InteractionSet {
  let interactionCount = 0;
  const flows: FlowCrossing[] = [];
  const skipped: SkippedFlow[] = [];
  for (const diagram of model.diagrams) {
    const nodes: FlowEndpoint[] = [];
    const boxes: TrustBoundary[] = [];
    const lines: { boundary: TrustBoundary; path: PreparedPath }[] = [];
    const byId = new Map<string, Element>();
    for (const el of diagram.elements) {
      if (el.kind === 'dataFlow') continue;
      byId.set(el.id, el);
      if (isFlowEndpoint(el)) nodes.push(el);
      else if (el.kind === 'trustBoundary') {
        if (el.shape === 'box') boxes.push(el);
        else {
          const { start, end, handle } = pathPoints(el.path);
          if (start && end) lines.push({ boundary: el, path: preparePath(start, end, handle) });
        }
      }
    }
    const membership = boxMembership(nodes, boxes);
    for (const el of diagram.elements) {
      if (el.kind !== 'dataFlow') continue;
      const source = byId.get(el.source);
      const target = byId.get(el.target);
      const problem =
        source === undefined
          ? `its source "${el.source}" is not an element of diagram "${diagram.name}"`
          : target === undefined
            ? `its target "${el.target}" is not an element of diagram "${diagram.name}"`
            : !isFlowEndpoint(source)
              ? `its source "${source.name}" is a ${source.kind}, not a process, data store or external entity`
              : !isFlowEndpoint(target)
                ? `its target "${target.name}" is a ${target.kind}, not a process, data store or external entity`
                : undefined;
      if (problem !== undefined || !source || !target || !isFlowEndpoint(source) || !isFlowEndpoint(target)) {
        skipped.push({ flowId: el.id, diagramId: diagram.id, reason: `Flow "${el.name}" is skipped: ${problem}.` });
        continue;
      }
      const crossed = symmetricDifference(membership.get(source.id) ?? [], membership.get(target.id) ?? [], boxes);
      if (lines.length > 0) {
        const { start, end, handle } = pathPoints(
          el.path,
          source.position ? centre(source.position) : undefined,
          target.position ? centre(target.position) : undefined,
        );
        if (start && end) {
          const path = preparePath(start, end, handle);
          for (const line of lines) if (pathsIntersect(path, line.path)) crossed.push(line.boundary);
        }
      }
      flows.push({ diagramId: diagram.id, flow: el, source, target, crossed });
      interactionCount += el.bidirectional ? 2 : 1;
    }
  }
  return { flows, interactionCount, skipped };
}

/** Every interaction, one per direction: source -> flow -> target (and back for bi-directional flows). */
export function directedInteractions(set: InteractionSet): Interaction[] {
  const out: Interaction[] = [];
  for (const { diagramId, flow, source, target, crossed } of set.flows) {
    out.push({ key: `${source.id}:${flow.id}:${target.id}`, diagramId, flow, source, target, reverse: false, crossed });
    if (flow.bidirectional)
      out.push({
        key: `${target.id}:${flow.id}:${source.id}`,
        diagramId,
        flow,
        source: target,
        target: source,
        reverse: true,
        crossed,
      });
  }
  return out;
}
