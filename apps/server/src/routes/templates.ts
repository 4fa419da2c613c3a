/**
 * Template routes beyond the list and the upload (app.ts): one template at any stored version,
 * its versions, its download as JSON or .tb7, and saving a user template's next version (the
 * template editor's Save). Versions are immutable rows of the `templates` table.
 */
import { parseTemplate, type ResolvedTemplate, type Result, resolveTemplate, type Template } from '@bulwark/core';
import { exportTb7, importTb7, looksLikeTb7, tb7ExportLosses } from '@bulwark/formats';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { fail, HttpError } from '../errors.js';
import { SaveTemplateVersionSchema } from '../requestSchemas.js';
import { isBuiltinTemplate, type TemplateStore } from '../storage/TemplateStore.js';
import type { User } from '../storage/UserStore.js';

/** What the template routes borrow from the app. */
export interface TemplateContext {
  templates: TemplateStore;
  /** The caller, when an administrator (ROUTE_ACCESS checks it first; this is the second check). */
  needAdmin: (request: FastifyRequest) => User;
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

const isBuiltin = isBuiltinTemplate;

/** A file name from a template's name and version: letters, digits, dots and dashes only. */
function fileName(t: Template, extension: string): string {
  const base = `${t.name}-${t.version}`.replace(/[^A-Za-z0-9.-]+/g, '-').replace(/^-+|-+$/g, '');
  return `${base || 'template'}.${extension}`;
}

/** Registers the routes on the app. */
export function registerTemplateRoutes(app: FastifyInstance, ctx: TemplateContext): void {
  const versionsOf = (id: string) => ctx.templates.versions(id);

  /**
   * The template at `version`, or its newest version when none is named; read from the database
   * each time (another server process may have saved a newer version).
   */
  async function templateAt(id: string, version: string | undefined): Promise<Template> {
    const newest = await ctx.templates.newest(id); // an unknown template says so, with the built-in ids
    if (version === undefined || version === newest.version) return newest;
    const stored = await ctx.templates.at(id, version);
    if (stored) return stored;
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
    if (versions.length === 0) await ctx.templates.newest(request.params.id);
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

  app.get('/api/templates', async () => ({ templates: await ctx.templates.list() }));

  // A new shared template (administrators): Bulwark JSON, or a .tb7 file as text.
  app.post('/api/templates', async (request, reply) => {
    ctx.needAdmin(request);
    const body = request.body;
    let template: Template;
    if (typeof body === 'string') {
      if (!looksLikeTb7(body))
        fail(
          'PARSE_SYNTAX',
          'The upload is not a template Bulwark reads: send a Bulwark template as JSON, or a .tb7 file.',
        );
      template = value(importTb7(body, 'upload.tb7'));
    } else {
      template = value(parseTemplate(body, 'request body'));
    }
    const resolved = value(resolveTemplate(template));
    if (isBuiltin(template.id)) fail('USAGE', `"${template.id}" is a built-in template; give yours another id.`);
    if (await ctx.templates.exists(template.id, template.version))
      fail(
        'VERSION_CONFLICT',
        `Template "${template.id}" version ${template.version} exists already; bump its version to store a new one.`,
      );
    await ctx.templates.addShared(template);
    return reply.status(201).send({
      id: template.id,
      version: template.version,
      threatTypes: template.threatTypes.length,
      brokenRules: brokenRules(resolved),
    });
  });

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
    await ctx.templates.addShared(template);
    return reply.status(201).send({
      id,
      version,
      brokenRules: brokenRules(resolved),
    });
  });
}
