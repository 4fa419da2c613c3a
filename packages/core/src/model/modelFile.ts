/**
 * Reading and writing the native model file. Parsing migrates old versions and validates with
 * the schema; serialization is deterministic (schema key order, sorted property maps, threats
 * sorted by id, 2-space JSON) so that a git diff of a model reads well.
 */

import { compareThreats } from '../engine/mergeThreats.js';
import { err, ok, type Result } from '../errors.js';
import { migrate } from '../migrations/index.js';
import { schemaError } from '../schemaErrors.js';
import { type ThreatModel, ThreatModelSchema } from './ThreatModelSchema.js';

/** Validates (after migrating) a parsed document as a threat model. */
export function parseModel(input: unknown, file?: string): Result<ThreatModel> {
  const migrated = migrate(input);
  if (!migrated.ok) return err({ ...migrated.error, ...(file !== undefined ? { file } : {}) });
  const parsed = ThreatModelSchema.safeParse(migrated.value);
  if (!parsed.success) return err(schemaError(parsed.error, 'Bulwark model', file !== undefined ? { file } : {}));
  return ok(parsed.data);
}

function sortedRecord<T>(record: Record<string, T>): Record<string, T> {
  const out: Record<string, T> = {};
  for (const key of Object.keys(record).sort()) out[key] = record[key] as T;
  return out;
}

/** The canonical form of a model: schema key order, sorted maps, threats by id. */
export function canonicalModel(model: ThreatModel): ThreatModel {
  const parsed = ThreatModelSchema.parse(model);
  for (const diagram of parsed.diagrams) {
    for (const el of diagram.elements) if (el.properties) el.properties = sortedRecord(el.properties);
  }
  if (parsed.threats) {
    parsed.threats.sort(compareThreats);
    for (const t of parsed.threats) if (t.properties) t.properties = sortedRecord(t.properties);
  }
  return parsed;
}

/** Serializes a model as canonical 2-space JSON with a final newline. */
export function serializeModel(model: ThreatModel): string {
  return `${JSON.stringify(canonicalModel(model), null, 2)}\n`;
}
