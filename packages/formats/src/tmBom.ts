/**
 * OWASP TM-BOM, the Threat Model Library's format, in its two forms:
 * - the library's own JSON (schema v1.0.2: trust zones, actors, components, data stores, data
 *   sets, data flows, threats, controls, risks), `exportTmBom`, written as `.tmbom.json`;
 * - its CycloneDX 1.6 wrapping, `exportTmBomCycloneDx`, written as `.cdx.json`. It holds the
 *   diagram only (no threats), so it is the second choice.
 * Zones become box boundaries with `boundaryId` membership (no positions, so Bulwark lays the
 * diagram out), except where the CycloneDX shapes give them. What Bulwark has no field for
 * (scope, personas, controls, risks, trust boundaries between zones ...) is kept in a note and
 * under `tmbom:` properties, so writing what was read gives the same content back.
 *
 * The CycloneDX wrapping, as written (valid CycloneDX 1.6 by the CycloneDX library's validator,
 * strict, tested over every model that reads): `metadata.component` is the modelled system
 * (`application`), `metadata.lifecycles` says `design`, and each diagram is a top-level
 * component holding its elements (and, in the first, the assets) as nested components. Every
 * one of these parts has the component type `data`: CycloneDX 1.6 and 1.7 have no threat-model
 * type (Threat Dragon's samples write `threat-model`, which the schema refuses), and CycloneDX
 * suggests carrying a threat model inline as a data component (specification issue 462). What
 * each part is comes from the TM-BOM property vocabulary Threat Dragon uses, `cdx:model:type`
 * (`diagram`, `actor`, `process`, `server`, `lambda`, `datastore`, `boundary`, `dataflow`,
 * `asset`) with `cdx:model:dataflow:*`, `cdx:model:inBoundary`, `cdx:model:shape:*` and
 * `cdx:model:risk:*`; these names are not in CycloneDX's property taxonomy, kept so that Threat
 * Dragon's files and Bulwark's share one vocabulary. An asset also carries a CycloneDX `data`
 * entry (`dataset`) with its classification, which reads back exactly. The reader takes both
 * forms: a diagram is a top-level component holding nested ones, typed `threat-model` (older
 * files) or marked `cdx:model:type` `diagram` (these); the parts' own component type is not read.
 */
import {
  type Asset,
  bulwarkError,
  type Element,
  err,
  ok,
  type PropertyValue,
  parseModel,
  type Result,
  type Threat,
  type ThreatModel,
  type ThreatStatus,
} from '@bulwark/core';
import type { FormatOutput, ModelFormat, ModelImport } from './format.js';
import { isObject, type Json, type NodeKind, objects, parseJson } from './formatUtil.js';

/** The schema the library JSON names in `$schema`. */
export const TM_BOM_SCHEMA =
  'https://github.com/OWASP/www-project-threat-model-library/blob/v1.0.2/threat-model.schema.json';
const EXTRAS_NOTE = 'tm-bom';
const EXTRAS_LEAD = 'OWASP TM-BOM data Bulwark has no field for, kept for export: ';

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/** Is this text a TM-BOM: the library JSON (by its `$schema` or sections) or a CycloneDX threat model? */
export function looksLikeTmBom(text: string): boolean {
  const head = text.slice(0, 5000);
  if (/www-project-threat-model-library/.test(head)) return true;
  if (/"bomFormat"\s*:\s*"CycloneDX"/.test(head))
    return /"type"\s*:\s*"threat-model"/.test(text) || /"name"\s*:\s*"cdx:model:type"/.test(text);
  return /"trust_zones"\s*:/.test(text) && /"data_flows"\s*:/.test(text) && /"scope"\s*:/.test(text);
}

// ---- mappings ------------------------------------------------------------------------------

const ACTOR_TYPES: Record<string, string> = {
  user: 'human-user',
  power_user: 'human-user',
  administrator: 'admin-user',
  engineer: 'admin-user',
  third_party: 'third-party-api',
  system: 'GE.EI',
};
const STORE_TYPES: Record<string, string> = {
  sql: 'sql-database',
  key_value: 'nosql-database',
  document: 'nosql-database',
  graph: 'nosql-database',
  time_series: 'nosql-database',
  object: 'object-storage',
};
/** The library's collection and typed reference of each kind of node. */
const SECTION: Record<NodeKind, { list: string; type: string }> = {
  externalEntity: { list: 'actors', type: 'actor' },
  process: { list: 'components', type: 'component' },
  dataStore: { list: 'data_stores', type: 'data_store' },
};
const SENSITIVE = ['cred', 'pci', 'phi', 'fin'];
const DONE: ReadonlySet<string> = new Set(['assumed', 'active']);
const PLANNED: ReadonlySet<string> = new Set(['suggested', 'under_review', 'approved', 'scheduled']);
const PRIORITY_BY_IMPACT: Record<string, string> = {
  severe: 'High',
  major: 'High',
  moderate: 'Medium',
  minor: 'Low',
  negligible: 'Low',
};

