/**
 * The model with its threats as JSON: exactly the native model file (core's deterministic
 * `serializeModel`: schema key order, threats sorted by id), so `bulwark validate` and every
 * other Bulwark tool read a JSON report back as a model. Counts are left to the other formats.
 */
import { serializeModel, type ThreatModel } from '@bulwark/core';

/** The model as its canonical JSON file, threats included. */
export function renderJson(model: ThreatModel): string {
  return serializeModel(model);
}
