/** A sign-off the server stored, taken into the editor's undo history. */
import type { SignOff, ThreatModel } from '@bulwark/core';
import type { History } from '../editor/actions/actions.js';

/** The model with the sign-off appended to its review. */
export function addSignOff(model: ThreatModel, s: SignOff): ThreatModel {
  return { ...model, review: { ...model.review, signOffs: [...(model.review?.signOffs ?? []), s] } };
}

/** Every step of the undo history with the sign-off added, so no undo or redo takes it away again. */
export function withSignOff(history: History, s: SignOff): History {
  const add = (m: ThreatModel): ThreatModel => addSignOff(m, s);
  return { past: history.past.map(add), present: add(history.present), future: history.future.map(add) };
}