function classification(sensitivity: unknown): string {
  const s = Array.isArray(sensitivity) ? sensitivity : [];
  if (s.some((x) => SENSITIVE.includes(String(x)))) return 'restricted';
  if (s.includes('pii')) return 'confidential';
  return s.length > 0 ? 'internal' : 'public';
}

// ---- import: the library JSON ----------------------------------------------------------------

function invalid(file: string, path: string, what: string): Result<never> {
  return err(
    bulwarkError('SCHEMA_INVALID', `Not a valid TM-BOM file: ${what}. Correct it and import again.`, { file, path }),
  );
}

function checkLibrary(data: Json, file: string): Result<Json> {
  for (const key of ['trust_zones', 'actors', 'components', 'data_stores', 'data_sets', 'data_flows', 'threats']) {
    const v = data[key];
    if (v !== undefined && !Array.isArray(v)) return invalid(file, key, `${key} must be a list`);
    for (const [i, item] of objects(v).entries())
      if (key !== 'assumptions' && str(item.symbolic_name) === undefined)
        return invalid(file, `${key}[${i}]`, `every entry of ${key} needs a symbolic_name`);
  }
  if (!isObject(data.scope) && data.scope !== undefined) return invalid(file, 'scope', 'scope must be an object');
  return ok(data);
}

/** Threat status from the controls that address a threat: in place, planned, or none. */
function statusFrom(controls: Json[]): ThreatStatus {
  const states = controls.map((c) => str(c.status) ?? '');
  if (states.some((s) => DONE.has(s))) return 'mitigated';
  if (states.some((s) => PLANNED.has(s))) return 'needs-investigation';
  return 'not-started';
}

