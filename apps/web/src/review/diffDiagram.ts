/**
 * The diff of two versions as the diagram shows it: one diagram holding the newer version's
 * elements and, as ghosts, those the older one had and the newer lost, each marked added, removed
 * or changed; and a diff's field changes in words.
 */
import type { Diagram, Element, FieldChange, ModelDiff, ThreatModel } from '@bulwark/core';

/** How an element differs between the two versions. */
export type DiffMark = 'added' | 'removed' | 'changed';

/** A diagram to draw for a diff, and the mark of every element that differs. */
export interface DiffDrawing {
  diagram: Diagram;
  marks: Map<string, DiffMark>;
}

/**
 * Diagram `diagramId` as it is in `to`, with the elements `from` had there and `to` lost drawn
 * back in (boundaries behind the rest; a flow only when both its ends are drawn).
 */
export function diffDiagram(from: ThreatModel, to: ThreatModel, diff: ModelDiff, diagramId: string): DiffDrawing {
  const before = from.diagrams.find((d) => d.id === diagramId);
  const after = to.diagrams.find((d) => d.id === diagramId);
  const marks = new Map<string, DiffMark>();
  const removed = new Set(diff.elements.removed.map((e) => e.id));
  const ghosts = (before?.elements ?? []).filter((e) => removed.has(e.id) || !after);
  for (const e of ghosts) marks.set(e.id, 'removed');
  for (const e of diff.elements.added) marks.set(e.id, 'added');
  for (const e of diff.elements.changed) if (!marks.has(e.id)) marks.set(e.id, 'changed');
  const current = after?.elements ?? [];
  const behind = (e: Element) => e.kind === 'trustBoundary';
  const drawn = [...ghosts.filter(behind), ...current, ...ghosts.filter((e) => !behind(e))];
  const ids = new Set(drawn.map((e) => e.id));
  const elements = drawn.filter((e) => e.kind !== 'dataFlow' || (ids.has(e.source) && ids.has(e.target)));
  const base = after ?? before ?? { id: diagramId, name: diagramId, elements: [] };
  return { diagram: { ...base, elements }, marks: new Map([...marks].filter(([id]) => ids.has(id))) };
}

/** Every diagram of either version (newer first, then those only the older had), with how many of its elements differ. */
export function diffDiagramList(
  from: ThreatModel,
  to: ThreatModel,
  diff: ModelDiff,
): { id: string; name: string; changes: number }[] {
  const all = [...to.diagrams, ...from.diagrams.filter((d) => !to.diagrams.some((x) => x.id === d.id))];
  return all.map((d) => ({ id: d.id, name: d.name, changes: diffDiagram(from, to, diff, d.id).marks.size }));
}

const FIELD_WORDS: Record<string, string> = {
  name: 'name',
  typeId: 'type',
  position: 'position or size',
  path: 'path',
  outOfScope: 'out of scope',
  outOfScopeReason: 'reason out of scope',
  bidirectional: 'both ways',
  grouped: 'grouped',
  childDiagramId: 'detail diagram',
  diagram: 'diagram',
  source: 'source',
  target: 'target',
  boundaryId: 'boundary',
  status: 'status',
  priority: 'priority',
  justification: 'justification',
  mitigations: 'mitigations',
  title: 'title',
  category: 'category',
  orphaned: 'no longer applies',
};

/** A value as a diff shows it: short texts quoted, nothing as "none", shapes and lists in a word. */
export function shownValue(value: unknown): string {
  if (value === undefined || value === null || value === '') return 'none';
  if (typeof value === 'string') return `“${value.length > 60 ? `${value.slice(0, 57)}…` : value}”`;
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (typeof value === 'number') return String(value);
  return Array.isArray(value) ? `${value.length} item${value.length === 1 ? '' : 's'}` : 'changed';
}

/**
 * One line per field that changed: "name: “Web” → “Web app”"; properties one line each
 * ("property protocol: “HTTP” → “HTTPS”"); places ("position or size") without their numbers.
 */
export function describeFieldChanges(
  changes: readonly FieldChange[],
  words?: (field: string, value: unknown) => string,
): string[] {
  const lines: string[] = [];
  for (const c of changes) {
    if (c.field === 'properties') {
      const a = (c.from ?? {}) as Record<string, unknown>;
      const b = (c.to ?? {}) as Record<string, unknown>;
      for (const key of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort())
        if (JSON.stringify(a[key]) !== JSON.stringify(b[key]))
          lines.push(`property ${key}: ${shownValue(a[key])} → ${shownValue(b[key])}`);
      continue;
    }
    const name = FIELD_WORDS[c.field] ?? c.field;
    if (c.field === 'position' || c.field === 'path') lines.push(`${name} changed`);
    else {
      const say = (v: unknown) => (words ? words(c.field, v) : shownValue(v));
      lines.push(`${name}: ${say(c.from)} → ${say(c.to)}`);
    }
  }
  return lines;
}
