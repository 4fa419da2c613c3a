/**
 * The analysis view: the model's threats with counts per status, filters (status, priority,
 * category, element, free text), grouping by interaction or category, bulk status change, the
 * selected threat's details to triage, and adding a threat by hand. Selecting a threat asks the
 * editor to highlight its interaction (or element) on the diagram.
 */
import { summarizeThreats, type Threat, type ThreatStatus } from '@bulwark/core';
import { useMemo, useState } from 'react';
import { type Action, newId } from './actions/actions.js';
import { TextField } from './TextField.js';

export const STATUS_LABEL: Record<ThreatStatus, string> = {
  'not-started': 'Not started',
  'needs-investigation': 'Needs investigation',
  'not-applicable': 'Not applicable',
  mitigated: 'Mitigated',
};

/** How many rows a group shows before asking the user to narrow the filters. */
const ROW_LIMIT = 500;

type GroupBy = 'none' | 'interaction' | 'category';

export interface ThreatsPanelProps {
  threats: Threat[];
  /** Element names by id. */
  names: Map<string, string>;
  /** Category names by id, from the template. */
  categories: Map<string, string>;
  priorities: string[];
  selectedThreat: string | undefined;
  onSelectThreat: (id: string | undefined) => void;
  /** The element a new manual threat is about (the diagram selection), if any. */
  selectedElement: string | undefined;
  onAction: (action: Action) => void;
  /** Who makes the changes, as recorded on the threat. */
  user: string;
}

/** Where a threat applies, in words. */
export function where(t: Threat, names: Map<string, string>): string {
  if (t.interaction) {
    const { sourceId, targetId, flowId } = t.interaction;
    return `${names.get(sourceId) ?? sourceId} → ${names.get(targetId) ?? targetId} (${names.get(flowId) ?? flowId})`;
  }
  return t.elementId ? (names.get(t.elementId) ?? t.elementId) : 'Model';
}