function importLibrary(bom: Json, file: string): Result<ModelImport> {
  const warnings: string[] = [];
  const scope = isObject(bom.scope) ? bom.scope : {};
  const elements: Element[] = [];
  const zones = new Set(objects(bom.trust_zones).map((z) => str(z.symbolic_name) ?? ''));
  for (const z of objects(bom.trust_zones))
    elements.push({
      kind: 'trustBoundary',
      shape: 'box',
      typeId: 'GE.TB.B',
      id: str(z.symbolic_name) ?? '',
      name: str(z.title) ?? '',
      ...(str(z.description) ? { description: str(z.description) } : {}),
    });
  const node = (item: Json, kind: NodeKind, typeId: string, extra: Record<string, PropertyValue>): Element => {
    const zone = str(item.trust_zone);
    if (zone !== undefined && !zones.has(zone))
      warnings.push(`"${str(item.title)}" names a trust zone "${zone}" that is not in the file.`);
    return {
      kind,
      typeId,
      id: str(item.symbolic_name) ?? '',
      name: str(item.title) ?? '',
      ...(str(item.description) ? { description: str(item.description) } : {}),
      ...(zone !== undefined && zones.has(zone) ? { boundaryId: zone } : {}),
      ...(Object.keys(extra).length > 0 ? { properties: extra } : {}),
    };
  };
  const kept = (item: Json, skip: string[]) => {
    const out: Record<string, PropertyValue> = {};
    for (const [k, v] of Object.entries(item))
      if (!skip.includes(k))
        out[`tmbom:${k}`] = typeof v === 'string' || typeof v === 'boolean' ? v : JSON.stringify(v);
    return out;
  };
  const common = ['symbolic_name', 'title', 'description', 'trust_zone'];
  for (const a of objects(bom.actors))
    elements.push(node(a, 'externalEntity', ACTOR_TYPES[str(a.type) ?? ''] ?? 'GE.EI', kept(a, common)));
  for (const c of objects(bom.components)) elements.push(node(c, 'process', 'GE.P', kept(c, common)));
  for (const s of objects(bom.data_stores))
    elements.push(node(s, 'dataStore', STORE_TYPES[str(s.type) ?? ''] ?? 'GE.DS', kept(s, common)));
  const nodes = new Set(elements.map((e) => e.id));
  // Symbolic names are unique per section only: a flow named like a node gets a suffix, its name kept.
  const taken = new Set(nodes);
  for (const f of objects(bom.data_flows)) {
    const source = isObject(f.source) ? str(f.source.object) : undefined;
    const target = isObject(f.destination) ? str(f.destination.object) : undefined;
    if (!source || !target || !nodes.has(source) || !nodes.has(target)) {
      warnings.push(`Data flow "${str(f.title)}" was left out: one of its ends is not in the file.`);
      continue;
    }
    const name = str(f.symbolic_name) ?? '';
    let id = name;
    for (let n = 2; taken.has(id); n++) id = `${name}-${n}`;
    taken.add(id);
    elements.push({
      kind: 'dataFlow',
      typeId: 'GE.DF',
      id,
      name: str(f.title) ?? '',
      ...(str(f.description) ? { description: str(f.description) } : {}),
      source,
      target,
      properties: {
        ...(typeof f.encrypted === 'boolean' ? { encrypted: f.encrypted } : {}),
        ...(typeof f.has_sensitive_data === 'boolean' ? { carriesSensitiveData: f.has_sensitive_data } : {}),
        ...(id !== name ? { 'tmbom:symbolic_name': name } : {}),
      },
    });
  }
  const controls = objects(bom.controls);
  const risks = objects(bom.risks);
  const threats: Threat[] = objects(bom.threats).map((t) => {
    const id = str(t.symbolic_name) ?? '';
    const mine = controls.filter((c) => Array.isArray(c.threats) && c.threats.includes(id));
    const impacts = risks
      .filter((r) => Array.isArray(r.threats) && r.threats.includes(id))
      .map((r) => PRIORITY_BY_IMPACT[str(r.impact) ?? ''] ?? 'Medium');
    const affected = (Array.isArray(t.components_affected) ? t.components_affected : []).filter(
      (a): a is string => typeof a === 'string' && nodes.has(a) && !zones.has(a),
    );
    return {
      id,
      typeId: 'tm-bom',
      origin: 'manual',
      category: '',
      title: str(t.title) ?? id,
      description: str(t.description) ?? '',
      priority: ['High', 'Medium', 'Low'].find((p) => impacts.includes(p)) ?? 'Medium',
      status: statusFrom(mine),
      ...(mine.length > 0
        ? { mitigations: mine.map((c) => `${str(c.title)} (${str(c.status)?.replace(/_/g, ' ')})`).join('\n') }
        : {}),
      ...(affected[0] !== undefined ? { elementId: affected[0], diagramId: 'main' } : {}),
      properties: { 'tmbom:threat': JSON.stringify(t) },
    };
  });
  const assets: Asset[] = objects(bom.data_sets).map((d) => ({
    id: str(d.symbolic_name) ?? '',
    name: str(d.title) ?? '',
    classification: classification(d.data_sensitivity),
    ...(str(d.description) ? { description: str(d.description) } : {}),
  }));
  const extras: Json = {};
  for (const [k, v] of Object.entries(bom))
    if (!['trust_zones', 'actors', 'components', 'data_stores', 'data_flows', 'threats'].includes(k)) extras[k] = v;
  const assumptions = objects(bom.assumptions).flatMap((a) => (str(a.description) ? [str(a.description) ?? ''] : []));
  const draft: ThreatModel = {
    schemaVersion: 1,
    metadata: {
      name: str(scope.title) || 'Untitled',
      ...(str(bom.description) || str(scope.description)
        ? { description: str(bom.description) || str(scope.description) }
        : {}),
      ...(assumptions.length > 0 ? { assumptions } : {}),
    },
    template: { id: 'stride' },
    ...(assets.length > 0 ? { assets } : {}),
    notes: [{ id: EXTRAS_NOTE, text: EXTRAS_LEAD + JSON.stringify(extras) }],
    diagrams: [{ id: 'main', name: str(scope.title) || 'Diagram', elements }],
    threats: threats.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)),
  };
  const model = parseModel(draft, file);
  if (!model.ok) return model;
  return ok({ model: model.value, warnings });
}

// ---- import: CycloneDX -----------------------------------------------------------------------

const CDX_KINDS: Record<string, NodeKind | 'boundary' | 'dataflow' | 'asset'> = {
  actor: 'externalEntity',
  server: 'process',
  process: 'process',
  lambda: 'process',
  datastore: 'dataStore',
  boundary: 'boundary',
  dataflow: 'dataflow',
  asset: 'asset',
};
const CDX_TYPES: Record<string, string> = { lambda: 'serverless-function', server: 'web-app' };

function cdxProps(c: Json): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of objects(c.properties)) {
    const name = str(p.name);
    if (name !== undefined) out[name] = out[name] === undefined ? String(p.value ?? '') : `${out[name]}\n${p.value}`;
  }
  return out;
}

