/**
 * Templates are shared state: every model that names a template is analysed with it. Built-in
 * templates come from the code (their rows are flagged `builtin`), shared ones are added and
 * changed by administrators only, and the knowledge base that arrives inside an uploaded file
 * (a .tm7, an OTM naming its template) never overwrites either: it is kept under an id derived
 * from its own content (`<id>.imported-<hash>`) that only the uploaded model pins, unless it is
 * exactly a template stored already. Versions are immutable rows.
 */
import { createHash } from 'node:crypto';
import { jsonEqual, type Template } from '@bulwark/core';
import { BUILTIN_TEMPLATE_IDS, loadBuiltinTemplate } from '@bulwark/templates';
import type { Kysely } from 'kysely';
import { fail } from '../errors.js';
import type { Database } from './schema.js';

/** Is this one of the templates that ship with Bulwark? */
export const isBuiltinTemplate = (id: string): boolean => (BUILTIN_TEMPLATE_IDS as readonly string[]).includes(id);

/** The suffix of the ids given to imported knowledge bases; administrators cannot use it. */
export const IMPORTED_ID = /\.imported-[0-9a-f]{12}$/;

/** JSON with object keys sorted: the same template gives the same text, whatever its key order. */
function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** What became of an uploaded knowledge base. */
export interface PinnedTemplate {
  /** The template the uploaded model now names. */
  ref: { id: string; version: string };
  /** Set when the knowledge base was kept as a copy of its own. */
  warning?: string;
}

/** The templates table, with built-in templates served from the code. */
export class TemplateStore {
  /** Template versions by `id@version` (rows never change once written). */
  private readonly cache = new Map<string, Template>();

  constructor(private readonly db: Kysely<Database>) {}

  /** Makes sure every built-in template is a row (flagged builtin), so every model's template can be found. */
  async seedBuiltins(): Promise<void> {
    for (const id of BUILTIN_TEMPLATE_IDS) {
      const t = loadBuiltinTemplate(id);
      if (t.ok) await this.insert(t.value, true);
    }
  }

  /** The newest version of a template; built-in ones always from the code. */
  async newest(id: string): Promise<Template> {
    if (isBuiltinTemplate(id)) {
      const t = loadBuiltinTemplate(id);
      if (!t.ok) return fail(t.error.code, t.error.message);
      return t.value;
    }
    const row = await this.db
      .selectFrom('templates')
      .select('version')
      .where('id', '=', id)
      .orderBy('created_at', 'desc')
      .executeTakeFirst();
    const t = row ? await this.at(id, row.version) : undefined;
    return (
      t ?? fail('TEMPLATE_UNKNOWN', `Unknown template "${id}". Built-in templates: ${BUILTIN_TEMPLATE_IDS.join(', ')}.`)
    );
  }

  /** The template a model names: the version it pins when that is stored, else the newest. */
  async forModel(ref: { id: string; version?: string | undefined }): Promise<Template> {
    if (ref.version !== undefined && !isBuiltinTemplate(ref.id)) {
      const pinned = await this.at(ref.id, ref.version);
      if (pinned) return pinned;
    }
    return this.newest(ref.id);
  }

  /** One stored version, or undefined. For a built-in id only the rows flagged builtin count. */
  async at(id: string, version: string): Promise<Template | undefined> {
    const key = `${id}@${version}`;
    const cached = this.cache.get(key);
    if (cached) return cached;
    let query = this.db.selectFrom('templates').select('document').where('id', '=', id).where('version', '=', version);
    if (isBuiltinTemplate(id)) query = query.where('builtin', '=', 1);
    const row = await query.executeTakeFirst();
    if (!row) return undefined;
    const t = JSON.parse(row.document) as Template;
    this.cache.set(key, t);
    return t;
  }

  /** The stored versions of a template, newest first (built-in ids: the built-in rows only). */
  async versions(id: string): Promise<{ version: string; builtin: boolean; createdAt: string }[]> {
    let query = this.db
      .selectFrom('templates')
      .select(['version', 'builtin', 'created_at'])
      .where('id', '=', id)
      .orderBy('created_at', 'desc');
    if (isBuiltinTemplate(id)) query = query.where('builtin', '=', 1);
    const rows = await query.execute();
    return rows.map((r) => ({ version: r.version, builtin: Number(r.builtin) === 1, createdAt: r.created_at }));
  }

