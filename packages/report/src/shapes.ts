/**
 * The default sizes of the DFD shapes and the words for each kind: the one place the
 * auto-layout, the SVG renderer and the web editor take them from.
 */

import type { ElementKind } from '@bulwark/core';

/** Each kind of element in words, for titles and screen readers. */
export const KIND_WORDS: Record<ElementKind, string> = {
  process: 'Process',
  dataStore: 'Data store',
  externalEntity: 'External entity',
  dataFlow: 'Data flow',
  trustBoundary: 'Trust boundary',
  annotation: 'Note',
};

/** Width and height of a shape. */
export interface Size {
  width: number;
  height: number;
}

/** Default size by element kind (process, data store, external entity, annotation). */
export const SIZE: Record<string, Size> = {
  process: { width: 100, height: 100 },
  dataStore: { width: 150, height: 60 },
  externalEntity: { width: 150, height: 60 },
  annotation: { width: 160, height: 40 },
};

/** The size for a kind without one of its own. */
export const DEFAULT_SIZE: Size = { width: 120, height: 60 };

/** The default size of a shape of this kind. */
export function sizeOf(kind: string): Size {
  return SIZE[kind] ?? DEFAULT_SIZE;
}
