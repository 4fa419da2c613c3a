/** The model's own properties, shown when nothing on the diagram is selected. */
import type { ThreatModel } from '@bulwark/core';
import type { Action, MetadataList, MetadataText } from './actions/actions.js';
import { TextField } from './TextField.js';

const TEXTS: [MetadataText, string, boolean][] = [
  ['name', 'Name', false],
  ['owner', 'Owner', false],
  ['reviewer', 'Reviewer', false],
  ['description', 'Description', true],
];
const LISTS: [MetadataList, string][] = [
  ['contributors', 'Contributors'],
  ['assumptions', 'Assumptions'],
  ['externalDependencies', 'External dependencies'],
];

export function ModelPanel({ model, onAction }: { model: ThreatModel; onAction: (action: Action) => void }) {
  const m = model.metadata;
  return (
    <section className="bw-props" aria-label="Model">
      <h2>Model</h2>
      {TEXTS.map(([field, label, multiline]) => (
        <label key={field}>
          {label}
          <TextField
            value={m[field] ?? ''}
            multiline={multiline}
            onCommit={(value) => {
              // A model always has a name: an emptied name field is put back.
              if (field === 'name' && value.trim() === '') return;
              onAction({ type: 'setMetadata', field, value: field === 'name' ? value.trim() : value });
            }}
          />
        </label>
      ))}
      {LISTS.map(([field, label]) => (
        <label key={field}>
          {label} <span className="bw-muted">(one per line)</span>
          <TextField
            value={(m[field] ?? []).join('\n')}
            multiline
            onCommit={(value) =>
              onAction({
                type: 'setMetadataList',
                field,
                value: value
                  .split('\n')
                  .map((line) => line.trim())
                  .filter((line) => line !== ''),
              })
            }
          />
        </label>
      ))}
      <p className="bw-muted">
        Select an element to see and change its properties and interactions. Drag stencils from the palette onto the
        canvas, or click one to add it in the middle.
      </p>
    </section>
  );
}
