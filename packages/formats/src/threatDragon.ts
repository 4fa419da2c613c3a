/**
 * OWASP Threat Dragon's model file: version 1 (JointJS cells under `diagramJson`) and version 2
 * (X6 cells with a `data` object). Read with `importThreatDragon`, written as version 2 with
 * `exportThreatDragon` and as version 1 with `exportThreatDragonV1` (the same mapping, drawn as JointJS cells).
 *
 * Elements take the `stride` template's generic types (an actor is `GE.EI`, a curve `GE.TB.L`, a
 * box `GE.TB.B`, a text block `GE.A`). Threat Dragon's fields that mean the same as a stride
 * property become that property (a flow's `isEncrypted` is `encrypted`, a store's `isALog` is
 * `isLog`); every other field is kept as `threatDragon:<field>` (`threatDragon:json:<field>` for
 * lists and objects, as JSON), so writing the model back gives Threat Dragon what it wrote.
 * Threats become manual Bulwark threats on their element; status, severity and type are mapped,
 * and whatever the mapping cannot say exactly stays in the threat's properties the same way.
 * Drawing attributes (colours, markers, labels, tools) follow from the data and are redrawn.
 * Values are written in the types Threat Dragon's schemas give them ("Yes" and "No" become true
 * and false; what is neither is left out, with a warning). Version 1 files are shaped as Threat
 * Dragon's own version 1 reader expects: cell ids are UUIDs (version 5 ones made from Bulwark ids
 * that are not UUIDs), boundary boxes become closed boundary curves, text blocks are left out, and
 * edges without a name carry no labels.
 */

import {
  bulwarkError,
  type Diagram,
  type Element,
  err,
  type Note,
  ok,
  type Path,
  type Point,
  type PropertyValue,
  parseModel,
  type Rect,
  type Result,
  type Template,
  type Threat,
  type ThreatModel,
  type ThreatStatus,
} from '@bulwark/core';
import { v5 as uuidV5 } from 'uuid';
import type { FormatOutput, ModelFormat, ModelImport } from './format.js';

type Json = Record<string, unknown>;

/** Key prefix of Threat Dragon fields kept on elements and threats. */
export const TD_PREFIX = 'threatDragon:';
/** Key prefix of Threat Dragon fields whose value is a list or object, kept as JSON text. */
export const TD_JSON_PREFIX = 'threatDragon:json:';
/** The Threat Dragon version written into exported files (the schema they are checked against). */
const TD_VERSION = '2.6.2';
/** The note a diagram's description is kept in (Bulwark diagrams have no description). */
const DIAGRAM_NOTE = 'threatDragon-diagram-';

type Kind = 'externalEntity' | 'process' | 'dataStore' | 'dataFlow' | 'box' | 'line' | 'annotation';

const KIND_BY_TYPE: Record<string, Kind> = {
  'tm.Actor': 'externalEntity',
  'tm.Process': 'process',
  'tm.Store': 'dataStore',
  'tm.Flow': 'dataFlow',
  'tm.Boundary': 'line',
  'tm.BoundaryBox': 'box',
  'tm.Text': 'annotation',
};
const TYPE_BY_KIND = Object.fromEntries(Object.entries(KIND_BY_TYPE).map(([t, k]) => [k, t])) as Record<Kind, string>;
const TYPE_ID: Record<Kind, string> = {
  externalEntity: 'GE.EI',
  process: 'GE.P',
  dataStore: 'GE.DS',
  dataFlow: 'GE.DF',
  box: 'GE.TB.B',
  line: 'GE.TB.L',
  annotation: 'GE.A',
};
const SHAPE: Record<Kind, string> = {
  externalEntity: 'actor',
  process: 'process',
  dataStore: 'store',
  dataFlow: 'flow',
  box: 'trust-boundary-box',
  line: 'trust-boundary-curve',
  annotation: 'td-text-block',
};
/** Cell shapes of version 2 files whose `data.type` is missing. */
const KIND_BY_SHAPE: Record<string, Kind> = Object.fromEntries(
  Object.entries(SHAPE).map(([k, s]) => [s, k as Kind]),
) as Record<string, Kind>;

/** Threat Dragon fields that are stride template properties, per Threat Dragon type. */
const MAPPED: Record<string, Record<string, string>> = {
  'tm.Flow': { isEncrypted: 'encrypted' },
  'tm.Store': { isEncrypted: 'encryptedAtRest', isALog: 'isLog', storesCredentials: 'storesCredentials' },
};
/** The stride template's protocol choices (a Threat Dragon protocol is free text). */
const PROTOCOLS = [
  'Unspecified',
  'HTTPS',
  'HTTP',
  'gRPC',
  'WebSocket',
  'SQL',
  'AMQP',
  'MQTT',
  'SSH',
  'SFTP',
  'FTP',
  'SMTP',
  'Syslog',
  'Local IPC',
  'Other',
];
/** Fields read into the element itself (or derived from it), never kept as properties. */
const ELEMENT_FIELDS = new Set([
  'type',
  'name',
  'description',
  'outOfScope',
  'reasonOutOfScope',
  'isBidirectional',
  'threats',
  'hasOpenThreats',
  'isTrustBoundary',
  '$$hashKey',
]);
/** Version 1 cell keys that are drawing state, not data. */
const V1_DRAWING = new Set([
  'type',
  'size',
  'position',
  'angle',
  'id',
  'z',
  'attrs',
  'labels',
  'smooth',
  'source',
  'target',
  'vertices',
]);

const STATUS_IN: Record<string, ThreatStatus> = {
  open: 'not-started',
  mitigated: 'mitigated',
  na: 'not-applicable',
  'n/a': 'not-applicable',
  notapplicable: 'not-applicable',
  'not applicable': 'not-applicable',
  accepted: 'not-applicable',
  transferred: 'not-applicable',
  avoided: 'mitigated',
  eliminated: 'mitigated',
};
const STATUS_OUT: Record<ThreatStatus, string> = {
  'not-started': 'Open',
  'needs-investigation': 'Open',
  'not-applicable': 'NA',
  mitigated: 'Mitigated',
};
const PRIORITY_IN: Record<string, string> = { critical: 'High', high: 'High', medium: 'Medium', low: 'Low' };
/** STRIDE threat types as Threat Dragon writes them, by the stride template's category id. */
const STRIDE_TYPES: Record<string, string> = {
  S: 'Spoofing',
  T: 'Tampering',
  R: 'Repudiation',
  I: 'Information disclosure',
  D: 'Denial of service',
  E: 'Elevation of privilege',
};
const CATEGORY_IN = Object.fromEntries(Object.entries(STRIDE_TYPES).map(([id, name]) => [name.toLowerCase(), id]));

