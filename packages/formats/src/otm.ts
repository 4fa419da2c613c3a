/**
 * The Open Threat Model (OTM 0.1.0 and 0.2.0, IriusRisk's exchange format; JSON or YAML): a
 * project, trust zones (nested through `parent`), components (in a zone or in another
 * component), dataflows, assets, and threats and mitigations defined once and referenced, with
 * their states, from the components and dataflows they apply to. Trust zones become box
 * boundaries and their membership `boundaryId`; positions in a representation are relative to
 * the parent, as IriusRisk writes them. What Bulwark has no field for (the OTM type, attributes,
 * tags, risk ratings, mitigations) is kept under `otm:` properties, so writing back what was
 * read gives the same OTM content.
 */
import {
  type Asset,
  bulwarkError,
  centre,
  contains,
  type Diagram,
  type Element,
  err,
  MAX_YAML_NESTING,
  type Note,
  ok,
  type PropertyValue,
  parseModel,
  parseToleratingQuoteIndent,
  quoteIndentWarning,
  type Rect,
  type Result,
  type Template,
  type Threat,
  type ThreatModel,
  type ThreatStatus,
  yamlNesting,
} from '@bulwark/core';
import { parseDocument } from 'yaml';
import type { FormatOutput, ModelFormat, ModelImport } from './format.js';
import { isObject, type Json, list, type NodeKind, objects } from './formatUtil.js';

type Box = Extract<Element, { kind: NodeKind | 'trustBoundary' }>;

/** The OTM version `exportOtm` writes (the one the published schema describes). */
export const OTM_VERSION = '0.2.0';
/** The note that keeps the project fields and representations Bulwark has no place for. */
const PROJECT_NOTE = 'otm-project';
const PROJECT_NOTE_LEAD = 'Open Threat Model project data, kept for export: ';

/** Is this text an OTM file (JSON or YAML with a top-level `otmVersion`)? */
export function looksLikeOtm(text: string): boolean {
  return /(^|[\n{,])\s*"?otmVersion"?\s*:/.test(text.slice(0, 4000));
}

// ---- types ---------------------------------------------------------------------------------

/** The stride template's element types and their kinds: an OTM type naming one is taken as is. */
const STRIDE_KINDS: Record<string, NodeKind> = {
  'GE.P': 'process',
  'web-app': 'process',
  'web-api': 'process',
  'identity-provider': 'process',
  'cloud-service': 'process',
  'serverless-function': 'process',
  'container-workload': 'process',
  'GE.DS': 'dataStore',
  'sql-database': 'dataStore',
  'nosql-database': 'dataStore',
  'object-storage': 'dataStore',
  cache: 'dataStore',
  'message-queue': 'dataStore',
  'secrets-vault': 'dataStore',
  'log-store': 'dataStore',
  'GE.EI': 'externalEntity',
  'human-user': 'externalEntity',
  'admin-user': 'externalEntity',
  browser: 'externalEntity',
  'client-app': 'externalEntity',
  'mobile-client': 'externalEntity',
  'desktop-client': 'externalEntity',
  'third-party-api': 'externalEntity',
  'iot-device': 'externalEntity',
};

/** OTM component types (IriusRisk's, StartLeft's) by the words in them, first match wins. */
const TYPE_PATTERNS: [RegExp, string][] = [
  [/mobile|android|ios/, 'mobile-client'],
  [/desktop/, 'desktop-client'],
  [/browser|web-?client/, 'browser'],
  [/admin/, 'admin-user'],
  [/user|actor|person|human|customer/, 'human-user'],
  [/client/, 'client-app'],
  [/iot|device|sensor/, 'iot-device'],
  [/third-party|saas|external/, 'third-party-api'],
  [/nosql|mongo|dynamo|cassandra|documentdb|cosmos|key-value|couch|neptune/, 'nosql-database'],
  [/redis|memcache|elasticache|cache/, 'cache'],
  [/sql|postgres|maria|oracle|aurora|rds|database|redshift/, 'sql-database'],
  [/s3|bucket|blob|storage|efs|file|disk|volume/, 'object-storage'],
  [/queue|sqs|sns|kafka|kinesis|rabbit|topic|stream|event/, 'message-queue'],
  [/secret|vault|kms/, 'secrets-vault'],
  [/\blog|cloudwatch|cloudtrail|siem/, 'log-store'],
  [/lambda|function/, 'serverless-function'],
  [/ecs|eks|kubernetes|k8s|container|docker|fargate|pod/, 'container-workload'],
  [/cognito|identity|idp|okta|keycloak|sso|oauth/, 'identity-provider'],
  [/api|gateway/, 'web-api'],
  [/web|server|tomcat|nginx|apache|http/, 'web-app'],
  [/aws|azure|gcp|google|cloud/, 'cloud-service'],
];

const ZONE_PATTERNS: [RegExp, string][] = [
  [/internet/, 'internet-boundary'],
  [/corporate|intranet|internal|on-?prem/, 'corporate-network'],
  [/vpc|vnet|cloud|aws|azure|gcp|subnet/, 'cloud-network'],
  [/public/, 'internet-boundary'],
];

function elementType(otmType: string): { typeId: string; kind: NodeKind } {
  const own = STRIDE_KINDS[otmType];
  if (own) return { typeId: otmType, kind: own };
  const lower = otmType.toLowerCase();
  const typeId = TYPE_PATTERNS.find(([re]) => re.test(lower))?.[1] ?? 'GE.P';
  return { typeId, kind: STRIDE_KINDS[typeId] ?? 'process' };
}

function zoneType(otmType: string, name: string): string {
  const text = `${otmType} ${name}`.toLowerCase();
  if (/^GE\.TB\.B$|-boundary$|-network$|^machine|^sandbox/.test(otmType)) return otmType;
  return ZONE_PATTERNS.find(([re]) => re.test(text))?.[1] ?? 'GE.TB.B';
}

// ---- threat states -------------------------------------------------------------------------

const STATUS_BY_STATE: Record<string, ThreatStatus> = {
  mitigated: 'mitigated',
  implemented: 'mitigated',
  closed: 'mitigated',
  fixed: 'mitigated',
  notapplicable: 'not-applicable',
  na: 'not-applicable',
  hidden: 'not-applicable',
  accepted: 'not-applicable',
  partlymitigated: 'needs-investigation',
  partiallymitigated: 'needs-investigation',
  needsinvestigation: 'needs-investigation',
};

const STATE_BY_STATUS: Record<ThreatStatus, string> = {
  'not-started': 'exposed',
  'needs-investigation': 'partly-mitigated',
  'not-applicable': 'not-applicable',
  mitigated: 'mitigated',
};

/** The Bulwark status of an OTM threat state (exposed, mitigated, not-applicable, AutoGenerated ...). */
export function otmStatus(state: string): ThreatStatus {
  return STATUS_BY_STATE[state.toLowerCase().replace(/[^a-z]/g, '')] ?? 'not-started';
}

const STRIDE_CATEGORIES: Record<string, string> = {
  spoofing: 'S',
  tampering: 'T',
  repudiation: 'R',
  informationdisclosure: 'I',
  disclosure: 'I',
  denialofservice: 'D',
  elevationofprivilege: 'E',
};

const RISK_BY_PRIORITY: Record<string, number> = { High: 75, Medium: 50, Low: 25 };

function priorityOf(likelihood: unknown, impact: unknown): string {
  if (typeof impact !== 'number') return 'Medium';
  const score = typeof likelihood === 'number' ? (impact * likelihood) / 100 : impact / 2;
  return score >= 50 ? 'High' : score >= 20 ? 'Medium' : 'Low';
}

// ---- small helpers -------------------------------------------------------------------------

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined;
}

