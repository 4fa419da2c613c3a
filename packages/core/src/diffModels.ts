/**
 * The difference between two versions of a model: diagrams and elements added, removed or
 * changed (and which fields), threats new, removed or changed (status, priority, ...).
 */

import { jsonEqual } from './jsonEqual.js';
import type { Element, Threat, ThreatModel } from './model/ThreatModelSchema.js';

/** A field that differs, with both values. */
export interface FieldChange {
  field: string;
  from: unknown;
  to: unknown;
}

/** An element or diagram that exists in both versions but differs. */
export interface ChangedItem {
  id: string;
  name: string;
  kind: string;
  changes: FieldChange[];
}

/** An element or diagram present in only one version. */
export interface Item {
  id: string;
  name: string;
  kind: string;
  diagramId?: string;
}

/** Everything that differs between two versions of a model. */
export interface ModelDiff {
  metadata: FieldChange[];
  diagrams: { added: Item[]; removed: Item[]; changed: ChangedItem[] };
  elements: { added: Item[]; removed: Item[]; changed: ChangedItem[] };
  threats: { added: Threat[]; removed: Threat[]; changed: { id: string; title: string; changes: FieldChange[] }[] };
}

/** The threat fields that triage changes; a diff reports these. */
export const THREAT_DIFF_FIELDS = [
  'status',
  'priority',
  'justification',
  'mitigations',
  'title',
  'category',
  'orphaned',
] as const;

function fieldChanges(
  a: Record<string, unknown>,
  b: Record<string, unknown>,
  fields?: readonly string[],
): FieldChange[] {
  const keys = fields ?? [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
  const out: FieldChange[] = [];
  for (const field of keys) {
    if (!jsonEqual(a[field], b[field])) out.push({ field, from: a[field], to: b[field] });
  }
  return out;
}

function elementsById(model: ThreatModel): Map<string, { el: Element; diagramId: string }> {
  const map = new Map<string, { el: Element; diagramId: string }>();
  for (const d of model.diagrams) for (const el of d.elements) map.set(el.id, { el, diagramId: d.id });
  return map;
}

/** Compares two versions of a model (`before` -> `after`). */
export function diffModels(before: ThreatModel, after: ThreatModel): ModelDiff {
  const diff: ModelDiff = {
    metadata: fieldChanges(before.metadata, after.metadata),
    diagrams: { added: [], removed: [], changed: [] },
    elements: { added: [], removed: [], changed: [] },
    threats: { added: [], removed: [], changed: [] },
  };

  const dA = new Map(before.diagrams.map((d) => [d.id, d]));
  const dB = new Map(after.diagrams.map((d) => [d.id, d]));
  for (const [id, d] of dB) {
    const old = dA.get(id);
    if (!old) diff.diagrams.added.push({ id, name: d.name, kind: 'diagram' });
    else {
      const changes = fieldChanges({ name: old.name, zoom: old.zoom }, { name: d.name, zoom: d.zoom });
      if (changes.length > 0) diff.diagrams.changed.push({ id, name: d.name, kind: 'diagram', changes });
    }
  }
  for (const [id, d] of dA) if (!dB.has(id)) diff.diagrams.removed.push({ id, name: d.name, kind: 'diagram' });

  const eA = elementsById(before);
  const eB = elementsById(after);
  for (const [id, { el, diagramId }] of eB) {
    const old = eA.get(id);
    if (!old) {
      diff.elements.added.push({ id, name: el.name, kind: el.kind, diagramId });
      continue;
    }
    const changes = fieldChanges(old.el as Record<string, unknown>, el as Record<string, unknown>);
    if (old.diagramId !== diagramId) changes.push({ field: 'diagram', from: old.diagramId, to: diagramId });
    if (changes.length > 0) diff.elements.changed.push({ id, name: el.name, kind: el.kind, changes });
  }
  for (const [id, { el, diagramId }] of eA)
    if (!eB.has(id)) diff.elements.removed.push({ id, name: el.name, kind: el.kind, diagramId });

  const tA = new Map((before.threats ?? []).map((t) => [t.id, t]));
  const tB = new Map((after.threats ?? []).map((t) => [t.id, t]));
  for (const [id, t] of tB) {
    const old = tA.get(id);
    if (!old) diff.threats.added.push(t);
    else {
      const changes = fieldChanges(old as Record<string, unknown>, t as Record<string, unknown>, THREAT_DIFF_FIELDS);
      if (changes.length > 0) diff.threats.changed.push({ id, title: t.title, changes });
    }
  }
  for (const [id, t] of tA) if (!tB.has(id)) diff.threats.removed.push(t);
  return diff;
}

/** True when the two versions do not differ at all in what a diff reports. */
export function isEmptyDiff(diff: ModelDiff): boolean {
  return (
    diff.metadata.length === 0 &&
    Object.values(diff.diagrams).every((l) => l.length === 0) &&
    Object.values(diff.elements).every((l) => l.length === 0) &&
    Object.values(diff.threats).every((l) => l.length === 0)
  );
}
