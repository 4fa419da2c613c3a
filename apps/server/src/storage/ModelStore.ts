/**
 * Models in the database: the working copy (the model row's document) with its revision, the
 * versions made on purpose (created, imported, saved with a message, signed off, restored), and
 * an audit entry for each change. Writes name the revision they read; a stale write is refused,
 * so no update is ever lost. Every write moves the revision on; only some make a version.
 */
import { randomUUID } from 'node:crypto';
import { diffModels, jsonEqual, type Threat, type ThreatModel } from '@bulwark/core';
import type { Kysely, Transaction } from 'kysely';
import type { VersionKind } from './migrations/0006-fold-autosaves.js';
import { countsOf, isOpenHigh, type ModelCounts } from './modelSummary.js';
import type { Database } from './schema.js';

export type { VersionKind };

/** A version a write makes: its message and how it was made. */
export interface VersionNote {
  message: string;
  kind: VersionKind;
}

/** A stored version as listed (no document). */
export interface VersionInfo {
  /** The revision of the model it is a copy of. */
  version: number;
  author: string;
  message: string;
  kind: VersionKind;
  createdAt: string;
}

/** A model as listed. */
export interface ModelSummary {
  id: string;
  name: string;
  templateId: string;
  version: number;
  updatedAt: string;
  updatedBy: string;
  /** Open high-priority threats (priority High, not started or needing investigation). */
  openHighThreats: number;
  /** Elements, flows and boundaries on every diagram. */
  elementCount: number;
}

/** The counts as the columns of `models` hold them. */
function countColumns(c: ModelCounts): { open_high_threats: number; element_count: number } {
  return { open_high_threats: c.openHighThreats, element_count: c.elementCount };
}

/** A model's summary from its row (the columns before the document). */
function summaryOf(r: {
  id: string;
  name: string;
  template_id: string;
  version: number;
  updated_at: string;
  updated_by: string;
  open_high_threats: number;
  element_count: number;
}): ModelSummary {
  return {
    id: r.id,
    name: r.name,
    templateId: r.template_id,
    version: r.version,
    updatedAt: r.updated_at,
    updatedBy: r.updated_by,
    openHighThreats: Number(r.open_high_threats),
    elementCount: Number(r.element_count),
  };
}

/** A model with its current document. */
export interface StoredModel extends ModelSummary {
  document: ThreatModel;
}

/** What a save did. */
export type SaveResult =
  | { status: 'saved'; version: number }
  | { status: 'conflict'; currentVersion: number }
  | { status: 'not-found' };

/** Fields to set on one threat (triage), by its id. */
export interface ThreatFields {
  id: string;
  fields: Partial<Threat>;
}

/** One audit entry. */
export interface AuditEntry {
  at: string;
  actor: string;
  modelId: string | null;
  action: string;
  subject: string | null;
  field: string | null;
  oldValue: string | null;
  newValue: string | null;
}

/** An audit entry about a model, before it is written (the model is named by whoever writes it). */
export type AuditRow = Omit<AuditEntry, 'modelId'>;

const now = (): string => new Date().toISOString();

function show(value: unknown): string | null {
  if (value === undefined) return null;
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text.length > 2000 ? `${text.slice(0, 1999)}…` : text;
}

/** Audit rows for what changed between two versions of a model. */
export function auditRows(
  before: ThreatModel | undefined,
  after: ThreatModel,
  actor: string,
  modelId: string,
): Omit<AuditEntry, 'modelId'>[] {
  const at = now();
  if (!before)
    return [
      {
        at,
        actor,
        action: 'model.created',
        subject: modelId,
        field: null,
        oldValue: null,
        newValue: after.metadata.name,
      },
    ];
  const diff = diffModels(...withoutEqualParts(before, after));
  const rows: Omit<AuditEntry, 'modelId'>[] = [];
  const row = (action: string, subject: string | null, field: string | null, from: unknown, to: unknown) =>
    // A literal, not a spread of the shared fields: tens of thousands of spread objects cost ten times more.
    rows.push({ at, actor, action, subject, field, oldValue: show(from), newValue: show(to) });
  for (const c of diff.metadata) row('metadata.changed', null, c.field, c.from, c.to);
  for (const e of diff.elements.added) row('element.added', e.id, null, undefined, e.name);
  for (const e of diff.elements.removed) row('element.removed', e.id, null, e.name, undefined);
  for (const e of diff.elements.changed) for (const c of e.changes) row('element.changed', e.id, c.field, c.from, c.to);
  for (const t of diff.threats.added) row('threat.added', t.id, null, undefined, t.title);
  for (const t of diff.threats.removed) row('threat.removed', t.id, null, t.title, undefined);
  for (const t of diff.threats.changed) for (const c of t.changes) row('threat.changed', t.id, c.field, c.from, c.to);
  return rows;
}

