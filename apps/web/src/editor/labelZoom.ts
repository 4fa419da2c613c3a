/**
 * Labels readable at any zoom (issue 16.3): as the canvas zooms out, names grow in diagram units
 * so they keep a readable size on screen, up to a limit; below it they shrink with the drawing and
 * are simplified (flow names hidden, shape names on one line). The scales follow the zoom in steps
 * and reach the shapes as CSS variables on the canvas (`--bw-name-scale`, `--bw-flow-scale`) and
 * the level as `data-bw-zoom` (near, mid, far): one style change per step, no shape redrawn. The
 * arrows read the level and flow scale (`useFlowLabelZoom`) to place their labels. A step is
 * applied once the zoom rests (SETTLE_MS), so a zoom gesture itself costs nothing extra.
 */
import { useStoreApi } from '@xyflow/react';
import { useEffect, useSyncExternalStore } from 'react';
import { flowLabelScale, nameLabelScale, type ZoomLevel, zoomLevel } from './labelScale.js';

type Store = ReturnType<typeof useStoreApi>;

/** What the canvas's labels are drawn for: its level and the flow and shape names' scales. */
export interface LabelZoom {
  level: ZoomLevel;
  flowScale: number;
  nameScale: number;
}

function labelZoomAt(zoom: number): LabelZoom {
  return { level: zoomLevel(zoom), flowScale: flowLabelScale(zoom), nameScale: nameLabelScale(zoom) };
}

/** How long the zoom must rest before labels are redrawn for it: a zoom gesture redraws nothing. */
const SETTLE_MS = 120;

interface Held {
  users: number;
  stop: () => void;
  current: LabelZoom;
  key: string;
  timer: ReturnType<typeof setTimeout> | undefined;
  listeners: Set<() => void>;
}

/** One subscription per canvas, however many shapes and arrows ask for it. */
const held = new WeakMap<Store, Held>();

function keyOf(zoom: number): string {
  return `${nameLabelScale(zoom)}/${flowLabelScale(zoom)}/${zoomLevel(zoom)}`;
}

/** Sets the canvas's variables and tells the arrows, for the zoom the canvas is at now. */
function apply(store: Store, h: Held): void {
  h.timer = undefined;
  const state = store.getState();
  const zoom = state.transform[2];
  const key = keyOf(zoom);
  if (key === h.key) return;
  const el = state.domNode;
  if (!el) return;
  h.key = key;
  el.style.setProperty('--bw-name-scale', String(nameLabelScale(zoom)));
  el.style.setProperty('--bw-flow-scale', String(flowLabelScale(zoom)));
  el.dataset.bwZoom = zoomLevel(zoom);
  h.current = labelZoomAt(zoom);
  for (const l of h.listeners) l();
}

function hold(store: Store): Held {
  let h = held.get(store);
  if (!h) {
    const zoom = store.getState().transform[2];
    const entry: Held = {
      users: 0,
      stop: () => undefined,
      current: labelZoomAt(zoom),
      key: '',
      timer: undefined,
      listeners: new Set(),
    };
    apply(store, entry);
    // A pan changes no step: nothing to do. A zoom that crosses a step is applied once it rests.
    entry.stop = store.subscribe((s) => {
      if (keyOf(s.transform[2]) === entry.key) {
        if (entry.timer) clearTimeout(entry.timer);
        entry.timer = undefined;
        return;
      }
      if (entry.key === '') return apply(store, entry);
      if (entry.timer) clearTimeout(entry.timer);
      entry.timer = setTimeout(() => apply(store, entry), SETTLE_MS);
    });
    h = entry;
    held.set(store, h);
  }
  return h;
}

function retain(store: Store): () => void {
  const h = hold(store);
  h.users++;
  return () => {
    h.users--;
    if (h.users === 0) {
      h.stop();
      if (h.timer) clearTimeout(h.timer);
      held.delete(store);
    }
  };
}

/** Keeps the canvas's label scales up to date while the calling shape is drawn. */
export function useLabelZoom(): void {
  const store = useStoreApi();
  useEffect(() => retain(store), [store]);
}

/** The level and label scales the canvas's labels are drawn for (changes once a zoom rests on a new step). */
export function useFlowLabelZoom(): LabelZoom {
  const store = useStoreApi();
  useEffect(() => retain(store), [store]);
  return useSyncExternalStore(
    (listener) => {
      const h = hold(store);
      h.listeners.add(listener);
      return () => h.listeners.delete(listener);
    },
    () => hold(store).current,
  );
}
