/**
 * A diff on the diagram: drawn over the editor's canvas, read only, with its own React Flow.
 * Added elements are green, changed ones amber, removed ones red ghosts from the older version;
 * a legend says so, and a diagram picker counts what differs on each diagram.
 */
import { Background, Controls, ReactFlow, ReactFlowProvider, useReactFlow } from '@xyflow/react';
import { useEffect, useMemo, useState } from 'react';
import { EDGE_TYPES } from '../editor/edges.js';
import { EditorContext, type EditorHooks, useEditor } from '../editor/editorContext.js';
import { modelToFlow } from '../editor/modelToFlow.js';
import { NODE_TYPES } from '../editor/nodes.js';
import { type DiffMark, diffDiagram, diffDiagramList } from './diffDiagram.js';
import type { Comparison } from './HistoryPanel.js';

/** Shapes above which the diff draws only what is in view (as the editor's canvas does). */
const LARGE_DIAGRAM = 1500;

const MARK_WORDS: Record<DiffMark, string> = { added: 'added', removed: 'removed', changed: 'changed' };

export function DiffCanvas(props: {
  comparison: Comparison;
  /** The diagram the editor shows: the diff starts there. */
  diagramId: string;
  /** An element picked in the lists: its diagram is shown and the view centred on it. */
  focus: string | undefined;
  onLeave: () => void;
}) {
  return (
    <ReactFlowProvider>
      <DiffFlow {...props} />
    </ReactFlowProvider>
  );
}

function DiffFlow({ comparison, diagramId: initial, focus, onLeave }: Parameters<typeof DiffCanvas>[0]) {
  const { from, to, diff } = comparison;
  const diagrams = useMemo(() => diffDiagramList(from, to, diff), [from, to, diff]);
  const [picked, setPicked] = useState(initial);
  // A diagram tab picked in the editor shows that diagram here too.
  useEffect(() => setPicked(initial), [initial]);
  const diagramId = diagrams.some((d) => d.id === picked) ? picked : (diagrams[0]?.id ?? initial);
  const drawing = useMemo(() => diffDiagram(from, to, diff, diagramId), [from, to, diff, diagramId]);
  const flow = useMemo(() => {
    const { nodes, edges } = modelToFlow(drawing.diagram);
    const mark = <T extends { id: string; className?: string; ariaLabel?: string }>(item: T): T => {
      const m = drawing.marks.get(item.id);
      return m
        ? {
            ...item,
            className: `${item.className ?? ''} bw-diff-${m}`.trim(),
            ariaLabel: `${item.ariaLabel ?? item.id} (${MARK_WORDS[m]})`,
          }
        : item;
    };
    return { nodes: nodes.map(mark), edges: edges.map(mark) };
  }, [drawing]);
  // The flow is drawn from scratch (uncontrolled) whenever the drawing changes.
  const drawingKey = useMemo(() => `${flow.nodes.length}-${Math.random().toString(36).slice(2)}`, [flow]);
  const api = useReactFlow();

  // An element picked in the lists: show its diagram, then centre on it (a flow: on its two ends).
  useEffect(() => {
    if (!focus) return;
    const home = [to, from].flatMap((m) => m.diagrams).find((d) => d.elements.some((e) => e.id === focus));
    if (home) setPicked(home.id);
    const el = home?.elements.find((e) => e.id === focus);
    const ids = el?.kind === 'dataFlow' ? [el.source, el.target] : [focus];
    const timer = setTimeout(
      () => api.fitView({ nodes: ids.map((id) => ({ id })), duration: 300, maxZoom: 1.2, padding: 0.4 }),
      80,
    );
    return () => clearTimeout(timer);
  }, [focus, from, to, api]);

  // Escape leaves the diff (unless a field has the key).
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const t = e.target as HTMLElement | null;
      if (e.key !== 'Escape' || (t && ['INPUT', 'TEXTAREA', 'SELECT'].includes(t.tagName))) return;
      onLeave();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onLeave]);

  // The editor's template names the types' icons here too.
  const { typeClues } = useEditor();
  const hooks = useMemo<EditorHooks>(
    () => ({
      readOnly: true,
      resize: () => undefined,
      setPath: () => undefined,
      openDiagram: setPicked,
      diagramNames: new Map(diagrams.map((d) => [d.id, d.name] as const)),
      toDiagram: (p) => p,
      typeClues,
    }),
    [diagrams, typeClues],
  );

  return (
    <section className="bw-diff-canvas" aria-label="Differences on the diagram">
      <div className="bw-diff-bar">
        <strong>
          Differences from {comparison.fromLabel} to {comparison.toLabel}
        </strong>
        <label>
          Diagram{' '}
          <select value={diagramId} onChange={(e) => setPicked(e.target.value)}>
            {diagrams.map((d) => (
              <option key={d.id} value={d.id}>
                {d.name} ({d.changes === 0 ? 'no changes' : `${d.changes} change${d.changes === 1 ? '' : 's'}`})
              </option>
            ))}
          </select>
        </label>
        <ul className="bw-diff-legend" aria-label="Legend">
          <li className="bw-legend-added">Added</li>
          <li className="bw-legend-changed">Changed</li>
          <li className="bw-legend-removed">Removed</li>
        </ul>
        <button type="button" onClick={onLeave}>
          Back to editing
        </button>
      </div>
      <div className="bw-diff-flow">
        <EditorContext.Provider value={hooks}>
          <ReactFlow
            key={drawingKey}
            defaultNodes={flow.nodes}
            defaultEdges={flow.edges}
            nodeTypes={NODE_TYPES}
            edgeTypes={EDGE_TYPES}
            fitView
            minZoom={0.1}
            // A large diagram draws only what is in view, as the editor does.
            onlyRenderVisibleElements={flow.nodes.length > LARGE_DIAGRAM}
            nodesDraggable={false}
            nodesConnectable={false}
            elementsSelectable={false}
            deleteKeyCode={null}
            proOptions={{ hideAttribution: true }}
          >
            <Background gap={20} />
            <Controls showInteractive={false} />
          </ReactFlow>
        </EditorContext.Provider>
      </div>
    </section>
  );
}
