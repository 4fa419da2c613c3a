/**
 * Edits are data: every change to a model is a pure function from one model to the next, so the
 * editor gets undo/redo and autosave for free and never mutates what it holds.
 */
import type { Element, Path, PropertyValue, Rect, Review, Threat, ThreatModel, ThreatStatus } from '@bulwark/core';
import { type ListAction, performListEdit } from './listEdits.js';

export type { LineEdit, MetadataList } from './listEdits.js';
export { lineEdits } from './listEdits.js';

/** One edit, applied by `perform`. */
export type Action =
  | { type: 'add'; diagramId: string; element: Element }
  | { type: 'paste'; diagramId: string; elements: Element[] }
  /**
   * Auto-layout (`planLayout`): shapes and box boundaries to new rectangles; each flow in
   * `handles` bent through its handle or, for `null`, straight (its stored end points and ports,
   * which belonged to the old places, dropped).
   */
  | {
      type: 'layout';
      diagramId: string;
      rects: Record<string, Rect>;
      handles?: Record<string, { x: number; y: number } | null>;
      /** Line boundaries moved with the layout (so each crosses the same flows), as straight lines. */
      lines?: Record<string, { source: { x: number; y: number }; target: { x: number; y: number } }>;
    }
  | { type: 'move'; diagramId: string; positions: Record<string, { x: number; y: number }> }
  | { type: 'resize'; diagramId: string; id: string; rect: Rect }
  | { type: 'connect'; diagramId: string; id: string; source: string; target: string; typeId: string; name: string }
  | { type: 'reconnect'; diagramId: string; id: string; end: 'source' | 'target'; to: string }
  | { type: 'delete'; diagramId: string; ids: string[] }
  | {
      type: 'setField';
      diagramId: string;
      id: string;
      field: 'name' | 'typeId' | 'outOfScope' | 'outOfScopeReason' | 'bidirectional' | 'grouped';
      value: string | boolean;
    }
  | { type: 'setProperty'; diagramId: string; id: string; key: string; value: PropertyValue }
  | {
      type: 'triage';
      threatId: string;
      status?: ThreatStatus;
      priority?: string;
      justification?: string;
      mitigations?: string;
      by: string;
      at: string;
    }
  | { type: 'triageMany'; threatIds: string[]; status: ThreatStatus; by: string; at: string }
  | { type: 'addThreat'; threat: Threat }
  | {
      type: 'editThreat';
      threatId: string;
      field: 'title' | 'description' | 'category';
      value: string;
      by: string;
      at: string;
    }
  | { type: 'setPath'; diagramId: string; id: string; path: Path | undefined }
  | { type: 'addChildDiagram'; diagramId: string; elementId: string; id: string; name: string }
  | { type: 'unlinkChildDiagram'; diagramId: string; elementId: string }
  | { type: 'addDiagram'; id: string; name: string }
  | { type: 'renameDiagram'; diagramId: string; name: string }
  | { type: 'deleteDiagram'; diagramId: string }
  | { type: 'setMetadata'; field: MetadataText; value: string }
  /** The model moves to this template (version): its threats are generated again (REANALYZE). */
  | { type: 'setTemplate'; template: ThreatModel['template'] }
  | ListAction
  /** Review mode: an interaction (`sourceId:flowId:targetId`) walked through, or taken back. */
  | { type: 'markReviewed'; interaction: string; reviewed: boolean; by: string; at: string };

function mapDiagram(model: ThreatModel, diagramId: string, fn: (elements: Element[]) => Element[]): ThreatModel {
  return {
    ...model,
    diagrams: model.diagrams.map((d) => (d.id === diagramId ? { ...d, elements: fn(d.elements) } : d)),
  };
}

function mapElement(model: ThreatModel, diagramId: string, id: string, fn: (el: Element) => Element): ThreatModel {
  return mapDiagram(model, diagramId, (els) => els.map((e) => (e.id === id ? fn(e) : e)));
}

type Point = { x: number; y: number };

/** Where an element sits: its box, or for a line boundary the top-left of its end points. */
export function origin(e: Element): Point | undefined {
  if (e.kind === 'trustBoundary' && e.shape === 'line') {
    const s = e.path?.source;
    const t = e.path?.target;
    return s && t ? { x: Math.min(s.x, t.x), y: Math.min(s.y, t.y) } : undefined;
  }
  return 'position' in e && e.position ? e.position : undefined;
}

/** The element moved by `d` (boxes by their position, line boundaries by every point of their path). */
function shift(e: Element, d: Point): Element {
  const by = <P extends Point | undefined>(p: P): P => (p ? { ...p, x: p.x + d.x, y: p.y + d.y } : p);
  if (e.kind === 'trustBoundary' && e.shape === 'line' && e.path) {
    const path = { ...e.path, source: by(e.path.source), target: by(e.path.target), handle: by(e.path.handle) };
    for (const k of ['source', 'target', 'handle'] as const) if (path[k] === undefined) delete path[k];
    return { ...e, path };
  }
  return 'position' in e && e.position ? ({ ...e, position: by(e.position) } as Element) : e;
}