/** A top-level component holding a diagram: `cdx:model:type` "diagram" (Threat Dragon's older files also type it `threat-model`). */
function isDiagram(c: Json): boolean {
  return objects(c.properties).some((p) => str(p.name) === 'cdx:model:type' && str(p.value) === 'diagram');
}

function importCycloneDx(bom: Json, file: string): Result<ModelImport> {
  const warnings: string[] = [];
  const ids = new Map<string, string>();
  const idOf = (ref: string) => {
    let id = ids.get(ref);
    if (id === undefined) {
      id = ref.replace(/[^A-Za-z0-9_.:@-]/g, '-').replace(/^[^A-Za-z0-9]/, 'x');
      ids.set(ref, id);
    }
    return id;
  };
  const assets: Asset[] = [];
  const diagrams = objects(bom.components)
    .filter((m) => Array.isArray(m.components) && (str(m.type) === 'threat-model' || isDiagram(m)))
    .map((m) => {
      const elements: Element[] = [];
      const children = objects(m.components);
      for (const c of children) {
        const p = cdxProps(c);
        const type = p['cdx:model:type'] ?? '';
        const kind = CDX_KINDS[type];
        const id = idOf(str(c['bom-ref']) ?? '');
        const shape = ['x', 'y', 'width', 'height'].map((k) => Number(p[`cdx:model:shape:${k}`]));
        const position = shape.every((n) => Number.isFinite(n))
          ? { x: shape[0] ?? 0, y: shape[1] ?? 0, width: shape[2] ?? 0, height: shape[3] ?? 0 }
          : undefined;
        const zone = p['cdx:model:inBoundary'];
        const base = {
          id,
          name: str(c.name) ?? '',
          ...(str(c.description) ? { description: str(c.description) } : {}),
        };
        const properties: Record<string, PropertyValue> = {};
        for (const [k, v] of Object.entries(p))
          if (!k.startsWith('cdx:model:shape') && k !== 'cdx:model:inBoundary') properties[k] = v;
        if (kind === 'asset') {
          const c9y = Number(p['cdx:model:risk:confidentiality']);
          const written = objects(c.data).flatMap((d) => str(d.classification) ?? [])[0];
          const classification = written ?? (c9y >= 80 ? 'restricted' : c9y >= 50 ? 'confidential' : 'internal');
          assets.push({ ...base, classification });
        } else if (kind === 'dataflow') {
          const source = p['cdx:model:dataflow:source'];
          const target = p['cdx:model:dataflow:destination'];
          if (!source || !target) {
            warnings.push(`Data flow "${base.name}" was left out: it has no source or destination.`);
            continue;
          }
          elements.push({
            kind: 'dataFlow',
            typeId: 'GE.DF',
            ...base,
            source: idOf(source),
            target: idOf(target),
            ...(p['cdx:model:dataflow:isBidirectional'] === 'true' ? { bidirectional: true } : {}),
            properties,
          });
        } else if (kind === 'boundary') {
          elements.push({
            kind: 'trustBoundary',
            shape: 'box',
            typeId: 'GE.TB.B',
            ...base,
            ...(position ? { position } : {}),
            properties,
          });
        } else if (kind) {
          elements.push({
            kind,
            typeId: CDX_TYPES[type] ?? (kind === 'process' ? 'GE.P' : kind === 'dataStore' ? 'GE.DS' : 'GE.EI'),
            ...base,
            ...(position ? { position } : {}),
            ...(zone ? { boundaryId: idOf(zone) } : {}),
            properties,
          });
        } else warnings.push(`"${base.name}" (${type || 'no cdx:model:type'}) is not a diagram element; left out.`);
      }
      // Flows between elements the model does not hold are left out, with a warning.
      const present = new Set(elements.map((e) => e.id));
      const kept = elements.filter((e) => {
        if (e.kind !== 'dataFlow' || (present.has(e.source) && present.has(e.target))) return true;
        warnings.push(`Data flow "${e.name}" was left out: one of its ends is not in the model.`);
        return false;
      });
      return { id: idOf(str(m['bom-ref']) ?? 'main'), name: str(m.name) ?? 'Diagram', elements: kept };
    });
  const app = isObject(bom.metadata) && isObject(bom.metadata.component) ? bom.metadata.component : {};
  const authors = isObject(bom.metadata) ? objects(bom.metadata.authors).flatMap((a) => str(a.name) ?? []) : [];
  const draft: ThreatModel = {
    schemaVersion: 1,
    metadata: {
      name: str(app.name) || 'Untitled',
      ...(str(app.description) ? { description: str(app.description) } : {}),
      ...(authors[0] ? { owner: authors[0] } : {}),
      ...(authors.length > 1 ? { contributors: authors.slice(1) } : {}),
    },
    template: { id: 'stride' },
    ...(assets.length > 0 ? { assets } : {}),
    diagrams: diagrams.length > 0 ? diagrams : [{ id: 'main', name: 'Diagram', elements: [] }],
  };
  const model = parseModel(draft, file);
  if (!model.ok) return model;
  return ok({ model: model.value, warnings });
}

