/**
 * The model's history: the versions made on purpose (message, author, when, kind), whether the
 * working copy changed since the newest, Save version with a message, restoring a version, and
 * the differences between any two versions, or between one and the working copy on screen:
 * elements and diagrams added, removed or changed, the model's details, and threats new, removed
 * or changed. The diagram side of a diff is DiffCanvas; the editor holds the state
 * (useHistoryView) so others can open a diff.
 */
import { diffModels, type ModelDiff, type Threat, type ThreatModel } from '@bulwark/core';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { STATUS_LABEL, where } from '../threats/threatList.js';
import { describeFieldChanges, shownValue } from './diffDiagram.js';
import { type History, listVersions, loadVersion } from './historyApi.js';
import { SaveVersionForm, VersionList } from './VersionList.js';

/** A side of a comparison: a saved version, or the model on screen now. */
export type VersionPick = number | 'current';

/** Two versions of the model and what differs between them. */
export interface Comparison {
  from: ThreatModel;
  to: ThreatModel;
  fromLabel: string;
  toLabel: string;
  diff: ModelDiff;
}

/** What the editor keeps of the history view: whether it is open, the two versions picked, their diff. */
export interface HistoryView {
  open: boolean;
  picks: { from?: VersionPick; to: VersionPick };
  comparison: Comparison | undefined;
  /** An element to show on the diff's diagram (picked in the lists). */
  focus: string | undefined;
  /** Opens the history with the diff from `fromVersion` to `toVersion` (default: the model on screen). */
  showDiff: (fromVersion: number, toVersion?: number) => void;
  openPanel: () => void;
  pick: (picks: { from?: VersionPick; to: VersionPick }) => void;
  setComparison: (c: Comparison | undefined) => void;
  setFocus: (id: string | undefined) => void;
  /** Back to editing: the diff goes, the list of versions stays. */
  leaveDiff: () => void;
  close: () => void;
}

/** The history view's state, for the editor to hold. */
export function useHistoryView(): HistoryView {
  const [open, setOpen] = useState(false);
  const [picks, setPicks] = useState<{ from?: VersionPick; to: VersionPick }>({ to: 'current' });
  const [comparison, setComparison] = useState<Comparison | undefined>();
  const [focus, setFocus] = useState<string | undefined>();
  const showDiff = useCallback((fromVersion: number, toVersion?: number) => {
    setOpen(true);
    setFocus(undefined);
    setPicks({ from: fromVersion, to: toVersion ?? 'current' });
  }, []);
  const leaveDiff = useCallback(() => {
    setPicks({ to: 'current' });
    setComparison(undefined);
    setFocus(undefined);
  }, []);
  return {
    open,
    picks,
    comparison,
    focus,
    showDiff,
    openPanel: () => setOpen(true),
    pick: (p) => {
      setFocus(undefined);
      setPicks(p);
    },
    setComparison,
    setFocus,
    leaveDiff,
    close: () => {
      leaveDiff();
      setOpen(false);
    },
  };
}

const label = (p: VersionPick) => (p === 'current' ? 'the working copy' : `version ${p}`);