/** Hands out model ids: OTM ids as they are when Bulwark accepts them, else a cleaned, unique form. */
class IdMaker {
  private readonly used = new Set<string>();
  make(raw: string): string {
    let base = raw.replace(/[^A-Za-z0-9_.:@-]/g, '-').slice(0, 190);
    if (!/^[A-Za-z0-9]/.test(base)) base = `x${base}`;
    let id = base;
    for (let n = 2; this.used.has(id); n++) id = `${base}-${n}`;
    this.used.add(id);
    return id;
  }
}

/** Where OTM attributes are kept: namespaced, so validation leaves them alone (like `tm7:` keys). */
const ATTRIBUTE = 'otm:attribute:';
/** The project attribute naming a model's template when it is not stride, and each shape's kind then. */
const TEMPLATE_ATTRIBUTE = 'bulwark:template';
const KIND_ATTRIBUTE = 'bulwark:kind';
const NODE_KINDS: readonly string[] = ['process', 'dataStore', 'externalEntity'];

/** A component's type and kind as Bulwark wrote them. */
function ownType(comp: Json): { typeId: string; kind: NodeKind } {
  const kind = isObject(comp.attributes) ? str(comp.attributes[KIND_ATTRIBUTE]) : undefined;
  const typeId = str(comp.type) ?? 'GE.P';
  return { typeId, kind: kind && NODE_KINDS.includes(kind) ? (kind as NodeKind) : elementType(typeId).kind };
}
const JSON_ATTRIBUTE = 'otm:json:';

/**
 * OTM attributes as properties: scalars under `otm:attribute:<key>` (as they are when `typed`: a
 * file Bulwark wrote, whose attributes were its typed properties), anything else as JSON under
 * `otm:json:<key>`.
 */
function attributeProperties(attributes: unknown, typed = false): Record<string, PropertyValue> {
  const out: Record<string, PropertyValue> = {};
  if (!isObject(attributes)) return out;
  for (const [key, value] of Object.entries(attributes)) {
    if (key === KIND_ATTRIBUTE) continue;
    if (typeof value === 'string' || typeof value === 'boolean' || typeof value === 'number')
      out[typed ? key : `${ATTRIBUTE}${key}`] = value;
    else out[`${JSON_ATTRIBUTE}${key}`] = JSON.stringify(value ?? null);
  }
  return out;
}