/** Reads a TM-BOM: the Threat Model Library's JSON, or its CycloneDX wrapping. */
export function importTmBom(text: string, file: string): Result<ModelImport> {
  const data = parseJson(text);
  if (!isObject(data))
    return err(
      bulwarkError('PARSE_SYNTAX', 'Not valid JSON: a TM-BOM is a JSON object. Check the file is complete.', { file }),
    );
  if (str(data.bomFormat) === 'CycloneDX') return importCycloneDx(data, file);
  const checked = checkLibrary(data, file);
  return checked.ok ? importLibrary(checked.value, file) : checked;
}

// ---- export --------------------------------------------------------------------------------

/** Hands out symbolic names (lowercase letters, digits and dashes), unique. */
function symbolicNames(ids: string[]): Map<string, string> {
  const used = new Set<string>();
  const out = new Map<string, string>();
  for (const id of ids) {
    const base = id.toLowerCase().replace(/[^0-9a-z-]+/g, '-') || 'x';
    let name = base;
    for (let n = 2; used.has(name); n++) name = `${base}-${n}`;
    used.add(name);
    out.set(id, name);
  }
  return out;
}

function restore(properties: Record<string, PropertyValue> | undefined): Json {
  const out: Json = {};
  for (const [k, v] of Object.entries(properties ?? {}))
    if (k.startsWith('tmbom:') && k !== 'tmbom:threat') {
      const parsed = typeof v === 'string' ? parseJson(v) : undefined;
      out[k.slice(6)] = typeof v === 'string' && parsed !== undefined && typeof parsed !== 'number' ? parsed : v;
    }
  return out;
}

const DEFAULT_SCOPE = {
  business_criticality: 'moderate',
  data_sensitivity: [],
  exposure: 'external',
  tier: 'important',
};
const DEFAULT_PERSONA = {
  symbolic_name: 'attacker',
  title: 'Attacker',
  description: 'Someone outside the organisation trying to break in.',
  is_person: true,
  skill_level: 'engineer',
  access_level: 'anonymous',
  malicious_intent: true,
  applicability_to_org: 'moderate',
};