  /** Every stored version of every template, by id then age. */
  async list(): Promise<{ id: string; name: string; version: string; builtin: boolean; createdAt: string }[]> {
    const rows = await this.db
      .selectFrom('templates')
      .select(['id', 'name', 'version', 'builtin', 'created_at'])
      .orderBy('id')
      .orderBy('created_at')
      .execute();
    return rows
      .filter((t) => Number(t.builtin) === 1 || !isBuiltinTemplate(t.id))
      .map((t) => ({
        id: t.id,
        name: t.name,
        version: t.version,
        builtin: Number(t.builtin) === 1,
        createdAt: t.created_at,
      }));
  }

  /** Is this version stored? */
  async exists(id: string, version: string): Promise<boolean> {
    const row = await this.db
      .selectFrom('templates')
      .select('id')
      .where('id', '=', id)
      .where('version', '=', version)
      .executeTakeFirst();
    return row !== undefined;
  }

  /**
   * Adds a version of a shared template (an administrator's upload or save; the routes check
   * who asks). Built-in ids and the ids of imported copies are refused.
   */
  async addShared(t: Template): Promise<void> {
    if (isBuiltinTemplate(t.id)) fail('USAGE', `"${t.id}" is a built-in template; give yours another id.`);
    if (IMPORTED_ID.test(t.id))
      fail(
        'USAGE',
        `Template ids ending in ".imported-<hash>" are kept for knowledge bases of uploaded models; give yours another id.`,
      );
    await this.insert(t, false);
  }

  /**
   * Keeps the knowledge base an uploaded model came with, without touching any stored template:
   * a template stored already with exactly this content is used as it is (`viaFormat` gives a
   * stored template as the file's format would carry it: a .tm7 holds less than a template, so a
   * model exported with its template and uploaded again finds it); anything else is kept under an
   * id of its own, derived from its content (the same upload twice gives one copy).
   */
  async pinImported(t: Template, viaFormat?: (stored: Template) => Template | undefined): Promise<PinnedTemplate> {
    const stored = isBuiltinTemplate(t.id)
      ? await this.builtinVersion(t.id, t.version)
      : await this.at(t.id, t.version);
    if (stored && (jsonEqual(stored, t) || (viaFormat !== undefined && jsonEqual(viaFormat(stored), t))))
      return { ref: { id: t.id, version: t.version } };
    const hash = createHash('sha256').update(stableJson(t)).digest('hex').slice(0, 12);
    const base = t.id.replace(IMPORTED_ID, '');
    const copy: Template = { ...t, id: `${base}.imported-${hash}`, name: `${t.name} (imported)` };
    if (!(await this.exists(copy.id, copy.version))) await this.insert(copy, false);
    const taken = isBuiltinTemplate(t.id) || (await this.versions(t.id)).length > 0;
    return {
      ref: { id: copy.id, version: copy.version },
      ...(taken
        ? {
            warning: `The file's knowledge base "${t.id}" (version ${t.version}) differs from the template of that id on this server; it is kept as "${copy.id}" for this model only, and no other model's template changed.`,
          }
        : {}),
    };
  }

  private async builtinVersion(id: string, version: string): Promise<Template | undefined> {
    const t = loadBuiltinTemplate(id);
    return t.ok && t.value.version === version ? t.value : undefined;
  }

  /** Inserts a version unless it is there (another server process may insert it first). */
  private async insert(t: Template, builtin: boolean): Promise<void> {
    if (await this.exists(t.id, t.version)) return;
    await this.db
      .insertInto('templates')
      .values({
        id: t.id,
        version: t.version,
        name: t.name,
        document: JSON.stringify(t),
        builtin: builtin ? 1 : 0,
        created_at: new Date().toISOString(),
      })
      .execute()
      .catch(async (e: unknown) => {
        // A row that another process inserted in between is fine; any other failure is not.
        if (!(await this.exists(t.id, t.version))) throw e;
      });
  }
}
