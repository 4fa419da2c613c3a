/**
 * The model's diagrams as tabs: open one, rename it (double-click or Rename), add one, delete the
 * one open (a model keeps at least one). Edits go through `apply`, so undo brings them back.
 */
import type { Diagram } from '@bulwark/core';
import { useState } from 'react';
import { TextField } from '../TextField.js';
import { type Action, newId } from './actions/actions.js';

export function DiagramTabs({
  diagrams,
  current,
  readOnly,
  apply,
  onOpen,
}: {
  diagrams: readonly Diagram[];
  /** The open diagram's id. */
  current: string;
  /** The design is not this user's to change. */
  readOnly: boolean;
  apply: (action: Action) => void;
  /** Opens the diagram at this index (a new one is last). */
  onOpen: (index: number) => void;
}) {
  const [renaming, setRenaming] = useState(false);
  const index = Math.max(
    0,
    diagrams.findIndex((d) => d.id === current),
  );
  return (
    <nav className="bw-tabs" aria-label="Diagrams">
      {diagrams.map((d, i) =>
        d.id === current && renaming ? (
          <TextField
            key={d.id}
            label="Diagram name"
            value={d.name}
            onCommit={(name) => {
              if (name.trim() !== '') apply({ type: 'renameDiagram', diagramId: d.id, name: name.trim() });
              setRenaming(false);
            }}
          />
        ) : (
          <button
            key={d.id}
            type="button"
            aria-pressed={d.id === current}
            title="Double-click to rename"
            onClick={() => onOpen(i)}
            onDoubleClick={() => setRenaming(!readOnly)}
          >
            {d.name}
          </button>
        ),
      )}
      {!readOnly && (
        <>
          <button
            type="button"
            aria-label="Add a diagram"
            onClick={() => {
              apply({ type: 'addDiagram', id: newId('diagram'), name: `Diagram ${diagrams.length + 1}` });
              onOpen(diagrams.length);
            }}
          >
            +
          </button>
          <button type="button" onClick={() => setRenaming(true)}>
            Rename
          </button>
          <button
            type="button"
            disabled={diagrams.length <= 1}
            title={
              diagrams.length <= 1 ? 'A model keeps at least one diagram' : 'Delete this diagram (undo brings it back)'
            }
            onClick={() => {
              apply({ type: 'deleteDiagram', diagramId: current });
              onOpen(Math.max(0, index - 1));
            }}
          >
            Delete diagram
          </button>
        </>
      )}
    </nav>
  );
}
