/**
 * The way up from a detail diagram, over the canvas: each diagram above it and the element it
 * details ("Context › Web app › Web app internals"). Nothing on a top-level diagram.
 */
import { type Diagram, displayName, type Element, type ThreatModel } from '@bulwark/core';
import { useMemo } from 'react';

interface Step {
  diagramId: string;
  diagramName: string;
  elementName: string;
}

/** Which element (in which diagram) each detail diagram details. */
function parents(model: ThreatModel): Map<string, { diagramId: string; element: Element }> {
  const up = new Map<string, { diagramId: string; element: Element }>();
  for (const d of model.diagrams)
    for (const e of d.elements)
      if ('childDiagramId' in e && e.childDiagramId) up.set(e.childDiagramId, { diagramId: d.id, element: e });
  return up;
}

/** The steps from the top down to `diagramId` (a cycle of detail diagrams stops where it repeats). */
export function trailTo(model: ThreatModel, diagramId: string): Step[] {
  const parentOf = parents(model);
  const trail: Step[] = [];
  const seen = new Set([diagramId]);
  for (let up = parentOf.get(diagramId); up && !seen.has(up.diagramId); up = parentOf.get(up.diagramId)) {
    seen.add(up.diagramId);
    const upId = up.diagramId;
    trail.unshift({
      diagramId: upId,
      diagramName: model.diagrams.find((d) => d.id === upId)?.name ?? upId,
      elementName: displayName(up.element),
    });
  }
  return trail;
}

export function Breadcrumb({
  model,
  diagram,
  onOpen,
}: {
  model: ThreatModel;
  diagram: Diagram;
  onOpen: (diagramId: string) => void;
}) {
  const trail = useMemo(() => trailTo(model, diagram.id), [model, diagram.id]);
  if (trail.length === 0) return null;
  return (
    <nav className="bw-breadcrumb" aria-label="Breadcrumb">
      {trail.map((step) => (
        <span key={step.diagramId}>
          <button type="button" onClick={() => onOpen(step.diagramId)}>
            {step.diagramName}
          </button>
          <span aria-hidden="true"> › </span>
          <span className="bw-muted">{step.elementName}</span>
          <span aria-hidden="true"> › </span>
        </span>
      ))}
      <strong aria-current="page">{diagram.name}</strong>
    </nav>
  );
}
