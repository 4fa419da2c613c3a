/**
 * One threat in full, to triage (status, priority, justification, mitigations) and, for a threat
 * added by hand, to reword (title, category, description); and the form that adds such a threat.
 */
import type { Threat } from '@bulwark/core';
import { useState } from 'react';
import { type Action, newId } from '../editor/actions/actions.js';
import { TextField } from '../TextField.js';
import { NoteField } from './NoteField.js';
import { OptionList, StatusSelect } from './ThreatControls.js';
import { where } from './threatList.js';

/** [id, name] pairs of the template's categories, with `current` added when the template lacks it. */
function categoryOptions(categories: Map<string, string>, current: string): [string, string][] {
  const items = [...categories];
  if (current && !categories.has(current)) items.push([current, current]);
  return items;
}

export function ThreatDetail(props: {
  threat: Threat;
  names: Map<string, string>;
  categories: Map<string, string>;
  priorities: string[];
  onAction: (action: Action) => void;
  user: string;
  onClose: () => void;
  /** Shows everything, changes nothing. */
  readOnly: boolean;
}) {
  const { threat: t, names, categories, priorities, onAction, user } = props;
  const at = () => new Date().toISOString();
  const triage = (change: Partial<Pick<Threat, 'status' | 'priority' | 'justification' | 'mitigations'>>) =>
    onAction({ type: 'triage', threatId: t.id, ...change, by: user, at: at() });
  const edit = (field: 'title' | 'description' | 'category', value: string) =>
    onAction({ type: 'editThreat', threatId: t.id, field, value, by: user, at: at() });
  // An emptied title is refused (and spaces around it dropped): the field is remounted to show the title.
  const [titleField, setTitleField] = useState(0);
  const manual = t.origin === 'manual';
  const category = categories.get(t.category) ?? t.category;
  return (
    <article className="bw-threat-detail" aria-label={`Threat: ${t.title}`}>
      <header>
        <h3>{t.title}</h3>
        <button type="button" onClick={props.onClose} aria-label="Close threat details">
          ×
        </button>
      </header>
      <p className="bw-muted">
        {where(t, names)} · {manual ? 'added by hand' : t.typeId}
        {t.changedBy
          ? ` · changed by ${t.changedBy}${t.changedAt ? ` on ${new Date(t.changedAt).toLocaleString()}` : ''}`
          : ''}
      </p>
      <fieldset className="bw-detail-fields" disabled={props.readOnly}>
        {manual ? (
          <>
            <label className="bw-wide">
              Title
              <TextField
                key={titleField}
                value={t.title}
                onCommit={(value) => {
                  const title = value.trim();
                  if (title && title !== t.title) edit('title', title);
                  else setTitleField((n) => n + 1);
                }}
              />
            </label>
            <label className="bw-wide">
              Category
              <select aria-label="Category" value={t.category} onChange={(e) => edit('category', e.target.value)}>
                <OptionList items={categoryOptions(categories, t.category)} />
              </select>
            </label>
            <label className="bw-wide">
              Description
              <TextField
                label="Description"
                multiline
                value={t.description}
                onCommit={(value) => edit('description', value)}
              />
            </label>
          </>
        ) : (
          <div className="bw-wide">
            <dl className="bw-threat-texts">
              <dt>Category</dt>
              <dd>{category}</dd>
              <dt>Description</dt>
              <dd className="bw-description">{t.description}</dd>
            </dl>
            <p className="bw-muted bw-threat-hint">
              Title, category and description come from the template's threat type and are rewritten whenever the
              threats are regenerated: record your findings in the justification and mitigations.
            </p>
          </div>
        )}
        <label>
          Status <StatusSelect threat={t} onChange={(status) => triage({ status })} />
        </label>
        <label>
          Priority{' '}
          <select value={t.priority} onChange={(e) => triage({ priority: e.target.value })}>
            <OptionList items={[...new Set([...priorities, t.priority])].map((x) => [x, x] as const)} />
          </select>
        </label>
        {/* biome-ignore lint/a11y/noLabelWithoutControl: NoteField renders its textarea inside this label */}
        <label className="bw-wide">
          Justification
          <NoteField value={t.justification ?? ''} onCommit={(justification) => triage({ justification })} />
        </label>
        {/* biome-ignore lint/a11y/noLabelWithoutControl: NoteField renders its textarea inside this label */}
        <label className="bw-wide">
          Mitigations
          <NoteField value={t.mitigations ?? ''} onCommit={(mitigations) => triage({ mitigations })} />
        </label>
        <p className="bw-wide bw-muted bw-note-hint">Enter saves a note · Shift+Enter starts a new line</p>
      </fieldset>
    </article>
  );
}

export function AddThreat(props: {
  categories: Map<string, string>;
  priorities: string[];
  elementId: string | undefined;
  names: Map<string, string>;
  /** How the element is named in the list (a flow by its ends), when known. */
  elementLabel?: string | undefined;
  onAdd: (threat: Threat) => void;
}) {
  const [title, setTitle] = useState('');
  const [category, setCategory] = useState([...props.categories.keys()][0] ?? '');
  const [priority, setPriority] = useState(props.priorities[1] ?? props.priorities[0] ?? 'Medium');
  const [description, setDescription] = useState('');
  return (
    <form
      className="bw-add-threat"
      aria-label="Add a threat"
      onSubmit={(e) => {
        e.preventDefault();
        if (!title.trim()) return;
        props.onAdd({
          id: newId('manual'),
          typeId: 'manual',
          origin: 'manual',
          category,
          title: title.trim(),
          description: description.trim(),
          priority,
          status: 'not-started',
          ...(props.elementId ? { elementId: props.elementId } : {}),
        });
      }}
    >
      <label>
        Title <input required value={title} onChange={(e) => setTitle(e.target.value)} />
      </label>
      <label>
        Category{' '}
        <select value={category} onChange={(e) => setCategory(e.target.value)}>
          <OptionList items={[...props.categories]} />
        </select>
      </label>
      <label>
        Priority{' '}
        <select value={priority} onChange={(e) => setPriority(e.target.value)}>
          <OptionList items={props.priorities.map((x) => [x, x] as const)} />
        </select>
      </label>
      <label>
        Description <input value={description} onChange={(e) => setDescription(e.target.value)} />
      </label>
      <span className="bw-muted">
        On:{' '}
        {props.elementId
          ? (props.elementLabel ?? props.names.get(props.elementId) ?? props.elementId)
          : 'the model (select an element first to attach it)'}
      </span>
      <button type="submit">Add</button>
    </form>
  );
}
