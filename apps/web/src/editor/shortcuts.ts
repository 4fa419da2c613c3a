/**
 * Every keyboard shortcut the editor has, as data: the shortcuts sheet ("?") and the side panel's
 * Keyboard section read them from here, and shortcuts.test.ts checks the triage and split keys
 * against the code that handles them (threatList's triageKey, splitSize's stepSplit).
 * Where the keys are handled: ModelView (undo/redo, copy/paste), React Flow's props in ModelView
 * (Delete, arrows, Shift, Space, Enter/Escape on a focused shape), ThreatsTable (the list),
 * ThreatsSplit (the separator), ReviewMode, DiffCanvas, ShortcutsSheet.
 */

/** One shortcut: the key combinations that do it (any of them), and what it does. */
export interface Shortcut {
  keys: readonly string[];
  does: string;
}

/** Shortcuts that work in one place of the editor. */
export interface ShortcutGroup {
  id: 'diagram' | 'threats' | 'split' | 'review' | 'general';
  title: string;
  /** Where the keys apply (what must have focus or be open). */
  where: string;
  shortcuts: readonly Shortcut[];
}

export const SHORTCUT_GROUPS: readonly ShortcutGroup[] = [
  {
    id: 'diagram',
    title: 'Diagram',
    where: 'on the canvas (not while typing in a field)',
    shortcuts: [
      { keys: ['Tab', 'Shift+Tab'], does: 'go from shape to shape and flow to flow' },
      { keys: ['Enter', 'Space'], does: 'select the focused shape or flow (Escape unselects it)' },
      { keys: ['Arrows'], does: 'move the selected shapes (Shift: four times as far)' },
      { keys: ['Delete', 'Backspace'], does: 'delete the selection' },
      { keys: ['Ctrl+C', 'Ctrl+V'], does: 'copy and paste the selection (with the flows between it)' },
      { keys: ['Ctrl+Z'], does: 'undo' },
      { keys: ['Ctrl+Y', 'Ctrl+Shift+Z'], does: 'redo' },
      { keys: ['Shift+click'], does: 'add to the selection' },
      { keys: ['Shift+drag'], does: 'select with a box' },
      { keys: ['drag', 'Space+drag'], does: 'pan (drag the background)' },
      { keys: ['scroll', 'pinch'], does: 'zoom' },
      { keys: ['double-click'], does: "open a shape's detail diagram" },
    ],
  },
  {
    id: 'threats',
    title: 'Threats list',
    where: 'when the list has focus (click a row or Tab to it)',
    shortcuts: [
      { keys: ['↑', '↓', 'k', 'j'], does: 'previous or next threat' },
      { keys: ['Page Up', 'Page Down', 'Home', 'End'], does: 'a page up or down, the first or last threat' },
      { keys: ['Space'], does: 'check the threat for a bulk change' },
      { keys: ['1', '2', '3', '4'], does: 'status: not started, needs investigation, not applicable, mitigated' },
      { keys: ['h', 'm', 'l'], does: 'priority: high, medium, low' },
      { keys: ['Enter', 'Shift+Enter'], does: 'in a justification or mitigation: save, or a new line' },
    ],
  },
  {
    id: 'split',
    title: 'Threats panel size',
    where: 'on the separator above the threats',
    shortcuts: [
      { keys: ['↑', '↓'], does: 'make the threats panel taller or shorter (Shift: further)' },
      { keys: ['Home', 'End'], does: 'smallest or tallest' },
    ],
  },
  {
    id: 'review',
    title: 'Review mode',
    where: 'while reviewing',
    shortcuts: [
      { keys: ['→', 'j'], does: 'next interaction' },
      { keys: ['←', 'k'], does: 'previous interaction' },
      { keys: ['r', 'Space'], does: 'mark reviewed and go to the next' },
      { keys: ['Escape'], does: 'leave review mode' },
    ],
  },
  {
    id: 'general',
    title: 'Anywhere',
    where: 'not while typing in a field',
    shortcuts: [
      { keys: ['?'], does: 'show these shortcuts (Escape closes them)' },
      { keys: ['Escape'], does: 'leave a diff of versions; close the tour' },
    ],
  },
];

/** The shortcuts of one group. */
export function shortcutsOf(id: ShortcutGroup['id']): readonly Shortcut[] {
  return SHORTCUT_GROUPS.find((g) => g.id === id)?.shortcuts ?? [];
}

/** Whether a key press is the one that opens the shortcuts sheet: "?" typed outside a field, no Ctrl, Alt or Meta. */
export function opensShortcuts(e: {
  key: string;
  ctrlKey?: boolean;
  altKey?: boolean;
  metaKey?: boolean;
  target?: { tagName?: string; isContentEditable?: boolean } | null;
}): boolean {
  if (e.key !== '?' || e.ctrlKey || e.altKey || e.metaKey) return false;
  const t = e.target;
  return !(t && (['INPUT', 'TEXTAREA', 'SELECT'].includes(t.tagName ?? '') || t.isContentEditable));
}