/**
 * The two versions without what is equal in both, which diffModels would report no change for:
 * the diagrams when they are all equal, and every threat equal to its namesake. The diff of
 * what is left is the same; comparing field by field thousands of unchanged threats (a
 * re-analysis, a save of the whole document) is most of the cost of a diff.
 */
function withoutEqualParts(before: ThreatModel, after: ThreatModel): [ThreatModel, ThreatModel] {
  const sameDiagrams = jsonEqual(before.diagrams, after.diagrams);
  const tA = new Map((before.threats ?? []).map((t) => [t.id, t]));
  const tB = new Map((after.threats ?? []).map((t) => [t.id, t]));
  const equal = new Set<string>();
  for (const [id, t] of tB) if (tA.has(id) && jsonEqual(tA.get(id), t)) equal.add(id);
  const trim = (m: ThreatModel): ThreatModel => ({
    ...m,
    diagrams: sameDiagrams ? [] : m.diagrams,
    ...(m.threats ? { threats: m.threats.filter((t) => !equal.has(t.id)) } : {}),
  });
  return [trim(before), trim(after)];
}

/** The stored JSON text each model `get` returned was read as (the version it names). */
const storedTexts = new WeakMap<StoredModel, string>();

const QUOTE = 34;
const BACKSLASH = 92;
const COLON = 58;

/** The index just after the JSON string that opens at `start`. */
function stringEnd(text: string, start: number): number {
  let q = start;
  for (;;) {
    q = text.indexOf('"', q + 1);
    if (q < 0) throw new Error('Unterminated string in a stored document.');
    if (text.charCodeAt(q - 1) !== BACKSLASH) return q + 1;
    let b = q - 1;
    while (text.charCodeAt(b - 1) === BACKSLASH) b--;
    if ((q - b) % 2 === 0) return q + 1;
  }
}

/** The index of the first character at or after `i` that is not JSON white space. */
function skipSpace(text: string, i: number): number {
  let j = i;
  for (let c = text.charCodeAt(j); c === 32 || c === 9 || c === 10 || c === 13; c = text.charCodeAt(++j));
  return j;
}

/** True when the JSON string literal at [start, end) is `name` (an ASCII name; escapes decoded). */
function isName(text: string, start: number, end: number, name: string): boolean {
  if (end - start === name.length + 2) return text.startsWith(name, start + 1);
  // Only an escape makes a literal of `name` longer (\u0069 for i); decode the few that may be one.
  if (end - start > 6 * name.length + 2) return false;
  for (let i = start + 1; i < end; i++)
    if (text.charCodeAt(i) === BACKSLASH) return JSON.parse(text.slice(start, end)) === name;
  return false;
}

/** The value of the JSON string literal at [start, end). */
function stringAt(text: string, start: number, end: number): string {
  const raw = text.slice(start, end);
  return raw.includes('\\') ? (JSON.parse(raw) as string) : raw.slice(1, -1);
}

/**
 * Where each threat of a document is in its JSON text: for every object in the top-level
 * `threats` array that has a string `id`, the span of the object, by id (the last one of an id
 * wins and the first one places it, as in a Map of the parsed threats). The text is scanned, not
 * parsed: strings are skipped whole, and only the threats' own keys are looked at, so this costs
 * a fraction of JSON.parse.
 */
