/**
 * The threats as a virtualised grid: only the rows in view (and a few either side) are in the
 * DOM, so a model with tens of thousands of threats scrolls as lightly as a small one. Group
 * headings are rows of the same list; the heading of the group at the top stays pinned under the
 * column headings while its rows scroll. The grid takes the keyboard: ArrowUp/ArrowDown,
 * PageUp/PageDown, Home/End select a threat and scroll it into view; Space checks the current
 * threat for a bulk change. Triage keys (threatList's triageKey): j/k step like the arrows, 1–4 set
 * the current threat's status, h/m/l its priority.
 */
import type { ThreatStatus } from '@bulwark/core';
import { defaultRangeExtractor, type Range, useVirtualizer, type VirtualItem } from '@tanstack/react-virtual';
import { type KeyboardEvent, useCallback, useEffect, useId, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { TextField } from '../TextField.js';
import { StatusSelect } from './ThreatControls.js';
import { headingAt, isNavigationKey, stepSelection, type ThreatRow, triageKey, where } from './threatList.js';

/** A row's height before it is measured (px): one line of text with a select. */
const ROW_ESTIMATE = 31;
/** Rows rendered beyond each edge of the view. */
const OVERSCAN = 8;
/** Below this width (px) the justification column gives way: the details beside the list have it. */
const NARROW = 900;

export interface ThreatsTableProps {
  rows: ThreatRow[];
  /** Changes with the filters and the grouping: the list then starts again from its top. */
  listKey: string;
  names: Map<string, string>;
  categories: Map<string, string>;
  selectedThreat: string | undefined;
  onSelectThreat: (id: string) => void;
  /** The threats checked for a bulk change. */
  checked: ReadonlySet<string>;
  onToggleChecked: (id: string) => void;
  allChecked: boolean;
  onToggleAll: () => void;
  onTriage: (threatId: string, change: { status?: ThreatStatus; priority?: string; justification?: string }) => void;
  /** The template's priorities, for the h/m/l keys. */
  priorities: readonly string[];
  readOnly: boolean;
}

export function ThreatsTable(props: ThreatsTableProps) {
  const { rows, names, categories, selectedThreat, onSelectThreat, checked, onToggleChecked, onTriage, readOnly } =
    props;
  const idBase = useId();
  const scrollRef = useRef<HTMLDivElement>(null);
  const tableRef = useRef<HTMLTableElement>(null);
  const headRef = useRef<HTMLTableCellElement>(null);

  // The sticky column headings sit above the rows inside the scroller: the rows start that far
  // down, and a row scrolled to must not end up under them.
  const [headHeight, setHeadHeight] = useState(ROW_ESTIMATE);
  const [narrow, setNarrow] = useState(false);
  useLayoutEffect(() => {
    const head = headRef.current;
    const scroller = scrollRef.current;
    if (!head || !scroller) return;
    const measure = () => {
      setHeadHeight(head.getBoundingClientRect().height);
      setNarrow(scroller.clientWidth < NARROW);
    };
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(head);
    observer.observe(scroller);
    return () => observer.disconnect();
  }, []);
  const columns = narrow ? 6 : 7;

  const getItemKey = useCallback(
    (i: number) => {
      const row = rows[i];
      return row?.kind === 'threat' ? row.threat.id : `group:${row?.label ?? i}`;
    },
    [rows],
  );
  // The heading of the group at the top of the view is always rendered, pinned.
  const headings = useMemo(() => rows.flatMap((r, i) => (r.kind === 'group' ? [i] : [])), [rows]);
  const rangeExtractor = useCallback(
    (range: Range) => {
      const indexes = defaultRangeExtractor(range);
      const heading = headingAt(headings, range.startIndex);
      return heading === undefined || heading >= (indexes[0] ?? 0) ? indexes : [heading, ...indexes];
    },
    [headings],
  );
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_ESTIMATE,
    getItemKey,
    overscan: OVERSCAN,
    rangeExtractor,
    scrollMargin: headHeight,
    // A row scrolled to stops below the column headings and the pinned group heading.
    scrollPaddingStart: headHeight + (headings.length > 0 ? ROW_ESTIMATE : 0),
  });

  const selectedIndex = useMemo(
    () => rows.findIndex((r) => r.kind === 'threat' && r.threat.id === selectedThreat),
    [rows, selectedThreat],
  );

  const listKey = props.listKey;
  const listKeyWas = useRef(listKey);
  useEffect(() => {
    if (listKeyWas.current === listKey) return;
    listKeyWas.current = listKey;
    virtualizer.scrollToOffset(0);
  }, [listKey, virtualizer]);

  // A threat selected elsewhere (added by hand, or by the keyboard below) is scrolled into view,
  // once per selection: scrolling away from it afterwards is left alone.
  const scrolledTo = useRef<string | undefined>(undefined);
  useEffect(() => {
    if (selectedThreat === undefined || selectedIndex === -1 || scrolledTo.current === selectedThreat) return;
    scrolledTo.current = selectedThreat;
    virtualizer.scrollToIndex(selectedIndex, { align: 'auto' });
  }, [selectedThreat, selectedIndex, virtualizer]);

  const onKeyDown = (e: KeyboardEvent<HTMLTableElement>) => {
    const target = e.target as HTMLElement;
    // Keys typed into a field or a select are theirs.
    if (target !== e.currentTarget && target.matches('input:not([type="checkbox"]), select, textarea')) return;
    const triage = triageKey(e, props.priorities);
    const current = rows[selectedIndex];
    if (triage && triage.kind !== 'step') {
      if (current?.kind !== 'threat' || readOnly) return;
      e.preventDefault();
      onTriage(current.threat.id, triage.kind === 'status' ? { status: triage.status } : { priority: triage.priority });
      return;
    }
    const navigation = triage?.kind === 'step' ? triage.key : e.key;
    if (isNavigationKey(navigation)) {
      e.preventDefault();
      const page = Math.max(1, Math.floor((scrollRef.current?.clientHeight ?? 0) / ROW_ESTIMATE) - 2);
      const to = stepSelection(rows, selectedIndex, navigation, page);
      const row = to === undefined ? undefined : rows[to];
      if (to === undefined || row?.kind !== 'threat') return;
      scrolledTo.current = row.threat.id;
      virtualizer.scrollToIndex(to, { align: 'auto' });
      if (to !== selectedIndex) onSelectThreat(row.threat.id);
      // The control that had focus may scroll out of the DOM: the grid keeps it.
      if (target !== e.currentTarget) e.currentTarget.focus({ preventScroll: true });
    } else if (e.key === ' ' && target === e.currentTarget) {
      e.preventDefault();
      const row = rows[selectedIndex];
      if (row?.kind === 'threat' && !readOnly) onToggleChecked(row.threat.id);
    }
  };

  const all = virtualizer.getVirtualItems();
  const pinned = headingAt(headings, virtualizer.range?.startIndex ?? 0);
  // The pinned heading, when it is far above the rows in the DOM, comes before the space they leave.
  const [head, next] = all;
  const detached =
    pinned !== undefined && head?.index === pinned && next !== undefined && next.index !== pinned + 1
      ? head
      : undefined;
  const items = detached ? all.slice(1) : all;
  const margin = virtualizer.options.scrollMargin;
  const first = items[0];
  const last = items.at(-1);
  const spaceAbove = first ? first.start - margin : 0;
  const spaceBelow = last ? virtualizer.getTotalSize() - (last.end - margin) : 0;
  const rowId = (index: number) => `${idBase}-row-${index}`;
  const selectedRendered = all.some((v) => v.index === selectedIndex);

  const renderRow = (v: VirtualItem) => {
    const row = rows[v.index];
    if (!row) return null;
    if (row.kind === 'group')
      return (
        <tr
          key={v.key}
          ref={virtualizer.measureElement}
          data-index={v.index}
          aria-rowindex={v.index + 2}
          className={v.index === pinned ? 'bw-group bw-group-pinned' : 'bw-group'}
        >
          <th colSpan={columns} scope="rowgroup" style={v.index === pinned ? { top: headHeight } : undefined}>
            {row.label} <span className="bw-muted">{row.count}</span>
          </th>
        </tr>
      );
    const t = row.threat;
    const place = where(t, names);
    const current = v.index === selectedIndex;
    return (
      <tr
        key={v.key}
        id={rowId(v.index)}
        ref={virtualizer.measureElement}
        data-index={v.index}
        aria-rowindex={v.index + 2}
        aria-selected={current}
        aria-label={t.title}
        className={`bw-threat-row${t.orphaned ? ' bw-orphaned' : ''}${current ? ' bw-current' : ''}`}
        onClick={(e) => {
          // The title button lands here too; fields and checkboxes keep their clicks.
          if ((e.target as HTMLElement).closest('input, select, textarea')) return;
          onSelectThreat(t.id);
          scrolledTo.current = t.id;
          tableRef.current?.focus({ preventScroll: true });
        }}
      >
        <td>
          <input
            type="checkbox"
            aria-label={`Check ${t.title}`}
            checked={checked.has(t.id)}
            disabled={readOnly}
            onChange={() => onToggleChecked(t.id)}
          />
        </td>
        <td>{t.priority}</td>
        <td>
          <StatusSelect threat={t} disabled={readOnly} onChange={(status) => onTriage(t.id, { status })} />
        </td>
        <td title={categories.get(t.category)}>{t.category}</td>
        <td>
          <div className="bw-cell-line">
            <button type="button" className="bw-link" title={t.title}>
              {t.title}
            </button>
            {t.orphaned && <span className="bw-muted">(no longer applies)</span>}
          </div>
        </td>
        <td title={place}>{place}</td>
        {!narrow && (
          <td title={t.justification}>
            {readOnly ? (
              (t.justification ?? '')
            ) : (
              <TextField
                label={`Justification of ${t.title}`}
                value={t.justification ?? ''}
                onCommit={(justification) => onTriage(t.id, { justification })}
              />
            )}
          </td>
        )}
      </tr>
    );
  };

  return (
    <div className="bw-threat-scroll" ref={scrollRef}>
      <table
        ref={tableRef}
        className="bw-table bw-threat-grid"
        // biome-ignore lint/a11y/noNoninteractiveElementToInteractiveRole: ARIA in HTML lets a table be a grid, and this one is a widget (focusable, arrow keys select)
        role="grid"
        aria-label="Threats list"
        aria-rowcount={rows.length + 1}
        aria-activedescendant={selectedRendered ? rowId(selectedIndex) : undefined}
        tabIndex={0}
        onKeyDown={onKeyDown}
      >
        <colgroup>
          <col className="bw-col-check" />
          <col className="bw-col-priority" />
          <col className="bw-col-status" />
          <col className="bw-col-category" />
          <col className="bw-col-title" />
          <col className={narrow ? 'bw-col-where' : 'bw-col-where bw-col-where-wide'} />
          {!narrow && <col className="bw-col-justification" />}
        </colgroup>
        <thead>
          <tr aria-rowindex={1}>
            <th ref={headRef}>
              <input
                type="checkbox"
                aria-label="Check all shown threats"
                checked={props.allChecked}
                disabled={readOnly}
                onChange={props.onToggleAll}
              />
            </th>
            <th>Priority</th>
            <th>Status</th>
            <th>Category</th>
            <th>Title</th>
            <th>Where</th>
            {!narrow && <th>Justification</th>}
          </tr>
        </thead>
        <tbody>
          {detached && renderRow(detached)}
          {spaceAbove > 0 && <Spacer height={spaceAbove} columns={columns} />}
          {items.map(renderRow)}
          {spaceBelow > 0 && <Spacer height={spaceBelow} columns={columns} />}
        </tbody>
      </table>
      {rows.length === 0 && <p className="bw-muted bw-threats-none">No threats match the filters.</p>}
    </div>
  );
}

/** Stands in for the rows scrolled out of the DOM, so the scrollbar spans the whole list. */
function Spacer({ height, columns }: { height: number; columns: number }) {
  return (
    // biome-ignore lint/a11y/noAriaHiddenOnFocusable: a spacer row holds nothing focusable, and nothing to read
    <tr className="bw-threat-spacer" aria-hidden="true">
      <td colSpan={columns} style={{ height }} />
    </tr>
  );
}
