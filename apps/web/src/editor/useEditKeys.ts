/**
 * The editor's keys for whole edits: Ctrl/Cmd+Z undo, Ctrl/Cmd+Shift+Z and Ctrl/Cmd+Y redo,
 * Ctrl/Cmd+C copies the selection (with the flows between selected shapes) to an in-app
 * clipboard, Ctrl/Cmd+V pastes it offset a little further each time, selected. Keys typed in a
 * field are the field's; a viewer gets none of them, a reviewer no paste. (Delete and the arrows
 * are the canvas's: DiagramCanvas.)
 */
import type { Diagram, Element } from '@bulwark/core';
import { type RefObject, useEffect, useRef } from 'react';
import { type Action, copyElements, newId } from './actions/actions.js';

/** What the keys need of the latest render. */
export interface EditKeysState {
  diagram: Diagram | undefined;
  selected: string[];
  apply: (action: Action) => void;
  readOnly: boolean;
  designReadOnly: boolean;
}

export function useEditKeys(
  latest: RefObject<EditKeysState>,
  undo: () => void,
  redo: () => void,
  select: (ids: string[]) => void,
): void {
  const clipboard = useRef<{ elements: Element[]; pastes: number } | undefined>(undefined);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const target = e.target as HTMLElement | null;
      if (target && ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName)) return;
      const now = latest.current;
      if (!now || now.readOnly || !(e.ctrlKey || e.metaKey)) return;
      const key = e.key.toLowerCase();
      if (key === 'z') {
        e.preventDefault();
        if (e.shiftKey) redo();
        else undo();
      } else if (key === 'y') {
        e.preventDefault();
        redo();
      } else if (key === 'c') {
        const { diagram: d, selected } = now;
        if (!d || selected.length === 0) return;
        e.preventDefault();
        // The selection, with the flows between selected elements.
        const picked = new Set(selected);
        clipboard.current = {
          elements: d.elements.filter(
            (el) => picked.has(el.id) || (el.kind === 'dataFlow' && picked.has(el.source) && picked.has(el.target)),
          ),
          pastes: 0,
        };
      } else if (key === 'v') {
        const clip = clipboard.current;
        if (now.designReadOnly || !now.diagram || !clip || clip.elements.length === 0) return;
        e.preventDefault();
        clip.pastes++;
        const step = 30 * clip.pastes;
        const elements = copyElements(clip.elements, (old) => newId(old.replace(/-[a-z0-9]{8}$/, '')), {
          x: step,
          y: step,
        });
        now.apply({ type: 'paste', diagramId: now.diagram.id, elements });
        select(elements.map((el) => el.id));
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [latest, undo, redo, select]);
}