export function threatSpans(text: string): Map<string, { start: number; end: number }> {
  let spans = new Map<string, { start: number; end: number }>();
  let depth = 0;
  // Inside the top-level threats array (its objects are at depth 3), or about to enter it.
  let threatsArray = false;
  let threatsNext = false;
  let start = -1;
  let id: string | undefined;
  for (let i = 0; i < text.length; ) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      const end = stringEnd(text, i);
      if (depth === 1 || (depth === 3 && threatsArray)) {
        const after = skipSpace(text, end);
        if (text.charCodeAt(after) === COLON) {
          if (depth === 1) {
            // The last "threats" is the one JSON.parse keeps.
            threatsNext = isName(text, i, end, 'threats');
            if (threatsNext) spans = new Map();
          } else if (isName(text, i, end, 'id')) {
            const v = skipSpace(text, after + 1);
            id = undefined;
            if (text.charCodeAt(v) === QUOTE) {
              const vEnd = stringEnd(text, v);
              id = stringAt(text, v, vEnd);
              i = vEnd;
              continue;
            }
          }
          i = after + 1;
          continue;
        }
      }
      i = end;
      continue;
    }
    if (c === 123 || c === 91) {
      // '{' or '['
      depth++;
      if (depth === 2) threatsArray = threatsNext && c === 91;
      else if (depth === 3 && threatsArray && c === 123) {
        start = i;
        id = undefined;
      }
    } else if (c === 125 || c === 93) {
      // '}' or ']'
      if (depth === 3 && threatsArray && c === 125 && id !== undefined) spans.set(id, { start, end: i + 1 });
      if (depth === 2) threatsArray = false;
      depth--;
    }
    i++;
  }
  return spans;
}

/** The columns a summary is made of (never the document). */
const SUMMARY_COLUMNS = [
  'id',
  'name',
  'template_id',
  'version',
  'updated_at',
  'updated_by',
  'open_high_threats',
  'element_count',
] as const;

/** Model storage over either database. */
export class ModelStore {
  constructor(private readonly db: Kysely<Database>) {}

  /** Every model, most recently changed first. */
  async list(): Promise<ModelSummary[]> {
    const rows = await this.db
      .selectFrom('models')
      .select(SUMMARY_COLUMNS)
      .orderBy('updated_at', 'desc')
      .orderBy('id')
      .execute();
    return rows.map(summaryOf);
  }

  /**
   * One model with its current document, or undefined. The document is parsed when first used:
   * a caller that only checks the version, or saves a triage change (`patchThreats`, which works
   * on the stored text), never pays for parsing a large model.
   */
  async get(id: string): Promise<StoredModel | undefined> {
    const m = await this.getText(id);
    if (!m) return undefined;
    const { documentText, ...summary } = m;
    let document: ThreatModel | undefined;
    const stored: StoredModel = {
      ...summary,
      get document(): ThreatModel {
        document ??= JSON.parse(documentText) as ThreatModel;
        return document;
      },
    };
    storedTexts.set(stored, documentText);
    return stored;
  }

  /** One model with its current document as the stored JSON text (no parse), or undefined. */
  async getText(id: string): Promise<(ModelSummary & { documentText: string }) | undefined> {
    const r = await this.db.selectFrom('models').selectAll().where('id', '=', id).executeTakeFirst();
    if (!r) return undefined;
    return { ...summaryOf(r), documentText: r.document };
  }

  /** One model without its document (no read of a large text), or undefined. */
  async summary(id: string): Promise<ModelSummary | undefined> {
    const r = await this.db.selectFrom('models').select(SUMMARY_COLUMNS).where('id', '=', id).executeTakeFirst();
    return r ? summaryOf(r) : undefined;
  }

  /** Stores a new model as version 1; returns its id. */
  async create(
    document: ThreatModel,
    actor: string,
    note: VersionNote = { message: 'Created', kind: 'created' },
    id: string = randomUUID(),
  ): Promise<{ id: string; version: number }> {
    return this.createText(
      {
        text: JSON.stringify(document),
        name: document.metadata.name,
        templateId: document.template.id,
        counts: countsOf(document),
      },
      actor,
      note,
      id,
    );
  }

