/**
 * Where a model stands with its sign-offs: each sign-off, and whether the model has changed
 * since it (its digest differs from the one signed). The reports and the editor word it the same.
 */
import { modelDigest, type SignOff, type ThreatModel } from '@bulwark/core';

/** One sign-off, and whether the model differs from what was signed. */
export interface SignOffRow {
  signOff: SignOff;
  changedSince: boolean;
}

/** The model's sign-offs, oldest first, and the last one. */
export interface SignOffState {
  rows: SignOffRow[];
  last?: SignOffRow;
}

/** Each sign-off compared with the model as it is (`digest` when the caller has worked it out). */
export function signOffState(model: ThreatModel, digest?: string): SignOffState {
  const signOffs = model.review?.signOffs ?? [];
  if (signOffs.length === 0) return { rows: [] };
  const now = digest ?? modelDigest(model);
  const rows = signOffs.map((signOff) => ({ signOff, changedSince: signOff.digest !== now }));
  return { rows, last: rows[rows.length - 1] };
}

/** The day of an ISO time (the time itself when it is not one). */
export const signOffDay = (at: string): string => (/^\d{4}-\d{2}-\d{2}/.test(at) ? at.slice(0, 10) : at);

/** Who signed off which version when, in words (plain text: the caller escapes it). */
export function signOffWords(s: SignOff): string {
  return `${s.by} on ${signOffDay(s.at)}${s.version !== undefined ? ` (version ${s.version})` : ''}`;
}

/** One line for a title page (plain text: the caller escapes it). */
export function signOffSummary(state: SignOffState): string {
  if (!state.last) return 'Not signed off';
  const words = signOffWords(state.last.signOff);
  return state.last.changedSince ? `Changed since the last sign-off, by ${words}` : `Signed off by ${words}`;
}