/** Properties back as OTM attributes (the `otm:` bookkeeping left out). */
function propertyAttributes(properties: Record<string, PropertyValue> | undefined): Json | undefined {
  const out: Json = {};
  for (const [key, value] of Object.entries(properties ?? {})) {
    if (key.startsWith(JSON_ATTRIBUTE) && typeof value === 'string')
      out[key.slice(JSON_ATTRIBUTE.length)] = parseJson(value);
    else if (key.startsWith(ATTRIBUTE)) out[key.slice(ATTRIBUTE.length)] = value;
    // Bulwark's own typed properties go out as attributes too, so nothing is lost.
    else if (!key.startsWith('otm:')) out[key] = value;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function jsonProperty(key: string, value: unknown): Record<string, string> {
  const items = list(value).filter((v) => v !== null);
  return items.length > 0 ? { [key]: JSON.stringify(items) } : {};
}

function stringList(value: PropertyValue | undefined): string[] {
  const parsed = typeof value === 'string' ? parseJson(value) : undefined;
  return Array.isArray(parsed) ? parsed.filter((v): v is string => typeof v === 'string') : [];
}

function count(n: number, what: string): string {
  return `${n} ${what}${n === 1 ? '' : 's'}`;
}

// ---- import --------------------------------------------------------------------------------

/**
 * Parses OTM text (JSON or YAML) into its plain data, with the line of a syntax error. Quoted text
 * indented less than YAML 1.2 allows (OTM's own EXAMPLE.yaml) is read as PyYAML and js-yaml read
 * it, with a warning added to `warnings`.
 */
function parseText(text: string, file: string, warnings: string[]): Result<unknown> {
  if (yamlNesting(text) > MAX_YAML_NESTING) {
    return err(
      bulwarkError('PARSE_SYNTAX', `Not a usable OTM file: it nests deeper than ${MAX_YAML_NESTING} levels.`, { file }),
    );
  }
  const { document, repaired } = parseToleratingQuoteIndent(text, (t) =>
    parseDocument(t, { prettyErrors: false, uniqueKeys: false }),
  );
  const first = document.errors[0];
  if (first) {
    const line = text.slice(0, first.pos[0]).split('\n').length;
    return err(
      bulwarkError(
        'PARSE_SYNTAX',
        `Not valid JSON or YAML: ${first.message.split('\n')[0]}. Fix the file's syntax, then import it again.`,
        { file, line },
      ),
    );
  }
  const warning = quoteIndentWarning(repaired);
  if (warning) warnings.push(warning);
  try {
    return ok(document.toJS({ maxAliasCount: 1000 }));
  } catch (e) {
    // toJS throws on an alias bomb (too many aliases): an expected failure, not a bug.
    return err(bulwarkError('PARSE_SYNTAX', `Not a usable OTM file: ${(e as Error).message}.`, { file }));
  }
}

function invalid(file: string, path: string, what: string): Result<never> {
  return err(
    bulwarkError('SCHEMA_INVALID', `Not a valid Open Threat Model file: ${what}. Correct it and import again.`, {
      file,
      path,
    }),
  );
}

/** Checks what the import relies on; the published schema says more, but this is what matters here. */
function checkShape(data: unknown, file: string): Result<Json> {
  if (!isObject(data)) return invalid(file, '', 'the top level must be an object');
  if (str(data.otmVersion) === undefined) return invalid(file, 'otmVersion', 'otmVersion (e.g. "0.2.0") is missing');
  if (!isObject(data.project)) return invalid(file, 'project', 'the project (with name and id) is missing');
  if (str(data.project.name) === undefined) return invalid(file, 'project.name', 'the project has no name');
  for (const key of ['trustZones', 'components', 'dataflows', 'threats', 'mitigations', 'assets', 'representations']) {
    const v = data[key];
    if (v !== undefined && v !== null && !Array.isArray(v)) return invalid(file, key, `${key} must be a list`);
    for (const [i, item] of list(v).entries()) {
      if (!isObject(item) || str(item.id) === undefined)
        return invalid(file, `${key}[${i}]`, `every entry of ${key} needs an id`);
    }
  }
  return ok(data);
}

interface Placement {
  rect?: Rect;
  representationId?: string;
}

/** Absolute rectangles from positions relative to the parent, for one diagram representation. */
function placements(items: Json[], diagramRep: string | undefined): Map<string, Placement> {
  const own = new Map<string, { rect?: Rect; repId?: string; parent?: string }>();
  for (const item of items) {
    const id = str(item.id) ?? '';
    const rep = objects(item.representations).find((r) => str(r.representation) === diagramRep);
    const pos = isObject(rep?.position) ? rep.position : undefined;
    const size = isObject(rep?.size) ? rep.size : undefined;
    const parent = isObject(item.parent) ? (str(item.parent.trustZone) ?? str(item.parent.component)) : undefined;
    const rect =
      pos && typeof pos.x === 'number' && typeof pos.y === 'number'
        ? {
            x: pos.x,
            y: pos.y,
            width: typeof size?.width === 'number' ? size.width : 100,
            height: typeof size?.height === 'number' ? size.height : 100,
          }
        : undefined;
    own.set(id, { ...(rect ? { rect } : {}), ...(rep ? { repId: str(rep.id) } : {}), ...(parent ? { parent } : {}) });
  }
  const out = new Map<string, Placement>();
  const absolute = (id: string, seen: Set<string>): Rect | undefined => {
    const entry = own.get(id);
    if (!entry?.rect) return undefined;
    const parent = entry.parent && !seen.has(entry.parent) ? entry.parent : undefined;
    const base = parent ? absolute(parent, new Set([...seen, id])) : undefined;
    return base ? { ...entry.rect, x: entry.rect.x + base.x, y: entry.rect.y + base.y } : entry.rect;
  };
  for (const [id, entry] of own) {
    const rect = absolute(id, new Set());
    out.set(id, { ...(rect ? { rect } : {}), ...(entry.repId ? { representationId: entry.repId } : {}) });
  }
  return out;
}

/** Reads an OTM file (0.1.0 or 0.2.0, JSON or YAML) into a model on the stride template. */
export function importOtm(text: string, file: string): Result<ModelImport> {
  const warnings: string[] = [];
  const parsed = parseText(text, file, warnings);
  if (!parsed.ok) return parsed;
  const shape = checkShape(parsed.value, file);
  if (!shape.ok) return shape;
  const otm = shape.value;
  const project = otm.project as Json;
  const ids = new IdMaker();

  // A file Bulwark wrote from a model on another template names it: types are then taken as they are.
  const projectAttributes = isObject(project.attributes) ? { ...project.attributes } : undefined;
  const ownTemplate = str(projectAttributes?.[TEMPLATE_ATTRIBUTE]);
  if (projectAttributes) delete projectAttributes[TEMPLATE_ATTRIBUTE];
  const representations = objects(otm.representations);
  const diagramReps = representations.filter((r) => str(r.type) === 'diagram');
  const diagramRep = diagramReps[0];
  if (diagramReps.length > 1)
    warnings.push(
      `Only the first diagram representation ("${str(diagramRep?.name)}") was drawn; positions in ${count(diagramReps.length - 1, 'other diagram')} were not kept.`,
    );
  const diagramId = ids.make(str(diagramRep?.id) ?? 'main');

  const zones = objects(otm.trustZones);
  const components = objects(otm.components);
  const flows = objects(otm.dataflows);
  const places = placements([...zones, ...components], str(diagramRep?.id));

  const zoneIds = new Map(zones.map((z) => [str(z.id) ?? '', ids.make(str(z.id) ?? '')]));
  const componentIds = new Map(components.map((c) => [str(c.id) ?? '', ids.make(str(c.id) ?? '')]));
  const assetIds = new Map(objects(otm.assets).map((a) => [str(a.id) ?? '', ids.make(str(a.id) ?? '')]));
  const parentOf = (item: Json) => (isObject(item.parent) ? item.parent : {});

  /** The zone an item sits in, directly or through the components it is inside. */
  const zoneOf = (item: Json): string | undefined => {
    const seen = new Set<string>();
    for (let at: Json | undefined = item; at; ) {
      const p = parentOf(at);
      const zone = str(p.trustZone);
      if (zone !== undefined) return zoneIds.get(zone);
      const comp = str(p.component);
      if (comp === undefined || seen.has(comp)) return undefined;
      seen.add(comp);
      at = components.find((c) => str(c.id) === comp);
    }
    return undefined;
  };

  const common = (item: Json, id: string) => {
    const place = places.get(str(item.id) ?? '');
    return {
      id,
      name: str(item.name) ?? '',
      ...(str(item.description) ? { description: str(item.description) } : {}),
      ...(place?.rect ? { position: place.rect } : {}),
    };
  };
  /** The OTM fields kept as properties; the type only when it is not the Bulwark type it became. */
  const bookkeeping = (item: Json, id: string, typeId: string): Record<string, PropertyValue> => {
    const place = places.get(str(item.id) ?? '');
    const type = str(item.type);
    return {
      ...(id !== str(item.id) ? { 'otm:id': str(item.id) ?? '' } : {}),
      ...(type !== undefined && type !== typeId ? { 'otm:type': type } : {}),
      ...(place?.rect && place.representationId ? { 'otm:representationId': place.representationId } : {}),
      ...jsonProperty('otm:tags', item.tags),
    };
  };

  const elements: Element[] = [];
  for (const zone of zones) {
    const id = zoneIds.get(str(zone.id) ?? '') ?? '';
    const parent = str(parentOf(zone).trustZone);
    const rating = isObject(zone.risk) ? zone.risk.trustRating : undefined;
    if (parent !== undefined && !zoneIds.has(parent))
      warnings.push(`Trust zone "${str(zone.name)}" names a parent zone "${parent}" that is not in the file.`);
    const typeId =
      ownTemplate && str(zone.type) ? (str(zone.type) ?? '') : zoneType(str(zone.type) ?? '', str(zone.name) ?? '');
    elements.push({
      kind: 'trustBoundary',
      shape: 'box',
      typeId,
      ...common(zone, id),
      ...(parent !== undefined && zoneIds.has(parent) ? { boundaryId: zoneIds.get(parent) } : {}),
      properties: {
        ...attributeProperties(zone.attributes, ownTemplate !== undefined),
        ...bookkeeping(zone, id, typeId),
        ...(typeof rating === 'number' ? { 'otm:trustRating': rating } : {}),
      },
    });
  }
  for (const comp of components) {
    const id = componentIds.get(str(comp.id) ?? '') ?? '';
    const { typeId, kind } = ownTemplate ? ownType(comp) : elementType(str(comp.type) ?? '');
    const parentComponent = str(parentOf(comp).component);
    const zone = zoneOf(comp);
    const missingZone = str(parentOf(comp).trustZone);
    if (zone === undefined)
      warnings.push(
        `Component "${str(comp.name)}" is in no trust zone of the file${missingZone ? ` ("${missingZone}" is not defined)` : ''}; it was placed outside every boundary.`,
      );
    const assets = isObject(comp.assets) ? comp.assets : {};
    const mapAssets = (v: unknown) => list(v).flatMap((a) => (typeof a === 'string' ? [assetIds.get(a) ?? a] : []));
    elements.push({
      kind,
      typeId,
      ...common(comp, id),
      ...(zone !== undefined ? { boundaryId: zone } : {}),
      properties: {
        ...attributeProperties(comp.attributes, ownTemplate !== undefined),
        ...bookkeeping(comp, id, typeId),
        ...(zone === undefined && missingZone !== undefined ? { 'otm:parentZone': missingZone } : {}),
        ...(parentComponent !== undefined && componentIds.has(parentComponent)
          ? { 'otm:parentComponent': componentIds.get(parentComponent) ?? '' }
          : {}),
        ...jsonProperty('otm:assetsProcessed', mapAssets(assets.processed)),
        ...jsonProperty('otm:assetsStored', mapAssets(assets.stored)),
      },
    });
  }
  const known = new Map([...zoneIds, ...componentIds]);
  const flowIds = new Map<string, string>();
  for (const flow of flows) {
    const source = known.get(str(flow.source) ?? '');
    const target = known.get(str(flow.destination) ?? '');
    if (source === undefined || target === undefined) {
      const missing = source === undefined ? str(flow.source) : str(flow.destination);
      warnings.push(`Dataflow "${str(flow.name)}" was left out: it refers to "${missing}", which is not in the file.`);
      continue;
    }
    const id = ids.make(str(flow.id) ?? '');
    flowIds.set(str(flow.id) ?? '', id);
    elements.push({
      kind: 'dataFlow',
      typeId: 'GE.DF',
      id,
      name: str(flow.name) ?? '',
      ...(str(flow.description) ? { description: str(flow.description) } : {}),
      source,
      target,
      ...(flow.bidirectional === true ? { bidirectional: true } : {}),
      properties: {
        ...attributeProperties(flow.attributes, ownTemplate !== undefined),
        ...bookkeeping(flow, id, 'GE.DF'),
        ...jsonProperty(
          'otm:assets',
          list(flow.assets).flatMap((a) => (typeof a === 'string' ? [assetIds.get(a) ?? a] : [])),
        ),
      },
    });
  }

  const threats = importThreats(otm, { components, flows, componentIds, flowIds, elements, diagramId }, warnings);
  const assets: Asset[] = objects(otm.assets).map((a) => assetOf(a, assetIds));
  if (assets.length > 0)
    warnings.push(
      `Asset ratings: Bulwark keeps a classification (from the confidentiality rating); integrity and availability ratings of ${count(assets.length, 'asset')} were not kept.`,
    );

  const extras = {
    id: str(project.id),
    ...(project.ownerContact != null ? { ownerContact: project.ownerContact } : {}),
    ...(list(project.tags).length > 0 ? { tags: project.tags } : {}),
    ...(projectAttributes && Object.keys(projectAttributes).length > 0 ? { attributes: projectAttributes } : {}),
    ...(representations.length > 0 ? { representations } : {}),
  };
  const notes: Note[] = [{ id: PROJECT_NOTE, text: PROJECT_NOTE_LEAD + JSON.stringify(extras) }];
  const draft: ThreatModel = {
    schemaVersion: 1,
    metadata: {
      name: str(project.name) || 'Untitled',
      ...(str(project.owner) ? { owner: str(project.owner) } : {}),
      ...(str(project.description) ? { description: str(project.description) } : {}),
    },
    template: { id: ownTemplate ?? 'stride' },
    ...(assets.length > 0 ? { assets } : {}),
    notes,
    diagrams: [{ id: diagramId, name: str(diagramRep?.name) ?? str(project.name) ?? 'Diagram', elements }],
    threats: threats.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)),
  };
  const model = parseModel(draft, file);
  if (!model.ok) return model;
  return ok({ model: model.value, warnings });
}