  /**
   * Stores a new model given as its JSON text (exactly `JSON.stringify` of a valid model: an
   * upload parsed in a worker thread arrives so, and is not parsed again here).
   */
  async createText(
    document: { text: string; name: string; templateId: string; counts?: ModelCounts },
    actor: string,
    note: VersionNote = { message: 'Created', kind: 'created' },
    id: string = randomUUID(),
  ): Promise<{ id: string; version: number }> {
    const at = now();
    const { text } = document;
    // An import arrives as text only: counted here, once (the list never reads documents).
    const counts = document.counts ?? countsOf(JSON.parse(text) as ThreatModel);
    await this.db.transaction().execute(async (tx) => {
      await tx
        .insertInto('models')
        .values({
          id,
          name: document.name,
          template_id: document.templateId,
          document: text,
          version: 1,
          created_at: at,
          updated_at: at,
          updated_by: actor,
          open_high_threats: counts.openHighThreats,
          element_count: counts.elementCount,
        })
        .execute();
      await tx
        .insertInto('model_versions')
        .values({
          model_id: id,
          version: 1,
          document: text,
          author: actor,
          message: note.message,
          kind: note.kind,
          created_at: at,
        })
        .execute();
      const created = { metadata: { name: document.name } } as ThreatModel;
      await this.audit(tx, id, auditRows(undefined, created, actor, id));
    });
    return { id, version: 1 };
  }

  /**
   * Saves a new working copy if the model is still at `expectedVersion`; otherwise changes
   * nothing and says which revision is current. With a `note` the new revision is also kept as
   * a version. `before` is the document at `expectedVersion` when the caller has read it (the
   * audit rows compare it with the new one; else it is read again).
   */
  async save(
    id: string,
    expectedVersion: number,
    document: ThreatModel,
    actor: string,
    note?: VersionNote,
    extraAudit: AuditRow[] = [],
    before?: ThreatModel,
  ): Promise<SaveResult> {
    return this.db.transaction().execute(async (tx) => {
      const current = await tx
        .selectFrom('models')
        .select(before ? ['version'] : ['version', 'document'])
        .where('id', '=', id)
        .executeTakeFirst();
      if (!current) return { status: 'not-found' } as const;
      if (current.version !== expectedVersion) return { status: 'conflict', currentVersion: current.version } as const;
      const previous = before ?? (JSON.parse((current as { document: string }).document) as ThreatModel);
      return this.writeVersion(
        tx,
        id,
        expectedVersion,
        JSON.stringify(document),
        actor,
        note,
        [...auditRows(previous, document, actor, id), ...extraAudit],
        { name: document.metadata.name, template_id: document.template.id, ...countColumns(countsOf(document)) },
      );
    });
  }

  /**
   * Sets fields of some threats (triage) in the model as `read` returned it, and saves that as
   * the next revision of the working copy (no version) if the model is still at the one read. Only the changed threats are
   * parsed, changed and written back into the stored JSON text, and the audit rows compare only
   * them: the cost grows with the change, not with the model (the new text is still written
   * whole). The document stored is the one a save of
   * the parsed, changed document would store, and so are the audit rows.
   */
  async patchThreats(
    read: StoredModel,
    changes: ThreatFields[],
    actor: string,
  ): Promise<SaveResult | { status: 'no-threat'; threatId: string }> {
    const text = storedTexts.get(read) ?? JSON.stringify(read.document);
    const spans = threatSpans(text);
    const unknown = changes.find((c) => !spans.has(c.id));
    if (unknown) return { status: 'no-threat', threatId: unknown.id };
    const before = new Map<string, Threat>();
    const after = new Map<string, Threat>();
    for (const { id, fields } of changes) {
      let threat = after.get(id);
      if (!threat) {
        const span = spans.get(id) as { start: number; end: number };
        const json = text.slice(span.start, span.end);
        before.set(id, JSON.parse(json) as Threat);
        threat = JSON.parse(json) as Threat;
        after.set(id, threat);
      }
      Object.assign(threat, fields);
    }
    // In document order, as a diff of the whole documents lists them.
    const changed = [...spans].filter(([id]) => after.has(id));
    let next = '';
    let from = 0;
    for (const [id, span] of [...changed].sort((a, b) => a[1].start - b[1].start)) {
      next += text.slice(from, span.start) + JSON.stringify(after.get(id));
      from = span.end;
    }
    next += text.slice(from);
    const only = (threats: Map<string, Threat>) =>
      ({ metadata: {}, diagrams: [], threats: changed.map(([id]) => threats.get(id)) }) as unknown as ThreatModel;
    const rows = auditRows(only(before), only(after), actor, read.id);
    return this.db.transaction().execute(async (tx) => {
      const current = await tx
        .selectFrom('models')
        .select(['version', 'open_high_threats'])
        .where('id', '=', read.id)
        .executeTakeFirst();
      if (!current) return { status: 'not-found' } as const;
      if (current.version !== read.version) return { status: 'conflict', currentVersion: current.version } as const;
      // Only the changed threats can change the count: it moves by their difference.
      let openHigh = Number(current.open_high_threats);
      for (const [id] of changed) openHigh += Number(isOpenHigh(after.get(id))) - Number(isOpenHigh(before.get(id)));
      return this.writeVersion(tx, read.id, read.version, next, actor, undefined, rows, {
        open_high_threats: openHigh,
      });
    });
  }

