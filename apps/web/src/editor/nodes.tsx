/**
 * The DFD shapes: process = circle, data store = two parallel lines, external entity = rectangle,
 * trust boundary = red dashed box or line. Shapes show their connection points on hover and when
 * selected (drag one to draw a flow). A selected shape can be resized; a selected line
 * boundary shows handles for its ends and its bend; an element with a detail diagram shows the
 * way into it. Each shape shows its type's icon; names stay readable as the canvas zooms out
 * (labelZoom.ts), cut short with an ellipsis where they do not fit (the full name is the title).
 */
import type { Path, Point } from '@bulwark/core';
import { Handle, type NodeProps, NodeResizer, Position, useConnection } from '@xyflow/react';
import { type PointerEvent as ReactPointerEvent, useState } from 'react';
import './canvasLabels.css';
import { useEditor } from './editorContext.js';
import { useLabelZoom } from './labelZoom.js';
import type { ElementNodeData } from './modelToFlow.js';
import { iconOf, TypeIcon } from './TypeIcon.js';

const PORTS = [
  [Position.Top, 'top'],
  [Position.Right, 'right'],
  [Position.Bottom, 'bottom'],
  [Position.Left, 'left'],
] as const;

/**
 * Where flows start and end. A connection point on each side (shown on hover and on the
 * selected shape): drag one to another shape to draw a flow. While a flow is being drawn, the
 * whole shape takes it (an invisible target over the shape), so it may be dropped anywhere on it.
 * Where a flow then attaches is the geometry's business (edges.tsx): these points only start it.
 */
function Handles() {
  const connecting = useConnection((c) => c.inProgress);
  const editor = useEditor();
  // Read only, the points stay (flows are drawn between them) but hidden and inert.
  const readOnly = editor.readOnly;
  return (
    <>
      {PORTS.map(([position, side]) => (
        <Handle
          key={side}
          id={side}
          type="source"
          position={position}
          isConnectable={!readOnly}
          className={`bw-handle bw-port${readOnly ? ' bw-port-inert' : ''}`}
          {...(readOnly ? {} : { title: 'Drag to another shape to draw a flow' })}
        />
      ))}
      <Handle
        type="target"
        id="body"
        position={Position.Top}
        isConnectable={!readOnly}
        className={`bw-handle-body${connecting && !readOnly ? ' bw-handle-body-active' : ''}`}
      />
    </>
  );
}

type ShapeProps = NodeProps & { data: ElementNodeData };

/** Resize handles for the selected shape; the new box goes to the model when the drag ends. */
function Resizer({ id, selected, keepAspectRatio }: { id: string; selected: boolean; keepAspectRatio?: boolean }) {
  const editor = useEditor();
  if (!selected || editor.readOnly) return null;
  return (
    <NodeResizer
      minWidth={40}
      minHeight={30}
      keepAspectRatio={keepAspectRatio === true}
      lineClassName="bw-resize-line"
      handleClassName="bw-resize-handle"
      onResizeEnd={(_e, r) =>
        editor.resize(id, {
          x: Math.round(r.x),
          y: Math.round(r.y),
          width: Math.round(r.width),
          height: Math.round(r.height),
        })
      }
    />
  );
}

/** The way into an element's detail diagram, when it has one. */
function DetailLink({ data }: { data: ElementNodeData }) {
  const editor = useEditor();
  const child = 'childDiagramId' in data.element ? data.element.childDiagramId : undefined;
  if (!child) return null;
  const name = editor.diagramNames.get(child) ?? child;
  return (
    <button
      type="button"
      className="bw-detail-link nodrag"
      aria-label={`Open detail diagram ${name}`}
      title={`Open the detail diagram "${name}"`}
      onClick={(e) => {
        e.stopPropagation();
        editor.openDiagram(child);
      }}
    >
      ⊞
    </button>
  );
}

function Shape({ id, data, selected, shape }: ShapeProps & { shape: 'process' | 'store' | 'entity' }) {
  useLabelZoom();
  const { typeClues } = useEditor();
  const el = data.element;
  const className = `bw-node bw-${shape}${selected ? ' bw-selected' : ''}${el.outOfScope ? ' bw-out-of-scope' : ''}`;
  return (
    <div className={className} title={data.label}>
      <Resizer id={id} selected={selected} keepAspectRatio={shape === 'process'} />
      <Handles />
      <TypeIcon icon={iconOf(el.kind, [...typeClues(el.typeId), el.name])} />
      <span className="bw-node-name">{data.label}</span>
      <DetailLink data={data} />
    </div>
  );
}

