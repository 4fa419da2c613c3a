/**
 * The diagram on screen: React Flow with the editor's shapes and flows (nodes.tsx, edges.tsx),
 * drawn from the diagram with the selection and the highlighted interaction; dragging (box
 * boundaries carry what is inside them), arrow keys, connecting, deleting and stencils dropped
 * in become edits (`apply`). Unchanged elements keep their node and edge objects, so an edit on a
 * large diagram redraws only what it touched.
 */
import type { Diagram } from '@bulwark/core';
import {
  applyNodeChanges,
  Background,
  type Connection,
  ConnectionLineType,
  ConnectionMode,
  Controls,
  type EdgeChange,
  MiniMap,
  type Node,
  type NodeChange,
  ReactFlow,
  useReactFlow,
} from '@xyflow/react';
import {
  type Dispatch,
  type DragEvent,
  type ReactNode,
  type SetStateAction,
  useCallback,
  useEffect,
  useMemo,
  useRef,
  useState,
} from 'react';
import { type Action, boundaryMembers } from './actions/actions.js';
import { EDGE_TYPES } from './edges.js';
import { EditorContext, type EditorHooks } from './editorContext.js';
import { type ElementNodeData, type FlowCache, type FlowEdgeType, modelToFlow } from './modelToFlow.js';
import { NODE_TYPES } from './nodes.js';

/** Shapes above which a diagram draws only what is in view. */
const LARGE_DIAGRAM = 1500;

