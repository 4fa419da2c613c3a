/**
 * The header's design actions: Undo and Redo, Auto-layout (kept only when it is better, with a
 * note of what it did), Connect selected and Delete. Undo and Redo are there for a reviewer too
 * (triage is an edit); the rest only for whoever may change the diagrams.
 */
import type { Diagram } from '@bulwark/core';
import { useState } from 'react';
import type { Action } from './actions/actions.js';

export interface DesignActionsProps {
  diagram: Diagram;
  /** The selected ids on the canvas. */
  selected: string[];
  canUndo: boolean;
  canRedo: boolean;
  onUndo: () => void;
  onRedo: () => void;
  /** False for a reviewer: Undo and Redo only. */
  canDesign: boolean;
  apply: (action: Action) => void;
  /** Draws a flow between two shapes and selects it. */
  connect: (source: string, target: string) => void;
  setSelected: (ids: string[]) => void;
  /** Fits the view to the diagram (after a layout). */
  fit: () => void;
}

export function DesignActions(p: DesignActionsProps) {
  // What the last Auto-layout did or why it left the diagram (shown while that diagram is open).
  const [layoutNote, setLayoutNote] = useState<{ diagramId: string; text: string } | undefined>();
  const { diagram } = p;
  const nodeIds = p.selected.filter((s) =>
    diagram.elements.some((e) => e.id === s && e.kind !== 'dataFlow' && e.kind !== 'trustBoundary'),
  );
  return (
    <>
      <button type="button" onClick={p.onUndo} disabled={!p.canUndo}>
        Undo
      </button>
      <button type="button" onClick={p.onRedo} disabled={!p.canRedo}>
        Redo
      </button>
      {p.canDesign && (
        <>
          <button
            type="button"
            title="Lay the diagram out left to right along its flows, kept only when it is better: fewer flows through shapes, overlaps and crossings (undo puts it back)"
            disabled={!diagram.elements.some((e) => e.kind !== 'dataFlow')}
            onClick={async () => {
              // elkjs is large: it loads the first time it is used.
              const { planLayout } = await import('./layout.js');
              const plan = await planLayout(diagram);
              setLayoutNote({ diagramId: diagram.id, text: plan.message });
              if (!plan.apply) return;
              p.apply({ type: 'layout', diagramId: diagram.id, ...plan.layout });
              setTimeout(p.fit, 60);
            }}
          >
            Auto-layout
          </button>
          <span className="bw-muted bw-layout-note" aria-live="polite">
            {layoutNote?.diagramId === diagram.id ? layoutNote.text : ''}
          </span>
          <button
            type="button"
            disabled={nodeIds.length !== 2}
            onClick={() => p.connect(nodeIds[0] as string, nodeIds[1] as string)}
          >
            Connect selected
          </button>
          <button
            type="button"
            disabled={p.selected.length === 0}
            onClick={() => {
              p.apply({ type: 'delete', diagramId: diagram.id, ids: p.selected });
              p.setSelected([]);
            }}
          >
            Delete
          </button>
        </>
      )}
    </>
  );
}
