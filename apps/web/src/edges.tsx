/**
 * A data flow: an arrow (both ends for a bi-directional flow) with its name, straight-ish by
 * default and bent through its handle when it has one. Selected, it shows the handle: drag it to
 * bend the flow, arrow keys nudge it, double-click straightens it.
 */
import { BaseEdge, EdgeLabelRenderer, type EdgeProps, getBezierPath } from '@xyflow/react';
import { useEditor } from './editorContext.js';
import type { FlowEdgeType } from './modelToFlow.js';
import { curveThrough, usePointDrag } from './nodes.js';

const NUDGE: Record<string, [number, number]> = {
  ArrowUp: [0, -1],
  ArrowDown: [0, 1],
  ArrowLeft: [-1, 0],
  ArrowRight: [1, 0],
};

export function FlowEdge(props: EdgeProps<FlowEdgeType>) {
  const { id, data, selected, sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition } = props;
  const editor = useEditor();
  const stored = data?.element.path ?? {};
  const { path, start } = usePointDrag(stored, (p) => editor.setPath(id, p));
  const s = { x: sourceX, y: sourceY };
  const t = { x: targetX, y: targetY };
  let d: string;
  let mid: { x: number; y: number };
  if (path.handle) {
    d = curveThrough(s, t, path.handle);
    mid = path.handle;
  } else {
    const [bezier, x, y] = getBezierPath({ sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition });
    d = bezier;
    mid = { x, y };
  }
  const editing = selected && !editor.readOnly;
  return (
    <>
      <BaseEdge
        id={id}
        path={d}
        {...(props.markerEnd ? { markerEnd: props.markerEnd } : {})}
        {...(props.markerStart ? { markerStart: props.markerStart } : {})}
        {...(props.interactionWidth !== undefined ? { interactionWidth: props.interactionWidth } : {})}
        label={props.label}
        labelX={mid.x}
        labelY={editing ? mid.y - 18 : mid.y}
        labelBgPadding={[4, 2]}
        labelBgBorderRadius={3}
      />
      {editing && (
        <EdgeLabelRenderer>
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
