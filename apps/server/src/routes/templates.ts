/**
 * Template routes beyond the list and the upload (app.ts): one template at any stored version,
 * its versions, its download as JSON or .tb7, and saving a user template's next version (the
 * template editor's Save). Versions are immutable rows of the `templates` table.
 */
import { parseTemplate, type ResolvedTemplate, type Result, resolveTemplate, type Template } from '@bulwark/core';
import { exportTb7, tb7ExportLosses } from '@bulwark/formats';
import { BUILTIN_TEMPLATE_IDS } from '@bulwark/templates';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import { fail, HttpError } from '../errors.js';
import { SaveTemplateVersionSchema } from '../requestSchemas.js';
import type { Database } from '../storage/schema.js';
import type { User } from '../storage/UserStore.js';

/** What the template routes borrow from the app. */
export interface TemplateContext {
  db: Kysely<Database>;
  needAdmin: (request: FastifyRequest) => User;
  /** The newest version of a template (built-in or stored), or a TEMPLATE_UNKNOWN failure. */
  rawTemplate: (id: string) => Promise<Template>;
  /** Stores a template version and makes it the newest one the app uses. */
  keepTemplate: (t: Template) => Promise<void>;
}

function value<T>(r: Result<T>): T {
  if (!r.ok) throw new HttpError(r.error);
  return r.value;
}

/**
 * The version after `latest`: its last number plus one ("1.0.0" -> "1.0.1", "4.1.0.11" ->
 * "4.1.0.12", "7" -> "8"), or ".1" appended when it ends in no number; skips versions taken.
 */
export function nextTemplateVersion(latest: string, taken: ReadonlySet<string> = new Set()): string {
  let v = latest;
  do {
    const m = /^(.*?)(\d+)$/.exec(v);
    v = m ? `${m[1]}${Number(m[2]) + 1}` : `${v}.1`;
  } while (taken.has(v));
  return v;
}

/** The rules of a template that do not parse, as an upload or a save reports them. */
export function brokenRules(resolved: ResolvedTemplate): { threatTypeId: string; rule: string; message: string }[] {
  return resolved.ruleProblems.map((p) => ({ threatTypeId: p.threatTypeId, rule: p.rule, message: p.error.message }));
}

const isBuiltin = (id: string): boolean => (BUILTIN_TEMPLATE_IDS as readonly string[]).includes(id);

/** A file name from a template's name and version: letters, digits, dots and dashes only. */
function fileName(t: Template, extension: string): string {
  const base = `${t.name}-${t.version}`.replace(/[^A-Za-z0-9.-]+/g, '-').replace(/^-+|-+$/g, '');
  return `${base || 'template'}.${extension}`;
}

/** Registers the routes on the app. */
export function registerTemplateRoutes(app: FastifyInstance, ctx: TemplateContext): void {
  async function versionsOf(id: string): Promise<{ version: string; builtin: boolean; createdAt: string }[]> {
    const rows = await ctx.db
      .selectFrom('templates')
      .select(['version', 'builtin', 'created_at'])
      .where('id', '=', id)
      .orderBy('created_at', 'desc')
      .execute();
    return rows.map((r) => ({ version: r.version, builtin: Number(r.builtin) === 1, createdAt: r.created_at }));
  }

  /**
   * The template at `version`, or its newest version when none is named; read from the database
   * each time (another server process may have saved a newer version).
   */
  async function templateAt(id: string, version: string | undefined): Promise<Template> {
    let query = ctx.db.selectFrom('templates').select('document').where('id', '=', id);
    query = version ? query.where('version', '=', version) : query.orderBy('created_at', 'desc');
    const row = await query.executeTakeFirst();
    if (row) return JSON.parse(row.document) as Template;
    await ctx.rawTemplate(id); // an unknown template says so, with the built-in ids
    return fail(
      'NOT_FOUND',
      `Template "${id}" has no version "${version}"; GET /api/templates/${id}/versions lists them.`,
    );
  }

  app.get<{ Params: { id: string }; Querystring: { version?: string } }>('/api/templates/:id', async (request) => {
    const template = await templateAt(request.params.id, request.query.version);
    return { template, builtin: isBuiltin(template.id), tb7Losses: tb7ExportLosses(template) };
  });

  app.get<{ Params: { id: string } }>('/api/templates/:id/versions', async (request) => {
    const versions = await versionsOf(request.params.id);
    if (versions.length === 0) await ctx.rawTemplate(request.params.id);
    return { id: request.params.id, versions };
  });

  app.get<{ Params: { id: string }; Querystring: { format?: string; version?: string } }>(
    '/api/templates/:id/export',
    async (request, reply) => {
      const format = request.query.format ?? 'json';
      if (format !== 'json' && format !== 'tb7')
        fail('USAGE', `Unknown template format "${format}": use json (Bulwark's own) or tb7 (the Microsoft tool's).`);
      const template = await templateAt(request.params.id, request.query.version);
      reply.header('content-disposition', `attachment; filename="${fileName(template, format)}"`);
      if (format === 'tb7') return reply.type('application/xml; charset=utf-8').send(exportTb7(template));
      return reply.type('application/json; charset=utf-8').send(`${JSON.stringify(template, null, 2)}\n`);
    },
  );

  // Saving from the editor: the client sends the template and the version it started from; the
  // server refuses a stale start (someone saved in between) and stores the next version itself.
  app.post<{ Params: { id: string } }>('/api/templates/:id/versions', async (request, reply) => {
    ctx.needAdmin(request);
    const { id } = request.params;
    if (isBuiltin(id)) fail('USAGE', `"${id}" is a built-in template and cannot change; save a copy under another id.`);
    const parsed = SaveTemplateVersionSchema.safeParse(request.body);
    if (!parsed.success)
      fail('SCHEMA_INVALID', 'Send { "template": <the template>, "baseVersion": "<the version you edited>" }.');
    const body = parsed.data as NonNullable<typeof parsed.data>;
    const versions = await versionsOf(id);
    const latest = versions[0]?.version;
    if (latest === undefined) fail('NOT_FOUND', `No template "${id}": create it with POST /api/templates first.`);
    if (body.baseVersion !== latest)
      fail(
        'VERSION_CONFLICT',
        `Template "${id}" is at version ${latest}, not ${body.baseVersion}: someone saved in between. Reload it and apply your change again.`,
        { currentVersion: latest },
      );
    const version = nextTemplateVersion(latest as string, new Set(versions.map((v) => v.version)));
    const template = value(parseTemplate({ ...(body.template as object), id, version }, 'request body'));
    const resolved = value(resolveTemplate(template));
    await ctx.keepTemplate(template);
    return reply.status(201).send({
      id,
      version,
      brokenRules: brokenRules(resolved),
    });
  });
}