  /**
   * Writes `text` as the revision after `expectedVersion` (the model row; with a `note`, a copy
   * in its versions too) with its audit rows, unless another write got there first.
   */
  private async writeVersion(
    tx: Transaction<Database>,
    id: string,
    expectedVersion: number,
    text: string,
    actor: string,
    note: VersionNote | undefined,
    rows: AuditRow[],
    columns: { name?: string; template_id?: string; open_high_threats?: number; element_count?: number } = {},
  ): Promise<SaveResult> {
    const version = expectedVersion + 1;
    const at = now();
    const updated = await tx
      .updateTable('models')
      .set({ ...columns, document: text, version, updated_at: at, updated_by: actor })
      .where('id', '=', id)
      .where('version', '=', expectedVersion)
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) !== 1) {
      const now2 = await tx.selectFrom('models').select('version').where('id', '=', id).executeTakeFirst();
      return { status: 'conflict', currentVersion: now2?.version ?? expectedVersion };
    }
    if (note) await snapshot(tx, id, actor, note, at);
    await this.audit(tx, id, rows);
    return { status: 'saved', version };
  }

  /**
   * Keeps the working copy as it is as a version (no new revision), if the model is still at
   * `expectedVersion` and that revision is not a version already.
   */
  async saveVersion(
    id: string,
    expectedVersion: number,
    actor: string,
    note: VersionNote,
  ): Promise<SaveResult | { status: 'exists'; version: number }> {
    return this.db.transaction().execute(async (tx) => {
      const current = await tx.selectFrom('models').select('version').where('id', '=', id).executeTakeFirst();
      if (!current) return { status: 'not-found' } as const;
      if (current.version !== expectedVersion) return { status: 'conflict', currentVersion: current.version } as const;
      const stored = await tx
        .selectFrom('model_versions')
        .select('version')
        .where('model_id', '=', id)
        .where('version', '=', expectedVersion)
        .executeTakeFirst();
      if (stored) return { status: 'exists', version: expectedVersion } as const;
      await snapshot(tx, id, actor, note, now());
      await this.audit(tx, id, [
        {
          at: now(),
          actor,
          action: 'version.saved',
          subject: `version ${expectedVersion}`,
          field: null,
          oldValue: null,
          newValue: show(note.message),
        },
      ]);
      return { status: 'saved', version: expectedVersion } as const;
    });
  }

  /** Deletes a model (and its versions) if it is still at `expectedVersion`. */
  async delete(id: string, expectedVersion: number, actor: string): Promise<SaveResult> {
    return this.db.transaction().execute(async (tx) => {
      const current = await tx.selectFrom('models').select(['version', 'name']).where('id', '=', id).executeTakeFirst();
      if (!current) return { status: 'not-found' } as const;
      if (current.version !== expectedVersion) return { status: 'conflict', currentVersion: current.version } as const;
      await tx.deleteFrom('model_versions').where('model_id', '=', id).execute();
      await tx.deleteFrom('models').where('id', '=', id).where('version', '=', expectedVersion).execute();
      await this.audit(tx, id, [
        { at: now(), actor, action: 'model.deleted', subject: id, field: null, oldValue: current.name, newValue: null },
      ]);
      return { status: 'saved', version: expectedVersion } as const;
    });
  }

  /** Every version of a model, newest first (without documents). */
  async versions(id: string): Promise<VersionInfo[]> {
    const rows = await this.db
      .selectFrom('model_versions')
      .select(['version', 'author', 'message', 'kind', 'created_at'])
      .where('model_id', '=', id)
      .orderBy('version', 'desc')
      .execute();
    return rows.map((r) => ({
      version: Number(r.version),
      author: r.author,
      message: r.message,
      kind: r.kind as VersionKind,
      createdAt: r.created_at,
    }));
  }

  /** One saved version's document. */
  async version(id: string, version: number): Promise<ThreatModel | undefined> {
    const r = await this.db
      .selectFrom('model_versions')
      .select('document')
      .where('model_id', '=', id)
      .where('version', '=', version)
      .executeTakeFirst();
    return r ? (JSON.parse(r.document) as ThreatModel) : undefined;
  }

  /** The audit log of a model, oldest first. */
  async auditLog(modelId: string): Promise<AuditEntry[]> {
    const rows = await this.db
      .selectFrom('audit_log')
      .selectAll()
      .where('model_id', '=', modelId)
      .orderBy('id')
      .execute();
    return rows.map((r) => ({
      at: r.at,
      actor: r.actor,
      modelId: r.model_id,
      action: r.action,
      subject: r.subject,
      field: r.field,
      oldValue: r.old_value,
      newValue: r.new_value,
    }));
  }

  private async audit(tx: Transaction<Database>, modelId: string, rows: AuditRow[]): Promise<void> {
    await writeAudit(tx, modelId, rows);
  }
}

