/**
 * Models in the database: the current document with its version, every saved version, and an
 * audit entry for each change. Writes name the version they read; a stale write is refused, so
 * no update is ever lost.
 */
import { randomUUID } from 'node:crypto';
import { diffModels, type ThreatModel } from '@bulwark/core';
import type { Kysely, Transaction } from 'kysely';
import type { Database } from './schema.js';

/** A model as listed. */
export interface ModelSummary {
  id: string;
  name: string;
  templateId: string;
  version: number;
  updatedAt: string;
  updatedBy: string;
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
  const base = { at, actor };
  if (!before)
    return [
      {
        ...base,
        action: 'model.created',
        subject: modelId,
        field: null,
        oldValue: null,
        newValue: after.metadata.name,
      },
    ];
  const diff = diffModels(before, after);
  const rows: Omit<AuditEntry, 'modelId'>[] = [];
  const row = (action: string, subject: string | null, field: string | null, from: unknown, to: unknown) =>
    rows.push({ ...base, action, subject, field, oldValue: show(from), newValue: show(to) });
  for (const c of diff.metadata) row('metadata.changed', null, c.field, c.from, c.to);
  for (const e of diff.elements.added) row('element.added', e.id, null, undefined, e.name);
  for (const e of diff.elements.removed) row('element.removed', e.id, null, e.name, undefined);
  for (const e of diff.elements.changed) for (const c of e.changes) row('element.changed', e.id, c.field, c.from, c.to);
  for (const t of diff.threats.added) row('threat.added', t.id, null, undefined, t.title);
  for (const t of diff.threats.removed) row('threat.removed', t.id, null, t.title, undefined);
  for (const t of diff.threats.changed) for (const c of t.changes) row('threat.changed', t.id, c.field, c.from, c.to);
  return rows;
}

/** Model storage over either database. */
export class ModelStore {
  constructor(private readonly db: Kysely<Database>) {}

  /** Every model, most recently changed first. */
  async list(): Promise<ModelSummary[]> {
    const rows = await this.db
      .selectFrom('models')
      .select(['id', 'name', 'template_id', 'version', 'updated_at', 'updated_by'])
      .orderBy('updated_at', 'desc')
      .orderBy('id')
      .execute();
    return rows.map((r) => ({
      id: r.id,
      name: r.name,
      templateId: r.template_id,
      version: r.version,
      updatedAt: r.updated_at,
      updatedBy: r.updated_by,
    }));
  }

  /** One model with its current document, or undefined. */
  async get(id: string): Promise<StoredModel | undefined> {
    const m = await this.getText(id);
    if (!m) return undefined;
    const { documentText, ...summary } = m;
    return { ...summary, document: JSON.parse(documentText) as ThreatModel };
  }

  /** One model with its current document as the stored JSON text (no parse), or undefined. */
  async getText(id: string): Promise<(ModelSummary & { documentText: string }) | undefined> {
    const r = await this.db.selectFrom('models').selectAll().where('id', '=', id).executeTakeFirst();
    if (!r) return undefined;
    return {
      id: r.id,
      name: r.name,
      templateId: r.template_id,
      version: r.version,
      updatedAt: r.updated_at,
      updatedBy: r.updated_by,
      documentText: r.document,
    };
  }

  /** Stores a new model as version 1; returns its id. */
  async create(
    document: ThreatModel,
    actor: string,
    message = 'Created',
    id: string = randomUUID(),
  ): Promise<{ id: string; version: number }> {
    const at = now();
    const text = JSON.stringify(document);
    await this.db.transaction().execute(async (tx) => {
      await tx
        .insertInto('models')
        .values({
          id,
          name: document.metadata.name,
          template_id: document.template.id,
          document: text,
          version: 1,
          created_at: at,
          updated_at: at,
          updated_by: actor,
        })
        .execute();
      await tx
        .insertInto('model_versions')
        .values({ model_id: id, version: 1, document: text, author: actor, message, created_at: at })
        .execute();
      await this.audit(tx, id, auditRows(undefined, document, actor, id));
    });
    return { id, version: 1 };
  }

  /**
   * Saves a new document if the model is still at `expectedVersion`; otherwise changes nothing
   * and says which version is current.
   */
  async save(
    id: string,
    expectedVersion: number,
    document: ThreatModel,
    actor: string,
    message = 'Saved',
    extraAudit: AuditRow[] = [],
  ): Promise<SaveResult> {
    return this.db.transaction().execute(async (tx) => {
      const current = await tx
        .selectFrom('models')
        .select(['version', 'document'])
        .where('id', '=', id)
        .executeTakeFirst();
      if (!current) return { status: 'not-found' } as const;
      if (current.version !== expectedVersion) return { status: 'conflict', currentVersion: current.version } as const;
      const version = expectedVersion + 1;
      const at = now();
      const text = JSON.stringify(document);
      const updated = await tx
        .updateTable('models')
        .set({
          document: text,
          version,
          name: document.metadata.name,
          template_id: document.template.id,
          updated_at: at,
          updated_by: actor,
        })
        .where('id', '=', id)
        .where('version', '=', expectedVersion)
        .executeTakeFirst();
      if (Number(updated.numUpdatedRows) !== 1) {
        const now2 = await tx.selectFrom('models').select('version').where('id', '=', id).executeTakeFirst();
        return { status: 'conflict', currentVersion: now2?.version ?? expectedVersion } as const;
      }
      await tx
        .insertInto('model_versions')
        .values({ model_id: id, version, document: text, author: actor, message, created_at: at })
        .execute();
      await this.audit(tx, id, [
        ...auditRows(JSON.parse(current.document) as ThreatModel, document, actor, id),
        ...extraAudit,
      ]);
      return { status: 'saved', version } as const;
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

  /** Every saved version of a model, newest first (without documents). */
  async versions(id: string): Promise<{ version: number; author: string; message: string; createdAt: string }[]> {
    const rows = await this.db
      .selectFrom('model_versions')
      .select(['version', 'author', 'message', 'created_at'])
      .where('model_id', '=', id)
      .orderBy('version', 'desc')
      .execute();
    return rows.map((r) => ({ version: r.version, author: r.author, message: r.message, createdAt: r.created_at }));
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