export function ThreatsPanel(props: ThreatsPanelProps) {
  const { threats, names, categories, priorities, selectedThreat, onSelectThreat, onAction, user } = props;
  const [status, setStatus] = useState('');
  const [priority, setPriority] = useState('');
  const [category, setCategory] = useState('');
  const [element, setElement] = useState('');
  const [text, setText] = useState('');
  const [groupBy, setGroupBy] = useState<GroupBy>('none');
  const [checked, setChecked] = useState<Set<string>>(new Set());
  const [adding, setAdding] = useState(false);
  const now = () => new Date().toISOString();

  const counts: Record<string, number> = summarizeThreats(threats).byStatus;
  const elementsWithThreats = useMemo(() => {
    const ids = new Set<string>();
    for (const t of threats) {
      if (t.interaction) {
        ids.add(t.interaction.sourceId);
        ids.add(t.interaction.targetId);
        ids.add(t.interaction.flowId);
      } else if (t.elementId) ids.add(t.elementId);
    }
    return [...ids].map((id) => [id, names.get(id) ?? id] as const).sort((a, b) => a[1].localeCompare(b[1]));
  }, [threats, names]);

  const q = text.trim().toLowerCase();
  const shown = threats.filter(
    (t) =>
      (status === '' || t.status === status) &&
      (priority === '' || t.priority === priority) &&
      (category === '' || t.category === category) &&
      (element === '' ||
        t.elementId === element ||
        t.interaction?.sourceId === element ||
        t.interaction?.targetId === element ||
        t.interaction?.flowId === element) &&
      (q === '' || `${t.title}\n${t.description}\n${t.justification ?? ''}`.toLowerCase().includes(q)),
  );
  const groups = new Map<string, Threat[]>();
  for (const t of shown) {
    const key =
      groupBy === 'interaction'
        ? where(t, names)
        : groupBy === 'category'
          ? (categories.get(t.category) ?? t.category)
          : '';
    const list = groups.get(key);
    if (list) list.push(t);
    else groups.set(key, [t]);
  }
  const detail = threats.find((t) => t.id === selectedThreat);
  const checkedShown = shown.filter((t) => checked.has(t.id));
  const allChecked = shown.length > 0 && checkedShown.length === shown.length;

  return (
    <section className="bw-threats" aria-label="Threats">
      <h2>
        Threats <span className="bw-muted">{threats.length}</span>
      </h2>
      <p className="bw-counts">
        {Object.entries(STATUS_LABEL).map(([s, label]) => (
          <span key={s}>
            {label}: {counts[s] ?? 0}
          </span>
        ))}
      </p>
      <search className="bw-filters" aria-label="Filter threats">
        <select aria-label="Filter by status" value={status} onChange={(e) => setStatus(e.target.value)}>
          <option value="">Any status</option>
          <OptionList items={Object.entries(STATUS_LABEL)} />
        </select>
        <select aria-label="Filter by priority" value={priority} onChange={(e) => setPriority(e.target.value)}>
          <option value="">Any priority</option>
          <OptionList items={priorities.map((x) => [x, x] as const)} />
        </select>
        <select aria-label="Filter by category" value={category} onChange={(e) => setCategory(e.target.value)}>
          <option value="">Any category</option>
          <OptionList items={[...categories]} />
        </select>
        <select aria-label="Filter by element" value={element} onChange={(e) => setElement(e.target.value)}>
          <option value="">Any element</option>
          <OptionList items={elementsWithThreats} />
        </select>
        <input
          type="search"
          aria-label="Search threats"
          placeholder="Search threats"
          value={text}
          onChange={(e) => setText(e.target.value)}
        />
        <select aria-label="Group by" value={groupBy} onChange={(e) => setGroupBy(e.target.value as GroupBy)}>
          <option value="none">No grouping</option>
          <option value="interaction">Group by interaction</option>
          <option value="category">Group by category</option>
        </select>
        <span className="bw-muted">
          {shown.length} of {threats.length} shown
        </span>
      </search>
      <div className="bw-bulk">
        <select
          aria-label="Set status of checked threats"
          disabled={checkedShown.length === 0}
          value=""
          onChange={(e) => {
            if (!e.target.value) return;
            onAction({
              type: 'triageMany',
              threatIds: checkedShown.map((t) => t.id),
              status: e.target.value as ThreatStatus,
              by: user,
              at: now(),
            });
            setChecked(new Set());
          }}
        >
          <option value="">Set status of {checkedShown.length} checked…</option>
          <OptionList items={Object.entries(STATUS_LABEL)} />
        </select>{' '}
        <button type="button" onClick={() => setAdding((a) => !a)} aria-expanded={adding}>
          Add a threat
        </button>
      </div>
      {adding && (
        <AddThreat
          categories={categories}
          priorities={priorities}
          elementId={props.selectedElement}
          names={names}
          onAdd={(threat) => {
            onAction({ type: 'addThreat', threat });
            onSelectThreat(threat.id);
            setAdding(false);
          }}
        />
      )}
      {detail && (
        <ThreatDetail
          key={detail.id}
          threat={detail}
          names={names}
          categories={categories}
          priorities={priorities}
          onAction={onAction}
          user={user}
          onClose={() => onSelectThreat(undefined)}
        />
      )}
      {threats.length === 0 ? (
        <p className="bw-muted">No threats yet: they appear as you draw.</p>
      ) : (
        <table className="bw-table">
          <thead>
            <tr>
              <th>
                <input
                  type="checkbox"
                  aria-label="Check all shown threats"
                  checked={allChecked}
                  onChange={() => setChecked(allChecked ? new Set() : new Set(shown.map((t) => t.id)))}
                />
              </th>
              <th>Priority</th>
              <th>Status</th>
              <th>Category</th>
              <th>Title</th>
              <th>Where</th>
              <th>Justification</th>
            </tr>
          </thead>
          {[...groups].map(([group, list]) => (
            <tbody key={group}>
              {group !== '' && (
                <tr className="bw-group">
                  <th colSpan={7} scope="rowgroup">
                    {group} <span className="bw-muted">{list.length}</span>
                  </th>
                </tr>
              )}
              {list.slice(0, ROW_LIMIT).map((t) => (
                <tr
                  key={t.id}
                  className={`${t.orphaned ? 'bw-orphaned' : ''}${t.id === selectedThreat ? ' bw-current' : ''}`}
                  onClick={(e) => {
                    const tag = (e.target as HTMLElement).tagName;
                    if (tag !== 'INPUT' && tag !== 'SELECT' && tag !== 'OPTION') onSelectThreat(t.id);
                  }}
                >
                  <td>
                    <input
                      type="checkbox"
                      aria-label={`Check ${t.title}`}
                      checked={checked.has(t.id)}
                      onChange={() =>
                        setChecked((c) => {
                          const next = new Set(c);
                          if (next.has(t.id)) next.delete(t.id);
                          else next.add(t.id);
                          return next;
                        })
                      }
                    />
                  </td>
                  <td>{t.priority}</td>
                  <td>
                    <StatusSelect
                      threat={t}
                      onChange={(s) => onAction({ type: 'triage', threatId: t.id, status: s, by: user, at: now() })}
                    />
                  </td>
                  <td title={categories.get(t.category)}>{t.category}</td>
                  <td>
                    <button type="button" className="bw-link" onClick={() => onSelectThreat(t.id)}>
                      {t.title}
                    </button>
                    {t.orphaned && <span className="bw-muted"> (no longer applies)</span>}
                  </td>
                  <td>{where(t, names)}</td>
                  <td>
                    <TextField
                      label={`Justification of ${t.title}`}
                      value={t.justification ?? ''}
                      onCommit={(justification) =>
                        onAction({ type: 'triage', threatId: t.id, justification, by: user, at: now() })
                      }
                    />
                  </td>
                </tr>
              ))}
              {list.length > ROW_LIMIT && (
                <tr>
                  <td colSpan={7} className="bw-muted">
                    {list.length - ROW_LIMIT} more: narrow the filters to see them.
                  </td>
                </tr>
              )}
            </tbody>
          ))}
        </table>
      )}
    </section>
  );
}

