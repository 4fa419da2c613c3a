/**
 * A data flow: an arrow (both ends for a bi-directional flow) with its name, drawn with the
 * report's flow geometry (`flowGeometry`): from the nearest point of one shape's outline to the
 * other's, flows between the same two shapes on separate arcs, round the shapes in its way (its
 * route, flowLabels.ts), the label half-way and clear of the other arcs' labels. Selected, it
 * shows its bend handle (drag it to bend the flow, arrow keys nudge it, double-click straightens
 * it; a straightened flow is routed again) and its two ends: drag an end onto another shape to
 * attach the flow there. Flows on one shape attach apart along its outline (their shifts come
 * from modelToFlow); the label sits half-way along the visible part, moved along the flow off any
 * shape, and grows as the canvas zooms out (labelZoom.ts): one line cut short at middle zoom,
 * hidden when far (the full name is its title).
 */
import { flowGeometry, flowPathData } from '@bulwark/report';
import {
  BaseEdge,
  EdgeLabelRenderer,
  type EdgeProps,
  type ReactFlowState,
  useInternalNode,
  useStore,
  useStoreApi,
} from '@xyflow/react';
import { type PointerEvent as ReactPointerEvent, useCallback, useState } from 'react';
import { useEditor } from './editorContext.js';
import { endOf, type LabelText, labelTexts, plannedLabel, routeOf, sameRoute } from './flowLabels.js';
import { FLOW_FONT } from './labelScale.js';
import { useFlowLabelZoom } from './labelZoom.js';
import type { FlowEdgeType } from './modelToFlow.js';
import { usePointDrag } from './nodes.js';

const NUDGE: Record<string, [number, number]> = {
  ArrowUp: [0, -1],
  ArrowDown: [0, 1],
  ArrowLeft: [-1, 0],
  ArrowRight: [1, 0],
};

/** A flow's name drawn at `at`, `scale` times its size, on a white box; `variant` tells the CSS which zoom shows it. */
function FlowLabel({ text, variant }: { text: LabelText; variant: string }) {
  const { lines, width, height } = text;
  const step = FLOW_FONT * 1.25;
  return (
    <g className={`bw-flow-label-${variant}`}>
      <rect
        className="react-flow__edge-textbg"
        x={-width / 2}
        y={-height / 2}
        width={width}
        height={height}
        rx={3}
        ry={3}
      />
      <text className="react-flow__edge-text bw-flow-label-text" textAnchor="middle" fontSize={FLOW_FONT}>
        {lines.map((l, i) => (
          <tspan
            key={lines.slice(0, i + 1).join('\n')}
            x={0}
            y={(i - (lines.length - 1) / 2) * step}
            dominantBaseline="central"
          >
            {l}
          </tspan>
        ))}
      </text>
    </g>
  );
}
/** How far along the flow its end handles sit from the shapes, in diagram units. */
const END_INSET = 16;

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
  const store = useStoreApi();
  const { level, flowScale: scale, nameScale } = useFlowLabelZoom();
  // Its way round the shapes in its way (flowLabels.ts): a pan finds it kept, not worked out again.
  const route = useStore(
    useCallback((s: ReactFlowState) => routeOf(s, id), [id]),
    sameRoute,
  );
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
  const name = typeof props.label === 'string' ? props.label.trim() : '';
  const { full, short } = labelTexts(name);
  const shown = level === 'near' ? full : short;
  const shift = data?.shift;
  const geometry = flowGeometry({
    source: from,
    target: to,
    self: source === target && !live,
    ...(path.handle ? { handle: path.handle } : {}),
    ...(route && !live ? { route } : {}),
    ...(data?.lane && !live ? { lane: data.lane, reversed: source > target } : {}),
    ...(shift && !live ? { sourceShift: shift.source, targetShift: shift.target } : {}),
  });
  const mid = geometry.middle;
  const editing = selected && !editor.readOnly;
  // The ends' handles sit a little way along the flow, off the shapes' connection points (which
  // a new flow may start from while this one is selected).
  const length = Math.hypot(mid.x - geometry.curve.start.x, mid.y - geometry.curve.start.y) * 2;
  const inset = Math.min(0.3, END_INSET / (length || 1));
  // Where the diagram's label plan puts it (clear of shapes and other labels); while this flow is
  // reshaped, half-way along it.
  const planned =
    name !== '' && level !== 'far' && !live && path === stored
      ? plannedLabel(store.getState(), id, scale, nameScale, level === 'near')
      : undefined;
  const label = planned ?? geometry.label;
  // Zoomed out, a label with no free spot is left out, unless its flow is selected.
  const crowded = planned === null && !selected;
  // Selected, the label moves up off the bend handle when it sits on it.
  const labelY =
    editing && Math.hypot(label.x - mid.x, label.y - mid.y) < 12 ? label.y - 10 - (shown.height * scale) / 2 : label.y;
  const same = full.lines.length === 1 && full.lines[0] === short.lines[0];
  return (
    <>
      <BaseEdge
        id={id}
        path={flowPathData(geometry.curve)}
        {...(props.markerEnd ? { markerEnd: props.markerEnd } : {})}
        {...(props.markerStart ? { markerStart: props.markerStart } : {})}
        {...(props.interactionWidth !== undefined ? { interactionWidth: props.interactionWidth } : {})}
      />
      {name !== '' && !crowded && (
        <g
          className="react-flow__edge-textwrapper bw-flow-label"
          transform={`translate(${label.x} ${labelY}) scale(${scale})`}
        >
          <title>{name}</title>
          {same ? (
            <FlowLabel text={full} variant="all" />
          ) : (
            <>
              <FlowLabel text={full} variant="full" />
              <FlowLabel text={short} variant="short" />
            </>
          )}
        </g>
      )}
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
