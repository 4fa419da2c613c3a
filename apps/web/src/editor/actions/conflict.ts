/**
 * Lost-update handling: when someone else saved the model first, say what they changed and
 * re-apply this tab's unsaved edits (the actions since its last save) on top of their version.
 */
import { analyze, diffModels, type ResolvedTemplate, type ThreatModel } from '@bulwark/core';
import { type Action, perform } from './actions.js';

/** The edits that change what threats apply. */
export const REANALYZE = new Set<Action['type']>([
  'add',
  'paste',
  'layout',
  'move',
  'resize',
  'connect',
  'reconnect',
  'delete',
  'setField',
  'setProperty',
  'deleteDiagram',
  'setTemplate',
]);

/** Their version with my actions performed on it, threats brought up to date. */
export function replay(theirs: ThreatModel, actions: readonly Action[], template?: ResolvedTemplate): ThreatModel {
  let model = theirs;
  for (const action of actions) model = perform(model, action);
  return template && actions.some((a) => REANALYZE.has(a.type)) ? analyze(model, template).model : model;
}

/** What they changed between the version this tab started from and theirs, in a few lines. */
export function describeChanges(base: ThreatModel, theirs: ThreatModel): string[] {
  const d = diffModels(base, theirs);
  const lines: string[] = [];
  const names = (items: { name: string }[]) =>
    items
      .slice(0, 5)
      .map((i) => `“${i.name}”`)
      .join(', ') + (items.length > 5 ? ` and ${items.length - 5} more` : '');
  if (d.metadata.length > 0) lines.push(`Changed the model's ${d.metadata.map((c) => c.field).join(', ')}.`);
  if (d.diagrams.added.length > 0) lines.push(`Added diagrams ${names(d.diagrams.added)}.`);
  if (d.diagrams.removed.length > 0) lines.push(`Deleted diagrams ${names(d.diagrams.removed)}.`);
  if (d.elements.added.length > 0) lines.push(`Added ${names(d.elements.added)}.`);
  if (d.elements.removed.length > 0) lines.push(`Deleted ${names(d.elements.removed)}.`);
  if (d.elements.changed.length > 0) lines.push(`Changed ${names(d.elements.changed)}.`);
  const triaged = d.threats.changed.length;
  if (triaged > 0) lines.push(`Triaged ${triaged} threat${triaged === 1 ? '' : 's'}.`);
  const manual = d.threats.added.filter((t) => t.origin === 'manual').length;
  if (manual > 0) lines.push(`Added ${manual} threat${manual === 1 ? '' : 's'} by hand.`);
  return lines.length > 0 ? lines : ['Nothing that shows on the diagram or the threats.'];
}
