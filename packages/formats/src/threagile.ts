/**
 * Threagile's YAML model (threagile.io): technical assets with their communication links, trust
 * boundaries, data assets, shared runtimes and risk tracking. Read only. Assets become elements
 * of the `infrastructure` template (kind from the asset's type, template type from its
 * technology), links become flows, boundaries become box boundaries by membership (`boundaryId`;
 * no positions: Bulwark lays them out), data assets become model assets. Threagile's own fields
 * stay on each element as `threagile:<field>` properties. Files named under `includes` are read
 * through the caller's `readRelated`, relative to the file that names them.
 */

import {
  type Asset,
  bulwarkError,
  type Element,
  err,
  MAX_YAML_NESTING,
  type Note,
  ok,
  type PropertyValue,
  parseModel,
  type Result,
  type Threat,
  type ThreatStatus,
  yamlNesting,
} from '@bulwark/core';
import { LineCounter, parseDocument } from 'yaml';
import type { ModelFormat, ModelImport, ReadOptions } from './format.js';

type YamlMap = Record<string, unknown>;

/** Is this text a Threagile model (by content, not name)? */
export function looksLikeThreagile(text: string): boolean {
  return /^(threagile_version|technical_assets)\s*:/m.test(text.slice(0, 200_000));
}

function isMap(value: unknown): value is YamlMap {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function str(value: unknown): string {
  return typeof value === 'string'
    ? value
    : typeof value === 'number' || typeof value === 'boolean'
      ? String(value)
      : '';
}

function strings(value: unknown): string[] {
  if (!Array.isArray(value)) return [];
  return value.map((v) => (isMap(v) ? str(v.name) : str(v))).filter((v) => v !== '');
}

/**
 * The entries of a section written as a map (`Title: {id: ...}`, the usual form) or as a list of
 * objects with a `title` (Threagile's parsed-model output): [title, fields] pairs.
 */
function entries(section: unknown): [string, YamlMap][] {
  if (isMap(section))
    return Object.entries(section).map(([key, v]) => [str(isMap(v) ? v.title : '') || key, isMap(v) ? v : {}]);
  if (Array.isArray(section)) return section.filter(isMap).map((v) => [str(v.title) || str(v.id), v]);
  return [];
}

/** Lexically joins a path relative to the directory of `from` (both with `/`), resolving `.` and `..`. */
export function relativePath(from: string, path: string): string {
  if (path.startsWith('/')) return path;
  const parts = from.split('/').slice(0, -1);
  for (const part of path.split('/')) {
    if (part === '.' || part === '') continue;
    if (part === '..' && parts.length > 0 && parts[parts.length - 1] !== '..') parts.pop();
    else parts.push(part);
  }
  return parts.join('/');
}

function parseYaml(text: string, file: string): Result<YamlMap> {
  if (yamlNesting(text) > MAX_YAML_NESTING) {
    return err(
      bulwarkError('PARSE_SYNTAX', `Not a readable Threagile model: it nests deeper than ${MAX_YAML_NESTING} levels.`, {
        file,
      }),
    );
  }
  const lines = new LineCounter();
  const document = parseDocument(text, { lineCounter: lines, prettyErrors: false, merge: true });
  const first = document.errors[0];
  if (first) {
    const pos = lines.linePos(first.pos[0]);
    return err(
      bulwarkError('PARSE_SYNTAX', `Not a readable Threagile model: ${first.message.split('\n')[0]}`, {
        file,
        line: pos.line,
        column: pos.col,
      }),
    );
  }
  let data: unknown;
  try {
    data = document.toJS({ maxAliasCount: 1000 });
  } catch (e) {
    return err(bulwarkError('PARSE_SYNTAX', `Not a readable Threagile model: ${(e as Error).message}`, { file }));
  }
  if (data === null || data === undefined) return ok({});
  if (!isMap(data)) {
    return err(
      bulwarkError('SCHEMA_INVALID', 'A Threagile model is a YAML mapping of sections; this file is not.', { file }),
    );
  }
  return ok(data);
}

/** Sections merged entry by entry when files include each other; everything else: first one wins. */
function mergeInto(target: YamlMap, source: YamlMap): void {
  for (const [key, value] of Object.entries(source)) {
    if (key === 'includes') continue;
    const have = target[key];
    if (isMap(have) && isMap(value)) target[key] = { ...have, ...value };
    else if (Array.isArray(have) && Array.isArray(value)) target[key] = [...have, ...value];
    else if (have === undefined || have === null) target[key] = value;
  }
}

/** Reads a file and everything it includes, depth first; `chain` is the files that led here. */
function readWithIncludes(
  data: YamlMap,
  path: string,
  chain: string[],
  options: ReadOptions | undefined,
  warnings: string[],
): Result<YamlMap> {
  const merged: YamlMap = {};
  mergeInto(merged, data);
  for (const include of strings(data.includes)) {
    const target = relativePath(path, include);
    if (!options?.readRelated) {
      warnings.push(
        `${path} includes ${include}, which was not read (no access to related files); its content is missing.`,
      );
      continue;
    }
    if (chain.includes(target) || target === path) {
      return err(
        bulwarkError(
          'SCHEMA_INVALID',
          `The includes form a cycle: ${[...chain, path, target].join(' -> ')}. Remove one of them.`,
          { file: path },
        ),
      );
    }
    const text = options.readRelated(target);
    if (!text.ok) {
      return err(
        bulwarkError('IO', `${path} includes ${include}, which could not be read: ${text.error.message}`, {
          file: target,
        }),
      );
    }
    const parsed = parseYaml(text.value, target);
    if (!parsed.ok) return parsed;
    const included = readWithIncludes(parsed.value, target, [...chain, path], options, warnings);
    if (!included.ok) return included;
    mergeInto(merged, included.value);
  }
  return ok(merged);
}

/** Bulwark's id pattern (IdSchema's). */
const ID = /^[A-Za-z0-9][A-Za-z0-9_.:@-]{0,199}$/;

/** Ids the model hands out: Threagile's own where they are valid and free, else made up. */
class Ids {
  private readonly used = new Set<string>();
  take(wanted: string, fallback: string): string {
    const base = ID.test(wanted) ? wanted : fallback;
    let id = base;
    for (let n = 2; this.used.has(id); n++) id = `${base}-${n}`;
    this.used.add(id);
    return id;
  }
}

function slug(text: string): string {
  return (
    text
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '') || 'link'
  );
}