const CLASS_BY_CONFIDENTIALITY: [number, string][] = [
  [80, 'restricted'],
  [50, 'confidential'],
  [1, 'internal'],
  [Number.NEGATIVE_INFINITY, 'public'],
];
const CONFIDENTIALITY_BY_CLASS: Record<string, number> = { restricted: 100, confidential: 70, internal: 40, public: 0 };

function assetOf(a: Json, assetIds: Map<string, string>): Asset {
  const c = isObject(a.risk) && typeof a.risk.confidentiality === 'number' ? a.risk.confidentiality : 50;
  return {
    id: assetIds.get(str(a.id) ?? '') ?? '',
    name: str(a.name) ?? '',
    classification: CLASS_BY_CONFIDENTIALITY.find(([min]) => c >= min)?.[1] ?? 'internal',
    ...(str(a.description) ? { description: str(a.description) } : {}),
  };
}

interface ThreatContext {
  components: Json[];
  flows: Json[];
  componentIds: Map<string, string>;
  flowIds: Map<string, string>;
  elements: Element[];
  diagramId: string;
}

/** One Bulwark threat per place an OTM threat is referenced; unreferenced threats kept without a place. */
function importThreats(otm: Json, ctx: ThreatContext, warnings: string[]): Threat[] {
  const defs = new Map(objects(otm.threats).map((t) => [str(t.id) ?? '', t]));
  const mitigations = new Map(objects(otm.mitigations).map((m) => [str(m.id) ?? '', m]));
  const used = new Set<string>();
  const usedMitigations = new Set<string>();
  const threatIds = new IdMaker();
  const undefinedRefs = new Set<string>();
  const out: Threat[] = [];

  const make = (ref: string, def: Json | undefined, instance: Json | undefined, place: Partial<Threat>) => {
    const risk = isObject(def?.risk) ? def.risk : {};
    const categories = list(def?.categories).filter((c): c is string => typeof c === 'string');
    const first = categories[0] ?? '';
    const state = str(instance?.state);
    const mitigationRefs = objects(instance?.mitigations).map((m): Json => {
      const id = str(m.mitigation) ?? '';
      usedMitigations.add(id);
      const mdef = mitigations.get(id);
      return {
        id,
        ...(str(mdef?.name) !== undefined ? { name: str(mdef?.name) } : {}),
        ...(str(mdef?.description) !== undefined ? { description: str(mdef?.description) } : {}),
        ...(typeof mdef?.riskReduction === 'number' ? { riskReduction: mdef.riskReduction } : {}),
        ...(isObject(mdef?.attributes) ? { attributes: mdef.attributes } : {}),
        state: str(m.state) ?? '',
      };
    });
    const riskProps: Record<string, string> = {};
    for (const key of ['likelihood', 'impact', 'likelihoodComment', 'impactComment']) {
      const v = str(risk[key]);
      if (v !== undefined) riskProps[`otm:${key}`] = v;
    }
    out.push({
      id: threatIds.make(
        place.elementId || place.interaction ? `${ref}@${place.elementId ?? place.interaction?.flowId}` : ref,
      ),
      typeId: 'otm',
      origin: 'manual',
      category: STRIDE_CATEGORIES[first.toLowerCase().replace(/[^a-z]/g, '')] ?? first,
      title: str(def?.name) ?? ref,
      description: str(def?.description) ?? '',
      priority: priorityOf(risk.likelihood, risk.impact),
      status: otmStatus(state ?? ''),
      ...(mitigationRefs.length > 0
        ? { mitigations: mitigationRefs.map((m) => `${str(m.name) ?? str(m.id)} (${m.state})`).join('\n') }
        : {}),
      ...place,
      properties: {
        'otm:threatId': ref,
        ...(state !== undefined ? { 'otm:state': state } : {}),
        ...riskProps,
        ...jsonProperty('otm:categories', categories),
        ...jsonProperty('otm:cwes', def?.cwes),
        ...jsonProperty('otm:threatTags', def?.tags),
        ...(isObject(def?.attributes) ? { 'otm:threatAttributes': JSON.stringify(def.attributes) } : {}),
        ...(mitigationRefs.length > 0 ? { 'otm:mitigations': JSON.stringify(mitigationRefs) } : {}),
        ...(def === undefined ? { 'otm:undefined': 'true' } : {}),
      },
    });
  };

  const flowById = new Map(ctx.elements.flatMap((e) => (e.kind === 'dataFlow' ? [[e.id, e] as const] : [])));
  const walk = (items: Json[], placeOf: (item: Json) => Partial<Threat> | undefined) => {
    for (const item of items) {
      const place = placeOf(item);
      if (!place) continue;
      for (const instance of objects(item.threats)) {
        const ref = str(instance.threat) ?? '';
        used.add(ref);
        if (!defs.has(ref)) undefinedRefs.add(ref);
        make(ref, defs.get(ref), instance, { ...place, diagramId: ctx.diagramId });
      }
    }
  };
  walk(ctx.components, (c) => {
    const elementId = ctx.componentIds.get(str(c.id) ?? '');
    return elementId ? { elementId } : undefined;
  });
  walk(ctx.flows, (f) => {
    const flow = flowById.get(ctx.flowIds.get(str(f.id) ?? '') ?? '');
    return flow ? { interaction: { sourceId: flow.source, flowId: flow.id, targetId: flow.target } } : undefined;
  });
  for (const [id, def] of defs) if (!used.has(id)) make(id, def, undefined, {});
  if (undefinedRefs.size > 0)
    warnings.push(
      `${count(undefinedRefs.size, 'threat')} referenced by components or dataflows ${undefinedRefs.size === 1 ? 'is' : 'are'} not defined in the file's threats; imported with its id as the title.`,
    );
  const unused = [...mitigations.keys()].filter((id) => !usedMitigations.has(id));
  if (unused.length > 0)
    warnings.push(
      `${count(unused.length, 'mitigation')} no threat refers to ${unused.length === 1 ? 'was' : 'were'} not kept.`,
    );
  return out;
}