/**
 * What sits inside a box boundary and moves with it: every shape, box or line whose centre is
 * inside the box (nested boundaries and what they hold included).
 */
export function boundaryMembers(elements: readonly Element[], boundaryId: string): string[] {
  const box = elements.find((e) => e.id === boundaryId);
  if (box?.kind !== 'trustBoundary' || box.shape !== 'box' || !box.position) return [];
  const r = box.position;
  const centreOf = (e: Element): Point | undefined => {
    if (e.kind === 'trustBoundary' && e.shape === 'line') {
      const s = e.path?.source;
      const t = e.path?.target;
      return s && t ? { x: (s.x + t.x) / 2, y: (s.y + t.y) / 2 } : undefined;
    }
    const p = 'position' in e ? e.position : undefined;
    return p ? { x: p.x + p.width / 2, y: p.y + p.height / 2 } : undefined;
  };
  return elements.flatMap((e) => {
    if (e.id === boundaryId || e.kind === 'dataFlow') return [];
    const c = centreOf(e);
    const fits = c && c.x >= r.x && c.x <= r.x + r.width && c.y >= r.y && c.y <= r.y + r.height;
    // A boundary as large as this one or larger is not inside it.
    const smaller = !(
      'position' in e &&
      e.kind === 'trustBoundary' &&
      e.position &&
      e.position.width * e.position.height >= r.width * r.height
    );
    return fits && smaller ? [e.id] : [];
  });
}

/**
 * Moves elements to new top-left corners; a box boundary takes what is inside it along (by the
 * same distance), unless those are moved themselves. Nothing moves: the same model comes back.
 */
function moveElements(model: ThreatModel, diagramId: string, positions: Record<string, Point>): ThreatModel {
  const diagram = model.diagrams.find((d) => d.id === diagramId);
  if (!diagram) return model;
  const deltas = new Map<string, Point>();
  for (const e of diagram.elements) {
    const p = positions[e.id];
    const o = origin(e);
    if (p && o && (p.x !== o.x || p.y !== o.y)) deltas.set(e.id, { x: p.x - o.x, y: p.y - o.y });
  }
  for (const [id, d] of [...deltas]) {
    for (const member of boundaryMembers(diagram.elements, id))
      if (!(member in positions) && !deltas.has(member)) deltas.set(member, d);
  }
  if (deltas.size === 0) return model;
  return mapDiagram(model, diagramId, (els) =>
    els.map((e) => {
      const d = deltas.get(e.id);
      return d ? shift(e, d) : e;
    }),
  );
}

/** A fresh id for something the user adds, e.g. `el-3k9x0q2a`. */
export const newId = (prefix: string) => `${prefix}-${Math.random().toString(36).slice(2, 10)}`;

/** The model's text metadata fields the model panel edits. */
export type MetadataText = 'name' | 'owner' | 'reviewer' | 'description';