/** Kept fields: lists joined with commas, empty ones left out. */
function kept(fields: YamlMap, keys: readonly string[], names?: Map<string, string>): Record<string, PropertyValue> {
  const out: Record<string, PropertyValue> = {};
  for (const key of keys) {
    const value = fields[key];
    if (Array.isArray(value)) {
      const list = strings(value).map((v) => names?.get(v) ?? v);
      if (list.length > 0) out[`threagile:${key}`] = list.join(', ');
    } else if (typeof value === 'boolean' || typeof value === 'number') out[`threagile:${key}`] = value;
    else if (typeof value === 'string' && value.trim() !== '') out[`threagile:${key}`] = value.trim();
  }
  return out;
}

const ASSET_FIELDS = [
  'technology',
  'technologies',
  'usage',
  'size',
  'machine',
  'encryption',
  'internet',
  'owner',
  'confidentiality',
  'integrity',
  'availability',
  'justification_cia_rating',
  'used_as_client_by_human',
  'multi_tenant',
  'redundant',
  'custom_developed_parts',
  'tags',
  'data_formats_accepted',
] as const;
const ASSET_DATA_FIELDS = ['data_assets_processed', 'data_assets_stored'] as const;
const LINK_FIELDS = ['protocol', 'authentication', 'authorization', 'vpn', 'ip_filtered', 'readonly', 'usage', 'tags'];
const LINK_DATA_FIELDS = ['data_assets_sent', 'data_assets_received'];

const KIND: Record<string, 'externalEntity' | 'process' | 'dataStore'> = {
  'external-entity': 'externalEntity',
  process: 'process',
  datastore: 'dataStore',
};