// ---- export --------------------------------------------------------------------------------

function otmId(e: { id: string; properties?: Record<string, PropertyValue> | undefined }): string {
  const own = e.properties?.['otm:id'];
  return typeof own === 'string' && own !== '' ? own : e.id;
}

function projectExtras(model: ThreatModel): Json {
  const note = model.notes?.find((n) => n.id === PROJECT_NOTE);
  const start = note?.text.indexOf('{') ?? -1;
  const parsed = note && start >= 0 ? parseJson(note.text.slice(start)) : undefined;
  return isObject(parsed) ? parsed : {};
}

function slug(text: string): string {
  return (
    text
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '') || 'project'
  );
}

/** The innermost box boundary holding an element: its `boundaryId`, else by its centre. */
function boxOf(e: Box, boxes: Extract<Element, { kind: 'trustBoundary' }>[]): string | undefined {
  if (e.boundaryId) return e.boundaryId;
  if (!e.position) return undefined;
  const c = centre(e.position);
  const area = (r: Rect) => r.width * r.height;
  const own = area(e.position);
  return boxes
    .filter((b) => b.id !== e.id && b.position && area(b.position) > own && contains(b.position, c))
    .sort((a, b) => area(a.position as Rect) - area(b.position as Rect))[0]?.id;
}

