/**
 * One template in the editor: element types, categories and threat types in tabs, a model to
 * try the rules on, Save (the server stores the next version) and export. Built-in templates
 * open read-only. Leaving with unsaved changes asks first.
 */
import { parseTemplate, type Template, type ThreatModel, type ThreatType } from '@bulwark/core';
import { type ReactNode, useEffect, useState } from 'react';
import { ApiError, getMe, getModel, listModels, type ModelSummary } from '../api.js';
import { setLeaveGuard } from '../editor/leaveGuard.js';
import { CategoriesForm, ElementTypeForm } from './TemplateForms.js';
import { ThreatTypeForm } from './ThreatTypeForm.js';
import { type BrokenRule, getTemplateAt, saveTemplateVersion, templateExportUrl } from './templatesApi.js';
import './templates.css';

type Tab = 'elements' | 'categories' | 'threats' | 'general';

/** A new threat type that compiles, in the template's first category. */
function newThreatType(t: Template): ThreatType {
  return {
    id: `${t.id}.threat-${t.threatTypes.length + 1}`,
    title: 'New threat to {target.Name}',
    category: t.categories[0]?.id ?? 'C1',
    include: "target is 'GE.P'",
    description: 'What could go wrong between {source.Name} and {target.Name}.',
    priority: (t.priorities ?? ['High'])[0] ?? 'High',
  };
}

/**
 * A list of element or threat types beside the form of the selected one, with Add and Delete.
 * The form is keyed by position, so its uncontrolled fields start afresh for another item.
 */
function ListEditor<T>({
  what,
  items,
  selected,
  onSelect,
  itemLabel,
  make,
  canDelete,
  onChange,
  readOnly,
  children,
}: {
  what: string;
  items: T[];
  selected: number;
  onSelect: (i: number) => void;
  itemLabel: (item: T) => ReactNode;
  make: () => T;
  canDelete: (item: T) => boolean;
  onChange: (items: T[]) => void;
  readOnly: boolean;
  children: (item: T, set: (item: T) => void) => ReactNode;
}) {
  const index = Math.min(selected, items.length - 1);
  const item = items[index];
  return (
    <div className="bw-tpl-split">
      <ul className="bw-tpl-list" aria-label={`${what[0]?.toUpperCase()}${what.slice(1)}s`}>
        {items.map((t, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: ids may repeat while they are being typed
          <li key={i}>
            <button type="button" aria-pressed={i === index} onClick={() => onSelect(i)}>
              {itemLabel(t)}
            </button>
          </li>
        ))}
        {!readOnly && (
          <li>
            <button
              type="button"
              onClick={() => {
                onChange([...items, make()]);
                onSelect(items.length);
              }}
            >
              + Add {what}
            </button>
          </li>
        )}
      </ul>
      {item === undefined ? (
        <p className="bw-muted">No {what}s yet.</p>
      ) : (
        <div key={index}>
          {children(item, (changed) => onChange(items.map((x, i) => (i === index ? changed : x))))}
          {!readOnly && canDelete(item) && (
            <button
              type="button"
              className="bw-danger"
              onClick={() => {
                onChange(items.filter((_, i) => i !== index));
                onSelect(0);
              }}
            >
              Delete this {what}
            </button>
          )}
        </div>
      )}
    </div>
  );
}