/** Writes a model as the Threat Model Library's JSON, with what it cannot hold as warnings. */
export function exportTmBom(model: ThreatModel): FormatOutput {
  const warnings: string[] = [];
  const note = model.notes?.find((n) => n.id === EXTRAS_NOTE);
  const stored = note ? parseJson(note.text.slice(note.text.indexOf('{'))) : undefined;
  const extras: Json = isObject(stored) ? stored : {};
  const all = model.diagrams.flatMap((d) => d.elements);
  const names = symbolicNames(all.map((e) => e.id));
  const setNames = symbolicNames((model.assets ?? []).map((a) => a.id));
  const sym = (id: string) => names.get(id) ?? id;
  const boxes = all.filter((e) => e.kind === 'trustBoundary' && e.shape === 'box');
  const boxIds = new Set(boxes.map((b) => b.id));
  const left = all.filter((e) => e.kind === 'annotation' || (e.kind === 'trustBoundary' && e.shape === 'line'));
  if (left.length > 0) warnings.push(`TM-BOM has no line boundaries or annotations: ${left.length} left out.`);
  if (model.diagrams.length > 1) warnings.push('TM-BOM has one diagram: every diagram was written into it.');
  const sections: Record<string, Json[]> = { actors: [], components: [], data_stores: [] };
  const kinds = new Map<string, string>();
  for (const e of all) {
    if (e.kind !== 'process' && e.kind !== 'dataStore' && e.kind !== 'externalEntity') continue;
    const { list, type } = SECTION[e.kind];
    kinds.set(e.id, type);
    const own = restore(e.properties);
    const typed =
      e.kind === 'externalEntity'
        ? { type: own.type ?? 'user' }
        : e.kind === 'dataStore'
          ? { type: own.type ?? (e.typeId === 'object-storage' ? 'object' : 'sql') }
          : {};
    sections[list]?.push({
      ...own,
      symbolic_name: sym(e.id),
      title: e.name,
      description: e.description ?? '',
      ...typed,
      ...(e.boundaryId && boxIds.has(e.boundaryId) ? { trust_zone: sym(e.boundaryId) } : {}),
    });
  }
  const flows = all.flatMap((e) => {
    if (e.kind !== 'dataFlow') return [];
    const s = kinds.get(e.source);
    const t = kinds.get(e.target);
    if (!s || !t) {
      warnings.push(`Data flow "${e.name}" is not between actors, components or data stores; left out.`);
      return [];
    }
    if (e.bidirectional) warnings.push(`TM-BOM flows go one way: "${e.name}" was written in its first direction.`);
    return [
      {
        symbolic_name: str(e.properties?.['tmbom:symbolic_name']) ?? sym(e.id),
        title: e.name,
        description: e.description ?? '',
        source: { type: s, object: sym(e.source) },
        destination: { type: t, object: sym(e.target) },
        has_sensitive_data: e.properties?.carriesSensitiveData === true,
        encrypted: e.properties?.encrypted === true,
      },
    ];
  });
  const personas = objects(extras.threat_personas);
  const threatNames = symbolicNames((model.threats ?? []).map((t) => t.id));
  const threats = (model.threats ?? []).map((t) => {
    const own = parseJson(t.properties?.['tmbom:threat'] ?? '');
    const base: Json = isObject(own) ? own : {};
    const affected = Array.isArray(base.components_affected)
      ? base.components_affected
      : t.elementId
        ? [sym(t.elementId)]
        : undefined;
    return {
      ...base,
      symbolic_name: str(base.symbolic_name) ?? threatNames.get(t.id),
      title: t.title,
      description: t.description,
      ...(affected ? { components_affected: affected } : {}),
      threat_persona: str(base.threat_persona) ?? str(personas[0]?.symbolic_name) ?? DEFAULT_PERSONA.symbolic_name,
      event: str(base.event) ?? t.title,
      sources: Array.isArray(base.sources) ? base.sources : ['adversary'],
    };
  });
  if (threats.length > 0 && personas.length === 0) personas.push(DEFAULT_PERSONA);
  const assumptions = (model.metadata.assumptions ?? []).map((description) => {
    const old = objects(extras.assumptions).find((a) => a.description === description);
    return old ?? { description, validity: 'unconfirmed' };
  });
  const storedSets = new Map(objects(extras.data_sets).map((d) => [str(d.symbolic_name), d]));
  const scope = isObject(extras.scope) ? extras.scope : {};
  const bom = {
    $schema: TM_BOM_SCHEMA,
    version: str(extras.version) ?? '1',
    ...extras,
    scope: {
      ...Object.fromEntries(Object.entries(DEFAULT_SCOPE).filter(([k]) => scope[k] === undefined)),
      ...scope,
      title: model.metadata.name,
      description: str(scope.description) ?? model.metadata.description ?? '',
    },
    ...('description' in extras || (model.metadata.description && model.metadata.description !== str(scope.description))
      ? { description: model.metadata.description ?? '' }
      : {}),
    trust_zones: boxes.map((b) => ({ symbolic_name: sym(b.id), title: b.name, description: b.description ?? '' })),
    trust_boundaries: objects(extras.trust_boundaries),
    actors: sections.actors,
    components: sections.components,
    data_stores: sections.data_stores,
    data_sets: (model.assets ?? []).map((a) => ({
      ...(storedSets.get(setNames.get(a.id)) ?? { placements: [], data_sensitivity: [] }),
      symbolic_name: setNames.get(a.id),
      title: a.name,
      description: a.description ?? '',
    })),
    data_flows: flows,
    ...(personas.length > 0 ? { threat_personas: personas } : {}),
    ...(threats.length > 0 ? { threats } : {}),
    ...(assumptions.length > 0 ? { assumptions } : {}),
  };
  // Status lives in the controls, which are written as they were read: say where triage moved on.
  const controls = objects(extras.controls);
  const drifted = (model.threats ?? []).filter((t, i) => {
    const name = threats[i]?.symbolic_name;
    return statusFrom(controls.filter((c) => Array.isArray(c.threats) && c.threats.includes(name))) !== t.status;
  });
  if (drifted.length > 0)
    warnings.push(
      `TM-BOM keeps a threat's status in its controls, written as they were read: the status of ${drifted.length} threat${drifted.length === 1 ? '' : 's'} (e.g. "${drifted[0]?.title}") is not carried.`,
    );
  if (controls.length === 0 && (model.threats ?? []).some((t) => t.mitigations))
    warnings.push("TM-BOM keeps mitigations as controls: threats' mitigation text was not written.");
  return { text: `${JSON.stringify(bom, null, 2)}\n`, warnings };
}