/** Writes a model as OTM 0.2.0 JSON, with what OTM cannot hold as warnings. */
export function exportOtm(model: ThreatModel, template: Template): FormatOutput {
  const warnings: string[] = [];
  const extras = projectExtras(model);
  const all = model.diagrams.flatMap((d) => d.elements.map((e) => ({ e, diagram: d })));
  const byId = new Map(all.map(({ e }) => [e.id, e]));
  const boxes = all.flatMap(({ e }) => (e.kind === 'trustBoundary' && e.shape === 'box' ? [e] : []));
  const parents = new Map<string, string>();
  for (const { e } of all)
    if (e.kind === 'trustBoundary' ? e.shape === 'box' : e.kind !== 'dataFlow' && e.kind !== 'annotation') {
      const p = boxOf(e as Box, boxes);
      if (p !== undefined && byId.has(p)) parents.set(e.id, p);
    }

  const skipped = all.filter(({ e }) => e.kind === 'annotation' || (e.kind === 'trustBoundary' && e.shape === 'line'));
  if (skipped.length > 0)
    warnings.push(`OTM has no line boundaries or annotations: ${count(skipped.length, 'element')} left out.`);
  const outOfScope = all.filter(({ e }) => e.outOfScope).length;
  if (outOfScope > 0)
    warnings.push(`OTM has no out-of-scope flag: ${count(outOfScope, 'element')} written as in scope.`);

  const representation = (e: Box, diagram: Diagram) => {
    if (!e.position) return {};
    const parentId = e.properties?.['otm:parentComponent'];
    const parent = byId.get(typeof parentId === 'string' && byId.has(parentId) ? parentId : (parents.get(e.id) ?? ''));
    const base = parent && 'position' in parent && parent.position ? parent.position : { x: 0, y: 0 };
    const repId = e.properties?.['otm:representationId'];
    return {
      representations: [
        {
          representation: diagram.id,
          id: typeof repId === 'string' ? repId : `${otmId(e)}-representation`,
          position: { x: e.position.x - base.x, y: e.position.y - base.y },
          size: { width: e.position.width, height: e.position.height },
        },
      ],
    };
  };
  const describe = (e: Element) => (e.description ? { description: e.description } : {});
  const tags = (e: Element) => {
    const t = stringList(e.properties?.['otm:tags']);
    return t.length > 0 ? { tags: t } : {};
  };
  // A model on another template than stride says so, and each shape its kind, so it reads back the same.
  const ownTemplate = model.template.id !== 'stride';
  const attributes = (e: Element) => {
    const a = {
      ...propertyAttributes(e.properties),
      ...(ownTemplate && e.kind !== 'dataFlow' && e.kind !== 'trustBoundary' ? { [KIND_ATTRIBUTE]: e.kind } : {}),
    };
    return Object.keys(a).length > 0 ? { attributes: a } : {};
  };
  const assetIds = new Map((model.assets ?? []).map((a) => [a.id, a.id]));
  const assetRefs = (v: PropertyValue | undefined) => stringList(v).map((a) => assetIds.get(a) ?? a);

  const trustZones: Json[] = boxes.map((b) => {
    const rating = b.properties?.['otm:trustRating'];
    const parent = parents.get(b.id);
    const type = b.properties?.['otm:type'];
    const diagram = all.find(({ e }) => e.id === b.id)?.diagram as Diagram;
    return {
      id: otmId(b),
      name: b.name,
      type: typeof type === 'string' ? type : b.typeId,
      ...describe(b),
      risk: { trustRating: typeof rating === 'number' ? rating : b.typeId === 'internet-boundary' ? 10 : 50 },
      ...(parent ? { parent: { trustZone: otmId(byId.get(parent) as Element) } } : {}),
      ...representation(b, diagram),
      ...attributes(b),
    };
  });
  const threatPlaces = threatsByElement(model, template, warnings);
  const components = all.flatMap(({ e, diagram }) => {
    if (e.kind !== 'process' && e.kind !== 'dataStore' && e.kind !== 'externalEntity') return [];
    const parentComponent = e.properties?.['otm:parentComponent'];
    const zone = parents.get(e.id);
    // A zone the file named without defining it is named again, as it was.
    const danglingZone = e.properties?.['otm:parentZone'];
    const parent =
      typeof parentComponent === 'string' && byId.has(parentComponent)
        ? { component: otmId(byId.get(parentComponent) as Element) }
        : zone
          ? { trustZone: otmId(byId.get(zone) as Element) }
          : { trustZone: typeof danglingZone === 'string' ? danglingZone : DEFAULT_ZONE };
    const type = e.properties?.['otm:type'];
    const processed = assetRefs(e.properties?.['otm:assetsProcessed']);
    const stored = assetRefs(e.properties?.['otm:assetsStored']);
    const threats = threatPlaces.get(e.id);
    return [
      {
        id: otmId(e),
        name: e.name,
        type: typeof type === 'string' ? type : e.typeId,
        ...describe(e),
        parent,
        ...representation(e, diagram),
        ...(processed.length + stored.length > 0
          ? { assets: { ...(processed.length ? { processed } : {}), ...(stored.length ? { stored } : {}) } }
          : {}),
        ...(threats ? { threats } : {}),
        ...tags(e),
        ...attributes(e),
      },
    ];
  });
  if (components.some((c) => 'trustZone' in c.parent && c.parent.trustZone === DEFAULT_ZONE)) {
    warnings.push('OTM puts every component in a trust zone: components outside any boundary went into "Default".');
    trustZones.push({ id: DEFAULT_ZONE, name: 'Default', type: 'GE.TB.B', risk: { trustRating: 50 } });
  }
  const dataflows = all.flatMap(({ e }) => {
    if (e.kind !== 'dataFlow') return [];
    const source = byId.get(e.source);
    const target = byId.get(e.target);
    if (!source || !target) return [];
    const assets = assetRefs(e.properties?.['otm:assets']);
    const threats = threatPlaces.get(e.id);
    return [
      {
        id: otmId(e),
        name: e.name,
        ...describe(e),
        ...(e.bidirectional ? { bidirectional: true } : {}),
        source: otmId(source),
        destination: otmId(target),
        ...(assets.length > 0 ? { assets } : {}),
        ...(threats ? { threats } : {}),
        ...tags(e),
        ...attributes(e),
      },
    ];
  });
  const { threats, mitigations } = threatDefinitions(model, template);
  // The representations read (in their order), each diagram's brought up to date, then new diagrams.
  const stored = objects(extras.representations);
  const representations = [
    ...stored.map((r) => {
      const d = model.diagrams.find((d) => d.id === str(r.id));
      return d ? { ...r, name: d.name, type: 'diagram' } : r;
    }),
    ...model.diagrams
      .filter((d) => !stored.some((r) => str(r.id) === d.id) && d.elements.some((e) => 'position' in e && e.position))
      .map((d) => ({ name: d.name, id: d.id, type: 'diagram' })),
  ];
  const otm = {
    otmVersion: OTM_VERSION,
    project: {
      name: model.metadata.name,
      id: str(extras.id) ?? slug(model.metadata.name),
      ...(model.metadata.description ? { description: model.metadata.description } : {}),
      ...(model.metadata.owner ? { owner: model.metadata.owner } : {}),
      ...(extras.ownerContact != null ? { ownerContact: extras.ownerContact } : {}),
      ...(Array.isArray(extras.tags) ? { tags: extras.tags } : {}),
      ...(isObject(extras.attributes) || ownTemplate
        ? {
            attributes: {
              ...(isObject(extras.attributes) ? extras.attributes : {}),
              ...(ownTemplate ? { [TEMPLATE_ATTRIBUTE]: model.template.id } : {}),
            },
          }
        : {}),
    },
    representations,
    ...((model.assets ?? []).length > 0 ? { assets: (model.assets ?? []).map(assetOut) } : {}),
    trustZones,
    components,
    dataflows,
    ...(threats.length > 0 ? { threats } : {}),
    ...(mitigations.length > 0 ? { mitigations } : {}),
  };
  if ((model.assets ?? []).length > 0)
    warnings.push(
      'OTM asset risk needs integrity and availability ratings, which Bulwark does not hold: written as 50.',
    );
  const otherNotes = (model.notes ?? []).filter((n) => n.id !== PROJECT_NOTE).length;
  if (otherNotes > 0) warnings.push(`OTM has no notes: ${count(otherNotes, 'note')} left out.`);
  const meta = model.metadata;
  if (meta.reviewer || meta.contributors?.length || meta.assumptions?.length || meta.externalDependencies?.length)
    warnings.push('OTM has no reviewer, contributors, assumptions or external dependencies: they were left out.');
  return { text: `${JSON.stringify(otm, null, 2)}\n`, warnings };
}