/** Applies one action; returns a new model (the input is never changed). */
export function perform(model: ThreatModel, action: Action): ThreatModel {
  switch (action.type) {
    case 'add':
      return mapDiagram(model, action.diagramId, (els) =>
        action.element.kind === 'trustBoundary' ? [action.element, ...els] : [...els, action.element],
      );
    case 'paste':
      return mapDiagram(model, action.diagramId, (els) => [
        ...action.elements.filter((e) => e.kind === 'trustBoundary'),
        ...els,
        ...action.elements.filter((e) => e.kind !== 'trustBoundary'),
      ]);
    case 'move':
      return moveElements(model, action.diagramId, action.positions);
    case 'layout':
      return mapDiagram(model, action.diagramId, (els) =>
        els.map((e) => {
          if (e.kind === 'dataFlow' && action.handles && e.id in action.handles) {
            const handle = action.handles[e.id];
            const { path: _old, ...rest } = e;
            return handle ? { ...rest, path: { handle } } : rest;
          }
          const line = e.kind === 'trustBoundary' && e.shape === 'line' ? action.lines?.[e.id] : undefined;
          if (line) return { ...e, path: { source: line.source, target: line.target } };
          const rect = action.rects[e.id];
          return rect && e.kind !== 'dataFlow' && !(e.kind === 'trustBoundary' && e.shape === 'line')
            ? ({ ...e, position: rect } as Element)
            : e;
        }),
      );
    case 'resize':
      return mapElement(model, action.diagramId, action.id, (e) =>
        'position' in e ? ({ ...e, position: action.rect } as Element) : e,
      );
    case 'connect':
      return mapDiagram(model, action.diagramId, (els) => [
        ...els,
        {
          kind: 'dataFlow',
          id: action.id,
          typeId: action.typeId,
          name: action.name,
          source: action.source,
          target: action.target,
        },
      ]);
    case 'reconnect':
      // One end of a flow moved to another shape. A stored start or end point and port of that
      // end no longer mean anything there (the flow attaches to the new shape's outline); the bend
      // handle is kept. Onto the other end's shape, or onto a shape that is not there: no change.
      return mapElement(model, action.diagramId, action.id, (e) => {
        const other = action.end === 'source' ? 'target' : 'source';
        if (e.kind !== 'dataFlow' || e[action.end] === action.to || e[other] === action.to) return e;
        const there = model.diagrams
          .find((d) => d.id === action.diagramId)
          ?.elements.some(
            (x) =>
              x.id === action.to && (x.kind === 'process' || x.kind === 'dataStore' || x.kind === 'externalEntity'),
          );
        if (!there) return e;
        const next = { ...e, [action.end]: action.to };
        if (e.path) {
          const path = { ...e.path };
          delete path[action.end];
          delete path[action.end === 'source' ? 'sourcePort' : 'targetPort'];
          if (Object.keys(path).length > 0) next.path = path;
          else delete next.path;
        }
        return next;
      });
    case 'delete': {
      const gone = new Set(action.ids);
      // Deleting an element deletes the flows that join it.
      return mapDiagram(model, action.diagramId, (els) =>
        els.filter((e) => !gone.has(e.id) && !(e.kind === 'dataFlow' && (gone.has(e.source) || gone.has(e.target)))),
      );
    }
    case 'setField':
      return mapElement(model, action.diagramId, action.id, (e) => {
        const next = { ...e, [action.field]: action.value } as Record<string, unknown>;
        if (action.value === false || action.value === '') delete next[action.field];
        if (action.field === 'name' && action.value === '') next.name = '';
        return next as Element;
      });
    case 'setProperty':
      return mapElement(model, action.diagramId, action.id, (e) => ({
        ...e,
        properties: { ...(e.properties ?? {}), [action.key]: action.value },
      }));
    case 'triage':
      return {
        ...model,
        threats: (model.threats ?? []).map((t) => {
          if (t.id !== action.threatId) return t;
          const next: Threat = { ...t, changedBy: action.by, changedAt: action.at };
          if (action.status !== undefined) next.status = action.status;
          if (action.priority !== undefined) next.priority = action.priority;
          if (action.justification !== undefined) next.justification = action.justification;
          if (action.mitigations !== undefined) next.mitigations = action.mitigations;
          return next;
        }),
      };
    case 'triageMany': {
      const ids = new Set(action.threatIds);
      return {
        ...model,
        threats: (model.threats ?? []).map((t) =>
          ids.has(t.id) && t.status !== action.status
            ? { ...t, status: action.status, changedBy: action.by, changedAt: action.at }
            : t,
        ),
      };
    }
    case 'addThreat':
      return { ...model, threats: [...(model.threats ?? []), action.threat] };
    case 'editThreat':
      // Only a manual threat's texts are the user's: a generated one's come from the template.
      return {
        ...model,
        threats: (model.threats ?? []).map((t) =>
          t.id === action.threatId && t.origin === 'manual' && t[action.field] !== action.value
            ? { ...t, [action.field]: action.value, changedBy: action.by, changedAt: action.at }
            : t,
        ),
      };
    case 'setPath':
      return mapElement(model, action.diagramId, action.id, (e) => {
        if (e.kind !== 'dataFlow' && e.kind !== 'trustBoundary') return e;
        const next = { ...e, path: action.path };
        if (!action.path) delete next.path;
        return next as Element;
      });
    case 'addChildDiagram': {
      // One step: the new diagram and the element's link to it.
      const linked = mapElement(model, action.diagramId, action.elementId, (e) =>
        e.kind === 'process' || e.kind === 'dataStore' || e.kind === 'externalEntity'
          ? { ...e, childDiagramId: action.id }
          : e,
      );
      return { ...linked, diagrams: [...linked.diagrams, { id: action.id, name: action.name, elements: [] }] };
    }
    case 'unlinkChildDiagram':
      return mapElement(model, action.diagramId, action.elementId, (e) => {
        if (!('childDiagramId' in e)) return e;
        const { childDiagramId: _gone, ...rest } = e;
        return rest as Element;
      });
    case 'addItem':
    case 'changeItem':
    case 'removeItem':
    case 'editLines':
      return performListEdit(model, action);
    case 'setTemplate':
      return { ...model, template: action.template };
    case 'markReviewed':
      return markReviewed(model, action);
    case 'addDiagram':
      return { ...model, diagrams: [...model.diagrams, { id: action.id, name: action.name, elements: [] }] };
    case 'renameDiagram':
      return {
        ...model,
        diagrams: model.diagrams.map((d) => (d.id === action.diagramId ? { ...d, name: action.name } : d)),
      };
    case 'deleteDiagram':
      // The last diagram stays: a model always has one to draw on.
      if (model.diagrams.length <= 1) return model;
      // Elements that opened it as their detail diagram no longer point anywhere.
      return {
        ...model,
        diagrams: model.diagrams
          .filter((d) => d.id !== action.diagramId)
          .map((d) =>
            d.elements.some((e) => 'childDiagramId' in e && e.childDiagramId === action.diagramId)
              ? {
                  ...d,
                  elements: d.elements.map((e) => {
                    if (!('childDiagramId' in e) || e.childDiagramId !== action.diagramId) return e;
                    const { childDiagramId: _gone, ...rest } = e;
                    return rest as Element;
                  }),
                }
              : d,
          ),
      };
    case 'setMetadata': {
      const metadata: Record<string, unknown> = { ...model.metadata, [action.field]: action.value };
      if (action.value === '' && action.field !== 'name') delete metadata[action.field];
      return { ...model, metadata: metadata as ThreatModel['metadata'] };
    }
  }
}

