/**
 * The keyboard shortcuts sheet: "?" (outside a field) or the header's Shortcuts button opens it as
 * a modal <dialog> (focus moves in, Escape or Close shuts it, focus goes back where it was). Its
 * content is shortcuts.ts, the one table of the editor's keys; `ShortcutList` also draws one group
 * of it elsewhere (the side panel's Keyboard section).
 */
import { useCallback, useEffect, useId, useRef, useState } from 'react';
import { opensShortcuts, SHORTCUT_GROUPS, type Shortcut } from './shortcuts.js';

/** Whether the sheet is open, and the "?" key that opens it. */
export function useShortcutsSheet(): { open: boolean; show: () => void; close: () => void } {
  const [open, setOpen] = useState(false);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const { key, ctrlKey, altKey, metaKey } = e;
      if (!opensShortcuts({ key, ctrlKey, altKey, metaKey, target: e.target as HTMLElement | null })) return;
      e.preventDefault();
      setOpen(true);
    };
    // While the sheet is open its keys are its own: caught first (this listener is added when the
    // editor opens, before review mode's), so Escape closes the sheet and nothing else, and the
    // arrows do not move review mode or the shapes behind it. The browser's own handling stays.
    const keepInSheet = (e: KeyboardEvent) => {
      if (document.querySelector('dialog.bw-shortcuts[open]')) e.stopImmediatePropagation();
    };
    window.addEventListener('keydown', onKey);
    window.addEventListener('keydown', keepInSheet, true);
    return () => {
      window.removeEventListener('keydown', onKey);
      window.removeEventListener('keydown', keepInSheet, true);
    };
  }, []);
  const show = useCallback(() => setOpen(true), []);
  const close = useCallback(() => setOpen(false), []);
  return { open, show, close };
}

/** Some shortcuts as a definition list: the keys, then what they do. */
export function ShortcutList({ shortcuts }: { shortcuts: readonly Shortcut[] }) {
  return (
    <dl className="bw-keys">
      {shortcuts.map((s) => (
        <div key={s.keys.join(' ')} className="bw-keys-row">
          <dt>
            {s.keys.map((k, i) => (
              <span key={k}>
                {i > 0 && ', '}
                <kbd>{k}</kbd>
              </span>
            ))}
          </dt>
          <dd>{s.does}</dd>
        </div>
      ))}
    </dl>
  );
}

export function ShortcutsSheet({ open, onClose }: { open: boolean; onClose: () => void }) {
  const ref = useRef<HTMLDialogElement>(null);
  const returnTo = useRef<HTMLElement | null>(null);
  const titleId = useId();
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) {
      returnTo.current = document.activeElement instanceof HTMLElement ? document.activeElement : null;
      dialog.showModal();
    } else if (!open && dialog.open) dialog.close();
  }, [open]);
  return (
    <dialog
      ref={ref}
      className="bw-shortcuts"
      aria-labelledby={titleId}
      onClose={() => {
        onClose();
        returnTo.current?.focus();
        returnTo.current = null;
      }}
    >
      <div className="bw-shortcuts-head">
        <h2 id={titleId}>Keyboard shortcuts</h2>
        <button type="button" onClick={onClose}>
          Close
        </button>
      </div>
      <p className="bw-muted">On a Mac, use ⌘ where it says Ctrl.</p>
      <div className="bw-shortcuts-groups">
        {SHORTCUT_GROUPS.map((g) => (
          <section key={g.id} aria-label={g.title}>
            <h3>{g.title}</h3>
            <p className="bw-muted">{g.where}</p>
            <ShortcutList shortcuts={g.shortcuts} />
          </section>
        ))}
      </div>
    </dialog>
  );
}
