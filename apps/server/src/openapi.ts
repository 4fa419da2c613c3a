/**
 * The OpenAPI document of the JSON API, generated from the zod schemas that validate requests
 * (so it cannot drift from what the server accepts). Served at /api/docs/json.
 */

import { TemplateSchema, ThreatModelSchema, ThreatSchema } from '@bulwark/core';
import { MODEL_FORMATS } from '@bulwark/formats';
import { REPORT_FORMATS } from '@bulwark/report';
import { z } from 'zod';
import {
  CommentCreateSchema,
  CommentPatchSchema,
  CreateBlankSchema,
  SaveTemplateVersionSchema,
  SaveVersionSchema,
  SignOffRequestSchema,
  ThreatPatchBodySchema,
} from './requestSchemas.js';
import { ROLES } from './storage/UserStore.js';

const json = (schema: z.ZodType): Record<string, unknown> =>
  z.toJSONSchema(schema, { target: 'draft-2020-12', io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const body = (name: string, extra: Record<string, unknown> = {}) => ({
  required: true,
  content: { 'application/json': { schema: ref(name) }, ...extra },
});
/** A JSON body that is a small object, described here (not one of the zod schemas). */
const objectBody = (properties: Record<string, unknown>) => ({
  required: true,
  content: { 'application/json': { schema: { type: 'object', required: Object.keys(properties), properties } } },
});
const ok = (description: string, schema?: Record<string, unknown>) => ({
  description,
  ...(schema ? { content: { 'application/json': { schema } } } : {}),
});
const errors = {
  '400': ok('The request is malformed.', ref('Error')),
  '404': ok('No such model.', ref('Error')),
  '422': ok('The body does not match the schema.', ref('Error')),
};
const write = {
  '409': ok('Someone saved first: the body says the current version; reload and apply again.', ref('Error')),
  '428': ok('If-Match is missing: say which version you read.', ref('Error')),
};
const signedIn = {
  '401': ok('Not signed in (team mode): sign in, or send an API token.', ref('Error')),
  '403': ok('Your role on the model does not allow this, or the X-CSRF-Token is missing or wrong.', ref('Error')),
};
const idParam = { name: 'id', in: 'path', required: true, schema: { type: 'string' } };
const versionQuery = { name: 'version', in: 'query', schema: { type: 'string' } };
const ifMatch = {
  name: 'If-Match',
  in: 'header',
  required: true,
  description: 'The ETag of the revision you read, e.g. "3".',
  schema: { type: 'string' },
};

/** The OpenAPI 3.1 document. */
export function openApiDocument(): Record<string, unknown> {
  return {
    openapi: '3.1.0',
    info: {
      title: 'Bulwark API',
      version: '0.1.0',
      description:
        'Threat models, their versions and audit log, analysis, threat triage, import and export. Every write names the version it read (If-Match). In team mode (`bulwark serve --auth local`) a caller signs in (POST /api/login: a session cookie, and a CSRF token to send as X-CSRF-Token on every POST, PUT, PATCH and DELETE) or sends an API token (Authorization: Bearer ...; a read-scoped token gets 403 on POST, PUT, PATCH and DELETE, an expired or revoked one 401), and each model names the role the caller has on it. The server answers only requests whose Host names it, and refuses (403) unsafe requests a browser marks as from another site. Heavy requests (analysis, exports and reports, large uploads) run at most 2 at a time per user: the next gets 429 with Retry-After, and 503 with Retry-After when the server is full. Who may do what and every limit: docs/SECURITY.md.',
    },
    paths: {
      '/healthz': {
        get: {
          summary: 'Does the database take writes?',
          responses: {
            '200': ok('Yes.'),
            '503': ok('No: `problem` names the cause (read-only, disk full, unreachable, I/O error, damaged).'),
          },
        },
      },
      '/api/login': {
        post: {
          summary: 'Sign in (team mode): sets the session cookie and returns its CSRF token',
          requestBody: objectBody({
            name: { type: 'string', minLength: 1 },
            password: { type: 'string', minLength: 1 },
          }),
          responses: {
            '200': ok('Signed in (in local mode: the local user, and no token).', ref('SignedIn')),
            '401': ok('Wrong name or password.', ref('Error')),
            '422': ok('The body is not { name, password }.', ref('Error')),
          },
        },
      },
      '/api/logout': {
        post: { summary: 'Sign out: ends the session and clears its cookie', responses: { '204': ok('Signed out.') } },
      },
      '/api/me': {
        get: {
          summary: "Who is asking, the server's mode, and the CSRF token of a cookie session",
          responses: { '200': ok('The caller.', ref('Me')), ...signedIn },
        },
      },
      '/api/models': {
        get: {
          summary: 'List the models the caller has a role on',
          responses: {
            '200': ok("Models, most recently changed first, each with the caller's role.", {
              type: 'object',
              required: ['models'],
              properties: { models: { type: 'array', items: ref('ModelSummary') } },
            }),
            ...signedIn,
          },
        },
        post: {
          summary:
            'Create a model: a Bulwark model (JSON or YAML), a blank one from a template ({ name, template }), or an uploaded .tm7 (application/xml)',
          description:
            "A file is named after the model's own name (a Bulwark model's `metadata.name`, a .tm7's model name), else after `filename` without its ending, else \"Imported model\". A file that does not read is answered with where it breaks, as the CLI says it: a JSON syntax error with `line` and `column` (and the same in the message), a YAML one likewise, schema problems as `details`, each with its `path` and, in YAML, its `line` and `column`. An imported model is stored as the file has it (its threats too); the `summary` says what it holds, what the first analysis (the editor's on opening, or POST /api/models/{id}/analyze) will do to its threats, and every warning: what the format could not hold, and what validateModel finds against the model's template (unknown element types, flows to nowhere, ...); a .tm7's flows left unattached are named one by one in `warnings`. The template that comes with the file (a .tm7's knowledge base, or a Bulwark model's `template.embedded`, which `bulwark convert` writes) is kept for this model alone, never over a built-in or shared template: a stored template with exactly that content is used as it is, anything else is kept as `<id>.imported-<hash>`, which the stored model names (it does not keep `template.embedded`); `warnings` says which.",
          parameters: [
            {
              name: 'filename',
              in: 'query',
              required: false,
              description:
                "The uploaded file's name (at most 2,048 characters; a path is cut to its last part): used in messages, to recognise a broken .tm7 as one, and as the model's name when the file has none.",
              schema: { type: 'string', maxLength: 2048 },
            },
          ],
          requestBody: {
            required: true,
            content: {
              'application/json': { schema: { oneOf: [ref('ThreatModel'), ref('CreateBlank')] } },
              'application/xml': { schema: { type: 'string' } },
              'application/yaml': { schema: { type: 'string' } },
              'application/octet-stream': { schema: { type: 'string', description: 'A file, read by its content.' } },
            },
          },
          responses: { '201': ok('Created; ETag is its version.', ref('Created')), ...errors },
        },
      },
      '/api/models/{id}': {
        parameters: [idParam],
        get: {
          summary: "Read a model (ETag: its version) with the caller's role on it",
          responses: { '200': ok('The model.', ref('ModelRead')), ...errors, ...signedIn },
        },
        put: {
          summary:
            'Save a model (editors; reviewers too for triage, review progress, manual threats and moving shapes where no crossing changes)',
          description:
            'What records who did what is written by the server from the caller, never taken from the body: `review.signOffs` stays as stored (POST /api/models/{id}/signoff adds one); a threat whose status, priority, justification or mitigations changed gets `changedBy` (the caller) and `changedAt` (now), others keep their stored ones; an interaction newly marked in `review.reviewed` gets `by` and `at` likewise. Each role may make only some kinds of change (apps/server/src/changePolicy.ts): a reviewer moving a shape so that a flow crosses other trust boundaries, changing the diagram or the details, or adding and removing generated threats gets 403.',
          parameters: [
            ifMatch,
            {
              name: 'message',
              in: 'query',
              required: false,
              description:
                'Without it the PUT writes the working copy only (autosave: the revision moves on, no version is made). With it (1 to 1,000 characters) the new revision is also kept as a version with this message (kind `saved`), as POST /api/models/{id}/versions does.',
              schema: { type: 'string', minLength: 1, maxLength: 1000 },
            },
          ],
          requestBody: body('ThreatModel'),
          responses: { '200': ok('Saved; ETag is the new revision.'), ...errors, ...write },
        },
        delete: {
          summary: 'Delete a model',
          parameters: [ifMatch],
          responses: { '204': ok('Deleted.'), ...errors, ...write },
        },
      },
      '/api/models/{id}/versions': {
        parameters: [idParam],
        get: {
          summary: 'The versions made on purpose (who, when, message, kind), and how the working copy stands',
          description:
            "A model's row is its working copy: every write moves its revision (the ETag) on, but only creating, importing, Save version (this route's POST, or a PUT with ?message=), signing off and restoring keep a version. A version is numbered by the revision it copies, so version numbers are not consecutive.",
          responses: { '200': ok('Versions, newest first, and the working copy.', ref('Versions')), ...errors },
        },
        post: {
          summary: 'Save version: keep the working copy as it is as a version, with a message (editors)',
          description:
            'No new revision: the version gets the revision named by If-Match. 400 when that revision is a version already (nothing changed since).',
          parameters: [ifMatch],
          requestBody: body('SaveVersion'),
          responses: { '201': ok('Kept; ETag is the revision (unchanged).', ref('VersionSaved')), ...errors, ...write },
        },
      },
      '/api/models/{id}/versions/{version}': {
        parameters: [idParam, { name: 'version', in: 'path', required: true, schema: { type: 'integer' } }],
        get: { summary: 'One version', responses: { '200': ok('The model as it was.'), ...errors } },
      },
      '/api/models/{id}/versions/{version}/restore': {
        parameters: [idParam, { name: 'version', in: 'path', required: true, schema: { type: 'integer' } }],
        post: {
          summary: 'Restore a version: its document becomes the working copy, kept as a version (editors)',
          description:
            'As a PUT of that document with the message "Restored version N" (kind `restored`): sign-offs stay as they are now, triage changed back is stamped with the caller, and the role must allow every kind of change.',
          parameters: [ifMatch],
          responses: {
            '200': ok('Restored; ETag is the new revision.', {
              type: 'object',
              required: ['id', 'version', 'restored'],
              properties: { id: { type: 'string' }, version: { type: 'integer' }, restored: { type: 'integer' } },
            }),
            ...errors,
            ...write,
          },
        },
      },
      '/api/models/{id}/diff': {
        parameters: [
          idParam,
          {
            name: 'from',
            in: 'query',
            description: 'A version; left out, the newest version.',
            schema: { type: 'integer' },
          },
          {
            name: 'to',
            in: 'query',
            description: 'A version; left out, the working copy (answered as "working-copy").',
            schema: { type: 'integer' },
          },
        ],
        get: {
          summary: 'What changed between two versions, or a version and the working copy',
          responses: { '200': ok('Elements and threats added, removed and changed.'), ...errors },
        },
      },
      '/api/models/{id}/audit': {
        parameters: [idParam],
        get: { summary: 'Who changed what, when', responses: { '200': ok('Audit entries, oldest first.'), ...errors } },
      },
      '/api/models/{id}/analyze': {
        parameters: [idParam],
        post: {
          summary: 'Regenerate threats from the template, keeping triage; saved to the working copy (no version)',
          parameters: [ifMatch],
          responses: { '200': ok('Saved.'), ...errors, ...write },
        },
      },
      '/api/models/{id}/threats': {
        parameters: [idParam],
        patch: {
          summary: 'Triage one or many threats',
          description:
            'Only status, priority, justification and mitigations are taken from the body; `changedBy` and `changedAt` are set by the server to the caller and now (other fields are ignored).',
          parameters: [ifMatch],
          requestBody: body('ThreatPatch'),
          responses: { '200': ok('Saved to the working copy (no version).'), ...errors, ...write },
        },
      },
      '/api/models/{id}/roles': {
        parameters: [idParam],
        post: {
          summary: 'Give a user a role on the model (owners and administrators)',
          requestBody: objectBody({ user: { type: 'string', description: "The user's name." }, role: ref('Role') }),
          responses: { '200': ok('Granted (replacing the role they had).'), ...errors, ...signedIn },
        },
      },
      '/api/models/{id}/comments': {
        parameters: [idParam],
        get: {
          summary: 'Every comment on the model, its elements and threats, oldest first',
          responses: {
            '200': ok('Comments; a reply names its thread by parentId.', {
              type: 'object',
              required: ['comments'],
              properties: { comments: { type: 'array', items: ref('Comment') } },
            }),
            ...errors,
            ...signedIn,
          },
        },
        post: {
          summary: 'Comment on the model, an element or a threat, or reply to a thread (anyone who may read it)',
          requestBody: body('CommentCreate'),
          responses: {
            '201': ok('Added.', { type: 'object', required: ['comment'], properties: { comment: ref('Comment') } }),
            ...errors,
            ...signedIn,
          },
        },
      },
      '/api/models/{id}/comments/{commentId}': {
        parameters: [idParam, { name: 'commentId', in: 'path', required: true, schema: { type: 'string' } }],
        patch: {
          summary: 'Resolve or reopen a thread (its first comment): its author, or a reviewer, editor or owner',
          requestBody: body('CommentPatch'),
          responses: {
            '200': ok("The thread's first comment.", { type: 'object', properties: { comment: ref('Comment') } }),
            ...errors,
            ...signedIn,
          },
        },
      },
      '/api/models/{id}/signoff': {
        parameters: [idParam],
        post: {
          summary:
            "Sign off a version, or the working copy (reviewers and owners): its digest goes into the model's review.signOffs, written as the next revision and kept as a version (kind `signed-off`); a working copy signed off is kept as a version first",
          parameters: [ifMatch],
          requestBody: body('SignOffRequest'),
          responses: {
            '200': ok('Saved; ETag is the new version.', {
              type: 'object',
              required: ['id', 'version', 'signOff'],
              properties: { id: { type: 'string' }, version: { type: 'integer' }, signOff: { type: 'object' } },
            }),
            ...errors,
            ...write,
            ...signedIn,
          },
        },
      },
      '/api/models/{id}/export': {
        parameters: [
          idParam,
          {
            name: 'format',
            in: 'query',
            schema: {
              type: 'string',
              enum: [
                'json',
                'yaml',
                ...MODEL_FORMATS.filter((f) => f.write).map((f) => f.id),
                ...Object.keys(REPORT_FORMATS),
              ],
            },
          },
        ],
        get: {
          summary:
            "Export a model: Bulwark JSON or YAML, another tool's format (what it cannot hold is listed in the X-Bulwark-Warnings header, URI-encoded JSON), or a report",
          responses: { '200': ok('The file.'), ...errors },
        },
      },
      '/api/models/{id}/thumbnail': {
        parameters: [idParam],
        get: {
          summary: "The model's first diagram as a small SVG (image/svg+xml), for the models page",
          description:
            'Drawn as the report draws it (laid out first when the diagram has no positions), every user string escaped. The ETag is the model version: a matching If-None-Match is answered 304. A model of more than 200 elements, a first diagram of more than 60 elements without positions, or one with nothing drawn, gets a placeholder image.',
          responses: { '200': ok('The SVG.'), '304': { description: 'Not modified.' }, ...errors },
        },
      },
      '/api/formats': {
        get: {
          summary:
            "Other tools' model formats: which the server reads (uploads to POST /api/models, recognised by content) and writes (export)",
          responses: { '200': ok('The formats.'), ...errors },
        },
      },
      '/api/templates': {
        get: { summary: 'List templates', responses: { '200': ok('Built-in and stored templates.') } },
        post: {
          summary: 'Add a template: a Bulwark template (JSON) or a .tb7 (application/xml)',
          requestBody: {
            required: true,
            content: {
              'application/json': { schema: ref('Template') },
              'application/xml': { schema: { type: 'string' } },
            },
          },
          responses: {
            '201': ok('Stored.'),
            ...errors,
            '409': ok('That template version exists already.', ref('Error')),
          },
        },
      },
      '/api/templates/{id}': {
        parameters: [idParam, versionQuery],
        get: {
          summary: 'One template: its newest version, or the one `version` names',
          responses: {
            '200': ok('{ template, builtin, tb7Losses }: tb7Losses says what a .tb7 export leaves out.'),
            ...errors,
          },
        },
      },
      '/api/templates/{id}/versions': {
        parameters: [idParam],
        get: {
          summary: "A template's stored versions, newest first",
          responses: { '200': ok('{ id, versions: [{ version, builtin, createdAt }] }.'), ...errors },
        },
        post: {
          summary:
            'Save the next version of a user template (administrators): the server numbers it (the last number of the newest version plus one) and refuses a save that did not start from the newest version',
          requestBody: body('SaveTemplateVersion'),
          responses: {
            '201': ok('Stored: { id, version, brokenRules }.'),
            ...errors,
            '409': ok('Someone saved a newer version first: the body names it (currentVersion).', ref('Error')),
          },
        },
      },
      '/api/templates/{id}/export': {
        parameters: [
          idParam,
          versionQuery,
          { name: 'format', in: 'query', schema: { type: 'string', enum: ['json', 'tb7'] } },
        ],
        get: {
          summary: "Download a template as Bulwark's JSON or as a .tb7 for the Microsoft tool",
          responses: { '200': ok('The file.'), ...errors },
        },
      },
    },
    components: {
      schemas: {
        ThreatModel: json(ThreatModelSchema),
        Threat: json(ThreatSchema),
        Template: json(TemplateSchema),
        CreateBlank: json(CreateBlankSchema),
        ThreatPatch: json(ThreatPatchBodySchema),
        SaveTemplateVersion: json(SaveTemplateVersionSchema),
        CommentCreate: json(CommentCreateSchema),
        CommentPatch: json(CommentPatchSchema),
        SignOffRequest: json(SignOffRequestSchema),
        SaveVersion: json(SaveVersionSchema),
        VersionKind: {
          type: 'string',
          enum: ['created', 'imported', 'saved', 'signed-off', 'restored', 'folded'],
          description:
            'How a version was made; `folded` is the last of a run of autosaves kept when migration 0006 folded them.',
        },
        Version: {
          type: 'object',
          required: ['version', 'author', 'message', 'kind', 'createdAt'],
          properties: {
            version: { type: 'integer', description: 'The revision it is a copy of.' },
            author: { type: 'string' },
            message: { type: 'string' },
            kind: ref('VersionKind'),
            createdAt: { type: 'string', format: 'date-time' },
          },
        },
        Versions: {
          type: 'object',
          required: ['versions', 'workingCopy'],
          properties: {
            versions: { type: 'array', items: ref('Version'), description: 'Newest first.' },
            workingCopy: {
              type: 'object',
              required: ['version', 'changedSinceVersion', 'updatedBy', 'updatedAt'],
              properties: {
                version: { type: 'integer', description: 'The revision (the ETag).' },
                changedSinceVersion: {
                  type: ['integer', 'null'],
                  description: 'The newest version, when the working copy has been written since; else null.',
                },
                updatedBy: { type: 'string' },
                updatedAt: { type: 'string', format: 'date-time' },
              },
            },
          },
        },
        VersionSaved: {
          type: 'object',
          required: ['id', 'version', 'message', 'kind'],
          properties: {
            id: { type: 'string' },
            version: { type: 'integer' },
            message: { type: 'string' },
            kind: ref('VersionKind'),
          },
        },
        Comment: {
          type: 'object',
          required: ['id', 'modelId', 'target', 'parentId', 'author', 'body', 'resolved', 'createdAt'],
          properties: {
            id: { type: 'string' },
            modelId: { type: 'string' },
            target: { type: 'string', description: '"model", "element:<elementId>" or "threat:<threatId>".' },
            parentId: { type: ['string', 'null'], description: "The thread's first comment, for a reply." },
            author: { type: 'string' },
            body: { type: 'string' },
            resolved: { type: 'boolean', description: "On a thread's first comment: the thread is resolved." },
            createdAt: { type: 'string', format: 'date-time' },
          },
        },
        Role: {
          type: 'string',
          enum: [...ROLES],
          description:
            'Weakest first: viewer reads and comments, reviewer also triages threats, saves review progress, resolves any thread and signs off, editor also edits (but does not sign off), owner also deletes and gives roles. Administrators, and the one user of local mode, are owners of every model.',
        },
        User: {
          type: 'object',
          required: ['id', 'name', 'isAdmin'],
          properties: { id: { type: 'string' }, name: { type: 'string' }, isAdmin: { type: 'boolean' } },
        },
        SignedIn: {
          type: 'object',
          required: ['user', 'csrfToken'],
          properties: {
            user: ref('User'),
            csrfToken: {
              type: ['string', 'null'],
              description: 'Send it as X-CSRF-Token on every POST, PUT, PATCH and DELETE of this session.',
            },
          },
        },
        Me: {
          type: 'object',
          required: ['user', 'mode', 'csrfToken'],
          properties: {
            user: ref('User'),
            mode: { type: 'string', enum: ['local', 'team'] },
            csrfToken: {
              type: ['string', 'null'],
              description: "The cookie session's CSRF token; null for an API token and in local mode.",
            },
          },
        },
        ModelSummary: {
          type: 'object',
          required: [
            'id',
            'name',
            'templateId',
            'version',
            'updatedAt',
            'updatedBy',
            'openHighThreats',
            'elementCount',
            'role',
          ],
          properties: {
            id: { type: 'string' },
            name: { type: 'string' },
            templateId: { type: 'string' },
            version: { type: 'integer' },
            updatedAt: { type: 'string', format: 'date-time' },
            updatedBy: { type: 'string' },
            openHighThreats: {
              type: 'integer',
              description: 'Threats of priority High that are not started or need investigation.',
            },
            elementCount: { type: 'integer', description: 'Elements, flows and boundaries on every diagram.' },
            role: ref('Role'),
          },
        },
        ModelRead: {
          type: 'object',
          required: ['id', 'version', 'updatedAt', 'updatedBy', 'role', 'model'],
          properties: {
            id: { type: 'string' },
            version: { type: 'integer' },
            updatedAt: { type: 'string', format: 'date-time' },
            updatedBy: { type: 'string' },
            role: {
              ...ref('Role'),
              description: "The caller's role when this was read (the ETag does not change with it).",
            },
            model: ref('ThreatModel'),
          },
        },
        Error: {
          type: 'object',
          required: ['code', 'message'],
          properties: {
            code: { type: 'string' },
            message: { type: 'string', description: 'What is wrong and what to do.' },
            path: { type: 'string', description: 'Where in the document, e.g. `diagrams[0].elements[3].source`.' },
            line: { type: 'integer', description: 'The 1-based line of a problem in a text (JSON, YAML).' },
            column: { type: 'integer', description: 'The 1-based column of that problem.' },
            details: {
              type: 'array',
              description: 'Every problem, when there are several (schema problems).',
              items: {
                type: 'object',
                required: ['message'],
                properties: {
                  message: { type: 'string' },
                  path: { type: 'string' },
                  line: { type: 'integer' },
                  column: { type: 'integer' },
                },
              },
            },
            currentVersion: { type: 'integer' },
          },
        },
        Created: {
          type: 'object',
          required: ['id', 'version'],
          properties: {
            id: { type: 'string' },
            version: { type: 'integer' },
            warnings: {
              type: 'array',
              items: { type: 'string' },
              description: "What another tool's format could not carry across (and where its template was kept).",
            },
            summary: {
              type: 'object',
              description:
                'For an uploaded file: what the import brought in (apps/server/src/work/jobs.ts ImportSummary).',
              required: [
                'format',
                'formatName',
                'nameFrom',
                'diagrams',
                'elements',
                'flows',
                'boundaries',
                'threats',
                'warnings',
              ],
              properties: {
                format: { type: 'string', description: "`json`, `yaml`, or the other format's id (GET /api/formats)." },
                formatName: { type: 'string' },
                nameFrom: {
                  type: 'string',
                  enum: ['file', 'filename'],
                  description: "The model's name came from the file's content, or from the uploaded file's name.",
                },
                diagrams: { type: 'integer' },
                elements: { type: 'integer', description: 'Processes, data stores and external entities.' },
                flows: { type: 'integer' },
                boundaries: { type: 'integer' },
                threats: { type: 'integer', description: 'Threats in the file, stored as it has them.' },
                analysis: {
                  type: 'object',
                  description:
                    "What the first analysis will do to the threats (the import itself stores the file's): absent when the model's template is a shared one stored on this server.",
                  properties: {
                    template: { type: 'string', description: '`id@version` of the template analysed with.' },
                    added: { type: 'integer', description: 'New threats.' },
                    changed: { type: 'integer', description: "The file's threats regenerated with other text." },
                    unchanged: { type: 'integer' },
                    orphaned: { type: 'integer', description: 'No longer generated but triaged: kept, flagged.' },
                    dropped: { type: 'integer', description: 'No longer generated and never triaged.' },
                    manual: { type: 'integer' },
                  },
                },
                warnings: {
                  type: 'array',
                  items: { type: 'string' },
                  description:
                    "Every warning: what the format could not hold, then the model's problems against its template.",
                },
              },
            },
          },
        },
      },
    },
  };
}