function isObj(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function str(value: unknown): string {
  return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : '';
}

function num(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

function point(value: unknown): Point | undefined {
  if (!isObj(value)) return undefined;
  const x = num(value.x);
  const y = num(value.y);
  return x === undefined || y === undefined ? undefined : { x, y };
}

/** Is this text a Threat Dragon model (by content, not name)? */
export function looksLikeThreatDragon(text: string): boolean {
  if (!/^\s*\{/.test(text) || !text.includes('"detail"') || !text.includes('"summary"')) return false;
  try {
    const root = unwrapTemplate(JSON.parse(text) as unknown);
    return isObj(root) && isObj(root.summary) && isObj(root.detail) && Array.isArray(root.detail.diagrams);
  } catch {
    return false;
  }
}

/** A Threat Dragon template file holds a model under `model`. */
function unwrapTemplate(root: unknown): unknown {
  return isObj(root) && isObj(root.templateMetadata) && isObj(root.model) ? root.model : root;
}

function parseJson(text: string, file: string): Result<unknown> {
  try {
    return ok(JSON.parse(text) as unknown);
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    const at = /position (\d+)/.exec(message);
    const where: { line?: number; column?: number } = {};
    if (at) {
      const before = text.slice(0, Number(at[1])).split('\n');
      where.line = before.length;
      where.column = (before[before.length - 1]?.length ?? 0) + 1;
    }
    return err(
      bulwarkError('PARSE_SYNTAX', `Not a Threat Dragon model: the file is not valid JSON (${message}).`, {
        file,
        ...where,
      }),
    );
  }
}

// ---- Reading ----------------------------------------------------------------------------------

/** One end of a flow or curve: attached to a cell (and maybe a port of it), or a free point. */
interface End {
  cell?: string;
  port?: string;
  point?: Point;
}

/** A cell of either version, in the same words. */
interface Cell {
  rawId: string;
  kind: Kind;
  tdType: string;
  name: string;
  data: Json;
  threats: unknown[];
  position?: Rect;
  rawSource: unknown;
  rawTarget: unknown;
  source?: End;
  target?: End;
  vertices: Point[];
  z: number;
  /** Port id -> the side it sits on, for version 2 nodes. */
  ports: Map<string, string>;
  path: string;
}

function end(value: unknown, ports: Map<string, Map<string, string>>): End | undefined {
  if (!isObj(value)) return undefined;
  const cell = str(value.cell) || str(value.id);
  const port = str(value.port);
  const side = cell && port ? (ports.get(cell)?.get(port) ?? port) : undefined;
  const p = point(value);
  return { ...(cell ? { cell } : {}), ...(side ? { port: side } : {}), ...(p && !cell ? { point: p } : {}) };
}

function rect(position: unknown, size: unknown): Rect | undefined {
  const p = point(position);
  if (!p || !isObj(size)) return undefined;
  return { x: p.x, y: p.y, width: num(size.width) ?? 0, height: num(size.height) ?? 0 };
}

function labelText(labels: unknown): string {
  if (!Array.isArray(labels)) return '';
  for (const l of labels) {
    if (!isObj(l) || !isObj(l.attrs)) continue;
    for (const key of ['labelText', 'text', 'label']) {
      const t = l.attrs[key];
      if (isObj(t) && str(t.text)) return str(t.text);
    }
  }
  return '';
}

function readCell(raw: unknown, index: number, path: string, warnings: string[]): Cell | undefined {
  if (!isObj(raw)) {
    warnings.push(`${path} is not an object; it was left out.`);
    return undefined;
  }
  const v2 = isObj(raw.data);
  const data: Json = v2
    ? { ...(raw.data as Json) }
    : Object.fromEntries(Object.entries(raw).filter(([k]) => !V1_DRAWING.has(k)));
  const tdType = str(data.type) || str(raw.type);
  const kind = KIND_BY_TYPE[tdType] ?? KIND_BY_SHAPE[str(raw.shape)];
  const rawId = str(raw.id);
  if (!kind || !rawId) {
    const threats = Array.isArray(data.threats) ? data.threats.length : 0;
    const what = tdType ? `the unknown type "${tdType}"` : 'no type';
    warnings.push(
      `${path} (${rawId || 'no id'}) has ${what}${rawId ? '' : ' or no id'}; it was left out${threats > 0 ? `, with its ${threats} threat(s)` : ''}.`,
    );
    return undefined;
  }
  // a closed curve round a rectangle is how Bulwark writes a boundary box in a version 1 file
  const box = kind === 'line' ? closedRectangle(raw) : undefined;
  if (box)
    warnings.push(`${path} (${rawId}) is a boundary curve closed round a rectangle; it was read as a boundary box.`);
  const attrs = isObj(raw.attrs) ? raw.attrs : {};
  const attrText = (key: string) => (isObj(attrs[key]) ? str((attrs[key] as Json).text) : '');
  const name =
    typeof data.name === 'string' ? data.name : attrText('text') || attrText('label') || labelText(raw.labels);
  const ports = new Map<string, string>();
  if (isObj(raw.ports) && Array.isArray(raw.ports.items))
    for (const item of raw.ports.items) if (isObj(item) && str(item.id)) ports.set(str(item.id), str(item.group));
  const position = box ?? rect(raw.position, raw.size);
  const vertices = Array.isArray(raw.vertices) && !box ? raw.vertices.map(point).filter((p): p is Point => !!p) : [];
  return {
    rawId,
    kind: box ? 'box' : kind,
    tdType: TYPE_BY_KIND[box ? 'box' : kind],
    name,
    data,
    threats: Array.isArray(data.threats) ? data.threats : [],
    ...(position ? { position } : {}),
    vertices,
    z: num(raw.zIndex) ?? num(raw.z) ?? index,
    ports,
    path,
    rawSource: raw.source,
    rawTarget: raw.target,
  };
}

/** The rectangle a boundary curve goes round, when it starts and ends at one corner and bends at the other three. */
function closedRectangle(raw: Json): Rect | undefined {
  const start = isObj(raw.source) && !raw.source.cell && !raw.source.id ? point(raw.source) : undefined;
  const end = isObj(raw.target) && !raw.target.cell && !raw.target.id ? point(raw.target) : undefined;
  if (!start || !end || start.x !== end.x || start.y !== end.y || !Array.isArray(raw.vertices)) return undefined;
  const corners = [start, ...raw.vertices.map(point), start];
  if (corners.length !== 5 || corners.some((c) => !c)) return undefined;
  const points = corners as Point[];
  for (let i = 1; i < points.length; i++) {
    const [a, b] = [points[i - 1] as Point, points[i] as Point];
    if ((a.x === b.x) === (a.y === b.y)) return undefined; // each side is one straight, non-empty run
  }
  const xs = points.map((p) => p.x);
  const ys = points.map((p) => p.y);
  const [x, y] = [Math.min(...xs), Math.min(...ys)];
  return { x, y, width: Math.max(...xs) - x, height: Math.max(...ys) - y };
}

/** Bulwark's id rule (core's IdSchema): letters, digits and `_ . : @ -`, starting with a letter or digit. */
const ID = /^[A-Za-z0-9][A-Za-z0-9_.:@-]{0,199}$/;

/** Keeps an id Bulwark can use and no other element or threat has yet. */
function uniqueId(raw: string, used: Set<string>, fallback: string): string {
  let id = ID.test(raw) ? raw : raw.replace(/[^A-Za-z0-9_.:@-]/g, '-').replace(/^[^A-Za-z0-9]+/, '');
  if (!ID.test(id)) id = fallback;
  let unique = id;
  for (let n = 2; used.has(unique); n++) unique = `${id}-${n}`;
  used.add(unique);
  return unique;
}

function keepProperty(out: Record<string, PropertyValue>, key: string, value: unknown): void {
  if (typeof value === 'string' || typeof value === 'boolean' || typeof value === 'number')
    out[TD_PREFIX + key] = value;
  else if (value !== undefined) out[TD_JSON_PREFIX + key] = JSON.stringify(value);
}

function properties(cell: Cell): Record<string, PropertyValue> {
  const out: Record<string, PropertyValue> = {};
  const mapped = MAPPED[cell.tdType] ?? {};
  const flow = cell.kind === 'dataFlow';
  for (const [key, value] of Object.entries(cell.data)) {
    if (ELEMENT_FIELDS.has(key) || (flow && key === 'protocol')) continue;
    const to = mapped[key];
    if (to && (typeof value === 'boolean' || typeof value === 'string')) out[to] = value;
    else keepProperty(out, key, value);
  }
  const protocol = flow ? str(cell.data.protocol) : '';
  if (protocol.trim()) {
    out.protocol = protocolChoice(protocol);
    if (out.protocol !== protocol) out[`${TD_PREFIX}protocol`] = protocol;
  }
  if (cell.vertices.length > 1) out[`${TD_JSON_PREFIX}vertices`] = JSON.stringify(cell.vertices);
  return out;
}

/** The stride template's protocol for a Threat Dragon protocol text ("Other" when none fits). */
function protocolChoice(text: string): string {
  return PROTOCOLS.find((p) => p.toLowerCase() === text.trim().toLowerCase()) ?? 'Other';
}

/** Bulwark's reading of a Threat Dragon status, severity and threat type. */
const statusIn = (s: string): ThreatStatus => STATUS_IN[s.trim().toLowerCase()] ?? 'needs-investigation';
const priorityIn = (s: string): string => PRIORITY_IN[s.trim().toLowerCase()] ?? 'Medium';
const categoryIn = (s: string): string => CATEGORY_IN[s.trim().toLowerCase()] ?? s;

function middle(vertices: Point[]): Point | undefined {
  return vertices[Math.floor(vertices.length / 2)];
}

function readThreat(raw: unknown, elementId: string, diagramId: string, used: Set<string>, n: number): Threat {
  const t = isObj(raw) ? raw : {};
  const props: Record<string, string> = {};
  for (const [key, value] of Object.entries(t)) {
    if (['id', 'threatId', 'title', 'description', 'mitigation', '$$hashKey'].includes(key)) continue;
    // a missing status, severity or type (null) is read as none, which writes back as ''
    if (value === null && ['status', 'severity', 'type'].includes(key)) continue;
    if (typeof value === 'string') props[TD_PREFIX + key] = value;
    else if (value !== undefined) props[TD_JSON_PREFIX + key] = JSON.stringify(value);
  }
  // what the mapping says exactly is not kept twice
  const status = statusIn(str(t.status));
  if (STATUS_OUT[status] === t.status) delete props[`${TD_PREFIX}status`];
  const priority = priorityIn(str(t.severity));
  if (priority === t.severity) delete props[`${TD_PREFIX}severity`];
  const category = categoryIn(str(t.type));
  if ((STRIDE_TYPES[category] ?? category) === str(t.type)) delete props[`${TD_PREFIX}type`];
  const mitigation = str(t.mitigation);
  const threat: Threat = {
    id: uniqueId(str(t.id) || str(t.threatId), used, `${elementId}-threat-${n + 1}`),
    typeId: 'manual',
    origin: 'manual',
    category,
    title: str(t.title),
    description: str(t.description),
    priority,
    status,
    ...(mitigation ? { mitigations: mitigation } : {}),
    elementId,
    diagramId,
    ...(Object.keys(props).length > 0 ? { properties: props } : {}),
  };
  return threat;
}

function toElement(cell: Cell, id: string, ids: Map<string, string>, warnings: string[]): Element | undefined {
  const description = str(cell.data.description);
  const reason = str(cell.data.reasonOutOfScope);
  const props = properties(cell);
  const common = {
    id,
    typeId: TYPE_ID[cell.kind],
    name: cell.name,
    ...(description ? { description } : {}),
    ...(Object.keys(props).length > 0 ? { properties: props } : {}),
    ...(cell.data.outOfScope === true ? { outOfScope: true } : {}),
    ...(reason ? { outOfScopeReason: reason } : {}),
  };
  const handle = middle(cell.vertices);
  if (cell.kind === 'dataFlow') {
    const source = cell.source?.cell ? ids.get(cell.source.cell) : undefined;
    const target = cell.target?.cell ? ids.get(cell.target.cell) : undefined;
    if (!source || !target) {
      warnings.push(
        `Flow "${cell.name || cell.rawId}" (${cell.path}) is not connected to an element at its ${source ? 'target' : 'source'}; Bulwark keeps only flows between two elements, so it was left out (its threats are kept, marked orphaned). Connect it in Threat Dragon and import again to keep it.`,
      );
      return undefined;
    }
    const path: Path = {
      ...(handle ? { handle } : {}),
      ...(cell.source?.port ? { sourcePort: cell.source.port } : {}),
      ...(cell.target?.port ? { targetPort: cell.target.port } : {}),
    };
    return {
      kind: 'dataFlow',
      ...common,
      source,
      target,
      ...(cell.data.isBidirectional === true ? { bidirectional: true } : {}),
      ...(Object.keys(path).length > 0 ? { path } : {}),
    };
  }
  if (cell.kind === 'line') {
    const path: Path = {
      ...(cell.source?.point ? { source: cell.source.point } : {}),
      ...(cell.target?.point ? { target: cell.target.point } : {}),
      ...(handle ? { handle } : {}),
    };
    return { kind: 'trustBoundary', shape: 'line', ...common, path };
  }
  const position = cell.position ? { position: cell.position } : {};
  if (cell.kind === 'box') return { kind: 'trustBoundary', shape: 'box', ...common, ...position };
  return { kind: cell.kind, ...common, ...position };
}

function cellsOf(diagram: Json): unknown {
  return isObj(diagram.diagramJson) ? diagram.diagramJson.cells : (diagram.cells ?? []);
}

/** Reads a Threat Dragon model (version 1 or 2) into a Bulwark model on the stride template. */
export function importThreatDragon(text: string, file = 'model.json'): Result<ModelImport> {
  const parsed = parseJson(text, file);
  if (!parsed.ok) return parsed;
  const warnings: string[] = [];
  const root = unwrapTemplate(parsed.value);
  if (root !== parsed.value) warnings.push('This is a Threat Dragon template; the model it holds was read.');
  const fail = (message: string, path: string) =>
    err(bulwarkError('SCHEMA_INVALID', `Not a Threat Dragon model: ${message}`, { file, path }));
  if (!isObj(root)) return fail('the file holds no JSON object.', '');
  if (!isObj(root.summary))
    return fail(
      'it has no "summary" object (with the title); check that this is a Threat Dragon model file.',
      'summary',
    );
  if (!isObj(root.detail))
    return fail(
      'it has no "detail" object (with the diagrams); check that this is a Threat Dragon model file.',
      'detail',
    );
  const rawDiagrams = root.detail.diagrams ?? [];
  if (!Array.isArray(rawDiagrams)) return fail('"detail.diagrams" is not a list of diagrams.', 'detail.diagrams');
  if (root.summary.title !== undefined && typeof root.summary.title !== 'string')
    return fail('"summary.title" is not text.', 'summary.title');

  const usedIds = new Set<string>();
  const usedThreatIds = new Set<string>();
  const diagramIds = new Set<string>();
  const diagrams: Diagram[] = [];
  const threats: Threat[] = [];
  const notes: Note[] = [];
  for (const [d, rawDiagram] of rawDiagrams.entries()) {
    const at = `detail.diagrams[${d}]`;
    if (!isObj(rawDiagram)) return fail(`${at} is not a diagram object.`, at);
    const rawCells = cellsOf(rawDiagram);
    if (!Array.isArray(rawCells)) return fail(`the cells of ${at} are not a list.`, `${at}.cells`);
    const diagramId = uniqueId(str(rawDiagram.id) || String(d), diagramIds, `diagram-${d + 1}`);
    const name = str(rawDiagram.title) || `Diagram ${d + 1}`;
    const type = str(rawDiagram.diagramType);
    if (type && type !== 'STRIDE')
      warnings.push(
        `Diagram "${name}" is a ${type} diagram in Threat Dragon; Bulwark reads every diagram with the stride template, so its analysis adds STRIDE threats; the diagram's own threats keep their ${type} types.`,
      );
    if (str(rawDiagram.description))
      notes.push({ id: `${DIAGRAM_NOTE}${diagramId}`, text: str(rawDiagram.description) });
    const cells = rawCells
      .map((c, i) => readCell(c, i, `${at}.cells[${i}]`, warnings))
      .filter((c): c is Cell => c !== undefined);
    const ports = new Map(cells.map((c) => [c.rawId, c.ports]));
    for (const c of cells) {
      c.source = end(c.rawSource, ports);
      c.target = end(c.rawTarget, ports);
    }
    // boxes first (they contain the rest), then Threat Dragon's drawing order
    cells.sort((a, b) => Number(b.kind === 'box') - Number(a.kind === 'box') || a.z - b.z);
    const ids = new Map<string, string>();
    for (const c of cells) {
      const id = uniqueId(c.rawId, usedIds, `cell-${usedIds.size + 1}`);
      if (id !== c.rawId)
        warnings.push(`${c.path} has the id "${c.rawId}", which Bulwark cannot use as it is; it became "${id}".`);
      ids.set(c.rawId, id);
    }
    const elements: Element[] = [];
    for (const c of cells) {
      const id = ids.get(c.rawId) ?? c.rawId;
      const element = toElement(c, id, ids, warnings);
      if (element) elements.push(element);
      for (const [n, t] of c.threats.entries()) {
        const threat = readThreat(t, id, diagramId, usedThreatIds, n);
        threats.push(element ? threat : { ...threat, orphaned: true });
      }
    }
    diagrams.push({ id: diagramId, name, elements });
  }
  const summary = root.summary;
  const detail = root.detail;
  const contributors = Array.isArray(detail.contributors)
    ? detail.contributors.map((c) => (isObj(c) ? str(c.name) : str(c))).filter((c) => c !== '')
    : [];
  for (const key of ['compatibility']) {
    if (root[key] !== undefined || summary[key] !== undefined || detail[key] !== undefined)
      warnings.push(
        `The model's "${key}" fields (Threat Model Library data) have no place in a Bulwark model; they were left out.`,
      );
  }
  const draft = {
    schemaVersion: 1,
    metadata: {
      name: str(summary.title).trim() || file.replace(/^.*[\\/]/, '').replace(/\.json$/i, '') || 'Threat Dragon model',
      ...(str(summary.owner) ? { owner: str(summary.owner) } : {}),
      ...(str(detail.reviewer) ? { reviewer: str(detail.reviewer) } : {}),
      ...(contributors.length > 0 ? { contributors } : {}),
      ...(str(summary.description) ? { description: str(summary.description) } : {}),
    },
    template: { id: 'stride' },
    ...(notes.length > 0 ? { notes } : {}),
    diagrams,
    threats,
  };
  const model = parseModel(draft, file);
  if (!model.ok) return model;
  return ok({ model: model.value, warnings });
}

// ---- Writing (version 2) ----------------------------------------------------------------------

/** What a Threat Dragon file cannot hold, gathered so each kind of loss is one warning. */
class Losses {
  private readonly items = new Map<string, Set<string>>();
  add(what: string, who: string): void {
    const set = this.items.get(what) ?? new Set<string>();
    set.add(who);
    this.items.set(what, set);
  }
  list(): string[] {
    return [...this.items].map(([what, who]) => {
      const names = [...who];
      const shown = names.slice(0, 5).join(', ') + (names.length > 5 ? `, and ${names.length - 5} more` : '');
      return `${what}: ${shown}.`;
    });
  }
}

const PORT_SIDES = ['top', 'right', 'bottom', 'left'];

function ports(id: string): Json {
  const circle = {
    r: 4,
    magnet: true,
    stroke: '#5F95FF',
    strokeWidth: 1,
    fill: '#fff',
    style: { visibility: 'hidden' },
  };
  return {
    groups: Object.fromEntries(PORT_SIDES.map((side) => [side, { position: side, attrs: { circle } }])),
    items: PORT_SIDES.map((side) => ({ group: side, id: `${id}-${side}` })),
  };
}

function portRef(cell: string, side: string | undefined): Json {
  if (!side) return { cell };
  return { cell, port: PORT_SIDES.includes(side) ? `${cell}-${side}` : side };
}

function label(text: string): Json[] {
  return [
    {
      markup: [
        { tagName: 'ellipse', selector: 'labelBody' },
        { tagName: 'text', selector: 'labelText' },
      ],
      attrs: {
        labelText: { text, textAnchor: 'middle', textVerticalAnchor: 'middle' },
        labelBody: { ref: 'labelText', refRx: '50%', refRy: '60%', fill: '#fff', strokeWidth: 0 },
      },
      position: 0.5,
    },
  ];
}

/** Threat Dragon fields kept as `threatDragon:` (and `threatDragon:json:`) keys, as they were; other keys apart. */
function keptFields(props: Record<string, PropertyValue>): { fields: Json; others: string[] } {
  const fields: Json = {};
  const others: string[] = [];
  for (const [key, value] of Object.entries(props)) {
    if (key.startsWith(TD_JSON_PREFIX)) {
      try {
        fields[key.slice(TD_JSON_PREFIX.length)] = JSON.parse(String(value)) as unknown;
      } catch {
        fields[key.slice(TD_JSON_PREFIX.length)] = value;
      }
    } else if (key.startsWith(TD_PREFIX)) fields[key.slice(TD_PREFIX.length)] = value;
    else others.push(key);
  }
  return { fields, others };
}

/** Threat Dragon fields back from an element's properties. */
function tdData(el: Element, tdType: string, losses: Losses): Json {
  const reverse = Object.fromEntries(Object.entries(MAPPED[tdType] ?? {}).map(([td, b]) => [b, td]));
  const props = el.properties ?? {};
  const { fields: out, others } = keptFields(props);
  delete out.vertices; // written as the cell's bend points
  for (const key of others) {
    const field = reverse[key];
    if (field) out[field] = props[key];
    else if (key !== 'protocol' || tdType !== 'tm.Flow')
      losses.add('Properties Threat Dragon has no field for were left out', `${key} (${el.name || el.id})`);
  }
  if (tdType === 'tm.Flow' && typeof props.protocol === 'string') {
    const kept = props[`${TD_PREFIX}protocol`];
    out.protocol = typeof kept === 'string' && protocolChoice(kept) === props.protocol ? kept : props.protocol;
  }
  return inTdTypes(out, el.name || el.id, losses);
}

/** Threat Dragon's data fields that its schemas (both versions) type as true or false. */
const TD_BOOLEANS = new Set([
  'handlesCardPayment',
  'handlesGoodsOrServices',
  'isALog',
  'isBidirectional',
  'isEncrypted',
  'isPublicNetwork',
  'isSigned',
  'isTrustBoundary',
  'isWebApplication',
  'outOfScope',
  'providesAuthentication',
  'storesCredentials',
  'storesInventory',
  'hasOpenThreats',
]);
/** Threat Dragon's data fields that its schemas type as text (besides the ones written from the element). */
const TD_TEXTS = new Set(['privilegeLevel', 'protocol']);
const YES = new Set(['true', 'yes', 'y', 'on', '1']);
const NO = new Set(['false', 'no', 'n', 'off', '0']);

/**
 * Values in the types Threat Dragon's schemas give them: "Yes" and "No" (and the like) are true
 * and false, a number is text where text is wanted; what cannot be said so is left out, with a
 * warning (a string such as "No" would be read as true by Threat Dragon).
 */
function inTdTypes(data: Json, who: string, losses: Losses): Json {
  const out: Json = {};
  for (const [key, value] of Object.entries(data)) {
    if (TD_BOOLEANS.has(key) && typeof value !== 'boolean') {
      const text = String(value).trim().toLowerCase();
      if (YES.has(text) || NO.has(text)) {
        out[key] = YES.has(text);
        losses.add('Values were written as true or false, as Threat Dragon wants them', `${key} "${value}" (${who})`);
      } else
        losses.add(
          'Values Threat Dragon wants as true or false, and that are neither, were left out',
          `${key} "${value}" (${who})`,
        );
    } else if (TD_TEXTS.has(key) && typeof value !== 'string') {
      out[key] = String(value);
      losses.add('Values were written as text, as Threat Dragon wants them', `${key} (${who})`);
    } else out[key] = value;
  }
  return out;
}

function vertices(el: Element, losses: Losses): Point[] {
  if (el.kind !== 'dataFlow' && el.kind !== 'trustBoundary') return [];
  const handle = el.path?.handle;
  if (!handle) return [];
  const kept = el.properties?.[`${TD_JSON_PREFIX}vertices`];
  if (typeof kept === 'string') {
    try {
      const list = (JSON.parse(kept) as unknown[]).map(point).filter((p): p is Point => !!p);
      const mid = middle(list);
      if (mid && mid.x === handle.x && mid.y === handle.y) return list;
    } catch {
      losses.add('Bend points that could not be read were replaced by the handle', el.name || el.id);
    }
  }
  return [handle];
}

function whole(p: Point, el: Element, losses: Losses): Json {
  if (!Number.isInteger(p.x) || !Number.isInteger(p.y))
    losses.add(
      'Boundary line ends were rounded to whole pixels (Threat Dragon stores them as integers)',
      el.name || el.id,
    );
  return { x: Math.round(p.x), y: Math.round(p.y) };
}

/** A flow or boundary curve cell: X6 edges drawn smooth through their bend points. */
function edge(
  el: Element,
  shape: string,
  line: Json,
  zIndex: number,
  [source, target]: readonly [Json, Json],
  data: Json,
  losses: Losses,
): Json {
  const common = { width: 200, height: 100, zIndex, connector: 'smooth', labels: label(el.name), id: el.id };
  return { shape, attrs: { line }, ...common, source, target, vertices: vertices(el, losses), data };
}

/** A threat as Threat Dragon writes it; a kept Threat Dragon value wins while it still means what the threat says. */
function writeThreat(t: Threat, categoryNames: Map<string, string>, losses: Losses): Json {
  const who = t.title || t.id;
  const { fields, others } = keptFields(t.properties ?? {});
  for (const key of others)
    losses.add('Threat properties Threat Dragon has no field for were left out', `${key} (${who})`);
  const kept = (key: string) => (typeof fields[key] === 'string' ? (fields[key] as string) : undefined);
  const keptStatus = kept('status');
  const status = keptStatus !== undefined && statusIn(keptStatus) === t.status ? keptStatus : STATUS_OUT[t.status];
  const keptSeverity = kept('severity');
  const severity = keptSeverity !== undefined && priorityIn(keptSeverity) === t.priority ? keptSeverity : t.priority;
  const keptType = kept('type');
  const type =
    keptType !== undefined && categoryIn(keptType) === t.category
      ? keptType
      : (STRIDE_TYPES[t.category] ?? categoryNames.get(t.category) ?? t.category);
  if (t.status === 'needs-investigation' && status === 'Open')
    losses.add('Threats needing investigation were written as Open (Threat Dragon has no such status)', who);
  if (t.justification) losses.add('Threat justifications were left out', who);
  if (t.changedBy || t.changedAt) losses.add('Who changed a threat and when were left out', who);
  if (t.origin === 'generated')
    losses.add('Generated threats were written as Threat Dragon threats (read back, they are manual)', who);
  return {
    ...fields,
    id: t.id,
    title: t.title,
    status,
    severity,
    type,
    description: t.description,
    mitigation: t.mitigations ?? '',
  };
}

/** A model as a Threat Dragon version 2 file's JSON, with what that file cannot hold. */
function writeV2(model: ThreatModel, template: Template): { file: Json; warnings: string[] } {
  const losses = new Losses();
  const warnings: string[] = [];
  const typeNames = new Map(template.elementTypes.map((t) => [t.id, t.name]));
  const categoryNames = new Map(template.categories.map((c) => [c.id, c.name]));
  const diagramType = { stride: 'STRIDE', cia: 'CIA', privacy: 'LINDDUN' }[model.template.id] ?? 'Generic';
  const thumbnail = `./public/content/images/thumbnail${diagramType === 'Generic' ? '' : `.${diagramType.toLowerCase()}`}.jpg`;

  const threatsByElement = new Map<string, Threat[]>();
  const elementIds = new Set(model.diagrams.flatMap((d) => d.elements.map((e) => e.id)));
  for (const t of model.threats ?? []) {
    const on = t.elementId ?? t.interaction?.flowId;
    if (!on || !elementIds.has(on)) {
      losses.add(
        'Threats on no element of a diagram were left out (Threat Dragon keeps threats on elements)',
        t.title || t.id,
      );
      continue;
    }
    const list = threatsByElement.get(on) ?? [];
    list.push(t);
    threatsByElement.set(on, list);
  }

  let unplaced = 0;
  const usedDiagramIds = new Set(model.diagrams.filter((d) => /^\d{1,9}$/.test(d.id)).map((d) => Number(d.id)));
  let nextDiagramId = 0;
  const diagrams = model.diagrams.map((diagram) => {
    let id = /^\d{1,9}$/.test(diagram.id) ? Number(diagram.id) : -1;
    if (id < 0) {
      while (usedDiagramIds.has(nextDiagramId)) nextDiagramId++;
      id = nextDiagramId;
      usedDiagramIds.add(id);
    }
    const boxes = diagram.elements.filter((e) => e.kind === 'trustBoundary' && e.shape === 'box').length;
    let boxZ = -boxes;
    let z = 0;
    const cells = diagram.elements.map((el) => {
      const kind: Kind = el.kind === 'trustBoundary' ? el.shape : el.kind;
      const tdType = TYPE_BY_KIND[kind];
      const who = el.name || el.id;
      if (!Object.values(TYPE_ID).includes(el.typeId))
        losses.add(
          `Element types Threat Dragon has no equivalent of were written as their basic shape (${SHAPE[kind]})`,
          `${typeNames.get(el.typeId) ?? el.typeId} (${who})`,
        );
      if ('grouped' in el && el.grouped) losses.add('"Grouped" marks were left out', who);
      if ('childDiagramId' in el && el.childDiagramId) losses.add('Links to detail diagrams were left out', who);
      if ('boundaryId' in el && el.boundaryId)
        losses.add('Boundary membership without a position was left out (place the element inside its box)', who);
      const threats = (threatsByElement.get(el.id) ?? []).map((t) => writeThreat(t, categoryNames, losses));
      const data: Json = { type: tdType, name: el.name, description: el.description ?? '' };
      if (kind !== 'annotation' && kind !== 'box' && kind !== 'line') {
        data.outOfScope = el.outOfScope === true;
        data.reasonOutOfScope = el.outOfScopeReason ?? '';
      } else if (el.outOfScope || el.outOfScopeReason)
        losses.add('Out-of-scope marks on boundaries and notes were left out', who);
      if (el.kind === 'dataFlow') data.isBidirectional = el.bidirectional === true;
      Object.assign(data, tdData(el, tdType, losses));
      data.isTrustBoundary = kind === 'box' || kind === 'line';
      data.hasOpenThreats = threats.some((t) => t.status === 'Open');
      if (kind !== 'annotation' && kind !== 'box' && kind !== 'line') data.threats = threats;
      else if (threats.length > 0) losses.add('Threats on boundaries and notes were left out', who);
      const zIndex = kind === 'box' ? boxZ++ : ++z;
      const stroke = data.hasOpenThreats ? 'red' : '#333333';
      const strokeWidth = data.hasOpenThreats ? 2.5 : 1.5;
      const strokeDasharray = el.outOfScope ? '4 3' : null;

      if (el.kind === 'dataFlow') {
        if (el.path?.source || el.path?.target)
          losses.add('Flow end points were left out (Threat Dragon draws a flow from the edges of its elements)', who);
        const sourceMarker = { name: el.bidirectional ? 'block' : '' };
        const line = { stroke, strokeWidth, targetMarker: { name: 'block' }, sourceMarker, strokeDasharray };
        const ends = [portRef(el.source, el.path?.sourcePort), portRef(el.target, el.path?.targetPort)] as const;
        return edge(el, 'flow', line, zIndex, ends, data, losses);
      }
      if (el.kind === 'trustBoundary' && el.shape === 'line') {
        const from = el.path?.source ?? { x: 0, y: 0 };
        if (!el.path?.source || !el.path.target)
          losses.add('Boundary lines without both end points were drawn from a default point', who);
        const to = el.path?.target ?? { x: from.x + 100, y: from.y };
        const ends = [whole(from, el, losses), whole(to, el, losses)] as const;
        return edge(el, 'trust-boundary-curve', { targetMarker: '', sourceMarker: '' }, zIndex, ends, data, losses);
      }
      const place = 'position' in el ? el.position : undefined;
      if (!place) losses.add('Elements without a position were placed on a grid (lay them out in Threat Dragon)', who);
      const grid = place ? 0 : unplaced++;
      const position = place ?? { x: 40 + (grid % 6) * 200, y: 40 + Math.floor(grid / 6) * 160, width: 0, height: 0 };
      const size = {
        width: Math.max(10, position.width || 160),
        height: Math.max(10, position.height || 80),
      };
      const base = {
        position: { x: position.x, y: position.y },
        size,
        visible: true,
        shape: SHAPE[kind],
        zIndex,
        id: el.id,
      };
      if (kind === 'box') return { ...base, attrs: { label: { text: el.name } }, data };
      if (kind === 'annotation') return { ...base, attrs: { text: { text: el.name } }, data };
      const line = { stroke, strokeWidth, strokeDasharray };
      const attrs =
        kind === 'dataStore'
          ? { text: { text: el.name }, topLine: line, bottomLine: line }
          : { text: { text: el.name }, body: line };
      return { ...base, attrs, ports: ports(el.id), data };
    });
    const note = model.notes?.find((n) => n.id === `${DIAGRAM_NOTE}${diagram.id}`);
    return {
      version: TD_VERSION,
      title: diagram.name,
      description: note?.text ?? '',
      thumbnail,
      diagramType,
      id,
      cells,
    };
  });

  const diagramNotes = new Set(model.diagrams.map((d) => `${DIAGRAM_NOTE}${d.id}`));
  const notes = (model.notes ?? []).filter((n) => !diagramNotes.has(n.id));
  if (notes.length > 0) warnings.push(`${notes.length} note(s) were left out: Threat Dragon keeps no notes.`);
  if ((model.assets ?? []).length > 0)
    warnings.push(`${model.assets?.length} asset(s) were left out: Threat Dragon keeps no assets.`);
  const meta = model.metadata;
  if ((meta.assumptions ?? []).length > 0)
    warnings.push('The assumptions were left out: Threat Dragon has no field for them.');
  if ((meta.externalDependencies ?? []).length > 0)
    warnings.push('The external dependencies were left out: Threat Dragon has no field for them.');
  if (model.review && ((model.review.reviewed ?? []).length > 0 || (model.review.signOffs ?? []).length > 0))
    warnings.push('Review progress and sign-offs were left out: Threat Dragon has no field for them.');

  const file = {
    version: TD_VERSION,
    summary: { title: meta.name, owner: meta.owner ?? '', description: meta.description ?? '', id: 0 },
    detail: {
      contributors: (meta.contributors ?? []).map((name) => ({ name })),
      diagrams,
      diagramTop: Math.max(diagrams.length, ...diagrams.map((d) => d.id + 1)),
      reviewer: meta.reviewer ?? '',
      threatTop: diagrams
        .flatMap((d) => d.cells.flatMap((c) => ((c.data as Json).threats ?? []) as Json[]))
        .reduce((top, t) => Math.max(top, num(t.number) ?? 0), (model.threats ?? []).length),
    },
  };
  return { file, warnings: [...warnings, ...losses.list()] };
}

const asText = (file: Json) => `${JSON.stringify(file, null, 2)}\n`;

/** Writes a model as a Threat Dragon version 2 file, with what that file cannot hold. */
export function exportThreatDragon(model: ThreatModel, template: Template): FormatOutput {
  const { file, warnings } = writeV2(model, template);
  return { text: asText(file), warnings };
}

// ---- Writing (version 1) ----------------------------------------------------------------------

/** The Threat Dragon version written into version 1 files (the last 1.x release). */
const TD_V1_VERSION = '1.6.1';

/** UUIDs as Threat Dragon writes them. */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** The namespace of the version 5 UUIDs made from Bulwark ids (a fixed, random UUID: never change it). */
export const BULWARK_ID_NAMESPACE = '0b9e4f3a-6c2d-4e8b-9f1a-5d7c3b2a1e60';

/** An id as version 1 cells need it (a UUID): kept when it is one, else the version 5 UUID made from it. */
function v1Id(id: string, losses: Losses): string {
  if (UUID.test(id)) return id;
  losses.add(
    "Ids that are not UUIDs were written as UUIDs made from them (Threat Dragon 1's schema wants UUIDs; read back, the elements have these ids)",
    id,
  );
  return uuidV5(id, BULWARK_ID_NAMESPACE);
}

/** A version 2 edge end as version 1 writes it: `{ id, port }` with the port's side, or a whole point. */
function v1End(value: unknown, nodes: Set<string>, loose: Point, who: string, losses: Losses): unknown {
  if (!isObj(value)) return value;
  if (!str(value.cell)) return v1Point(value, who, losses);
  const cell = str(value.cell);
  if (!nodes.has(cell)) {
    losses.add(
      "Flow ends on no element of their diagram were written as loose ends (Threat Dragon 1's reader fails on them)",
      who,
    );
    return v1Point(loose, who, losses);
  }
  const port = str(value.port);
  const side = port.startsWith(`${cell}-`) ? port.slice(cell.length + 1) : port;
  return { id: v1Id(cell, losses), ...(side ? { port: side } : {}) };
}

/** A point in whole pixels (Threat Dragon 1's schema wants integers for bend points and line ends). */
function v1Point(value: unknown, who: string, losses: Losses): Point {
  const p = point(value) ?? { x: 0, y: 0 };
  if (!Number.isInteger(p.x) || !Number.isInteger(p.y))
    losses.add('Bend points were rounded to whole pixels (Threat Dragon 1 stores them as integers)', who);
  return { x: Math.round(p.x), y: Math.round(p.y) };
}

/** A version 2 boundary box (see writeV2) as the closed boundary curve round it that version 1 can draw. */
function v1Box(cell: Json, text: string, losses: Losses): Json {
  losses.add(
    'Boundary boxes were written as closed boundary curves round the same area (Threat Dragon 1 has no boxes; Bulwark reads them back as boxes)',
    text || str(cell.id),
  );
  const p = point(cell.position) ?? { x: 0, y: 0 };
  const size = isObj(cell.size) ? cell.size : {};
  const [x, y] = [Math.round(p.x), Math.round(p.y)];
  const [right, bottom] = [x + Math.round(num(size.width) ?? 0), y + Math.round(num(size.height) ?? 0)];
  const { position: _position, size: _size, ...rest } = cell;
  const corner = { x, y };
  return {
    ...rest,
    shape: 'trust-boundary-curve',
    source: corner,
    target: corner,
    vertices: [
      { x: right, y },
      { x: right, y: bottom },
      { x, y: bottom },
    ],
    data: { ...(cell.data as Json), type: 'tm.Boundary' },
  };
}

/** Threat fields Threat Dragon 1's schema types as text. */
const V1_THREAT_TEXTS = ['description', 'mitigation', 'modelType', 'score', 'severity', 'status', 'title', 'type'];

/** A threat in the types Threat Dragon 1's schema gives its fields; what cannot be said so is left out, with a warning. */
function v1Threat(threat: Json, losses: Losses): Json {
  const out = { ...threat };
  const who = `${str(threat.title) || str(threat.id)}`;
  for (const key of V1_THREAT_TEXTS)
    if (out[key] !== undefined && typeof out[key] !== 'string') {
      out[key] = typeof out[key] === 'number' ? String(out[key]) : JSON.stringify(out[key]);
      losses.add('Threat values were written as text, as Threat Dragon 1 wants them', `${key} (${who})`);
    }
  if (out.number !== undefined && !Number.isInteger(out.number)) {
    delete out.number;
    losses.add('Threat numbers that are not whole numbers were left out (Threat Dragon 1 wants integers)', who);
  }
  if (out.threatId !== undefined && str(out.threatId).length < 36) {
    delete out.threatId;
    losses.add('Threat ids (threatId) shorter than a UUID were left out (Threat Dragon 1 wants UUIDs)', who);
  }
  return out;
}

/** A version 2 cell (see writeV2) as a JointJS cell: the same data, drawn the version 1 way. */
function v1Cell(raw: Json, nodes: Set<string>, losses: Losses): Json | undefined {
  const text = str((raw.data as Json).name);
  if ((raw.data as Json).type === 'tm.Text') {
    losses.add('Text blocks were left out (Threat Dragon 1 has none)', text || str(raw.id));
    return undefined;
  }
  const cell = (raw.data as Json).type === 'tm.BoundaryBox' ? v1Box(raw, text, losses) : raw;
  const { type, name: _, ...fields } = cell.data as Json;
  const state = `${fields.hasOpenThreats ? 'hasOpenThreats' : 'hasNoOpenThreats'} ${fields.outOfScope ? 'isOutOfScope' : 'isInScope'}`;
  if (Array.isArray(fields.threats)) fields.threats = fields.threats.map((t: Json) => v1Threat(t, losses));
  const common = { type, id: v1Id(str(cell.id), losses), z: cell.zIndex, ...fields };
  if (cell.shape === 'flow' || cell.shape === 'trust-boundary-curve') {
    const flow = type === 'tm.Flow';
    const who = text || str(cell.id);
    // Threat Dragon 1 writes no labels on an edge without a name (its reader fails on an empty list)
    const labels = text
      ? { labels: [{ position: 0.5, attrs: { text: { text, 'font-weight': '400', 'font-size': 'small' } } }] }
      : {};
    const attrs = flow
      ? { '.connection': { class: `connection ${state}` }, '.marker-target': { class: `marker-target ${state}` } }
      : {};
    const vertices = (Array.isArray(cell.vertices) ? cell.vertices : []).map((v) => v1Point(v, who, losses));
    const [first, last] = [vertices[0] ?? { x: 0, y: 0 }, vertices[vertices.length - 1] ?? { x: 100, y: 0 }];
    const source = v1End(cell.source, nodes, { x: first.x - 60, y: first.y }, who, losses);
    const ends = { source, target: v1End(cell.target, nodes, { x: last.x + 60, y: last.y }, who, losses) };
    return { ...common, size: { width: 10, height: 10 }, smooth: true, ...ends, vertices, ...labels, attrs };
  }
  const attrs = {
    '.element-shape': { class: `element-shape ${state}` },
    text: { text },
    '.element-text': { class: `element-text ${state}` },
  };
  return { ...common, size: cell.size, position: cell.position, angle: 0, attrs };
}

/** Writes a model as a Threat Dragon version 1 file (JointJS cells), with what that file cannot hold. */
export function exportThreatDragonV1(model: ThreatModel, template: Template): FormatOutput {
  const { file, warnings } = writeV2(model, template);
  const losses = new Losses();
  const detail = file.detail as Json;
  const diagrams = (detail.diagrams as Json[]).map(({ cells, version: _, ...diagram }) => {
    const nodes = (cells as Json[]).filter((c) => isObj(c.position) && isObj(c.size));
    const nodeIds = new Set(nodes.filter((c) => isObj(c.ports)).map((c) => str(c.id)));
    const extent = (axis: 'x' | 'y', side: 'width' | 'height') =>
      Math.ceil(
        Math.max(
          50,
          ...nodes.map((c) => (num((c.position as Json)[axis]) ?? 0) + (num((c.size as Json)[side]) ?? 0) + 40),
        ),
      );
    return {
      ...diagram,
      size: { width: extent('x', 'width'), height: extent('y', 'height') },
      diagramJson: { cells: (cells as Json[]).flatMap((c) => v1Cell(c, nodeIds, losses) ?? []) },
    };
  });
  const v1 = { ...file, version: TD_V1_VERSION, detail: { ...detail, diagrams } };
  return { text: asText(v1), warnings: [...warnings, ...losses.list()] };
}

/** OWASP Threat Dragon models: version 1 and 2 read, version 2 written. */
export const threatDragonFormat: ModelFormat = {
  id: 'threat-dragon',
  name: 'OWASP Threat Dragon (v1 and v2)',
  extensions: ['.json'],
  detect: looksLikeThreatDragon,
  read: (text, file) => importThreatDragon(text, file),
  write: exportThreatDragon,
};

/** Threat Dragon version 1 files, written only: reading (of both versions) stays with `threatDragonFormat`. */
export const threatDragonV1Format: ModelFormat = {
  id: 'threat-dragon-v1',
  name: 'OWASP Threat Dragon (v1)',
  extensions: ['.json'],
  mediaType: 'application/json',
  write: exportThreatDragonV1,
};
