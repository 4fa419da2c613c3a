/**
 * The analysis view: the model's threats with counts per status, filters (status, priority,
 * category, element, free text), grouping by interaction or category, bulk status change, the
 * selected threat's details to triage, and adding a threat by hand. Selecting a threat asks the
 * editor to highlight its interaction (or element) on the diagram. The list is virtualised
 * (ThreatsTable), so every threat stays reachable however many there are.
 */
import { summarizeThreats, type Threat, type ThreatStatus } from '@bulwark/core';
import { useMemo, useState } from 'react';
import type { Action } from './actions/actions.js';
import { OptionList } from './ThreatControls.js';
import { AddThreat, ThreatDetail } from './ThreatDetails.js';
import { ThreatsTable } from './ThreatsTable.js';
import { filterThreats, type GroupBy, STATUS_LABEL, threatRows } from './threatList.js';

export { STATUS_LABEL, where } from './threatList.js';

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
  /** For viewers: the threats can be read, filtered and selected, but nothing in the panel edits them. */
  readOnly?: boolean;
}

export function ThreatsPanel(props: ThreatsPanelProps) {
  const { threats, names, categories, priorities, selectedThreat, onSelectThreat, onAction, user } = props;
  const readOnly = props.readOnly ?? false;
  const [status, setStatus] = useState('');
  const [priority, setPriority] = useState('');
  const [category, setCategory] = useState('');
  const [element, setElement] = useState('');
  const [text, setText] = useState('');
  const [groupBy, setGroupBy] = useState<GroupBy>('none');
  const [checked, setChecked] = useState<ReadonlySet<string>>(new Set());
  const [adding, setAdding] = useState(false);
  const now = () => new Date().toISOString();

  const counts: Record<string, number> = useMemo(() => summarizeThreats(threats).byStatus, [threats]);
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

  const shown = useMemo(
    () => filterThreats(threats, { status, priority, category, element, text }),
    [threats, status, priority, category, element, text],
  );
  const rows = useMemo(() => threatRows(shown, groupBy, names, categories), [shown, groupBy, names, categories]);
  const checkedShown = useMemo(() => shown.filter((t) => checked.has(t.id)), [shown, checked]);
  const allChecked = shown.length > 0 && checkedShown.length === shown.length;
  const detail = useMemo(() => threats.find((t) => t.id === selectedThreat), [threats, selectedThreat]);
  const toggleChecked = (id: string) =>
    setChecked((c) => {
      const next = new Set(c);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });

  return (
    <section className="bw-threats bw-threats-panel" aria-label="Threats">
      <div className="bw-threats-head">
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
        <div className="bw-bulk">
          <select
            aria-label="Set status of checked threats"
            disabled={readOnly || checkedShown.length === 0}
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
          </select>
          <button type="button" onClick={() => setAdding((a) => !a)} aria-expanded={adding} disabled={readOnly}>
            Add a threat
          </button>
        </div>
      </div>
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
      {threats.length === 0 && !adding ? (
        <p className="bw-muted">No threats yet: they appear as you draw.</p>
      ) : (
        <div className="bw-threats-body">
          {threats.length > 0 && (
            <ThreatsTable
              rows={rows}
              listKey={JSON.stringify([status, priority, category, element, text, groupBy])}
              names={names}
              categories={categories}
              selectedThreat={selectedThreat}
              onSelectThreat={onSelectThreat}
              checked={checked}
              onToggleChecked={toggleChecked}
              allChecked={allChecked}
              onToggleAll={() => setChecked(allChecked ? new Set() : new Set(shown.map((t) => t.id)))}
              onTriage={(threatId, change) => onAction({ type: 'triage', threatId, ...change, by: user, at: now() })}
              readOnly={readOnly}
            />
          )}
          {((adding && !readOnly) || detail) && (
            <aside className="bw-threats-side" aria-label="Selected threat">
              {adding && !readOnly && (
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
                  readOnly={readOnly}
                />
              )}
            </aside>
          )}
        </div>
      )}
    </section>
  );
}