/** Technologies with a matching `infrastructure` type, per kind (others get the generic type). */
const PROCESS_TYPES: Record<string, string> = {
  browser: 'infra.workstation',
  desktop: 'infra.workstation',
  'client-system': 'infra.workstation',
  'devops-client': 'infra.workstation',
  'build-pipeline': 'infra.build-server',
  'sourcecode-repository': 'infra.source-hosting',
  'ldap-server': 'infra.directory',
  'identity-provider': 'infra.directory',
  'identity-store-ldap': 'infra.directory',
  'file-server': 'infra.file-share',
  database: 'infra.sql-server',
  monitoring: 'infra.logging',
};
const STORE_TYPES: Record<string, string> = {
  'identity-store-ldap': 'infra.directory-store',
  'identity-store-database': 'infra.directory-store',
  'file-server': 'infra.file-store',
  'local-file-system': 'infra.file-store',
  'block-storage': 'infra.file-store',
  vault: 'infra.credentials-store',
  hsm: 'infra.credentials-store',
  monitoring: 'infra.log-store',
};
const GENERIC = { process: 'GE.P', dataStore: 'GE.DS', externalEntity: 'GE.EI' } as const;

function elementType(kind: 'externalEntity' | 'process' | 'dataStore', technology: string, human: boolean): string {
  if (kind === 'process') return PROCESS_TYPES[technology] ?? GENERIC.process;
  if (kind === 'dataStore') return STORE_TYPES[technology] ?? GENERIC.dataStore;
  return human ? 'infra.user' : GENERIC.externalEntity;
}

const BOUNDARY_TYPES: Record<string, string> = {
  'network-on-prem': 'infra.tb.corporate-network',
  'network-cloud-provider': 'infra.tb.cloud-tenant',
};

const PROTOCOLS: Record<string, string> = {
  'unknown-protocol': 'Unspecified',
  http: 'HTTP',
  ws: 'HTTP',
  'reverse-proxy-web-protocol': 'HTTP',
  https: 'HTTPS',
  wss: 'HTTPS',
  'reverse-proxy-web-protocol-encrypted': 'HTTPS',
  jdbc: 'SQL',
  'jdbc-encrypted': 'SQL',
  odbc: 'SQL',
  'odbc-encrypted': 'SQL',
  'sql-access-protocol': 'SQL',
  'sql-access-protocol-encrypted': 'SQL',
  ssh: 'SSH',
  'ssh-tunnel': 'SSH',
  sftp: 'SSH',
  scp: 'SSH',
  ldap: 'LDAP',
  ldaps: 'LDAPS',
  smb: 'SMB',
  'smb-encrypted': 'SMB',
};

/** The `infrastructure` template's flow properties a link's fields say something about. */
function flowProperties(link: YamlMap): Record<string, PropertyValue> {
  const out: Record<string, PropertyValue> = {};
  const protocol = str(link.protocol);
  if (protocol !== '') out.protocol = PROTOCOLS[protocol] ?? 'Other';
  const authentication = str(link.authentication);
  if (authentication !== '') out.authentication = authentication === 'none' ? 'None' : 'Service';
  if (authentication === 'credentials' || authentication === 'two-factor') out.carriesCredentials = true;
  if (authentication === 'session-id' || authentication === 'token') out.carriesSessionTokens = true;
  if (typeof link.vpn === 'boolean') out.tunnel = link.vpn ? 'VPN tunnel' : 'None';
  if (typeof link.ip_filtered === 'boolean') out.ipAllowList = link.ip_filtered;
  return out;
}

/** Threagile risk statuses as Bulwark's; the second value says whether the meaning is the same. */
const STATUS: Record<string, [ThreatStatus, boolean]> = {
  unchecked: ['not-started', true],
  'in-discussion': ['needs-investigation', true],
  'in-progress': ['needs-investigation', false],
  accepted: ['not-applicable', false],
  'false-positive': ['not-applicable', true],
  mitigated: ['mitigated', true],
};
const STRIDE: Record<string, string> = {
  spoofing: 'S',
  tampering: 'T',
  repudiation: 'R',
  'information-disclosure': 'I',
  'denial-of-service': 'D',
  'elevation-of-privilege': 'E',
};
const PRIORITY: Record<string, string> = {
  critical: 'High',
  high: 'High',
  elevated: 'Medium',
  medium: 'Medium',
  low: 'Low',
};