/** The history panel: the versions, Save version, two pickers, and the diff in lists. */
export function HistoryPanel(props: {
  modelId: string;
  /** The model on screen now. */
  current: ThreatModel;
  /** The revision the editor last saved (the list reloads when it changes). */
  version: number;
  view: HistoryView;
  /** May the caller save versions and restore (editors and owners)? */
  canSave?: boolean;
  /** Are the edits on screen all saved to the working copy? (Save version waits until they are.) */
  allSaved?: boolean;
}) {
  const { modelId, current, version, view, canSave = true, allSaved = true } = props;
  const [history, setHistory] = useState<History | undefined>();
  const versions = history?.versions;
  const [error, setError] = useState<string | undefined>();
  const [reloads, setReloads] = useState(0);
  const documents = useRef(new Map<number, Promise<ThreatModel>>());

  // biome-ignore lint/correctness/useExhaustiveDependencies: an autosave moves the working copy on, a Save version adds one
  useEffect(() => {
    listVersions(modelId).then(setHistory, (e: Error) => setError(e.message));
  }, [modelId, version, reloads]);

  const { from, to } = view.picks;
  const { setComparison } = view;
  // The model on screen matters only when it is one side of the diff (then each edit updates it).
  const onScreen = from === 'current' || to === 'current' ? current : undefined;
  useEffect(() => {
    if (from === undefined) return;
    let live = true;
    const doc = (p: VersionPick): Promise<ThreatModel> => {
      if (p === 'current') return Promise.resolve(onScreen as ThreatModel);
      let d = documents.current.get(p);
      if (!d) {
        d = loadVersion(modelId, p);
        documents.current.set(p, d);
      }
      return d;
    };
    Promise.all([doc(from), doc(to)]).then(
      ([a, b]) => {
        if (!live) return;
        setError(undefined);
        setComparison({ from: a, to: b, fromLabel: label(from), toLabel: label(to), diff: diffModels(a, b) });
      },
      (e: Error) => {
        for (const p of [from, to]) if (p !== 'current') documents.current.delete(p);
        if (live) setError(e.message);
      },
    );
    return () => {
      live = false;
    };
  }, [from, to, onScreen, modelId, setComparison]);

  const pickOptions = (
    <>
      {(versions ?? []).map((v) => (
        <option key={v.version} value={v.version}>
          Version {v.version}: {v.message.length > 40 ? `${v.message.slice(0, 39)}…` : v.message}
        </option>
      ))}
    </>
  );
  const newest = versions?.[0]?.version;
  // The working copy differs from the newest version once an autosave moved it on (or edits wait).
  const changedSince = !allSaved ? newest : (history?.workingCopy.changedSinceVersion ?? undefined);
  const parse = (value: string): VersionPick | undefined =>
    value === 'current' ? 'current' : value === '' ? undefined : Number(value);

  return (
    <section className="bw-history" aria-label="History">
      <header className="bw-history-head">
        <h2>History</h2>
        <button type="button" onClick={view.close}>
          Close history
        </button>
      </header>
      {history && (
        <section className="bw-working-copy" aria-label="Working copy">
          <p>
            <strong>Working copy</strong>{' '}
            {changedSince !== undefined ? (
              <>
                — changed since version {changedSince}{' '}
                <button
                  type="button"
                  className="bw-link"
                  onClick={() => view.pick({ from: changedSince, to: 'current' })}
                >
                  Show changes
                </button>
              </>
            ) : (
              <span className="bw-muted">— the same as version {newest}</span>
            )}
          </p>
          {canSave && (
            <SaveVersionForm
              modelId={modelId}
              revision={version}
              ready={allSaved}
              unchanged={changedSince === undefined}
              onSaved={() => setReloads((n) => n + 1)}
            />
          )}
        </section>
      )}
      <fieldset className="bw-history-picks">
        <legend>Compare</legend>
        <label>
          From{' '}
          <select
            aria-label="Compare from"
            value={from ?? ''}
            onChange={(e) => {
              const f = parse(e.target.value);
              if (f === undefined) view.leaveDiff();
              else view.pick({ from: f, to });
            }}
          >
            <option value="">Pick a version…</option>
            {pickOptions}
            <option value="current">Working copy (on screen)</option>
          </select>
        </label>
        <label>
          To{' '}
          <select
            aria-label="Compare to"
            value={to}
            onChange={(e) =>
              view.pick({ ...(from !== undefined ? { from } : {}), to: parse(e.target.value) ?? 'current' })
            }
          >
            <option value="current">Working copy (on screen)</option>
            {pickOptions}
          </select>
        </label>
        {view.comparison && (
          <button type="button" onClick={view.leaveDiff}>
            Back to editing
          </button>
        )}
      </fieldset>
      {error && (
        <p role="alert" className="bw-error">
          {error}
        </p>
      )}
      {view.comparison && <DiffLists comparison={view.comparison} onFocus={view.setFocus} />}
      <h3>Versions</h3>
      {!versions ? (
        <p className="bw-muted">Loading…</p>
      ) : (
        <VersionList
          modelId={modelId}
          versions={versions}
          revision={version}
          picked={from}
          canRestore={canSave && allSaved}
          onCompare={(v) => view.pick({ from: v, to: 'current' })}
          onCompareWithPrevious={(older, newer) => view.pick({ from: older, to: newer })}
        />
      )}
    </section>
  );
}

/** How many items a list shows before "and N more". */
const SHOWN = 100;

function Capped<T>({ items, render }: { items: readonly T[]; render: (item: T) => React.ReactNode }) {
  return (
    <>
      {items.slice(0, SHOWN).map(render)}
      {items.length > SHOWN && <li className="bw-muted">and {items.length - SHOWN} more</li>}
    </>
  );
}

/** A heading and its list, left out when the list is empty. */
function Group({
  title,
  mark,
  count,
  children,
}: {
  title: string;
  mark: string;
  count: number;
  children: React.ReactNode;
}) {
  if (count === 0) return null;
  return (
    <>
      <h4 className={`bw-diff-heading bw-diff-heading-${mark}`}>
        {title} ({count})
      </h4>
      <ul className="bw-diff-list">{children}</ul>
    </>
  );
}