/**
 * Records an interaction as reviewed (who and when), or takes that back; the list stays sorted by
 * interaction, and a model already in that state comes back unchanged (no undo step).
 */
function markReviewed(model: ThreatModel, action: Extract<Action, { type: 'markReviewed' }>): ThreatModel {
  const list = model.review?.reviewed ?? [];
  if (list.some((r) => r.interaction === action.interaction) === action.reviewed) return model;
  const reviewed = action.reviewed
    ? [...list, { interaction: action.interaction, by: action.by, at: action.at }].sort((a, b) =>
        a.interaction < b.interaction ? -1 : a.interaction > b.interaction ? 1 : 0,
      )
    : list.filter((r) => r.interaction !== action.interaction);
  const review: Review = { ...model.review, reviewed };
  if (reviewed.length === 0) delete review.reviewed;
  const next: ThreatModel = { ...model, review };
  if (Object.keys(review).length === 0) delete next.review;
  return next;
}

/** Undo/redo: the models before and after the current one. */
export interface History {
  past: ThreatModel[];
  present: ThreatModel;
  future: ThreatModel[];
}

const LIMIT = 200;

/** A history starting at `model`. */
export function startHistory(model: ThreatModel): History {
  return { past: [], present: model, future: [] };
}

/** Applies an action as a new step (clearing redo). */
export function record(history: History, action: Action): History {
  const next = perform(history.present, action);
  if (next === history.present) return history;
  return { past: [...history.past, history.present].slice(-LIMIT), present: next, future: [] };
}

/** Replaces the present without a new step (e.g. threats regenerated after an edit). */
export function amend(history: History, model: ThreatModel): History {
  return { ...history, present: model };
}

/** Steps back. */
export function undo(history: History): History {
  const previous = history.past[history.past.length - 1];
  if (!previous) return history;
  return { past: history.past.slice(0, -1), present: previous, future: [history.present, ...history.future] };
}

/** Steps forward. */
export function redo(history: History): History {
  const next = history.future[0];
  if (!next) return history;
  return { past: [...history.past, history.present], present: next, future: history.future.slice(1) };
}

/**
 * Copies of `elements` for pasting: new ids, moved by `offset`, flows kept only when both ends
 * are among the copies (and pointed at the copies), names unchanged.
 */
export function copyElements(
  elements: readonly Element[],
  newId: (old: string) => string,
  offset: { x: number; y: number },
): Element[] {
  const ids = new Map(elements.filter((e) => e.kind !== 'dataFlow').map((e) => [e.id, newId(e.id)]));
  const out: Element[] = [];
  for (const e of elements) {
    if (e.kind === 'dataFlow') {
      const source = ids.get(e.source);
      const target = ids.get(e.target);
      if (source && target) out.push({ ...structuredClone(e), id: newId(e.id), source, target });
      continue;
    }
    const copy = structuredClone(e);
    copy.id = ids.get(e.id) as string;
    if ('position' in copy && copy.position)
      copy.position = { ...copy.position, x: copy.position.x + offset.x, y: copy.position.y + offset.y };
    if (copy.kind === 'trustBoundary' && copy.shape === 'line' && copy.path) {
      const shift = <P extends { x: number; y: number } | undefined>(p: P): P =>
        (p ? { ...p, x: p.x + offset.x, y: p.y + offset.y } : p) as P;
      copy.path = {
        ...copy.path,
        source: shift(copy.path.source),
        target: shift(copy.path.target),
        handle: shift(copy.path.handle),
      };
    }
    out.push(copy);
  }
  return out;
}
