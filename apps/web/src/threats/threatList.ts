/**
 * The threats list as data: which threats the filters let through, the flat list of rows the
 * table renders (group headings and threats, in one sequence, so it can be virtualised), and
 * where keyboard navigation goes from the current row.
 */
import type { Threat, ThreatStatus } from '@bulwark/core';

export const STATUS_LABEL: Record<ThreatStatus, string> = {
  'not-started': 'Not started',
  'needs-investigation': 'Needs investigation',
  'not-applicable': 'Not applicable',
  mitigated: 'Mitigated',
};

export type GroupBy = 'none' | 'interaction' | 'category';

/** The filters of the threats panel; '' lets everything through. */
export interface ThreatFilters {
  status: string;
  priority: string;
  category: string;
  /** An element id: threats on it, or on an interaction it takes part in. */
  element: string;
  /** Free text, matched in title, description and justification, ignoring case. */
  text: string;
}

/** Where a threat applies, in words. */
export function where(t: Threat, names: Map<string, string>): string {
  if (t.interaction) {
    const { sourceId, targetId, flowId } = t.interaction;
    return `${names.get(sourceId) ?? sourceId} → ${names.get(targetId) ?? targetId} (${names.get(flowId) ?? flowId})`;
  }
  return t.elementId ? (names.get(t.elementId) ?? t.elementId) : 'Model';
}

/** The threats the filters let through, in the model's order. */
export function filterThreats(threats: Threat[], f: ThreatFilters): Threat[] {
  const q = f.text.trim().toLowerCase();
  return threats.filter(
    (t) =>
      (f.status === '' || t.status === f.status) &&
      (f.priority === '' || t.priority === f.priority) &&
      (f.category === '' || t.category === f.category) &&
      (f.element === '' ||
        t.elementId === f.element ||
        t.interaction?.sourceId === f.element ||
        t.interaction?.targetId === f.element ||
        t.interaction?.flowId === f.element) &&
      (q === '' || `${t.title}\n${t.description}\n${t.justification ?? ''}`.toLowerCase().includes(q)),
  );
}

/** One row of the threats table: a group heading or a threat. */
export type ThreatRow = { kind: 'group'; label: string; count: number } | { kind: 'threat'; threat: Threat };

/**
 * The rows of the table: without grouping, one per threat; grouped, each group's heading (with
 * how many threats it holds) followed by its threats, groups in the order they first appear.
 */
export function threatRows(
  shown: Threat[],
  groupBy: GroupBy,
  names: Map<string, string>,
  categories: Map<string, string>,
): ThreatRow[] {
  if (groupBy === 'none') return shown.map((threat) => ({ kind: 'threat', threat }));
  const groups = new Map<string, Threat[]>();
  for (const t of shown) {
    const key = groupBy === 'interaction' ? where(t, names) : (categories.get(t.category) ?? t.category);
    const list = groups.get(key);
    if (list) list.push(t);
    else groups.set(key, [t]);
  }
  const rows: ThreatRow[] = [];
  for (const [label, list] of groups) {
    rows.push({ kind: 'group', label, count: list.length });
    for (const threat of list) rows.push({ kind: 'threat', threat });
  }
  return rows;
}

/** The keys that move the current row of the threats table. */
export type NavigationKey = 'ArrowUp' | 'ArrowDown' | 'Home' | 'End' | 'PageUp' | 'PageDown';

export function isNavigationKey(key: string): key is NavigationKey {
  return ['ArrowUp', 'ArrowDown', 'Home', 'End', 'PageUp', 'PageDown'].includes(key);
}

/**
 * The index of the threat row a key moves to from row `from` (-1: none is current), skipping
 * group headings; `page` is how many rows PageUp/PageDown move. Undefined when there is no threat
 * row to go to; at either end the current row stays.
 */
export function stepSelection(rows: ThreatRow[], from: number, key: NavigationKey, page = 10): number | undefined {
  const isThreat = (i: number) => rows[i]?.kind === 'threat';
  const first = rows.findIndex((r) => r.kind === 'threat');
  if (first === -1) return undefined;
  let last = rows.length - 1;
  while (!isThreat(last)) last--;
  if (key === 'Home' || (from === -1 && (key === 'ArrowDown' || key === 'PageDown'))) return first;
  if (key === 'End' || (from === -1 && (key === 'ArrowUp' || key === 'PageUp'))) return last;
  const down = key === 'ArrowDown' || key === 'PageDown';
  const target = key === 'PageDown' || key === 'PageUp' ? from + (down ? page : -page) : from + (down ? 1 : -1);
  if (target >= last) return last;
  if (target <= first) return first;
  // Landed on a group heading: the next threat in the direction of travel.
  let i = target;
  while (!isThreat(i)) i += down ? 1 : -1;
  return i;
}

/** The index of the group heading row `index` falls under (from `headings`, ascending), if any. */
export function headingAt(headings: number[], index: number): number | undefined {
  let lo = 0;
  let hi = headings.length - 1;
  let found: number | undefined;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const at = headings[mid] as number;
    if (at <= index) {
      found = at;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

/** The triage keys, as the hint under the list shows them. */
export const TRIAGE_HINT = 'j/k or ↑/↓: next/previous · 1–4: status · h/m/l: priority';

const STATUS_KEYS: Record<string, ThreatStatus> = {
  '1': 'not-started',
  '2': 'needs-investigation',
  '3': 'not-applicable',
  '4': 'mitigated',
};

/** What a key does to the current threat: j/k step like the arrows, 1–4 set the status, h/m/l the priority. */
export type TriageKey =
  | { kind: 'step'; key: NavigationKey }
  | { kind: 'status'; status: ThreatStatus }
  | { kind: 'priority'; priority: string };

/**
 * The triage action of a key pressed on the threats list, if it has one. A priority key takes the
 * first of the template's priorities starting with that letter (High, Medium, Low); a modifier
 * (Ctrl, Alt, Meta) leaves the key to the browser.
 */
export function triageKey(
  e: { key: string; ctrlKey?: boolean; altKey?: boolean; metaKey?: boolean },
  priorities: readonly string[],
): TriageKey | undefined {
  if (e.ctrlKey || e.altKey || e.metaKey) return undefined;
  if (e.key === 'j') return { kind: 'step', key: 'ArrowDown' };
  if (e.key === 'k') return { kind: 'step', key: 'ArrowUp' };
  const status = STATUS_KEYS[e.key];
  if (status) return { kind: 'status', status };
  if (['h', 'm', 'l'].includes(e.key)) {
    const priority = priorities.find((p) => p.toLowerCase().startsWith(e.key));
    if (priority) return { kind: 'priority', priority };
  }
  return undefined;
}
