/** The model's own properties, shown when nothing on the diagram is selected. */
import type { Asset, Note, ThreatModel } from '@bulwark/core';
import { TextField } from '../TextField.js';
import { type Action, lineEdits, type MetadataList, type MetadataText, newId } from './actions/actions.js';
import { ShortcutList } from './ShortcutsSheet.js';
import { shortcutsOf } from './shortcuts.js';

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

/** Classifications offered for assets (any other text is kept as written). */
const CLASSIFICATIONS = ['public', 'internal', 'confidential', 'restricted'];

export function ModelPanel({
  model,
  onAction,
  readOnly = false,
  user,
}: {
  model: ThreatModel;
  onAction: (action: Action) => void;
  readOnly?: boolean;
  /** Who writes a new note. */
  user: string;
}) {
  const m = model.metadata;
  const assets = model.assets ?? [];
  const notes = model.notes ?? [];
  const setAsset = (id: string, set: Partial<Omit<Asset, 'id'>>) =>
    onAction({ type: 'changeItem', list: 'assets', id, set });
  const setNote = (id: string, set: Partial<Omit<Note, 'id'>>) =>
    onAction({ type: 'changeItem', list: 'notes', id, set });
  return (
    <section className="bw-props" aria-label="Model">
      <h2>Model</h2>
      <fieldset disabled={readOnly} className="bw-fieldset">
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
              onCommit={(value) => {
                const edits = lineEdits(
                  m[field] ?? [],
                  value
                    .split('\n')
                    .map((line) => line.trim())
                    .filter((line) => line !== ''),
                );
                if (edits.length > 0) onAction({ type: 'editLines', field, edits });
              }}
            />
          </label>
        ))}
        <h3>Assets</h3>
        {assets.length === 0 && <p className="bw-muted">What would an attacker want here? Add it as an asset.</p>}
        {assets.map((a) => (
          <fieldset key={a.id} className="bw-fieldset bw-card" aria-label={`Asset ${a.name}`}>
            <label>
              Asset
              <TextField value={a.name} onCommit={(name) => name.trim() && setAsset(a.id, { name: name.trim() })} />
            </label>
            <label>
              Classification
              <select value={a.classification} onChange={(e) => setAsset(a.id, { classification: e.target.value })}>
                {[...new Set([...CLASSIFICATIONS, a.classification])].map((c) => (
                  <option key={c} value={c}>
                    {c}
                  </option>
                ))}
              </select>
            </label>
            <label>
              Description
              <TextField
                value={a.description ?? ''}
                multiline
                onCommit={(description) =>
                  onAction(
                    description
                      ? { type: 'changeItem', list: 'assets', id: a.id, set: { description } }
                      : { type: 'changeItem', list: 'assets', id: a.id, set: {}, unset: ['description'] },
                  )
                }
              />
            </label>
            <button type="button" onClick={() => onAction({ type: 'removeItem', list: 'assets', id: a.id })}>
              Remove asset
            </button>
          </fieldset>
        ))}
        <button
          type="button"
          onClick={() =>
            onAction({
              type: 'addItem',
              list: 'assets',
              item: { id: newId('asset'), name: `Asset ${assets.length + 1}`, classification: 'confidential' },
            })
          }
        >
          Add asset
        </button>
        <h3>Notes</h3>
        {notes.map((n) => (
          <fieldset key={n.id} className="bw-fieldset bw-card" aria-label="Note">
            <label>
              <span className="bw-muted">
                {n.author ?? 'Someone'}
                {n.at ? `, ${new Date(n.at).toLocaleString()}` : ''}
              </span>
              <TextField value={n.text} multiline onCommit={(text) => setNote(n.id, { text })} />
            </label>
            <button type="button" onClick={() => onAction({ type: 'removeItem', list: 'notes', id: n.id })}>
              Remove note
            </button>
          </fieldset>
        ))}
        <button
          type="button"
          onClick={() =>
            onAction({
              type: 'addItem',
              list: 'notes',
              item: { id: newId('note'), text: '', author: user, at: new Date().toISOString() },
            })
          }
        >
          Add note
        </button>
      </fieldset>
      <p className="bw-muted">
        Select an element to see and change its properties and interactions. Drag stencils from the palette onto the
        canvas, or click one to add it in the middle.
      </p>
      <h3>Keyboard</h3>
      <ShortcutList shortcuts={shortcutsOf('diagram')} />
      <p className="bw-muted">Press ? for every shortcut, the threats list's and review mode's too.</p>
    </section>
  );
}