export function TemplateEditor({ id }: { id: string }) {
  const [draft, setDraft] = useState<Template | undefined>();
  const [baseVersion, setBaseVersion] = useState('');
  const [builtin, setBuiltin] = useState(false);
  const [tb7Losses, setTb7Losses] = useState<string[]>([]);
  // Only administrators store templates (the server checks it too).
  const [mayEdit, setMayEdit] = useState(true);
  const [dirty, setDirty] = useState(false);
  const [tab, setTab] = useState<Tab>('elements');
  const [selectedType, setSelectedType] = useState(0);
  const [selectedThreat, setSelectedThreat] = useState(0);
  const [models, setModels] = useState<ModelSummary[]>([]);
  const [modelId, setModelId] = useState('');
  const [model, setModel] = useState<ThreatModel | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [notice, setNotice] = useState<string | undefined>();
  const [broken, setBroken] = useState<BrokenRule[]>([]);

  useEffect(() => {
    getTemplateAt(id).then(
      (r) => {
        setDraft(r.template);
        setBaseVersion(r.template.version);
        setBuiltin(r.builtin);
        setTb7Losses(r.tb7Losses);
      },
      (e: Error) => setError(e.message),
    );
    listModels().then(setModels, () => undefined);
    getMe().then(
      (me) => setMayEdit(me.user.isAdmin),
      () => undefined,
    );
  }, [id]);

  useEffect(() => {
    if (!modelId) return setModel(undefined);
    getModel(modelId).then(
      (r) => setModel(r.model),
      (e: Error) => setError(e.message),
    );
  }, [modelId]);

  // While changes are unsaved, the browser asks before closing or reloading the tab, and the app
  // before going to another page (a link, or the browser's back button).
  useEffect(() => {
    if (!dirty) return;
    const warn = (e: BeforeUnloadEvent) => e.preventDefault();
    window.addEventListener('beforeunload', warn);
    const unguard = setLeaveGuard(() =>
      window.confirm('This template has unsaved changes. Leave without saving them?'),
    );
    return () => {
      window.removeEventListener('beforeunload', warn);
      unguard();
    };
  }, [dirty]);

  if (error && !draft)
    return (
      <main className="bw-page">
        <p role="alert" className="bw-error">
          {error}
        </p>
        <a href="#/templates">Templates</a>
      </main>
    );
  if (!draft) return <p className="bw-page bw-muted">Loading…</p>;

  const readOnly = builtin || !mayEdit;
  const change = (next: Template) => {
    setDraft(next);
    setDirty(true);
    setNotice(undefined);
  };

  async function save() {
    if (!draft) return;
    const checked = parseTemplate(draft, draft.name);
    if (!checked.ok) {
      const first = checked.error.details?.[0];
      setError(`${checked.error.message}${first ? ` ${first.path ?? ''}: ${first.message}` : ''}`);
      return;
    }
    try {
      const r = await saveTemplateVersion(draft, baseVersion);
      setDraft({ ...draft, version: r.version });
      setBaseVersion(r.version);
      setDirty(false);
      setBroken(r.brokenRules);
      setError(undefined);
      setNotice(`Saved as version ${r.version}.`);
      getTemplateAt(draft.id, r.version).then(
        (saved) => setTb7Losses(saved.tb7Losses),
        () => undefined,
      );
    } catch (e) {
      setError(
        e instanceof ApiError && e.status === 409
          ? `${e.message} (Your changes are still here; copy what you need, then reload.)`
          : (e as Error).message,
      );
    }
  }

  const types = draft.elementTypes;
  const threats = draft.threatTypes;

  return (
    <main className="bw-page bw-tpl-page">
      <header className="bw-tpl-header">
        <a href="#/templates">Templates</a> / <strong>{draft.name}</strong>{' '}
        <span className="bw-muted">
          {draft.id} · version {baseVersion}
          {builtin
            ? ' · built in, read only: copy it to edit'
            : mayEdit
              ? ''
              : ' · read only: only an administrator may change templates'}
        </span>{' '}
        <span className={`bw-save bw-save-${dirty ? 'unsaved' : 'saved'}`} role="status">
          {dirty ? 'Unsaved changes' : 'Saved'}
        </span>
        {!readOnly && (
          <button type="button" className="bw-primary" disabled={!dirty} onClick={save}>
            Save as a new version
          </button>
        )}
        <a href={templateExportUrl(draft.id, 'json', baseVersion)} download>
          Export JSON
        </a>
        <a
          href={templateExportUrl(draft.id, 'tb7', baseVersion)}
          download
          title={tb7Losses.length > 0 ? `A .tb7 leaves out: ${tb7Losses.join('; ')}.` : undefined}
        >
          Export .tb7
        </a>
        {tb7Losses.length > 0 && (
          <span className="bw-muted bw-tpl-losses">A .tb7 leaves out: {tb7Losses.join('; ')}.</span>
        )}
      </header>
      {error && (
        <p role="alert" className="bw-error">
          {error}
        </p>
      )}
      {notice && (
        <p role="status" className="bw-notice">
          {notice}
        </p>
      )}
      {broken.length > 0 && (
        <div role="alert" className="bw-error">
          Saved, but these rules do not compile and their threat types are skipped:
          <ul>
            {broken.map((b) => (
              <li key={`${b.threatTypeId}:${b.rule}`}>
                {b.threatTypeId} ({b.rule}): {b.message}
              </li>
            ))}
          </ul>
        </div>
      )}
      <nav className="bw-tabs bw-tpl-tabs" aria-label="Template parts">
        {(
          [
            ['elements', `Element types (${types.length})`],
            ['categories', `Categories (${draft.categories.length})`],
            ['threats', `Threat types (${threats.length})`],
            ['general', 'General'],
          ] as const
        ).map(([value, label]) => (
          <button key={value} type="button" aria-pressed={tab === value} onClick={() => setTab(value)}>
            {label}
          </button>
        ))}
        <label className="bw-tpl-model">
          Try on model{' '}
          <select value={modelId} onChange={(e) => setModelId(e.target.value)}>
            <option value="">(none)</option>
            {models.map((m) => (
              <option key={m.id} value={m.id}>
                {m.name}
              </option>
            ))}
          </select>
        </label>
      </nav>

      {tab === 'elements' && (
        <ListEditor
          what="element type"
          items={types}
          selected={selectedType}
          onSelect={setSelectedType}
          readOnly={readOnly}
          itemLabel={(t) => (
            <>
              {t.name}
              <span className="bw-muted"> {t.parent ? `← ${t.parent}` : ''}</span>
            </>
          )}
          make={() => ({ id: `${draft.id}.type-${types.length + 1}`, name: 'New element type', parent: 'GE.P' })}
          canDelete={(t) => !t.id.startsWith('GE.')}
          onChange={(elementTypes) => change({ ...draft, elementTypes })}
        >
          {(t, set) => <ElementTypeForm type={t} template={draft} readOnly={readOnly} onChange={set} />}
        </ListEditor>
      )}

      {tab === 'categories' && (
        <CategoriesForm
          categories={draft.categories}
          readOnly={readOnly}
          onChange={(categories) => change({ ...draft, categories })}
        />
      )}

      {tab === 'threats' && (
        <ListEditor
          what="threat type"
          items={threats}
          selected={selectedThreat}
          onSelect={setSelectedThreat}
          readOnly={readOnly}
          itemLabel={(t) => t.title}
          make={() => newThreatType(draft)}
          canDelete={() => true}
          onChange={(threatTypes) => change({ ...draft, threatTypes })}
        >
          {(t, set) => <ThreatTypeForm type={t} template={draft} model={model} readOnly={readOnly} onChange={set} />}
        </ListEditor>
      )}

      {tab === 'general' && (
        <fieldset className="bw-tpl-form" disabled={readOnly}>
          <legend>General</legend>
          <label>
            Name <input value={draft.name} onChange={(e) => change({ ...draft, name: e.target.value })} />
          </label>
          <label>
            Author{' '}
            <input
              value={draft.author ?? ''}
              onChange={(e) => change({ ...draft, author: e.target.value || undefined })}
            />
          </label>
          <label className="bw-tpl-wide">
            Description{' '}
            <textarea
              rows={3}
              value={draft.description ?? ''}
              onChange={(e) => change({ ...draft, description: e.target.value || undefined })}
            />
          </label>
          <label className="bw-tpl-wide">
            Priorities, highest first (comma-separated){' '}
            <input
              defaultValue={(draft.priorities ?? ['High', 'Medium', 'Low']).join(', ')}
              onBlur={(e) => {
                const list = e.target.value
                  .split(',')
                  .map((p) => p.trim())
                  .filter((p) => p !== '');
                change({ ...draft, priorities: list.length > 0 ? list : undefined });
              }}
            />
          </label>
        </fieldset>
      )}
    </main>
  );
}
