/**
 * A data flow: an arrow (both ends for a bi-directional flow) with its name, drawn with the
 * report's flow geometry (`flowGeometry`): from the nearest point of one shape's outline to the
 * other's, flows between the same two shapes on separate arcs, the label half-way and clear of
 * the other arcs' labels. Selected, it shows its bend handle (drag it to bend the flow, arrow keys
 * nudge it, double-click straightens it) and its two ends: drag an end onto another shape to
 * attach the flow there.
 */
import { type FlowEnd, flowGeometry, flowPathData } from '@bulwark/report';
import { BaseEdge, EdgeLabelRenderer, type EdgeProps, type InternalNode, useInternalNode } from '@xyflow/react';
import { type PointerEvent as ReactPointerEvent, useState } from 'react';
import { useEditor } from './editorContext.js';
import type { FlowEdgeType } from './modelToFlow.js';
import { usePointDrag } from './nodes.js';

const NUDGE: Record<string, [number, number]> = {
  ArrowUp: [0, -1],
  ArrowDown: [0, 1],
  ArrowLeft: [-1, 0],
  ArrowRight: [1, 0],
};

/** The editor's flow labels: 10 px text with 4 px by 2 px padding (styles.css), measured as the report measures. */
const LABEL_FONT = 10;
const GLYPH = 0.56;
/** How far along the flow its end handles sit from the shapes, in diagram units. */
const END_INSET = 16;

/** A node as the geometry sees it: its kind and its box, where it is now (also while it is dragged). */
function endOf(node: InternalNode | undefined): FlowEnd | undefined {
  if (!node) return undefined;
  const { x, y } = node.internals.positionAbsolute;
  const width = node.measured.width ?? node.width ?? 0;
  const height = node.measured.height ?? node.height ?? 0;
  return { kind: node.type ?? '', rect: { x, y, width, height } };
}

type End = 'source' | 'target';

/** Dragging one end of a flow: follows the pointer, and on release attaches the flow to the shape under it. */
function useEndDrag(id: string, attached: { source: string; target: string }) {
  const editor = useEditor();
  const [live, setLive] = useState<{ end: End; at: { x: number; y: number } } | undefined>();
  const start = (end: End) => (e: ReactPointerEvent<Element>) => {
    e.stopPropagation();
    e.preventDefault();
    const target = e.currentTarget as Element;
    target.setPointerCapture(e.pointerId);
    const move = (ev: PointerEvent) => setLive({ end, at: editor.toDiagram({ x: ev.clientX, y: ev.clientY }) });
    const up = (ev: PointerEvent) => {
      target.removeEventListener('pointermove', move as EventListener);
      target.removeEventListener('pointerup', up as EventListener);
      setLive(undefined);
      // The shape under the pointer (the anchor itself is under it too: look through it).
      const node = document
        .elementsFromPoint(ev.clientX, ev.clientY)
        .map((el) => el.closest('.react-flow__node'))
        .find((el) => el !== null);
      const to = node?.getAttribute('data-id');
      // Dropped on one of its own shapes (or nowhere): the flow stays as it was, and no edit is made.
      if (to && to !== attached.source && to !== attached.target) editor.reconnect?.(id, end, to);
    };
    target.addEventListener('pointermove', move as EventListener);
    target.addEventListener('pointerup', up as EventListener);
  };
  return { live, start };
}

export function FlowEdge(props: EdgeProps<FlowEdgeType>) {
  const { id, data, selected, source, target } = props;
  const editor = useEditor();
  const stored = data?.element.path ?? {};
  const { path, start } = usePointDrag(stored, (p) => editor.setPath(id, p));
  const ends = useEndDrag(id, { source, target });
  let from = endOf(useInternalNode(source));
  let to = endOf(useInternalNode(target));
  if (!from || !to) return null;
  // While an end is dragged, that end is the pointer.
  const live = ends.live;
  if (live) {
    const point = { kind: 'point', rect: { ...live.at, width: 0, height: 0 } };
    if (live.end === 'source') from = point;
    else to = point;
  }
  const name = typeof props.label === 'string' ? props.label : '';
  const geometry = flowGeometry({
    source: from,
    target: to,
    self: source === target && !live,
    ...(path.handle ? { handle: path.handle } : {}),
    ...(data?.lane && !live ? { lane: data.lane, reversed: source > target } : {}),
    labelSize: { width: name.length * LABEL_FONT * GLYPH + 8, height: LABEL_FONT * 1.25 + 4 },
  });
  const mid = geometry.middle;
  const editing = selected && !editor.readOnly;
  // The ends' handles sit a little way along the flow, off the shapes' connection points (which
  // a new flow may start from while this one is selected).
  const length = Math.hypot(mid.x - geometry.curve.start.x, mid.y - geometry.curve.start.y) * 2;
  const inset = Math.min(0.3, END_INSET / (length || 1));
  const label = geometry.label;
  return (
    <>
      <BaseEdge
        id={id}
        path={flowPathData(geometry.curve)}
        {...(props.markerEnd ? { markerEnd: props.markerEnd } : {})}
        {...(props.markerStart ? { markerStart: props.markerStart } : {})}
        {...(props.interactionWidth !== undefined ? { interactionWidth: props.interactionWidth } : {})}
        label={props.label}
        labelX={label.x}
        // Selected, the label moves up off the bend handle when it sits on it.
        labelY={editing && Math.hypot(label.x - mid.x, label.y - mid.y) < 12 ? label.y - 18 : label.y}
        labelBgPadding={[4, 2]}
        labelBgBorderRadius={3}
      />
      {editing && (
        <EdgeLabelRenderer>
          {(
            [
              ['source', geometry.at(inset), 'Drag onto another shape to move the start of the flow'],
              ['target', geometry.at(1 - inset), 'Drag onto another shape to move the end of the flow'],
            ] as const
          ).map(([end, p, title]) => (
            <button
              key={end}
              type="button"
              className={`bw-flow-end bw-flow-end-${end} nodrag nopan`}
              style={{ transform: `translate(-50%, -50%) translate(${p.x}px, ${p.y}px)` }}
              aria-label={title}
              title={title}
              onPointerDown={ends.start(end)}
            />
          ))}
          <button
            type="button"
            className="bw-curve-handle nodrag nopan"
            style={{ transform: `translate(-50%, -50%) translate(${mid.x}px, ${mid.y}px)` }}
            aria-label="Bend the flow (drag, or arrow keys; double-click to straighten)"
            title="Drag to bend the flow; double-click to straighten it"
            onPointerDown={start('handle')}
            onDoubleClick={() => {
              const { handle: _gone, ...rest } = stored;
              editor.setPath(id, Object.keys(rest).length > 0 ? rest : undefined);
            }}
            onKeyDown={(e) => {
              const step = NUDGE[e.key];
              if (!step) return;
              e.preventDefault();
              e.stopPropagation();
              const by = e.shiftKey ? 40 : 10;
              editor.setPath(id, { ...stored, handle: { x: mid.x + step[0] * by, y: mid.y + step[1] * by } });
            }}
          />
        </EdgeLabelRenderer>
      )}
    </>
  );
}

export const EDGE_TYPES = { flow: FlowEdge };