const DEFAULT_ZONE = 'bulwark-default-zone';

function assetOut(a: Asset): Json {
  const c = CONFIDENTIALITY_BY_CLASS[a.classification] ?? 50;
  return {
    name: a.name,
    id: a.id,
    ...(a.description ? { description: a.description } : {}),
    risk: { confidentiality: c, integrity: 50, availability: 50 },
  };
}

interface MitigationRef {
  id?: unknown;
  name?: unknown;
  description?: unknown;
  riskReduction?: unknown;
  attributes?: unknown;
  state?: unknown;
}

function mitigationRefs(t: Threat): MitigationRef[] {
  const parsed = parseJson(t.properties?.['otm:mitigations'] ?? '[]');
  return Array.isArray(parsed) ? parsed.filter(isObject) : [];
}

function threatRef(t: Threat): string {
  return t.properties?.['otm:threatId'] ?? t.id;
}

/** The threat references each component or dataflow carries, by element id. */
function threatsByElement(model: ThreatModel, _template: Template, warnings: string[]): Map<string, Json[]> {
  const out = new Map<string, Json[]>();
  let orphans = 0;
  const elements = new Set(model.diagrams.flatMap((d) => d.elements.map((e) => e.id)));
  for (const t of model.threats ?? []) {
    const place = t.elementId ?? t.interaction?.flowId;
    if (place === undefined) continue;
    if (!elements.has(place)) {
      orphans++;
      continue;
    }
    const stored = t.properties?.['otm:state'];
    const state = stored !== undefined && otmStatus(stored) === t.status ? stored : STATE_BY_STATUS[t.status];
    const mitigations = mitigationRefs(t).map((m) => ({ mitigation: str(m.id) ?? '', state: str(m.state) ?? '' }));
    const ref = { threat: threatRef(t), state, ...(mitigations.length > 0 ? { mitigations } : {}) };
    out.set(place, [...(out.get(place) ?? []), ref]);
  }
  if (orphans > 0)
    warnings.push(`${count(orphans, 'threat')} on elements no longer in the model written without a place.`);
  return out;
}

