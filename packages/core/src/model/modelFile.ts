/**
 * Reading and writing the native model file. Parsing migrates old versions and validates with
 * the schema; serialization is deterministic (schema key order, sorted property maps, threats
 * sorted by id, 2-space JSON) so that a git diff of a model reads well.
 */

import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import { compareThreats } from '../engine/mergeThreats.js';
import { err, ok, type Result } from '../errors.js';
import { migrate } from '../migrations/index.js';
import { schemaError } from '../schemaErrors.js';
import {
  AnnotationSchema,
  AssetSchema,
  DataFlowSchema,
  DataStoreSchema,
  DiagramSchema,
  ExternalEntitySchema,
  InteractionRefSchema,
  MetadataSchema,
  NoteSchema,
  PathSchema,
  PointSchema,
  ProcessSchema,
  RectSchema,
  ReviewedInteractionSchema,
  ReviewSchema,
  SignOffSchema,
  TemplateRefSchema,
  type Threat,
  type ThreatModel,
  ThreatModelSchema,
  ThreatSchema,
  TrustBoundarySchema,
} from './ThreatModelSchema.js';

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

type Shape = Record<string, unknown>;
type Obj = Record<string, unknown>;

/** Copies the keys the schema knows, in the schema's order, dropping undefined ones. */
function pick(value: Obj, shape: Shape, each?: (key: string, v: unknown) => unknown): Obj {
  const out: Obj = {};
  for (const key of Object.keys(shape)) {
    const v = value[key];
    if (v !== undefined) out[key] = each ? each(key, v) : v;
  }
  return out;
}

const ELEMENT_SHAPES: Record<string, Shape> = {
  process: ProcessSchema.shape,
  dataStore: DataStoreSchema.shape,
  externalEntity: ExternalEntitySchema.shape,
  dataFlow: DataFlowSchema.shape,
  trustBoundary: TrustBoundarySchema.shape,
  annotation: AnnotationSchema.shape,
};

function canonicalElement(el: Obj): Obj {
  const shape = ELEMENT_SHAPES[String(el.kind)] ?? {};
  return pick(el, shape, (key, v) => {
    if (key === 'properties') return sortedRecord(v as Obj);
    if (key === 'position') return pick(v as Obj, RectSchema.shape);
    if (key === 'path') {
      return pick(v as Obj, PathSchema.shape, (_k, p) =>
        typeof p === 'object' && p !== null ? pick(p as Obj, PointSchema.shape) : p,
      );
    }
    return v;
  });
}

function canonicalThreat(t: Obj): Obj {
  return pick(t, ThreatSchema.shape, (key, v) => {
    if (key === 'interaction') return pick(v as Obj, InteractionRefSchema.shape);
    if (key === 'properties') return sortedRecord(v as Obj);
    return v;
  });
}

/**
 * The canonical form of a valid model: schema key order (unknown keys dropped), sorted property
 * maps, threats sorted by id. It does not validate: parse untrusted input with parseModel first.
 */
export function canonicalModel(model: ThreatModel): ThreatModel {
  const m = model as unknown as Obj;
  return pick(m, ThreatModelSchema.shape, (key, v) => {
    switch (key) {
      case 'metadata':
        return pick(v as Obj, MetadataSchema.shape);
      case 'template':
        return pick(v as Obj, TemplateRefSchema.shape);
      case 'assets':
        return (v as Obj[]).map((a) => pick(a, AssetSchema.shape));
      case 'notes':
        return (v as Obj[]).map((n) => pick(n, NoteSchema.shape));
      case 'diagrams':
        return (v as Obj[]).map((d) =>
          pick(d, DiagramSchema.shape, (k, x) => (k === 'elements' ? (x as Obj[]).map(canonicalElement) : x)),
        );
      case 'threats':
        return (v as Threat[])
          .slice()
          .sort(compareThreats)
          .map((t) => canonicalThreat(t as unknown as Obj));
      case 'review':
        return pick(v as Obj, ReviewSchema.shape, (k, x) =>
          k === 'reviewed'
            ? (x as Obj[])
                .map((r) => pick(r, ReviewedInteractionSchema.shape))
                .sort((a, b) =>
                  String(a.interaction) < String(b.interaction) ? -1 : a.interaction === b.interaction ? 0 : 1,
                )
            : (x as Obj[]).map((o) => pick(o, SignOffSchema.shape)),
        );
      default:
        return v;
    }
  }) as unknown as ThreatModel;
}

/** Serializes a model as canonical 2-space JSON with a final newline. */
export function serializeModel(model: ThreatModel): string {
  return `${JSON.stringify(canonicalModel(model), null, 2)}\n`;
}

/**
 * The SHA-256 of a model's canonical JSON without its review section (hex): what a sign-off
 * records. Any change a reviewer would see (diagram, properties, threats and their triage,
 * metadata) changes it; marking interactions reviewed or signing off does not.
 */
export function modelDigest(model: ThreatModel): string {
  const { review: _review, ...rest } = canonicalModel(model);
  return bytesToHex(sha256(utf8ToBytes(JSON.stringify(rest))));
}
