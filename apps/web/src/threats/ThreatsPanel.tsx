/**
 * The analysis view: the model's threats with counts per status, filters (status, priority,
 * category, element, free text), grouping by interaction or category, bulk status change, the
 * selected threat's details to triage, and adding a threat by hand. Selecting a threat asks the
 * editor to highlight its interaction (or element) on the diagram. The list is virtualised
 * (ThreatsTable), so every threat stays reachable however many there are.
 */
import { summarizeThreats, type Threat, type ThreatStatus } from '@bulwark/core';
import { useMemo, useState } from 'react';
import type { Action } from '../editor/actions/actions.js';
import { OptionList } from './ThreatControls.js';
import { AddThreat, ThreatDetail } from './ThreatDetails.js';
import { SplitSeparator, type ThreatsSplit } from './ThreatsSplit.js';
import { ThreatsTable } from './ThreatsTable.js';
import { filterThreats, type GroupBy, STATUS_LABEL, TRIAGE_HINT, threatRows, where } from './threatList.js';

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
  /** The split with the diagram above and the full-height analysis mode, when the editor has them. */
  split?: ThreatsSplit;
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
    // Flows are named by their ends, as the "Where" column names them: "Browser → Web app (Request)".
    const labels = new Map<string, string>();
    for (const t of threats) {
      if (t.interaction) {
        const { sourceId, targetId, flowId } = t.interaction;
        labels.set(sourceId, names.get(sourceId) ?? sourceId);
        labels.set(targetId, names.get(targetId) ?? targetId);
        labels.set(flowId, where(t, names));
      } else if (t.elementId) labels.set(t.elementId, names.get(t.elementId) ?? t.elementId);
    }
    return [...labels].sort((a, b) => a[1].localeCompare(b[1]));
  }, [threats, names]);

  // Selecting a shape or flow on the diagram filters the list to its threats, until "show all";
  // the element filter, when set, wins.
  const [showAllFor, setShowAllFor] = useState<string | undefined>();
  const fromSelection =
    element === '' && props.selectedElement !== undefined && showAllFor !== props.selectedElement
      ? props.selectedElement
      : '';
  const elementFilter = element || fromSelection;
  const shown = useMemo(
    () => filterThreats(threats, { status, priority, category, element: elementFilter, text }),
    [threats, status, priority, category, elementFilter, text],
  );
  const elementLabel = (id: string) => elementsWithThreats.find(([x]) => x === id)?.[1] ?? names.get(id) ?? id;
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
      {props.split && !props.split.analysis && <SplitSeparator split={props.split} />}
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
          {props.split && (
            <button
              type="button"
              aria-pressed={props.split.analysis}
              onClick={() => props.split?.setAnalysis(!props.split.analysis)}
            >
              {props.split.analysis ? 'Back to the diagram' : 'Full-height analysis'}
            </button>
          )}
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
        {fromSelection && (
          <span className="bw-filter-chip">
            Filtered to {elementLabel(fromSelection)} —{' '}
            <button type="button" className="bw-link" onClick={() => setShowAllFor(fromSelection)}>
              show all
            </button>
          </span>
        )}
        {!readOnly && threats.length > 0 && <kbd className="bw-triage-hint">{TRIAGE_HINT}</kbd>}
      </search>
      {threats.length === 0 && !adding ? (
        <p className="bw-muted">No threats yet: they appear as you draw.</p>
      ) : (
        <div className="bw-threats-body">
          {threats.length > 0 && (
            <ThreatsTable
              rows={rows}
              listKey={JSON.stringify([status, priority, category, elementFilter, text, groupBy])}
              names={names}
              categories={categories}
              selectedThreat={selectedThreat}
              onSelectThreat={onSelectThreat}
              checked={checked}
              onToggleChecked={toggleChecked}
              allChecked={allChecked}
              onToggleAll={() => setChecked(allChecked ? new Set() : new Set(shown.map((t) => t.id)))}
              onTriage={(threatId, change) => onAction({ type: 'triage', threatId, ...change, by: user, at: now() })}
              priorities={priorities}
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
                  elementLabel={props.selectedElement && elementLabel(props.selectedElement)}
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