function plain(text: string): string {
  return text
    .replace(/<[^>]*>/g, '')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Does a tracked id (with `*` parts) cover a risk id? */
function covers(pattern: string, id: string): boolean {
  const a = pattern.split('@');
  const b = id.split('@');
  return a.length === b.length && a.every((part, i) => part === '*' || part === b[i]);
}

interface Converted {
  elements: Element[];
  assets: Asset[];
  notes: Note[];
  threats: Threat[];
}

/** Converts a merged Threagile document into Bulwark's parts. */
function convert(data: YamlMap, warnings: string[]): Converted {
  const ids = new Ids();
  const elements: Element[] = [];
  const notes: Note[] = [];
  /** Threagile id -> Bulwark element id, for assets, links (`source>title`) and boundaries. */
  const byThreagileId = new Map<string, string>();

  const assets: Asset[] = [];
  const dataNames = new Map<string, string>();
  for (const [name, fields] of entries(data.data_assets)) {
    const threagileId = str(fields.id) || slug(name);
    dataNames.set(threagileId, name);
    const details = ['integrity', 'availability', 'usage', 'quantity', 'origin', 'owner']
      .filter((key) => str(fields[key]) !== '')
      .map((key) => `${key.replace('_', ' ')}: ${str(fields[key])}`);
    const description = [str(fields.description).trim(), details.join('; ')].filter((t) => t !== '').join('\n');
    assets.push({
      id: ids.take(threagileId, `data-${assets.length + 1}`),
      name,
      classification: str(fields.confidentiality) || 'internal',
      ...(description !== '' ? { description } : {}),
    });
  }

  const runtimeOf = new Map<string, string>();
  for (const [name, fields] of entries(data.shared_runtimes)) {
    const running = strings(fields.technical_assets_running);
    for (const asset of running) runtimeOf.set(asset, name);
    const description = str(fields.description).trim();
    notes.push({
      id: `shared-runtime-${notes.length + 1}`,
      text: `Shared runtime "${name}"${description !== '' ? ` (${description})` : ''} runs: ${running.join(', ') || 'nothing listed'}.`,
    });
  }
  if (runtimeOf.size > 0 || notes.length > 0) {
    warnings.push(
      'Shared runtimes have no shape in Bulwark: each is kept as a note, and its assets carry the property threagile:shared_runtime.',
    );
  }

  const technical = entries(data.technical_assets);
  const nodes: Element[] = [];
  for (const [name, fields] of technical) {
    const threagileId = str(fields.id) || slug(name);
    const id = ids.take(threagileId, `asset-${nodes.length + 1}`);
    byThreagileId.set(threagileId, id);
    // Threagile's parsed output leaves the first type (external-entity) out.
    const type = str(fields.type) || 'external-entity';
    const kind = KIND[type] ?? 'process';
    if (!KIND[type])
      warnings.push(
        `Technical asset "${name}" has type "${type}", which Threagile does not define; it became a process.`,
      );
    const technology = str(fields.technology) || strings(fields.technologies)[0] || '';
    const properties: Record<string, PropertyValue> = {
      ...kept(fields, ASSET_FIELDS),
      ...kept(fields, ASSET_DATA_FIELDS, dataNames),
      ...(id !== threagileId ? { 'threagile:id': threagileId } : {}),
      ...(runtimeOf.has(threagileId) ? { 'threagile:shared_runtime': runtimeOf.get(threagileId) ?? '' } : {}),
    };
    if (kind === 'process' && typeof fields.redundant === 'boolean') properties.redundant = fields.redundant;
    const encryption = str(fields.encryption);
    if (kind === 'dataStore' && encryption !== '') properties.encryptedAtRest = encryption !== 'none';
    const description = str(fields.description).trim();
    const reason = str(fields.justification_out_of_scope).trim();
    nodes.push({
      kind,
      id,
      typeId: elementType(kind, technology, fields.used_as_client_by_human === true),
      name,
      ...(description !== '' ? { description } : {}),
      properties,
      ...(fields.out_of_scope === true ? { outOfScope: true } : {}),
      ...(fields.out_of_scope === true && reason !== '' ? { outOfScopeReason: reason } : {}),
    });
  }

  const flows: Element[] = [];
  for (const [[, fields], node] of technical.map((t, i) => [t, nodes[i] as Element] as const)) {
    const sourceThreagileId = str(fields.id) || slug(node.name);
    for (const [title, link] of entries(fields.communication_links)) {
      const targetThreagileId = str(link.target) || str(link.target_id);
      const target = byThreagileId.get(targetThreagileId);
      const linkId = str(link.id) || `${sourceThreagileId}>${slug(title)}`;
      if (target === undefined) {
        warnings.push(
          `Link "${title}" of "${node.name}" goes to "${targetThreagileId}", which is not a technical asset; it was left out.`,
        );
        continue;
      }
      const id = ids.take(`${node.id}.${slug(title)}`, `link-${flows.length + 1}`);
      byThreagileId.set(linkId, id);
      const description = str(link.description).trim();
      flows.push({
        kind: 'dataFlow',
        id,
        typeId: 'GE.DF',
        name: title,
        ...(description !== '' ? { description } : {}),
        source: node.id,
        target,
        properties: {
          ...flowProperties(link),
          ...kept(link, LINK_FIELDS),
          ...kept(link, LINK_DATA_FIELDS, dataNames),
          'threagile:id': linkId,
        },
      });
    }
  }

  const boundaries = convertBoundaries(data, ids, byThreagileId, nodes, warnings);
  elements.push(...boundaries, ...nodes, ...flows);
  return { elements, assets, notes, threats: convertRisks(data, byThreagileId, warnings) };
}

/** Box boundaries by membership: assets inside get `boundaryId`, nested boxes the box around them. */
function convertBoundaries(
  data: YamlMap,
  ids: Ids,
  byThreagileId: Map<string, string>,
  nodes: Element[],
  warnings: string[],
): Element[] {
  const boxes: Extract<Element, { kind: 'trustBoundary' }>[] = [];
  const list = entries(data.trust_boundaries);
  for (const [name, fields] of list) {
    const threagileId = str(fields.id) || slug(name);
    const id = ids.take(threagileId, `boundary-${boxes.length + 1}`);
    byThreagileId.set(threagileId, id);
    const description = str(fields.description).trim();
    boxes.push({
      kind: 'trustBoundary',
      shape: 'box',
      id,
      typeId: BOUNDARY_TYPES[str(fields.type)] ?? 'GE.TB.B',
      name,
      ...(description !== '' ? { description } : {}),
      properties: { ...kept(fields, ['type', 'tags']), ...(id !== threagileId ? { 'threagile:id': threagileId } : {}) },
    });
  }
  const nodeById = new Map(nodes.map((n) => [n.id, n]));
  const boxById = new Map(boxes.map((b) => [b.id, b]));
  const parentOf = (id: string): string | undefined => boxById.get(id)?.boundaryId;
  list.forEach(([name, fields], i) => {
    const box = boxes[i];
    if (!box) return;
    for (const inside of strings(fields.technical_assets_inside)) {
      const node = nodeById.get(byThreagileId.get(inside) ?? '');
      if (!node || node.kind === 'dataFlow' || node.kind === 'trustBoundary' || node.kind === 'annotation') {
        warnings.push(`Trust boundary "${name}" lists "${inside}" inside it, which is not a technical asset.`);
      } else if (node.boundaryId !== undefined) {
        warnings.push(`"${node.name}" is inside two trust boundaries; it was kept in the first one only.`);
      } else node.boundaryId = box.id;
    }
    for (const nested of strings(fields.trust_boundaries_nested)) {
      const inner = boxById.get(byThreagileId.get(nested) ?? '');
      let cycle = false;
      for (let up: string | undefined = box.id; up !== undefined; up = parentOf(up)) if (up === inner?.id) cycle = true;
      if (!inner) warnings.push(`Trust boundary "${name}" nests "${nested}", which is not a trust boundary.`);
      else if (inner.boundaryId !== undefined || cycle)
        warnings.push(`Trust boundary "${inner.name}" cannot also sit in "${name}"; it was left where it was.`);
      else inner.boundaryId = box.id;
    }
  });
  return boxes;
}

/** Individual risks become manual threats; risk tracking sets their status, or becomes threats of its own. */
function convertRisks(data: YamlMap, byThreagileId: Map<string, string>, warnings: string[]): Threat[] {
  const threats: Threat[] = [];
  const categories = [...entries(data.individual_risk_categories), ...entries(data.custom_risk_categories)];
  const categoryById = new Map(
    [...categories, ...entries(data.built_in_risk_categories)].map(([title, c]) => [str(c.id), { title, c }]),
  );
  const tracking = entries(data.risk_tracking).map(([key, fields]) => ({
    key: str(fields.synthetic_risk_id) || key,
    fields,
  }));
  const used = new Set<string>();
  const misfits = new Set<string>();
  const triage = (fields: YamlMap): Pick<Threat, 'status'> & Partial<Threat> => {
    const status = STATUS[str(fields.status)];
    if (!status?.[1]) misfits.add(str(fields.status));
    const note = [
      str(fields.justification).trim(),
      str(fields.ticket) !== '' ? `Ticket: ${str(fields.ticket)}` : '',
      status && !status[1] ? `Threagile status: ${str(fields.status)}` : '',
    ].filter((t) => t !== '');
    return {
      status: status?.[0] ?? 'not-started',
      ...(note.length > 0 ? { justification: note.join('\n') } : {}),
      ...(str(fields.checked_by) !== '' ? { changedBy: str(fields.checked_by) } : {}),
      ...(str(fields.date) !== '' ? { changedAt: str(fields.date) } : {}),
    };
  };
  const place = (parts: string[]): Pick<Threat, 'elementId'> => {
    const known = parts.filter((p) => p !== '*').map((p) => byThreagileId.get(p));
    const link = parts.findIndex((p) => p.includes('>') && byThreagileId.has(p));
    const elementId = link >= 0 ? byThreagileId.get(parts[link] ?? '') : known.find((k) => k !== undefined);
    return elementId !== undefined ? { elementId } : {};
  };
  for (const [, category] of categories) {
    const categoryId = str(category.id);
    for (const [title, risk] of entries(category.risks_identified)) {
      const parts = [
        'most_relevant_data_asset',
        'most_relevant_technical_asset',
        'most_relevant_communication_link',
        'most_relevant_trust_boundary',
        'most_relevant_shared_runtime',
      ]
        .map((key) => str(risk[key]))
        .filter((p) => p !== '');
      const riskId = [categoryId, ...parts].join('@');
      const tracked = tracking.find((t) => covers(t.key, riskId));
      if (tracked) used.add(tracked.key);
      threats.push({
        id: `threagile:${riskId}`,
        typeId: `threagile:${categoryId}`,
        origin: 'manual',
        category: STRIDE[str(category.stride)] ?? '',
        title: plain(title),
        description: plain([str(category.description), str(category.impact)].filter((t) => t !== '').join(' ')),
        priority: PRIORITY[str(risk.severity)] ?? 'Medium',
        ...(str(category.mitigation) !== '' ? { mitigations: plain(str(category.mitigation)) } : {}),
        ...place(parts),
        status: 'not-started',
        ...(tracked ? triage(tracked.fields) : {}),
        properties: {
          ...kept(risk, ['severity', 'exploitation_likelihood', 'exploitation_impact']),
          ...(tracked ? { 'threagile:status': str(tracked.fields.status) } : {}),
        } as Record<string, string>,
      });
    }
  }
  const rest = tracking.filter((t) => !used.has(t.key));
  for (const { key, fields } of rest) {
    const [categoryId = '', ...parts] = key.split('@');
    const category = categoryById.get(categoryId);
    threats.push({
      id: `threagile:${key}`,
      typeId: `threagile:${categoryId}`,
      origin: 'manual',
      category: STRIDE[str(category?.c.stride)] ?? '',
      title: `${category ? plain(category.title) : categoryId}${parts.length > 0 ? ` at ${parts.join(', ')}` : ''}`,
      description: category ? plain(str(category.c.description)) : `The risk Threagile tracks as ${key}.`,
      priority: 'Medium',
      ...place(parts),
      ...triage(fields),
      properties: { 'threagile:status': str(fields.status) },
    });
  }
  if (rest.length > 0) {
    warnings.push(
      `${rest.length} risk tracking entr${rest.length === 1 ? 'y' : 'ies'} refer to risks Threagile's own rules find, which Bulwark does not run; each was kept as a manual threat with its status and justification${rest.some((t) => t.key.includes('*')) ? ' (an entry with * stands for every risk it matches)' : ''}.`,
    );
  }
  for (const status of misfits) {
    warnings.push(
      STATUS[status]
        ? `Bulwark has no risk status "${status}": such threats were set to ${STATUS[status]?.[0]}, and their justification names the original status.`
        : `Risk status "${status}" is not one Threagile defines; such threats were set to not-started.`,
    );
  }
  return threats.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

function metadataNotes(data: YamlMap): Note[] {
  const notes: Note[] = [];
  const add = (label: string, text: string): void => {
    if (text.trim() !== '') notes.push({ id: `threagile-${notes.length + 1}`, text: `${label}: ${plain(text)}` });
  };
  add('Management summary', str(data.management_summary_comment));
  add('Business criticality', str(data.business_criticality));
  if (isMap(data.technical_overview)) add('Technical overview', str(data.technical_overview.description));
  if (isMap(data.questions))
    for (const [question, answer] of Object.entries(data.questions))
      add('Question', `${question} ${str(answer) !== '' ? `Answer: ${str(answer)}` : '(unanswered)'}`);
  if (isMap(data.security_requirements))
    for (const [name, text] of Object.entries(data.security_requirements))
      add('Security requirement', `${name}: ${str(text)}`);
  if (isMap(data.abuse_cases))
    for (const [name, text] of Object.entries(data.abuse_cases)) add('Abuse case', `${name}: ${str(text)}`);
  return notes;
}

/** Reads a Threagile YAML model, following its `includes` through `options.readRelated`. */
export function importThreagile(text: string, file: string, options?: ReadOptions): Result<ModelImport> {
  const parsed = parseYaml(text, file);
  if (!parsed.ok) return parsed;
  if (
    !('threagile_version' in parsed.value) &&
    !('technical_assets' in parsed.value) &&
    !('includes' in parsed.value)
  ) {
    return err(
      bulwarkError('SCHEMA_INVALID', 'Not a Threagile model: it has neither threagile_version nor technical_assets.', {
        file,
      }),
    );
  }
  const warnings: string[] = [];
  const merged = readWithIncludes(parsed.value, file, [], options, warnings);
  if (!merged.ok) return merged;
  const data = merged.value;
  for (const section of ['technical_assets', 'data_assets', 'trust_boundaries', 'shared_runtimes']) {
    const value = data[section];
    if (value !== undefined && value !== null && !isMap(value) && !Array.isArray(value)) {
      return err(
        bulwarkError('SCHEMA_INVALID', `"${section}" must be a mapping of named entries.`, { file, path: section }),
      );
    }
  }
  const { elements, assets, notes, threats } = convert(data, warnings);
  const author = isMap(data.author) ? str(data.author.name) : str(data.author);
  const contributors = Array.isArray(data.contributors) ? strings(data.contributors) : [];
  const description = plain(
    str(isMap(data.application_description) ? data.application_description.description : '') ||
      str(isMap(data.business_overview) ? data.business_overview.description : ''),
  );
  const model = parseModel(
    {
      schemaVersion: 1,
      metadata: {
        name: str(data.title).trim() || file.replace(/^.*\//, ''),
        ...(author !== '' ? { owner: author } : {}),
        ...(contributors.length > 0 ? { contributors } : {}),
        ...(description !== '' ? { description } : {}),
      },
      template: { id: 'infrastructure' },
      ...(assets.length > 0 ? { assets } : {}),
      notes: [...metadataNotes(data), ...notes],
      diagrams: [{ id: 'architecture', name: str(data.title).trim() || 'Architecture', elements }],
      ...(threats.length > 0 ? { threats } : {}),
    },
    file,
  );
  if (!model.ok) return model;
  return ok({ model: model.value, warnings });
}

/** Threagile YAML models, read only. */
export const threagileFormat: ModelFormat = {
  id: 'threagile',
  name: 'Threagile (YAML)',
  extensions: ['.yaml', '.yml'],
  detect: looksLikeThreagile,
  read: importThreagile,
};