// ---- export: CycloneDX -----------------------------------------------------------------------

/** The `cdx:model:type` values the reader takes back to the same kind and type, generic ones first. */
const CDX_WRITE_TYPES = ['actor', 'process', 'datastore', 'server', 'lambda'];
/** Properties the CycloneDX writer derives from the element itself (its type, flow ends, direction). */
const CDX_DERIVED = new Set([
  'cdx:model:type',
  'cdx:model:dataflow:source',
  'cdx:model:dataflow:destination',
  'cdx:model:dataflow:isBidirectional',
]);

/** The kind and type the CycloneDX reader gives a `cdx:model:type` (see importCycloneDx). */
function cdxReading(type: string): { kind: string | undefined; typeId: string } {
  const kind = CDX_KINDS[type];
  const generic = kind === 'process' ? 'GE.P' : kind === 'dataStore' ? 'GE.DS' : 'GE.EI';
  return { kind, typeId: CDX_TYPES[type] ?? generic };
}

/** The `cdx:model:type` of a node: the one it was read with while it still fits, else one that reads back the same. */
function cdxNodeType(e: Element & { kind: NodeKind }, warnings: Set<string>): string {
  const fits = (t: string) => cdxReading(t).kind === e.kind && cdxReading(t).typeId === e.typeId;
  const kept = e.properties?.['cdx:model:type'];
  if (typeof kept === 'string' && fits(kept)) return kept;
  const found = CDX_WRITE_TYPES.find(fits);
  if (found) return found;
  warnings.add(
    `Element types CycloneDX has no model type for were written as their basic kind: "${e.name}" (${e.typeId}).`,
  );
  return CDX_WRITE_TYPES.find((t) => cdxReading(t).kind === e.kind) ?? 'process';
}

function cdxProperty(name: string, value: string): Json {
  return { name, value };
}

/** An element's own properties as CycloneDX properties (what the writer derives left out). */
function cdxKept(e: Element, warnings: Set<string>): Json[] {
  return Object.entries(e.properties ?? {}).flatMap(([name, value]) => {
    if (CDX_DERIVED.has(name)) return [];
    if (typeof value !== 'string')
      warnings.add(
        `Properties that are not text were written as text (CycloneDX properties are strings): "${name}" on "${e.name}".`,
      );
    return [cdxProperty(name, String(value))];
  });
}

/** Threat Dragon's `cdx:model:risk:confidentiality` (0 to 100) of a classification; the exact one is in `data`. */
const CONFIDENTIALITY: Record<string, number> = { restricted: 100, confidential: 60, internal: 20 };
/**
 * The CycloneDX component type of every part of the threat model (diagram, element, asset): the
 * BOM describes a threat model, a document, so its parts are `data` (CycloneDX's suggestion for
 * a threat model carried inline, specification issue 462), never `application`, which software
 * inventories would count as deployed software. The modelled system is `metadata.component`.
 */
const CDX_PART = 'data';

/** One element as a CycloneDX component of the model, or undefined (with a warning) when it has no CycloneDX shape. */
function cdxComponent(e: Element, warnings: Set<string>): Json | undefined {
  const props: Json[] = [];
  if (e.kind === 'dataFlow') {
    props.push(
      cdxProperty('cdx:model:type', 'dataflow'),
      cdxProperty('cdx:model:dataflow:source', e.source),
      cdxProperty('cdx:model:dataflow:destination', e.target),
    );
    const keptDirection = e.properties?.['cdx:model:dataflow:isBidirectional'] !== undefined;
    if (e.bidirectional || keptDirection)
      props.push(cdxProperty('cdx:model:dataflow:isBidirectional', String(e.bidirectional === true)));
    if (e.path) warnings.add(`Flow bend points and ports were left out: "${e.name}".`);
  } else if (e.kind === 'trustBoundary' && e.shape === 'box') props.push(cdxProperty('cdx:model:type', 'boundary'));
  else if (e.kind === 'externalEntity' || e.kind === 'process' || e.kind === 'dataStore')
    props.push(cdxProperty('cdx:model:type', cdxNodeType(e, warnings)));
  else {
    warnings.add(
      `Boundary lines and notes were left out (the CycloneDX wrapping has no such shape): "${e.name || e.id}".`,
    );
    return undefined;
  }
  if ('position' in e && e.position)
    for (const k of ['x', 'y', 'width', 'height'] as const)
      props.push(cdxProperty(`cdx:model:shape:${k}`, String(e.position[k])));
  if ('boundaryId' in e && e.boundaryId) {
    if (e.kind === 'trustBoundary')
      warnings.add(`Boundaries inside boundaries were written side by side: "${e.name}".`);
    else props.push(cdxProperty('cdx:model:inBoundary', e.boundaryId));
  }
  if (e.outOfScope || e.outOfScopeReason) warnings.add(`Out-of-scope marks were left out: "${e.name}".`);
  if ('childDiagramId' in e && e.childDiagramId) warnings.add(`Links to detail diagrams were left out: "${e.name}".`);
  props.push(...cdxKept(e, warnings));
  return {
    type: CDX_PART,
    'bom-ref': e.id,
    name: e.name,
    ...(e.description ? { description: e.description } : {}),
    properties: props,
  };
}