function StatusSelect({ threat, onChange }: { threat: Threat; onChange: (s: ThreatStatus) => void }) {
  return (
    <select
      aria-label={`Status of ${threat.title}`}
      value={threat.status}
      onChange={(e) => onChange(e.target.value as ThreatStatus)}
    >
      <OptionList items={Object.entries(STATUS_LABEL)} />
    </select>
  );
}

function ThreatDetail(props: {
  threat: Threat;
  names: Map<string, string>;
  categories: Map<string, string>;
  priorities: string[];
  onAction: (action: Action) => void;
  user: string;
  onClose: () => void;
}) {
  const { threat: t, names, categories, priorities, onAction, user } = props;
  const triage = (change: Partial<Pick<Threat, 'status' | 'priority' | 'justification' | 'mitigations'>>) =>
    onAction({ type: 'triage', threatId: t.id, ...change, by: user, at: new Date().toISOString() });
  return (
    <article className="bw-threat-detail" aria-label={`Threat: ${t.title}`}>
      <header>
        <h3>{t.title}</h3>
        <button type="button" onClick={props.onClose} aria-label="Close threat details">
          ×
        </button>
      </header>
      <p className="bw-muted">
        {categories.get(t.category) ?? t.category} · {where(t, names)} ·{' '}
        {t.origin === 'manual' ? 'added by hand' : t.typeId}
        {t.changedBy
          ? ` · changed by ${t.changedBy}${t.changedAt ? ` on ${new Date(t.changedAt).toLocaleString()}` : ''}`
          : ''}
      </p>
      <p className="bw-description">{t.description}</p>
      <div className="bw-detail-fields">
        <label>
          Status <StatusSelect threat={t} onChange={(status) => triage({ status })} />
        </label>
        <label>
          Priority{' '}
          <select value={t.priority} onChange={(e) => triage({ priority: e.target.value })}>
            <OptionList items={[...new Set([...priorities, t.priority])].map((x) => [x, x] as const)} />
          </select>
        </label>
        <label>
          Justification
          <TextField value={t.justification ?? ''} onCommit={(justification) => triage({ justification })} />
        </label>
        <label>
          Mitigations
          <TextField value={t.mitigations ?? ''} onCommit={(mitigations) => triage({ mitigations })} />
        </label>
      </div>
    </article>
  );
}

function AddThreat(props: {
  categories: Map<string, string>;
  priorities: string[];
  elementId: string | undefined;
  names: Map<string, string>;
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
          ? (props.names.get(props.elementId) ?? props.elementId)
          : 'the model (select an element first to attach it)'}
      </span>
      <button type="submit">Add</button>
    </form>
  );
}

/** `<option>`s from [value, label] pairs. */
function OptionList({ items }: { items: Iterable<readonly [string, string]> }) {
  return (
    <>
      {[...items].map(([value, label]) => (
        <option key={value} value={value}>
          {label}
        </option>
      ))}
    </>
  );
}
