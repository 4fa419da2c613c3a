/**
 * A model: its diagrams as tabs (drawn with React Flow), the selected element's interactions
 * table (crossing computed from the diagram), and the threats table with counts per status.
 */
import {
  computeInteractions,
  displayName,
  interactionSections,
  type ResolvedTemplate,
  resolveTemplate,
  summarizeThreats,
  type Threat,
  type ThreatModel,
} from '@bulwark/core';
import { Background, Controls, MiniMap, ReactFlow } from '@xyflow/react';
import { useEffect, useMemo, useState } from 'react';
import { getModel, getTemplate } from './api.js';
import { modelToFlow } from './modelToFlow.js';
import { NODE_TYPES } from './nodes.js';

const STATUS_LABEL: Record<Threat['status'], string> = {
  'not-started': 'Not started',
  'needs-investigation': 'Needs investigation',
  'not-applicable': 'Not applicable',
  mitigated: 'Mitigated',
};

export function ModelView({ id }: { id: string }) {
  const [model, setModel] = useState<ThreatModel | undefined>();
  const [version, setVersion] = useState(0);
  const [template, setTemplate] = useState<ResolvedTemplate | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [diagramIndex, setDiagramIndex] = useState(0);
  const [selected, setSelected] = useState<string | undefined>();

  useEffect(() => {
    getModel(id).then(
      async ({ model: m, version: v }) => {
        setModel(m);
        setVersion(v);
        const t = await getTemplate(m.template.id).catch(() => undefined);
        const r = t ? resolveTemplate(t) : undefined;
        if (r?.ok) setTemplate(r.value);
      },
      (e: Error) => setError(e.message),
    );
  }, [id]);

  const diagram = model?.diagrams[diagramIndex];
  const flow = useMemo(() => (diagram ? modelToFlow(diagram) : { nodes: [], edges: [] }), [diagram]);
  const crossing = useMemo(() => (model ? computeInteractions(model) : undefined), [model]);
  const sections = useMemo(
    () => (model && template && selected ? interactionSections(model, template, selected) : []),
    [model, template, selected],
  );
  const names = useMemo(
    () => new Map((model?.diagrams ?? []).flatMap((d) => d.elements.map((e) => [e.id, displayName(e)] as const))),
    [model],
  );

  if (error)
    return (
      <p role="alert" className="bw-error">
        {error}
      </p>
    );
  if (!model || !diagram) return <p className="bw-page">Loading…</p>;

  const threats = model.threats ?? [];
  const counts: Record<string, number> = summarizeThreats(threats).byStatus;
  const selectedElement = diagram.elements.find((e) => e.id === selected);

  return (
    <div className="bw-editor">
      <header className="bw-header">
        <a href="#/">Models</a> / <strong>{model.metadata.name}</strong>{' '}
        <span className="bw-muted">
          version {version} · template {model.template.id}
        </span>
      </header>
      <nav className="bw-tabs" aria-label="Diagrams">
        {model.diagrams.map((d, i) => (
          <button key={d.id} type="button" aria-pressed={i === diagramIndex} onClick={() => setDiagramIndex(i)}>
            {d.name}
          </button>
        ))}
      </nav>
      <div className="bw-canvas" data-testid="canvas">
        <ReactFlow
          nodes={flow.nodes}
          edges={flow.edges}
          nodeTypes={NODE_TYPES}
          fitView
          minZoom={0.1}
          onNodeClick={(_e, node) => setSelected(node.id)}
          onEdgeClick={(_e, edge) => setSelected(edge.id)}
          onPaneClick={() => setSelected(undefined)}
          nodesDraggable={false}
          proOptions={{ hideAttribution: true }}
        >
          <Background gap={20} />
          <Controls />
          <MiniMap pannable zoomable position="top-right" style={{ width: 150, height: 100 }} />
        </ReactFlow>
      </div>
      <aside className="bw-panel" aria-label="Selection">
        {selectedElement ? (
          <>
            <h2>{displayName(selectedElement)}</h2>
            <p className="bw-muted">
              {selectedElement.kind} · {template?.types.get(selectedElement.typeId)?.name ?? selectedElement.typeId}
              {selectedElement.outOfScope ? ' · out of scope' : ''}
            </p>
            {selectedElement.kind === 'dataFlow' && (
              <p>
                Crosses boundary:{' '}
                <strong>
                  {(crossing?.flows.find((f) => f.flow.id === selectedElement.id)?.crossed.length ?? 0) > 0
                    ? 'yes'
                    : 'no'}
                </strong>
              </p>
            )}
            {sections.map((s) => (
              <table key={s.elementId} className="bw-table bw-interactions" aria-label={`Interactions of ${s.element}`}>
                <thead>
                  <tr>
                    <th>Element A</th>
                    <th>Data flow</th>
                    <th>Element B</th>
                    <th>Crosses boundary</th>
                    <th>Details</th>
                  </tr>
                </thead>
                <tbody>
                  {s.rows.map((r) => (
                    <tr key={`${r.flowId}-${r.elementBId}`}>
                      <td>{r.elementA}</td>
                      <td>{r.direction === 'bidirectional' ? 'Bi-directional' : r.aToB ? 'One-way →' : 'One-way ←'}</td>
                      <td>{r.elementB}</td>
                      <td>{r.crossesBoundary ? 'Yes' : 'No'}</td>
                      <td>{r.details.join(', ')}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            ))}
          </>
        ) : (
          <p className="bw-muted">Select an element to see its interactions.</p>
        )}
      </aside>
      <section className="bw-threats" aria-label="Threats">
        <h2>
          Threats <span className="bw-muted">{threats.length}</span>
        </h2>
        <p className="bw-counts">
          {Object.entries(STATUS_LABEL).map(([status, label]) => (
            <span key={status}>
              {label}: {counts[status] ?? 0}
            </span>
          ))}
        </p>
        {threats.length === 0 ? (
          <p className="bw-muted">No threats yet: analyse the model to generate them.</p>
        ) : (
          <table className="bw-table">
            <thead>
              <tr>
                <th>Priority</th>
                <th>Status</th>
                <th>Category</th>
                <th>Title</th>
                <th>Where</th>
              </tr>
            </thead>
            <tbody>
              {threats.slice(0, 500).map((t) => (
                <tr key={t.id}>
                  <td>{t.priority}</td>
                  <td>{STATUS_LABEL[t.status]}</td>
                  <td>{t.category}</td>
                  <td>{t.title}</td>
                  <td>
                    {t.interaction
                      ? `${names.get(t.interaction.sourceId) ?? t.interaction.sourceId} → ${names.get(t.interaction.targetId) ?? t.interaction.targetId}`
                      : (names.get(t.elementId ?? '') ?? '')}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </div>
  );
}