/**
 * Writes a model as TM-BOM's CycloneDX 1.6 wrapping (see the head of this file): one `data`
 * component per diagram holding its elements (and, in the first, the assets).
 * That wrapping carries the diagram, not the analysis: threats, notes and review are named in the
 * warnings; the library JSON (`exportTmBom`) keeps them.
 */
export function exportTmBomCycloneDx(model: ThreatModel): FormatOutput {
  const warnings = new Set<string>();
  const assets = (model.assets ?? []).map((a) => ({
    type: CDX_PART,
    'bom-ref': a.id,
    name: a.name,
    ...(a.description ? { description: a.description } : {}),
    data: [{ type: 'dataset', name: a.name, classification: a.classification }],
    properties: [
      cdxProperty('cdx:model:type', 'asset'),
      cdxProperty('cdx:model:risk:confidentiality', String(CONFIDENTIALITY[a.classification] ?? 0)),
    ],
  }));
  const components = model.diagrams.map((d, i) => ({
    type: CDX_PART,
    'bom-ref': d.id,
    name: d.name,
    properties: [cdxProperty('cdx:model:type', 'diagram')],
    components: [...d.elements.flatMap((e) => cdxComponent(e, warnings) ?? []), ...(i === 0 ? assets : [])],
  }));
  const meta = model.metadata;
  const authors = [meta.owner, ...(meta.contributors ?? [])].filter((n): n is string => !!n);
  if (!meta.owner && authors.length > 0)
    warnings.add(
      'With no owner, the first contributor was written first among the authors and reads back as the owner.',
    );
  const lost: string[] = [];
  if ((model.threats ?? []).length > 0) lost.push(`${model.threats?.length} threat(s)`);
  if ((model.notes ?? []).length > 0) lost.push(`${model.notes?.length} note(s)`);
  if (meta.reviewer) lost.push('the reviewer');
  if ((meta.assumptions ?? []).length > 0) lost.push('the assumptions');
  if ((meta.externalDependencies ?? []).length > 0) lost.push('the external dependencies');
  if (model.review) lost.push('review progress and sign-offs');
  if (lost.length > 0)
    warnings.add(
      `Left out, as the CycloneDX wrapping holds the diagram only (the TM-BOM library JSON keeps more): ${lost.join(', ')}.`,
    );
  const bom = {
    bomFormat: 'CycloneDX',
    specVersion: '1.6',
    version: 1,
    metadata: {
      lifecycles: [{ phase: 'design' }],
      component: {
        type: 'application',
        'bom-ref': 'application',
        name: meta.name,
        ...(meta.description ? { description: meta.description } : {}),
      },
      ...(authors.length > 0 ? { authors: authors.map((name) => ({ name })) } : {}),
    },
    components,
  };
  return { text: `${JSON.stringify(bom, null, 2)}\n`, warnings: [...warnings] };
}

/** OWASP TM-BOM as a model format (see format.ts). */
export const tmBomFormat: ModelFormat = {
  id: 'tm-bom',
  name: 'OWASP TM-BOM (Threat Model Library JSON; CycloneDX read)',
  extensions: ['.tmbom.json', '.json'],
  mediaType: 'application/json',
  detect: looksLikeTmBom,
  read: (text, file) => importTmBom(text, file),
  write: (model) => exportTmBom(model),
};

/** TM-BOM in its CycloneDX wrapping, written only: reading (of both) stays with `tmBomFormat`. */
export const tmBomCycloneDxFormat: ModelFormat = {
  id: 'tm-bom-cyclonedx',
  name: 'OWASP TM-BOM (CycloneDX 1.6)',
  extensions: ['.cdx.json', '.json'],
  mediaType: 'application/vnd.cyclonedx+json',
  write: (model) => exportTmBomCycloneDx(model),
};
