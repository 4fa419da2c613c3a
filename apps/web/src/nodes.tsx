/** The DFD shapes: process = circle, data store = two parallel lines, external entity = rectangle, trust boundary = red dashed box or line. */
import { Handle, type NodeProps, Position } from '@xyflow/react';
import type { ElementNodeData } from './modelToFlow.js';

function Handles() {
  return (
    <>
      <Handle type="target" position={Position.Left} className="bw-handle" />
      <Handle type="source" position={Position.Right} className="bw-handle" />
    </>
  );
}

function outOfScope(data: ElementNodeData): string {
  return data.element.outOfScope ? ' bw-out-of-scope' : '';
}

/** A process: a circle. */
export function ProcessNode({ data, selected }: NodeProps & { data: ElementNodeData }) {
  return (
    <div className={`bw-node bw-process${selected ? ' bw-selected' : ''}${outOfScope(data)}`} title={data.label}>
      <Handles />
      <span>{data.label}</span>
    </div>
  );
}

/** A data store: two parallel lines. */
export function DataStoreNode({ data, selected }: NodeProps & { data: ElementNodeData }) {
  return (
    <div className={`bw-node bw-store${selected ? ' bw-selected' : ''}${outOfScope(data)}`} title={data.label}>
      <Handles />
      <span>{data.label}</span>
    </div>
  );
}

/** An external entity: a rectangle. */
export function EntityNode({ data, selected }: NodeProps & { data: ElementNodeData }) {
  return (
    <div className={`bw-node bw-entity${selected ? ' bw-selected' : ''}${outOfScope(data)}`} title={data.label}>
      <Handles />
      <span>{data.label}</span>
    </div>
  );
}

/** A box trust boundary: a red dashed rectangle with its name in a corner. */
export function BoundaryNode({ data, selected }: NodeProps & { data: ElementNodeData }) {
  return (
    <div className={`bw-boundary${selected ? ' bw-selected' : ''}`} title={data.label}>
      <span className="bw-boundary-label">{data.label}</span>
    </div>
  );
}

/** A line trust boundary: a red dashed line (curved through its handle) inside its box. */
export function LineBoundaryNode({ data }: NodeProps & { data: ElementNodeData }) {
  const el = data.element;
  if (el.kind !== 'trustBoundary' || !el.path?.source || !el.path.target) return null;
  const s = el.path.source;
  const t = el.path.target;
  const ox = Math.min(s.x, t.x);
  const oy = Math.min(s.y, t.y);
  const h = el.path.handle;
  const d = h
    ? `M ${s.x - ox} ${s.y - oy} Q ${2 * h.x - (s.x + t.x) / 2 - ox} ${2 * h.y - (s.y + t.y) / 2 - oy} ${t.x - ox} ${t.y - oy}`
    : `M ${s.x - ox} ${s.y - oy} L ${t.x - ox} ${t.y - oy}`;
  return (
    <svg className="bw-line-boundary" width="100%" height="100%" overflow="visible" aria-label={data.label}>
      <title>{data.label}</title>
      <path d={d} fill="none" stroke="#c62828" strokeWidth={2} strokeDasharray="8 6" />
    </svg>
  );
}

/** A free-text annotation. */
export function AnnotationNode({ data }: NodeProps & { data: ElementNodeData }) {
  return <div className="bw-annotation">{data.label}</div>;
}

/** Node components by React Flow node type. */
export const NODE_TYPES = {
  process: ProcessNode,
  dataStore: DataStoreNode,
  externalEntity: EntityNode,
  boundary: BoundaryNode,
  lineBoundary: LineBoundaryNode,
  annotation: AnnotationNode,
};
