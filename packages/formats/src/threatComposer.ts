/**
 * AWS Threat Composer's workspace export (`.tc.json`): application info, architecture and data
 * flow descriptions, assumptions, threats written in its statement grammar, and mitigations
 * linked to threats. Read only. Threat Composer has no diagram elements, so the model has one
 * empty diagram (to draw on in Bulwark), and every threat is a manual one whose description is
 * its statement as a sentence and whose mitigations are the text of the mitigations linked to it.
 */

import {
  bulwarkError,
  err,
  type Note,
  ok,
  parseModel,
  type Result,
  type Threat,
  type ThreatStatus,
} from '@bulwark/core';
import type { ModelFormat, ModelImport } from './format.js';
import { isObject, type Json, parseJson } from './formatUtil.js';

function text(value: unknown): string {
  return typeof value === 'string' ? value.trim() : '';
}

function texts(value: unknown): string[] {
  return Array.isArray(value) ? value.map(text).filter((v) => v !== '') : [];
}

const SECTIONS = ['applicationInfo', 'architecture', 'dataflow', 'assumptions', 'threats', 'mitigations'];

/** Is this text a Threat Composer export (by content: JSON with `schema` and its sections)? */
export function looksLikeThreatComposer(source: string): boolean {
  if (!/^\s*\{/.test(source) || !source.includes('"schema"')) return false;
  const data = parseJson(source);
  return isObject(data) && typeof data.schema === 'number' && SECTIONS.some((key) => key in data);
}

/** `a`, `a and b`, `a, b and c` (goals: `a, b and/or c`): how Threat Composer lists parts. */
function joined(items: string[], last = 'and'): string {
  if (items.length <= 1) return items[0] ?? '';
  return `${items.slice(0, -1).join(', ')} ${last} ${items[items.length - 1]}`;
}

/**
 * A threat's statement as one sentence from its parts: "A/An [source] [prerequisites] can
 * [action], which leads to [impact], resulting in reduced [goals] of [assets]" (or "negatively
 * impacting [assets]" without goals), each clause only when its part is there.
 */
export function renderStatement(threat: Json): string {
  if (text(threat.threatSource) === '' && text(threat.threatAction) === '') return '';
  // Threat Composer's words for a part not filled in yet.
  const source = text(threat.threatSource) || 'threat source';
  const action = text(threat.threatAction) || 'perform a threat action';
  const impact = text(threat.threatImpact);
  const goals = joined(texts(threat.impactedGoal), 'and/or');
  const assets = joined(texts(threat.impactedAssets));
  const article = /^[aeiou]/i.test(source) ? 'An' : 'A';
  let sentence = [article, source, text(threat.prerequisites), 'can', action].filter((p) => p !== '').join(' ');
  if (impact !== '') sentence += `, which leads to ${impact}`;
  if (goals !== '') sentence += `, resulting in reduced ${goals}${assets !== '' ? ` of ${assets}` : ''}`;
  else if (assets !== '') sentence += `, negatively impacting ${assets}`;
  return sentence.replace(/\s+/g, ' ');
}

/**
 * The statement Threat Composer stored (it also corrects articles inside the parts, "a LLM" to
 * "an LLM"), else the one rendered from the parts.
 */
export function threatStatement(threat: Json): string {
  return text(threat.statement).replace(/\s+/g, ' ') || renderStatement(threat);
}

/** A metadata entry's value (`Comments`, `Priority`, `STRIDE`, `custom:*`) as text. */
function metadata(item: Json): Map<string, string> {
  const out = new Map<string, string>();
  for (const entry of Array.isArray(item.metadata) ? item.metadata : []) {
    if (!isObject(entry) || typeof entry.key !== 'string') continue;
    const value = Array.isArray(entry.value) ? texts(entry.value).join(', ') : text(entry.value);
    if (value !== '') out.set(entry.key, value);
  }
  return out;
}

const THREAT_STATUS: Record<string, ThreatStatus> = {
  threatIdentified: 'not-started',
  threatResolved: 'mitigated',
  threatResolvedNotUseful: 'not-applicable',
};
const MITIGATION_STATUS: Record<string, string> = {
  mitigationIdentified: 'identified',
  mitigationInProgress: 'in progress',
  mitigationResolved: 'done',
  mitigationResolvedWillNotAction: 'will not be done',
};
const PRIORITIES = new Set(['High', 'Medium', 'Low']);

/** A list section: its objects, or an error naming the first entry that is not one. */
function list(data: Json, key: string, file: string): Result<Json[]> {
  const value = data[key];
  if (value === undefined) return ok([]);
  if (!Array.isArray(value))
    return err(bulwarkError('SCHEMA_INVALID', `"${key}" must be a list.`, { file, path: key }));
  const bad = value.findIndex((v) => !isObject(v) || typeof v.id !== 'string');
  if (bad >= 0) {
    return err(
      bulwarkError('SCHEMA_INVALID', `Entry ${bad + 1} of "${key}" is not an object with an id.`, {
        file,
        path: `${key}[${bad}]`,
      }),
    );
  }
  return ok(value as Json[]);
}

/** A mitigation on one line: its text, its status, its comment. */
function mitigationText(mitigation: Json): string {
  const status = MITIGATION_STATUS[text(mitigation.status)];
  const comment = metadata(mitigation).get('Comments');
  const line = `${text(mitigation.content)}${status ? ` (${status})` : ''}${comment ? `. ${comment}` : ''}`;
  return line.replace(/\s+/g, ' ');
}

/** Reads a Threat Composer `.tc.json` workspace export. */
export function importThreatComposer(source: string, file: string): Result<ModelImport> {
  const data = parseJson(source);
  if (data === undefined)
    return err(bulwarkError('PARSE_SYNTAX', 'Not a readable Threat Composer file: the JSON does not parse.', { file }));
  if (!isObject(data) || typeof data.schema !== 'number') {
    return err(bulwarkError('SCHEMA_INVALID', 'Not a Threat Composer export: it has no numeric "schema".', { file }));
  }
  if (data.schema > 1) {
    return err(
      bulwarkError(
        'SCHEMA_VERSION_UNSUPPORTED',
        `Threat Composer schema ${data.schema} is newer than the one Bulwark reads (1).`,
        { file },
      ),
    );
  }
  const threats = list(data, 'threats', file);
  const mitigations = list(data, 'mitigations', file);
  const assumptions = list(data, 'assumptions', file);
  if (!threats.ok) return threats;
  if (!mitigations.ok) return mitigations;
  if (!assumptions.ok) return assumptions;
  const warnings: string[] = [];

  const mitigationById = new Map(mitigations.value.map((m) => [m.id as string, m]));
  const assumptionById = new Map(assumptions.value.map((a) => [a.id as string, a]));
  const threatIds = new Set(threats.value.map((t) => t.id as string));
  const mitigationsOf = new Map<string, Json[]>();
  const linked = new Set<string>();
  let otherLinks = 0;
  for (const link of Array.isArray(data.mitigationLinks) ? data.mitigationLinks.filter(isObject) : []) {
    const mitigation = mitigationById.get(text(link.mitigationId));
    const threatId = text(link.linkedId);
    if (!mitigation || !threatIds.has(threatId)) {
      otherLinks++;
      continue;
    }
    linked.add(mitigation.id as string);
    mitigationsOf.set(threatId, [...(mitigationsOf.get(threatId) ?? []), mitigation]);
  }
  const assumptionsOf = new Map<string, string[]>();
  for (const link of Array.isArray(data.assumptionLinks) ? data.assumptionLinks.filter(isObject) : []) {
    const assumption = assumptionById.get(text(link.assumptionId));
    const threatId = text(link.linkedId);
    if (!assumption || link.type !== 'Threat' || !threatIds.has(threatId)) {
      otherLinks++;
      continue;
    }
    assumptionsOf.set(threatId, [...(assumptionsOf.get(threatId) ?? []), text(assumption.content)]);
  }

  let unprioritised = 0;
  const converted: Threat[] = threats.value.map((threat) => {
    const id = threat.id as string;
    const meta = metadata(threat);
    const stride = (meta.get('STRIDE') ?? '').split(', ').filter((s) => s !== '');
    const priority = meta.get('Priority') ?? '';
    if (!PRIORITIES.has(priority)) unprioritised++;
    const statement = threatStatement(threat);
    const action = text(threat.threatAction);
    const mitigationTexts = (mitigationsOf.get(id) ?? []).map(mitigationText);
    const properties: Record<string, string> = { 'threat-composer:id': id };
    const keep = (key: string, value: string) => {
      if (value !== '') properties[`threat-composer:${key}`] = value;
    };
    keep('numericId', String(threat.numericId ?? ''));
    keep('status', text(threat.status));
    keep('STRIDE', stride.join(', '));
    keep('tags', texts(threat.tags).join(', '));
    keep('assumptions', (assumptionsOf.get(id) ?? []).join('\n'));
    for (const [key, value] of meta) if (key.startsWith('custom:')) keep(key, value);
    const comment = meta.get('Comments');
    return {
      id: `threat-composer:${id}`,
      typeId: 'manual',
      origin: 'manual',
      category: stride[0] ?? '',
      title:
        action !== ''
          ? `${action.charAt(0).toUpperCase()}${action.slice(1)}`
          : statement.slice(0, 120) || `Threat ${String(threat.numericId ?? '')}`,
      description: statement,
      priority: PRIORITIES.has(priority) ? priority : 'Medium',
      status: THREAT_STATUS[text(threat.status)] ?? 'not-started',
      ...(comment ? { justification: comment } : {}),
      ...(mitigationTexts.length > 0 ? { mitigations: mitigationTexts.join('\n') } : {}),
      properties,
    };
  });
  converted.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));

  const notes: Note[] = [];
  const note = (label: string, body: string) => {
    if (body !== '') notes.push({ id: `threat-composer-${notes.length + 1}`, text: `${label}\n\n${body}` });
  };
  for (const [key, label] of [
    ['architecture', 'Architecture'],
    ['dataflow', 'Data flow'],
  ] as const) {
    const section = data[key];
    if (!isObject(section)) continue;
    note(label, text(section.description));
    if (text(section.image) !== '')
      warnings.push(`The ${label.toLowerCase()} diagram image was not carried across; Bulwark draws its own diagrams.`);
  }
  const unlinked = mitigations.value.filter((m) => !linked.has(m.id as string));
  for (const m of unlinked) note('Mitigation not linked to a threat', mitigationText(m));
  if (unlinked.length > 0)
    warnings.push(`${unlinked.length} mitigation(s) are linked to no threat; each was kept as a note.`);
  if (otherLinks > 0) {
    warnings.push(
      `${otherLinks} link(s) between assumptions and mitigations (or to missing items) have no place in a Bulwark model and were left out.`,
    );
  }
  if (unprioritised > 0) warnings.push(`${unprioritised} threat(s) had no priority; they were given Medium.`);
  if (isObject(data.brainstorm) && Object.values(data.brainstorm).some((v) => Array.isArray(v) && v.length > 0)) {
    warnings.push('The brainstorm notes were not carried across.');
  }

  const info = isObject(data.applicationInfo) ? data.applicationInfo : {};
  const description = text(info.description);
  const assumptionTexts = assumptions.value
    .map((a) => {
      const comment = metadata(a).get('Comments');
      return `${text(a.content)}${comment ? ` (${comment})` : ''}`;
    })
    .filter((a) => a !== '');
  const model = parseModel(
    {
      schemaVersion: 1,
      metadata: {
        name:
          text(info.name) || file.replace(/^.*\//, '').replace(/\.tc\.json$|\.json$/, '') || 'Threat Composer model',
        ...(description !== '' ? { description } : {}),
        ...(assumptionTexts.length > 0 ? { assumptions: assumptionTexts } : {}),
      },
      template: { id: 'stride' },
      ...(notes.length > 0 ? { notes } : {}),
      diagrams: [{ id: 'main', name: 'Main', elements: [] }],
      ...(converted.length > 0 ? { threats: converted } : {}),
    },
    file,
  );
  if (!model.ok) return model;
  return ok({ model: model.value, warnings });
}

/** AWS Threat Composer `.tc.json` exports, read only. */
export const threatComposerFormat: ModelFormat = {
  id: 'threat-composer',
  name: 'AWS Threat Composer (.tc.json)',
  extensions: ['.tc.json', '.json'],
  detect: looksLikeThreatComposer,
  read: importThreatComposer,
};