/** Whether two arrays hold the very same objects in the same order. */
function sameItems<T>(a: readonly T[], b: readonly T[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

export interface DiagramCanvasProps {
  diagram: Diagram;
  /** The selected elements' ids (shapes and flows). */
  selected: string[];
  setSelected: Dispatch<SetStateAction<string[]>>;
  /** Elements drawn highlighted (the selected threat's interaction, review mode's step). */
  highlighted: Set<string>;
  apply: (action: Action) => void;
  /** A stencil dropped from the palette at a diagram point. */
  onDropStencil: (typeId: string, at: { x: number; y: number }) => void;
  /** A flow drawn from one shape to another. */
  connect: (source: string, target: string) => void;
  /** Double-click on an element with a detail diagram opens it. */
  openDiagram: (diagramId: string) => void;
  /** The design is not this user's to change (viewer, reviewer). */
  readOnly: boolean;
  hooks: EditorHooks;
  /** Fit the view to the diagram when it first shows. */
  fitOnOpen: boolean;
  /** Drawn over the canvas before the diagram (breadcrumb, the diff). */
  overlays?: ReactNode;
  /** Drawn over the canvas after the diagram (the empty-canvas hint). */
  children?: ReactNode;
}

export function DiagramCanvas({
  diagram,
  selected,
  setSelected,
  highlighted,
  apply,
  onDropStencil,
  connect,
  openDiagram,
  readOnly,
  hooks,
  fitOnOpen,
  overlays,
  children,
}: DiagramCanvasProps) {
  const flowApi = useReactFlow();
  // Unchanged elements keep their node and edge objects (and their decorated copies), so an edit
  // on a large diagram redraws only what it touched.
  const flowCache = useRef<FlowCache>(new WeakMap());
  const flow = useMemo(() => modelToFlow(diagram, flowCache.current), [diagram]);
  const decorated = useRef(new WeakMap<object, { key: string; out: object }>());
  // Which decorated node each node React Flow holds was made from (see the effect below).
  const madeFrom = useRef(new WeakMap<object, object>());
  const decorate = useCallback(<T extends object>(item: T, key: string, make: () => T): T => {
    const hit = decorated.current.get(item);
    if (hit?.key === key) return hit.out as T;
    const out = make();
    decorated.current.set(item, { key, out });
    return out;
  }, []);
  const [nodes, setNodes] = useState<Node<ElementNodeData>[]>([]);
  useEffect(() => {
    const picked = new Set(selected);
    setNodes((shown) => {
      // React Flow keeps each shape's measured size on the node objects it hands back; a node
      // without it is measured again and its flows are redrawn from scratch. So a node this edit
      // did not touch stays the very object React Flow has, and a changed one keeps its size.
      const before = new Map(shown.map((n) => [n.id, n] as const));
      const next = flow.nodes.map((n) => {
        const on = picked.has(n.id);
        const lit = highlighted.has(n.id);
        const made = decorate(n, `${on}${lit}`, () => ({ ...n, selected: on, className: lit ? 'bw-highlight' : '' }));
        const old = before.get(n.id);
        if (!old?.measured) return made;
        if (madeFrom.current.get(old) === made) return old;
        const kept = { ...made, measured: old.measured };
        madeFrom.current.set(kept, made);
        return kept;
      });
      // Nothing changed: the same array, so React Flow has no update to process at all.
      return sameItems(next, shown) ? shown : next;
    });
  }, [flow, selected, highlighted, decorate]);
  const lastEdges = useRef<FlowEdgeType[]>([]);
  const edges = useMemo(() => {
    const picked = new Set(selected);
    const next = flow.edges.map((e) => {
      const on = picked.has(e.id);
      const lit = highlighted.has(e.id);
      return decorate(e, `${on}${lit}`, () => ({
        ...e,
        selected: on,
        animated: lit,
        className: lit ? 'bw-flow bw-highlight' : 'bw-flow',
      }));
    });
    if (!sameItems(next, lastEdges.current)) lastEdges.current = next;
    return lastEdges.current;
  }, [flow, selected, highlighted, decorate]);

  // Box boundaries being dragged carry what is inside them: those shapes follow on screen, and the
  // move action moves them in the model when the drag ends.
  const carried = useRef<
    | { start: Map<string, { x: number; y: number }>; members: Map<string, { by: string; x: number; y: number }> }
    | undefined
  >(undefined);

  /** Selection lives in `selected`; React Flow's select changes update it, everything else goes to the nodes. */
  const onSelect = (changes: (NodeChange | EdgeChange)[]) => {
    const picks = changes.filter((c) => c.type === 'select');
    if (picks.length === 0) return;
    setSelected((prev) => {
      const next = new Set(prev);
      for (const c of picks) {
        if (c.selected) next.add(c.id);
        else next.delete(c.id);
      }
      return next.size === prev.length && prev.every((p) => next.has(p)) ? prev : [...next];
    });
  };
  const onNodesChange = (changes: NodeChange<Node<ElementNodeData>>[]) => {
    onSelect(changes);
    const rest = changes.filter((c) => c.type !== 'select');
    if (rest.length > 0) setNodes((ns) => applyNodeChanges(rest, ns));
  };
  const onNodeDragStart = (dragged: Node[]) => {
    const moving = new Set(dragged.map((n) => n.id));
    const start = new Map(dragged.map((n) => [n.id, { ...n.position }] as const));
    const members = new Map<string, { by: string; x: number; y: number }>();
    for (const n of dragged)
      for (const m of boundaryMembers(diagram.elements, n.id)) {
        const node = nodes.find((x) => x.id === m);
        if (node && !moving.has(m) && !members.has(m)) members.set(m, { by: n.id, ...node.position });
      }
    carried.current = { start, members };
  };
  const onNodeDrag = (dragged: Node[]) => {
    const c = carried.current;
    if (!c || c.members.size === 0) return;
    const now = new Map(dragged.map((n) => [n.id, n.position] as const));
    setNodes((ns) =>
      ns.map((n) => {
        const m = c.members.get(n.id);
        const from = m && c.start.get(m.by);
        const to = m && now.get(m.by);
        return m && from && to ? { ...n, position: { x: m.x + to.x - from.x, y: m.y + to.y - from.y } } : n;
      }),
    );
  };
  /** Commits where the selected shapes are now (after a drag or arrow keys); boundaries bring their members. */
  const commitMove = (moved: Node[]) => {
    carried.current = undefined;
    if (moved.length > 0)
      apply({
        type: 'move',
        diagramId: diagram.id,
        positions: Object.fromEntries(moved.map((n) => [n.id, n.position])),
      });
  };
  const onDrop = (event: DragEvent) => {
    event.preventDefault();
    const typeId = event.dataTransfer.getData('application/bulwark-type');
    if (typeId) onDropStencil(typeId, flowApi.screenToFlowPosition({ x: event.clientX, y: event.clientY }));
  };

  return (
    <div
      role="application"
      aria-label="Diagram"
      id="bw-diagram"
      tabIndex={-1}
      className="bw-canvas"
      data-testid="canvas"
      onDragOver={(e) => e.preventDefault()}
      onDrop={onDrop}
      onKeyUp={(e) => {
        // Arrow keys move the selected shapes (React Flow); the move is committed when the key is let go.
        if (readOnly || !e.key.startsWith('Arrow')) return;
        if (!(e.target as HTMLElement).closest('.react-flow__node, .react-flow__nodesselection')) return;
        commitMove(flowApi.getNodes().filter((n) => n.selected));
      }}
    >
      <EditorContext.Provider value={hooks}>
        {overlays}
        <ReactFlow
          nodes={nodes}
          edges={edges}
          nodeTypes={NODE_TYPES}
          // A large diagram draws only what is in view: fewer shapes to move on each frame of a pan.
          onlyRenderVisibleElements={flow.nodes.length > LARGE_DIAGRAM}
          edgeTypes={EDGE_TYPES}
          fitView={fitOnOpen}
          minZoom={0.1}
          snapToGrid
          snapGrid={[10, 10]}
          onNodesChange={onNodesChange}
          nodesDraggable={!readOnly}
          nodesConnectable={!readOnly}
          onNodeDragStart={(_e, _node, dragged) => onNodeDragStart(dragged)}
          onNodeDrag={(_e, _node, dragged) => onNodeDrag(dragged)}
          onNodeDragStop={(_e, _node, dragged) => commitMove(dragged)}
          onNodeDoubleClick={(_e, node) => {
            const el = diagram.elements.find((x) => x.id === node.id);
            if (el && 'childDiagramId' in el && el.childDiagramId) openDiagram(el.childDiagramId);
          }}
          onConnect={(c: Connection) => c.source && c.target && connect(c.source, c.target)}
          // Flows start from any side's connection point and end anywhere on another shape (nodes.tsx).
          connectionMode={ConnectionMode.Loose}
          connectionLineType={ConnectionLineType.Straight}
          isValidConnection={(c) => c.source !== c.target}
          // Flows re-attach by their own end anchors (edges.tsx), which sit where the flow meets the shape.
          edgesReconnectable={false}
          onEdgesChange={onSelect}
          onDelete={({ nodes: ns, edges: es }) => {
            const ids = [...ns.map((n) => n.id), ...es.map((e) => e.id)];
            if (ids.length > 0) apply({ type: 'delete', diagramId: diagram.id, ids });
          }}
          deleteKeyCode={readOnly ? null : ['Delete', 'Backspace']}
          multiSelectionKeyCode="Shift"
          proOptions={{ hideAttribution: true }}
        >
          <Background gap={20} />
          <Controls />
          <MiniMap pannable zoomable position="top-right" style={{ width: 150, height: 100 }} />
        </ReactFlow>
      </EditorContext.Provider>
      {children}
    </div>
  );
}
