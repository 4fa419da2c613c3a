/** What the diagram's shapes and arrows may ask of the editor: resize, reshape, open a detail diagram. */
import type { Path, Rect } from '@bulwark/core';
import { createContext, useContext } from 'react';

export interface EditorHooks {
  /** True for someone who may look but not change (a viewer on a team server). */
  readOnly: boolean;
  /** A shape's new box after the user resized it. */
  resize: (id: string, rect: Rect) => void;
  /** A flow's or line boundary's new path (undefined: a straight flow). */
  setPath: (id: string, path: Path | undefined) => void;
  /** Moves one end of a flow to another shape (dragging the end of a selected flow onto it). */
  reconnect?: (id: string, end: 'source' | 'target', to: string) => void;
  /** Shows a diagram (an element's detail diagram). */
  openDiagram: (id: string) => void;
  /** Diagram names by id, to label the way into a detail diagram. */
  diagramNames: Map<string, string>;
  /** A point on the screen in diagram coordinates (for dragging handles). */
  toDiagram: (screen: { x: number; y: number }) => { x: number; y: number };
  /** What a type's icon is chosen by: its id, its name and its parents' names in the template. */
  typeClues: (typeId: string) => readonly string[];
}

export const EditorContext = createContext<EditorHooks>({
  readOnly: true,
  resize: () => undefined,
  setPath: () => undefined,
  reconnect: () => undefined,
  openDiagram: () => undefined,
  diagramNames: new Map(),
  toDiagram: (p) => p,
  typeClues: (typeId) => [typeId],
});

export const useEditor = (): EditorHooks => useContext(EditorContext);