/** The file's threats and mitigations lists, one definition per OTM threat id. */
function threatDefinitions(model: ThreatModel, template: Template): { threats: Json[]; mitigations: Json[] } {
  const threats = new Map<string, Json>();
  const mitigations = new Map<string, Json>();
  const categoryName = new Map(template.categories.map((c) => [c.id, c.name]));
  for (const t of model.threats ?? []) {
    for (const m of mitigationRefs(t)) {
      const mid = str(m.id);
      if (mid === undefined || mitigations.has(mid) || m.name === undefined) continue;
      mitigations.set(mid, {
        id: mid,
        name: str(m.name) ?? mid,
        ...(str(m.description) ? { description: str(m.description) } : {}),
        riskReduction: typeof m.riskReduction === 'number' ? m.riskReduction : 0,
        ...(isObject(m.attributes) ? { attributes: m.attributes } : {}),
      });
    }
    const id = threatRef(t);
    // A threat the file referred to without defining it is written back the same way.
    if (threats.has(id) || t.properties?.['otm:undefined'] === 'true') continue;
    const p = t.properties ?? {};
    const num = (key: string, fallback: number) => {
      const v = Number(p[key]);
      return p[key] !== undefined && Number.isFinite(v) ? v : fallback;
    };
    const fallback = RISK_BY_PRIORITY[t.priority] ?? 50;
    const categories = stringList(p['otm:categories']);
    const cwes = stringList(p['otm:cwes']);
    const tags = stringList(p['otm:threatTags']);
    const attributes = p['otm:threatAttributes'] ? parseJson(p['otm:threatAttributes']) : undefined;
    threats.set(id, {
      id,
      name: t.title,
      ...(t.description ? { description: t.description } : {}),
      ...(categories.length > 0
        ? { categories }
        : t.category
          ? { categories: [categoryName.get(t.category) ?? t.category] }
          : {}),
      ...(cwes.length > 0 ? { cwes } : {}),
      risk: {
        likelihood: num('otm:likelihood', fallback),
        ...(p['otm:likelihoodComment'] ? { likelihoodComment: p['otm:likelihoodComment'] } : {}),
        impact: num('otm:impact', fallback),
        ...(p['otm:impactComment'] ? { impactComment: p['otm:impactComment'] } : {}),
      },
      ...(tags.length > 0 ? { tags } : {}),
      ...(isObject(attributes) ? { attributes } : {}),
    });
  }
  return { threats: [...threats.values()], mitigations: [...mitigations.values()] };
}

/** The Open Threat Model as a model format (see format.ts). */
export const otmFormat: ModelFormat = {
  id: 'otm',
  name: 'Open Threat Model (OTM)',
  extensions: ['.otm', '.json', '.yaml', '.yml'],
  mediaType: 'application/json',
  detect: looksLikeOtm,
  read: (text, file) => importOtm(text, file),
  write: (model, template) => exportOtm(model, template),
};
