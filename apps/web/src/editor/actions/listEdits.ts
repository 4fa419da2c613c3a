/**
 * Edits to the model's lists, one item at a time. A list edit names the item it adds, changes or
 * removes, never the whole list: re-applied on someone else's newer version after a conflict
 * (`replay`), it touches only that item and keeps what they added, changed or removed meanwhile.
 *
 * - assets and notes have ids: `addItem`, `changeItem` (the fields set, the fields cleared),
 *   `removeItem`;
 * - the metadata's lists of lines (contributors, assumptions, external dependencies) have none:
 *   `editLines` carries the lines added (after which line), changed (from what) and removed,
 *   worked out from the text before and after by `lineEdits`.
 */
import type { Asset, Note, ThreatModel } from '@bulwark/core';

/** The model's lists of items with ids. */
export type ItemList = 'assets' | 'notes';
type ItemOf<L extends ItemList> = L extends 'assets' ? Asset : Note;

/** The metadata's lists of lines. */
export type MetadataList = 'contributors' | 'assumptions' | 'externalDependencies';

/** One line added (after the line `after`, or first for null), changed, or removed. */
export type LineEdit =
  | { op: 'add'; value: string; after: string | null }
  | { op: 'change'; from: string; to: string }
  | { op: 'remove'; value: string };

export type ListAction =
  | { [L in ItemList]: { type: 'addItem'; list: L; item: ItemOf<L> } }[ItemList]
  | {
      [L in ItemList]: {
        type: 'changeItem';
        list: L;
        id: string;
        set: Partial<Omit<ItemOf<L>, 'id'>>;
        /** Optional fields emptied (left out of the item). */
        unset?: Exclude<keyof ItemOf<L>, 'id'>[];
      };
    }[ItemList]
  | { type: 'removeItem'; list: ItemList; id: string }
  | { type: 'editLines'; field: MetadataList; edits: LineEdit[] };

/** The model with `list` set to `items` (left out when empty). */
function withItems(model: ThreatModel, list: ItemList, items: readonly (Asset | Note)[]): ThreatModel {
  const next = { ...model, [list]: items } as ThreatModel;
  if (items.length === 0) delete next[list];
  return next;
}

/** Performs a list edit. An edit whose item is gone (someone removed it) changes nothing. */
export function performListEdit(model: ThreatModel, action: ListAction): ThreatModel {
  switch (action.type) {
    case 'addItem': {
      const items: (Asset | Note)[] = model[action.list] ?? [];
      // Added twice (a replay of an add that landed): once is enough.
      if (items.some((i) => i.id === action.item.id)) return model;
      return withItems(model, action.list, [...items, action.item]);
    }
    case 'changeItem': {
      const items: (Asset | Note)[] = model[action.list] ?? [];
      if (!items.some((i) => i.id === action.id)) return model;
      return withItems(
        model,
        action.list,
        items.map((i) => {
          if (i.id !== action.id) return i;
          const changed: Record<string, unknown> = { ...i, ...action.set };
          for (const key of action.unset ?? []) delete changed[key as string];
          return changed as unknown as Asset | Note;
        }),
      );
    }
    case 'removeItem': {
      const items: (Asset | Note)[] = model[action.list] ?? [];
      if (!items.some((i) => i.id === action.id)) return model;
      return withItems(
        model,
        action.list,
        items.filter((i) => i.id !== action.id),
      );
    }
    case 'editLines': {
      const lines = applyLineEdits(model.metadata[action.field] ?? [], action.edits);
      const metadata: Record<string, unknown> = { ...model.metadata, [action.field]: lines };
      if (lines.length === 0) delete metadata[action.field];
      return { ...model, metadata: metadata as ThreatModel['metadata'] };
    }
  }
}

/**
 * The edits that turn the lines `before` into `after`: the lines of a longest common subsequence
 * stay, a line rewritten in place (neither text elsewhere in the other list) is a change, the rest
 * are removed or added (each added line placed after the line before it in `after`).
 */
export function lineEdits(before: readonly string[], after: readonly string[]): LineEdit[] {
  const n = before.length;
  const m = after.length;
  // lcs(i, j): the length of the longest common subsequence of before[i..] and after[j..].
  const table = new Int32Array((n + 1) * (m + 1));
  const lcs = (i: number, j: number): number => table[i * (m + 1) + j] ?? 0;
  for (let i = n - 1; i >= 0; i--)
    for (let j = m - 1; j >= 0; j--)
      table[i * (m + 1) + j] = before[i] === after[j] ? lcs(i + 1, j + 1) + 1 : Math.max(lcs(i + 1, j), lcs(i, j + 1));
  // Removed lines first, then rewritten ones, then added ones in their order: a line that moved
  // is removed and added again, and each added line's neighbour is in place when it comes.
  const removes: LineEdit[] = [];
  const changes: LineEdit[] = [];
  const adds: LineEdit[] = [];
  const wasThere = new Set(before);
  const staysThere = new Set(after);
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    const from = before[i];
    const to = after[j];
    if (from !== undefined && to !== undefined && from === to) {
      i++;
      j++;
    } else if (
      from !== undefined &&
      to !== undefined &&
      lcs(i + 1, j + 1) === lcs(i, j) &&
      !wasThere.has(to) &&
      !staysThere.has(from)
    ) {
      // Neither line is in the common part, and neither is elsewhere in the other list: rewritten.
      changes.push({ op: 'change', from, to });
      i++;
      j++;
    } else if (to !== undefined && (from === undefined || lcs(i, j + 1) >= lcs(i + 1, j))) {
      adds.push({ op: 'add', value: to, after: after[j - 1] ?? null });
      j++;
    } else if (from !== undefined) {
      removes.push({ op: 'remove', value: from });
      i++;
    }
  }
  return [...removes, ...changes, ...adds];
}

/**
 * `lines` with `edits` applied. On a list that moved on meanwhile: a line to change or remove
 * that is no longer there is left alone (a change then adds its new text, so it is not lost), a
 * line to add that is already there is not added twice, and one whose neighbour is gone goes
 * last.
 */
export function applyLineEdits(lines: readonly string[], edits: readonly LineEdit[]): string[] {
  const out = [...lines];
  for (const e of edits) {
    if (e.op === 'remove') {
      const at = out.indexOf(e.value);
      if (at >= 0) out.splice(at, 1);
    } else if (e.op === 'change') {
      const at = out.indexOf(e.from);
      if (out.includes(e.to)) {
        if (at >= 0) out.splice(at, 1);
      } else if (at >= 0) out[at] = e.to;
      else out.push(e.to);
    } else if (!out.includes(e.value)) {
      const at = e.after === null ? 0 : out.indexOf(e.after) + 1;
      if (e.after !== null && at === 0) out.push(e.value);
      else out.splice(at, 0, e.value);
    }
  }
  return out;
}
