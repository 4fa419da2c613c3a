/**
 * The one order every report lists threats in, and where a threat sits in words. Threats go by
 * interaction (source name, flow name, target name; a threat on one element sorts under that
 * element's name), then category, then id. Names compare by UTF-16 code units, never by locale,
 * so the same model gives the same bytes on every machine.
 */
import { displayName, type Element, oneLine, type Threat, type ThreatModel, type ThreatStatus } from '@bulwark/core';

/** Every element of a model by id, with the diagram it is on. */
export interface ElementIndex {
  element: Map<string, Element>;
  diagramName: Map<string, string>;
  /** Names as reports show them, filled in as they are asked for (see nameOf). */
  names: Map<string, string>;
}

/** Indexes the elements of every diagram. */
export function indexElements(model: ThreatModel): ElementIndex {
  const element = new Map<string, Element>();
  const diagramName = new Map<string, string>();
  for (const d of model.diagrams) {
    for (const e of d.elements) {
      if (element.has(e.id)) continue;
      element.set(e.id, e);
      diagramName.set(e.id, d.name);
    }
  }
  return { element, diagramName, names: new Map() };
}

/** A threat's place in words: names on one line (the id when the element is gone). */
export interface ThreatPlace {
  source?: string;
  flow?: string;
  target?: string;
  element?: string;
  /** "Source → Target (Flow)", the element's name, or "" for a threat on neither. */
  where: string;
  /** The ids of the elements it touches, source, flow and target or the one element. */
  elementIds: string[];
}

/** The name of an element as reports show it (one line, "(grouped)" added); worked out once per element. */
export function nameOf(index: ElementIndex, id: string): string {
  let name = index.names.get(id);
  if (name === undefined) {
    const el = index.element.get(id);
    name = el ? oneLine(displayName(el)) : id;
    index.names.set(id, name);
  }
  return name;
}

/** Where a threat sits, in words. */
export function threatPlace(t: Threat, index: ElementIndex): ThreatPlace {
  if (t.interaction) {
    const { sourceId, flowId, targetId } = t.interaction;
    const source = nameOf(index, sourceId);
    const flow = nameOf(index, flowId);
    const target = nameOf(index, targetId);
    return { source, flow, target, where: `${source} → ${target} (${flow})`, elementIds: [sourceId, flowId, targetId] };
  }
  if (t.elementId !== undefined) {
    const element = nameOf(index, t.elementId);
    return { element, where: element, elementIds: [t.elementId] };
  }
  return { where: '', elementIds: [] };
}

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** The sort key of a threat's place: [source or element, flow, target]; no place sorts last. */
function placeKey(p: ThreatPlace): [string, string, string] {
  if (p.source !== undefined) return [p.source, p.flow ?? '', p.target ?? ''];
  if (p.element !== undefined) return [p.element, '', ''];
  return ['\uffff', '', ''];
}

/** A group of threats on the same interaction (or element), in report order. */
export interface ThreatGroup {
  /** "Source → Target (Flow)", the element's name, or "" for threats on neither. */
  where: string;
  place: ThreatPlace;
  threats: Threat[];
}

/**
 * The model's threats in report order, grouped by interaction (or element). A group's key is
 * its ids, so two flows with the same names stay apart.
 */
export function groupThreats(model: ThreatModel, index = indexElements(model)): ThreatGroup[] {
  // Threats are gathered by place first, then the places are sorted, then each place's threats:
  // the same order as sorting every threat, with far fewer comparisons on a large model. Places
  // are found by flow, then source and target (ids the threats already hold, no key strings built).
  type Place = { group: ThreatGroup; key: [string, string, string]; ids: string; sourceId?: string; targetId?: string };
  const byFlow = new Map<string, Place[]>();
  const byElement = new Map<string, Place>();
  const found: Place[] = [];
  const place = (t: Threat, ids: string): Place => {
    const p = threatPlace(t, index);
    const made: Place = {
      group: { where: p.where, place: p, threats: [] },
      key: placeKey(p),
      ids,
      ...(t.interaction ? { sourceId: t.interaction.sourceId, targetId: t.interaction.targetId } : {}),
    };
    found.push(made);
    return made;
  };
  for (const t of model.threats ?? []) {
    const i = t.interaction;
    let at: Place | undefined;
    if (i) {
      // A flow has one place per direction (two when bi-directional): a short list to look through.
      let onFlow = byFlow.get(i.flowId);
      if (!onFlow) {
        onFlow = [];
        byFlow.set(i.flowId, onFlow);
      }
      at = onFlow.find((p) => p.sourceId === i.sourceId && p.targetId === i.targetId);
      if (!at) {
        at = place(t, `${i.sourceId}\u0000${i.flowId}\u0000${i.targetId}`);
        onFlow.push(at);
      }
    } else {
      const id = t.elementId ?? '';
      at = byElement.get(id);
      if (!at) {
        at = place(t, id);
        byElement.set(id, at);
      }
    }
    at.group.threats.push(t);
  }
  const places = found.sort(
    (a, b) => cmp(a.key[0], b.key[0]) || cmp(a.key[1], b.key[1]) || cmp(a.key[2], b.key[2]) || cmp(a.ids, b.ids),
  );
  for (const { group } of places) group.threats.sort((a, b) => cmp(a.category, b.category) || cmp(a.id, b.id));
  return places.map((p) => p.group);
}

/** The model's threats in report order (see groupThreats). */
export function orderedThreats(model: ThreatModel, index = indexElements(model)): Threat[] {
  return groupThreats(model, index).flatMap((g) => g.threats);
}

/** Triage states as people read them. */
export const STATUS_LABELS: Record<ThreatStatus, string> = {
  'not-started': 'Not started',
  'needs-investigation': 'Needs investigation',
  'not-applicable': 'Not applicable',
  mitigated: 'Mitigated',
};

/** The name of a threat category in a template (its id when the template does not know it). */
export function categoryNames(categories: readonly { id: string; name: string }[]): (id: string) => string {
  const names = new Map(categories.map((c) => [c.id, c.name]));
  return (id) => names.get(id) ?? id;
}
