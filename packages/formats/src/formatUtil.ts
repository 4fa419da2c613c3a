/**
 * Small helpers the JSON-based format files share (OTM, TM-BOM, Threat Composer): reading untyped parsed data
 * safely, without a schema library.
 */

/** A parsed JSON (or YAML) object whose fields are not known yet. */
export type Json = Record<string, unknown>;

/** The kinds of element a format's node becomes. */
export type NodeKind = 'process' | 'dataStore' | 'externalEntity';

/** Whether a parsed value is an object (not null, not an array). */
export function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A parsed value as a list (empty when it is not one). */
export function list(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

/** The objects in a parsed list (other entries skipped). */
export function objects(v: unknown): Json[] {
  return list(v).filter(isObject);
}

/** JSON text as a value, or undefined when it is not JSON (for detection and for kept JSON fields). */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
