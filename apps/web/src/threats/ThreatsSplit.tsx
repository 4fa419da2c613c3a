/**
 * The split between the diagram and the threats under it: a separator to drag (or move with the
 * arrow keys) whose height is remembered in this browser, and the full-height analysis mode in
 * which the threats take the whole editor area. The arithmetic is splitSize's; this only wires it.
 */
import { type KeyboardEvent, type PointerEvent, useCallback, useEffect, useState } from 'react';
import { clampSplit, parseSplit, SPLIT_KEY, SPLIT_MIN, splitMax, stepSplit } from './splitSize.js';

export interface ThreatsSplit {
  /** The threats panel's height (px) when the diagram is shown above it. */
  height: number;
  setHeight: (height: number) => void;
  /** Full-height analysis mode: the threats take the whole editor area. */
  analysis: boolean;
  setAnalysis: (analysis: boolean) => void;
}

function stored(): number {
  try {
    return parseSplit(localStorage.getItem(SPLIT_KEY));
  } catch {
    return parseSplit(null);
  }
}

export function useThreatsSplit(): ThreatsSplit {
  const [height, setHeight] = useState(stored);
  const [analysis, setAnalysis] = useState(false);
  useEffect(() => {
    try {
      localStorage.setItem(SPLIT_KEY, String(height));
    } catch {
      // Storage may be refused (private mode): the height then lasts this visit.
    }
  }, [height]);
  return { height, setHeight, analysis, setAnalysis };
}

/** Room for the threats and the diagram together: from the diagram's top to the panel's bottom. */
function available(panel: Element | null): number {
  const canvas = document.querySelector('.bw-canvas')?.getBoundingClientRect();
  const bottom = panel?.getBoundingClientRect().bottom ?? window.innerHeight;
  return canvas ? bottom - canvas.top : window.innerHeight / 2;
}

/** The separator at the top of the threats panel. */
export function SplitSeparator({ split }: { split: ThreatsSplit }) {
  const { height, setHeight } = split;
  const [dragging, setDragging] = useState(false);
  const onPointerDown = (e: PointerEvent<HTMLDivElement>) => {
    if (e.button !== 0) return;
    e.preventDefault();
    e.currentTarget.setPointerCapture(e.pointerId);
    setDragging(true);
  };
  const onPointerMove = useCallback(
    (e: PointerEvent<HTMLDivElement>) => {
      if (!dragging) return;
      const panel = e.currentTarget.parentElement;
      const bottom = panel?.getBoundingClientRect().bottom ?? window.innerHeight;
      setHeight(clampSplit(bottom - e.clientY, available(panel)));
    },
    [dragging, setHeight],
  );
  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    const to = stepSplit(height, e.key, e.shiftKey, available(e.currentTarget.parentElement));
    if (to === undefined) return;
    e.preventDefault();
    setHeight(to);
  };
  return (
    // biome-ignore lint/a11y/useSemanticElements: a focusable, movable separator is a widget; <hr> cannot take the keyboard
    <div
      className={`bw-split${dragging ? ' bw-split-dragging' : ''}`}
      role="separator"
      aria-orientation="horizontal"
      aria-label="Resize the threats panel"
      aria-valuenow={height}
      aria-valuemin={SPLIT_MIN}
      aria-valuemax={Math.round(splitMax(available(null)))}
      tabIndex={0}
      onPointerDown={onPointerDown}
      onPointerMove={onPointerMove}
      onPointerUp={() => setDragging(false)}
      onPointerCancel={() => setDragging(false)}
      onKeyDown={onKeyDown}
    />
  );
}
