/**
 * What each role may change in a model, on the meaning of the change (core's changeKinds), in
 * one table: a whole-model PUT is checked against it, whatever else the body holds. Sign-offs
 * are nobody's to write through a PUT (POST /signoff writes them); the server also sets every
 * field that records who did what (core's recordAuthorship) before the check.
 */
import type { ChangeKind } from '@bulwark/core';
import type { Role } from './storage/UserStore.js';

const EDITING: ChangeKind[] = ['design', 'crossings', 'layout', 'threats', 'triage', 'review-progress'];

/**
 * The kinds of change each role may make. A reviewer runs the review meeting: triage, review
 * progress and moving shapes where no crossing changes; the threats may change only to what the
 * template generates for the model (threats follow the diagram: checked by the route).
 */
export const MAY_CHANGE: Record<Role, ReadonlySet<ChangeKind>> = {
  viewer: new Set(),
  reviewer: new Set(['layout', 'triage', 'review-progress', 'threats']),
  editor: new Set(EDITING),
  owner: new Set(EDITING),
};

const WHAT: Record<ChangeKind, string> = {
  design: 'changing the diagrams or the model details',
  crossings: 'moving shapes so that a flow crosses other trust boundaries',
  layout: 'moving shapes',
  threats: 'adding or removing threats',
  triage: 'triaging threats',
  'review-progress': 'recording review progress',
  'sign-offs': 'signing off (POST /api/models/{id}/signoff does)',
};

/** Why `role` may not make these changes, or undefined when it may. */
export function changeRefusal(role: Role, kinds: ReadonlySet<ChangeKind>): string | undefined {
  const refused = [...kinds].filter((k) => !MAY_CHANGE[role].has(k));
  if (refused.length === 0) return undefined;
  const may = [...MAY_CHANGE[role]].map((k) => WHAT[k]);
  const needs = refused.every((k) => MAY_CHANGE.editor.has(k)) ? '; that needs an editor' : '';
  return `As ${role === 'owner' || role === 'editor' ? 'an' : 'a'} ${role} you ${may.length > 0 ? `can do ${may.join(', ')}, not ${refused.map((k) => WHAT[k]).join(', ')}` : 'cannot change this model'}${needs}.`;
}
