/**
 * Numbered, pure, forward-only migrations of the model file. Each is one file
 * `NNNN-<what>.ts` exporting a Migration whose `version` is the schema version it produces;
 * `up` must not change its input. Version 1 is the first format, so the list starts empty:
 * the first change to the file format adds `0002-<what>.ts` here and bumps SCHEMA_VERSION.
 */
import { bulwarkError, err, ok, type Result } from '../errors.js';
import { SCHEMA_VERSION } from '../model/ThreatModelSchema.js';

/** One step from version `version - 1` to `version`. */
export interface Migration {
  version: number;
  description: string;
  up: (doc: Readonly<Record<string, unknown>>) => Record<string, unknown>;
}

/** Every migration, in order. */
export const MIGRATIONS: readonly Migration[] = [];

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Brings a parsed document up to `target` (default: this code's SCHEMA_VERSION) by running the
 * migrations after its own version. Refuses documents newer than `target`.
 */
export function migrate(
  doc: unknown,
  migrations: readonly Migration[] = MIGRATIONS,
  target: number = SCHEMA_VERSION,
): Result<Record<string, unknown>> {
  if (!isObject(doc))
    return err(
      bulwarkError('SCHEMA_INVALID', 'A model file must contain an object at the top level.', { path: '(root)' }),
    );
  const version = doc.schemaVersion;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) {
    return err(
      bulwarkError(
        'SCHEMA_INVALID',
        `"schemaVersion" must be a whole number from 1 to ${target}; add "schemaVersion": ${target} to new models.`,
        { path: 'schemaVersion' },
      ),
    );
  }
  if (version > target) {
    return err(
      bulwarkError(
        'SCHEMA_VERSION_UNSUPPORTED',
        `This file has schema version ${version}, newer than this Bulwark reads (${target}). Upgrade Bulwark to open it.`,
        { path: 'schemaVersion' },
      ),
    );
  }
  let current: Record<string, unknown> = doc;
  for (const m of migrations) {
    if (m.version <= version || m.version > target) continue;
    try {
      current = { ...m.up(current), schemaVersion: m.version };
    } catch (e) {
      return err(
        bulwarkError(
          'MIGRATION_FAILED',
          `Migration to version ${m.version} (${m.description}) failed: ${e instanceof Error ? e.message : String(e)}.`,
        ),
      );
    }
  }
  return ok(current);
}