/** A process: a circle. */
export const ProcessNode = (props: ShapeProps) => <Shape {...props} shape="process" />;
/** A data store: two parallel lines. */
export const DataStoreNode = (props: ShapeProps) => <Shape {...props} shape="store" />;
/** An external entity: a rectangle. */
export const EntityNode = (props: ShapeProps) => <Shape {...props} shape="entity" />;

/** A box trust boundary: a red dashed rectangle with its name in a corner; what is inside moves with it. */
export function BoundaryNode({ id, data, selected }: ShapeProps) {
  useLabelZoom();
  return (
    <div className={`bw-boundary${selected ? ' bw-selected' : ''}`} title={data.label}>
      <Resizer id={id} selected={selected} />
      <span className="bw-boundary-label">{data.label}</span>
    </div>
  );
}

/** The quadratic curve from `s` to `t` that passes through `h` half-way. */
export function curveThrough(s: Point, t: Point, h: Point | undefined): string {
  if (!h) return `M ${s.x} ${s.y} L ${t.x} ${t.y}`;
  return `M ${s.x} ${s.y} Q ${2 * h.x - (s.x + t.x) / 2} ${2 * h.y - (s.y + t.y) / 2} ${t.x} ${t.y}`;
}

type PathPoint = 'source' | 'target' | 'handle';

/**
 * Dragging one point of a path: follows the pointer in diagram coordinates while it is down,
 * and hands the finished path over when it is released.
 */
export function usePointDrag(path: Path, onDone: (path: Path) => void) {
  // (Through the editor, not useReactFlow: hundreds of arrows each subscribing to the store
  // would cost every frame of a pan.)
  const { toDiagram } = useEditor();
  const [live, setLive] = useState<Path | undefined>();
  const start = (which: PathPoint) => (e: ReactPointerEvent<Element>) => {
    e.stopPropagation();
    e.preventDefault();
    (e.currentTarget as Element).setPointerCapture(e.pointerId);
    const at = (ev: { clientX: number; clientY: number }) => {
      const p = toDiagram({ x: ev.clientX, y: ev.clientY });
      return { x: Math.round(p.x), y: Math.round(p.y) };
    };
    let current: Path = path;
    const target = e.currentTarget as Element;
    const move = (ev: PointerEvent) => {
      current = { ...path, [which]: at(ev) };
      setLive(current);
    };
    const up = () => {
      target.removeEventListener('pointermove', move as EventListener);
      target.removeEventListener('pointerup', up);
      setLive(undefined);
      if (current !== path) onDone(current);
    };
    target.addEventListener('pointermove', move as EventListener);
    target.addEventListener('pointerup', up);
  };
  return { path: live ?? path, start };
}

/** A line trust boundary: a red dashed line (curved through its handle); selected, its ends and bend can be dragged. */
export function LineBoundaryNode({ id, data, selected }: ShapeProps) {
  const editor = useEditor();
  const el = data.element;
  const stored = el.kind === 'trustBoundary' ? (el.path ?? {}) : {};
  const { path, start } = usePointDrag(stored, (p) => editor.setPath(id, p));
  if (!path.source || !path.target || !stored.source || !stored.target) return null;
  // The node sits at the stored ends' top-left corner; everything is drawn relative to it.
  const ox = Math.min(stored.source.x, stored.target.x);
  const oy = Math.min(stored.source.y, stored.target.y);
  const local = (p: Point) => ({ x: p.x - ox, y: p.y - oy });
  const s = local(path.source);
  const t = local(path.target);
  const h = path.handle ? local(path.handle) : undefined;
  const bend = h ?? { x: (s.x + t.x) / 2, y: (s.y + t.y) / 2 };
  const editing = selected && !editor.readOnly;
  return (
    <svg className="bw-line-boundary" width="100%" height="100%" overflow="visible" aria-label={data.label}>
      <title>{data.label}</title>
      <path d={curveThrough(s, t, h)} fill="none" stroke="#c62828" strokeWidth={2} strokeDasharray="8 6" />
      <text x={bend.x + 6} y={bend.y - 6} className="bw-line-label">
        {data.label}
      </text>
      {editing &&
        (
          [
            ['source', s, 'Move the start of the boundary'],
            ['target', t, 'Move the end of the boundary'],
            ['handle', bend, 'Bend the boundary'],
          ] as const
        ).map(([which, p, label]) => (
          <circle
            key={which}
            className={`bw-point nodrag nopan bw-point-${which}`}
            cx={p.x}
            cy={p.y}
            r={6}
            onPointerDown={start(which)}
            aria-label={label}
          >
            <title>{label}</title>
          </circle>
        ))}
    </svg>
  );
}

/** A free-text annotation. */
export function AnnotationNode({ id, data, selected }: ShapeProps) {
  return (
    <div className="bw-annotation">
      <Resizer id={id} selected={selected} />
      {data.label}
    </div>
  );
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
