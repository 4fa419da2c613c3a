/**
 * The height of the threats panel under the diagram, as the draggable separator sets it: kept
 * between a least and a most, stepped by the arrow keys, and remembered per browser.
 */

/** The key under which the height is kept in localStorage. */
export const SPLIT_KEY = 'bulwark.threatsHeight';
export const SPLIT_DEFAULT = 320;
export const SPLIT_MIN = 120;
/** The arrow keys move the separator this far (px); with Shift, four times as far. */
export const SPLIT_STEP = 24;

/** The most the panel may take of an editor `available` px high: the diagram keeps 160 px. */
export function splitMax(available: number): number {
  return Math.max(SPLIT_MIN, available - 160);
}

export function clampSplit(height: number, available: number): number {
  return Math.round(Math.min(splitMax(available), Math.max(SPLIT_MIN, height)));
}

/** The height stored, if it is a number; otherwise the default. */
export function parseSplit(stored: string | null): number {
  const n = Number(stored);
  return stored !== null && stored.trim() !== '' && Number.isFinite(n) ? n : SPLIT_DEFAULT;
}

/** Where an arrow key (or Home/End) moves the separator: up makes the threats taller. */
export function stepSplit(height: number, key: string, shift: boolean, available: number): number | undefined {
  const step = shift ? SPLIT_STEP * 4 : SPLIT_STEP;
  if (key === 'ArrowUp') return clampSplit(height + step, available);
  if (key === 'ArrowDown') return clampSplit(height - step, available);
  if (key === 'Home') return SPLIT_MIN;
  if (key === 'End') return splitMax(available);
  return undefined;
}