const statusWords = (field: string, v: unknown) =>
  field === 'status' && typeof v === 'string' && v in STATUS_LABEL
    ? ((STATUS_LABEL as Record<string, string>)[v] ?? v)
    : shownValue(v);

/** The diff in words: elements, diagrams, model details, threats. */
function DiffLists({ comparison, onFocus }: { comparison: Comparison; onFocus: (id: string) => void }) {
  const { diff, from, to } = comparison;
  const names = useMemo(() => {
    const m = new Map<string, string>();
    for (const model of [from, to]) for (const d of model.diagrams) for (const e of d.elements) m.set(e.id, e.name);
    return m;
  }, [from, to]);
  const threatsTo = useMemo(() => new Map((to.threats ?? []).map((t) => [t.id, t] as const)), [to]);
  const nothing =
    diff.metadata.length === 0 &&
    [diff.elements, diff.diagrams, diff.threats].every((g) => Object.values(g).every((l) => l.length === 0));
  const element = (e: { id: string; name: string; kind: string }, lines: string[] = []) => (
    <li key={e.id}>
      <button type="button" className="bw-link" onClick={() => onFocus(e.id)} title="Show it on the diagram">
        {e.name || e.id}
      </button>{' '}
      <span className="bw-muted">({e.kind})</span>
      {lines.length > 0 && (
        <ul>
          {lines.map((l) => (
            <li key={l}>{l}</li>
          ))}
        </ul>
      )}
    </li>
  );
  /** A threat's title, which shows its interaction (or element) on the diagram. */
  const threatTitle = (t: Threat) => {
    const on = t.interaction?.flowId ?? t.elementId;
    return on ? (
      <button type="button" className="bw-link" onClick={() => onFocus(on)} title="Show where it is on the diagram">
        {t.title}
      </button>
    ) : (
      t.title
    );
  };
  const threat = (t: Threat) => (
    <li key={t.id}>
      {threatTitle(t)} <span className="bw-muted">· {where(t, names)}</span>
    </li>
  );
  return (
    <section className="bw-diff" aria-label="Differences">
      <h3>
        From {comparison.fromLabel} to {comparison.toLabel}
      </h3>
      {nothing && <p>No differences.</p>}
      {(diff.elements.added.length > 0 || diff.elements.removed.length > 0 || diff.elements.changed.length > 0) && (
        <h4>Elements</h4>
      )}
      <Group title="Added" mark="added" count={diff.elements.added.length}>
        <Capped items={diff.elements.added} render={(e) => element(e)} />
      </Group>
      <Group title="Removed" mark="removed" count={diff.elements.removed.length}>
        <Capped items={diff.elements.removed} render={(e) => element(e)} />
      </Group>
      <Group title="Changed" mark="changed" count={diff.elements.changed.length}>
        <Capped items={diff.elements.changed} render={(e) => element(e, describeFieldChanges(e.changes))} />
      </Group>
      <Group
        title="Diagrams"
        mark="changed"
        count={diff.diagrams.added.length + diff.diagrams.removed.length + diff.diagrams.changed.length}
      >
        {diff.diagrams.added.map((d) => (
          <li key={d.id}>Added “{d.name}”</li>
        ))}
        {diff.diagrams.removed.map((d) => (
          <li key={d.id}>Removed “{d.name}”</li>
        ))}
        {diff.diagrams.changed.map((d) => (
          <li key={d.id}>
            “{d.name}”: {describeFieldChanges(d.changes).join('; ')}
          </li>
        ))}
      </Group>
      <Group title="Model details" mark="changed" count={diff.metadata.length}>
        {describeFieldChanges(diff.metadata).map((l) => (
          <li key={l}>{l}</li>
        ))}
      </Group>
      {(diff.threats.added.length > 0 || diff.threats.removed.length > 0 || diff.threats.changed.length > 0) && (
        <h4>Threats</h4>
      )}
      <Group title="New" mark="added" count={diff.threats.added.length}>
        <Capped items={diff.threats.added} render={threat} />
      </Group>
      <Group title="Removed" mark="removed" count={diff.threats.removed.length}>
        <Capped items={diff.threats.removed} render={threat} />
      </Group>
      <Group title="Changed" mark="changed" count={diff.threats.changed.length}>
        <Capped
          items={diff.threats.changed}
          render={(c) => {
            const t = threatsTo.get(c.id);
            return (
              <li key={c.id}>
                {t ? threatTitle(t) : c.title} {t && <span className="bw-muted">· {where(t, names)}</span>}
                <ul>
                  {describeFieldChanges(c.changes, statusWords).map((l) => (
                    <li key={l}>{l}</li>
                  ))}
                </ul>
              </li>
            );
          }}
        />
      </Group>
    </section>
  );
}