/**
 * Copies the model row as it is now into its versions. The copy is taken from the row, not sent
 * again: PostgreSQL then stores the compressed value it has (a second 26 MB parameter cost it
 * 0.4 s), SQLite copies pages.
 */
async function snapshot(
  tx: Transaction<Database>,
  id: string,
  actor: string,
  note: VersionNote,
  at: string,
): Promise<void> {
  await tx
    .insertInto('model_versions')
    .columns(['model_id', 'version', 'document', 'author', 'message', 'kind', 'created_at'])
    .expression((eb) =>
      eb
        .selectFrom('models')
        .select([
          'id',
          'version',
          'document',
          eb.val(actor).as('author'),
          eb.val(note.message).as('message'),
          eb.val(note.kind).as('kind'),
          eb.val(at).as('created_at'),
        ])
        .where('id', '=', id),
    )
    .execute();
}

/**
 * Audit rows per INSERT statement. One statement binds 8 values a row, and a database takes only
 * so many at once (SQLite 32,766, PostgreSQL 65,535): a first analysis that adds thousands of
 * threats writes thousands of rows, so they go in statements of this many.
 */
export const AUDIT_ROWS_PER_INSERT = 1000;

/** Writes audit rows about a model (inside the caller's transaction, when it passes one). */
export async function writeAudit(db: Kysely<Database>, modelId: string, rows: AuditRow[]): Promise<void> {
  for (let i = 0; i < rows.length; i += AUDIT_ROWS_PER_INSERT)
    await insertAudit(db, modelId, rows.slice(i, i + AUDIT_ROWS_PER_INSERT));
}

async function insertAudit(db: Kysely<Database>, modelId: string, rows: AuditRow[]): Promise<void> {
  if (rows.length === 0) return;
  await db
    .insertInto('audit_log')
    .values(
      rows.map((r) => ({
        at: r.at,
        actor: r.actor,
        model_id: modelId,
        action: r.action,
        subject: r.subject,
        field: r.field,
        old_value: r.oldValue,
        new_value: r.newValue,
      })),
    )
    .execute();
}
