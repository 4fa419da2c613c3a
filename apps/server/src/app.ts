/**
 * The HTTP API over the model store: models, their versions and audit log, analysis, threat
 * triage, export, and templates. Every write names the version it read (If-Match); a stale
 * write gets 409 and changes nothing.
 */
import {
  analyze,
  changeKinds,
  parseModel,
  type ResolvedTemplate,
  type Result,
  recordAuthorship,
  resolveTemplate,
  type Template,
  type ThreatModel,
} from '@bulwark/core';
import { formatById, MODEL_FORMATS } from '@bulwark/formats';
import { isReportFormat, REPORT_CSP } from '@bulwark/report';
import { findChromium } from '@bulwark/report/pdf';
import compress from '@fastify/compress';
import cookie from '@fastify/cookie';
import fastifyStatic from '@fastify/static';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { sameSecret } from './auth.js';
import { changeRefusal } from './changePolicy.js';
import { errorBody, fail, HTTP_STATUS, HttpError } from './errors.js';
import { docsPage, homePage } from './homePage.js';
import { type LoginLimit, LoginLimiter } from './loginLimiter.js';
import { openApiDocument } from './openapi.js';
import { LOOPBACK_NAMES, registerRequestGuards } from './requestGuards.js';
import { CreateBlankSchema, LoginBodySchema, RoleGrantSchema, ThreatPatchBodySchema } from './requestSchemas.js';
import { accessOf } from './routeAccess.js';
import { registerReviewRoutes } from './routes/review.js';
import { registerTemplateRoutes } from './routes/templates.js';
import { registerThumbnailRoute } from './routes/thumbnail.js';
import { registerVersionRoutes, versionMessage } from './routes/versions.js';
import { checkDatabase, type Store } from './storage/database.js';
import { databaseFailure } from './storage/databaseErrors.js';
import {
  type AuditRow,
  ModelStore,
  type SaveResult,
  type StoredModel,
  type VersionNote,
} from './storage/ModelStore.js';
import { TemplateStore } from './storage/TemplateStore.js';
import { ROLES, type Role, roleAtLeast, type User, UserStore } from './storage/UserStore.js';
import { HeavyWork, type WorkOptions } from './work/heavyWork.js';
import type { ImportSummary } from './work/jobs.js';

/** How the app is set up. */
export interface AppOptions {
  store: Store;
  /** Who the single local user is (local mode, no accounts). */
  localUser?: string;
  /** `none`: one local user, no login (loopback only). `local`: accounts, sessions, tokens, roles. */
  auth?: 'none' | 'local';
  /** Largest request body, in bytes (uploads of .tm7 files can be large). */
  bodyLimit?: number;
  /** `true`: log every request (JSON lines on standard output); `'errors'`: only errors; default: nothing. */
  logger?: boolean | 'errors';
  /** The model store to use (tests pass one that can be paused); default: one over `store`. */
  models?: ModelStore;
  /** The built web app to serve at `/` (apps/web/dist); without it, `/` is a plain list of models. */
  webRoot?: string;
  /** Wrong passwords allowed per name and address before logins are refused for a while. */
  loginLimit?: LoginLimit;
  /** The host names the server answers to (default: loopback names; see allowedHostsFor). */
  allowedHosts?: Iterable<string>;
  /**
   * The reverse proxy in front, whose X-Forwarded-Proto and X-Forwarded-For are believed (Fastify's
   * `trustProxy`): its addresses or subnets, comma-separated, `loopback`, or `true` for any. The
   * session cookie is Secure when the request came over HTTPS, directly or through this proxy.
   */
  trustProxy?: boolean | string;
  /**
   * Heavy work (analyses, exports, large uploads): worker threads, per-user and queue limits
   * (work/heavyWork.ts). Without threads, jobs run on the event loop: `bulwark serve` sets them.
   */
  work?: WorkOptions;
}

/**
 * The web app's Content-Security-Policy: scripts only from this origin (no inline scripts, no
 * eval); inline style attributes are allowed because React Flow positions shapes with them.
 */
export const APP_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "worker-src 'self' blob:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

function unwrap<T>(r: Result<T>): T {
  if (!r.ok) throw new HttpError(r.error);
  return r.value;
}

/** The version a write says it read, from If-Match (`"3"`, `W/"3"` or `3`). */
function ifMatch(request: FastifyRequest): number {
  const header = request.headers['if-match'];
  if (header === undefined)
    fail('PRECONDITION_REQUIRED', 'Say which version you are changing: send If-Match with the ETag you read.');
  const m = /^(?:W\/)?"?(\d+)"?$/.exec(String(header).trim());
  if (!m)
    fail(
      'PRECONDITION_REQUIRED',
      `If-Match "${String(header)}" is not a version this server gave out (an ETag like "3").`,
    );
  return Number(m?.[1]);
}

const etag = (version: number): string => `"${version}"`;

/** Builds the Fastify app (not listening yet). */
export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const bodyLimit = options.bodyLimit ?? 64 * 1024 * 1024;
  const app = Fastify({
    logger: options.logger === 'errors' ? { level: 'error', stream: process.stderr } : (options.logger ?? false),
    bodyLimit,
    trustProxy: options.trustProxy ?? false,
  });
  const models = options.models ?? new ModelStore(options.store.db);
  const work = new HeavyWork(options.store, models, options.work);
  work.register(app);
  const users = new UserStore(options.store.db);
  const teamMode = options.auth === 'local';
  const localUser: User = { id: 'local', name: options.localUser ?? 'local', isAdmin: true };
  await app.register(cookie);
  // Answers go out compressed (br, else gzip) to clients that ask: the JSON API, the model's
  // prebuilt JSON included. Beyond a few KB (8 KB on 2 cores: the plugin's syncThreshold), zlib
  // works on the thread pool as the answer streams out, so a large model's GET does not hold the
  // event loop (bench/compression.js). Request bodies are not decompressed: the body limits count
  // the bytes that arrive.
  await app.register(compress, { encodings: ['br', 'gzip'], globalDecompression: false });
  registerRequestGuards(app, { allowedHosts: new Set(options.allowedHosts ?? LOOPBACK_NAMES) });
  const loginLimiter = new LoginLimiter(options.loginLimit);

  // Security headers on every answer; HTML gets the CSP unless a route set its own (reports).
  app.addHook('onSend', async (_request, reply, payload) => {
    reply.header('x-content-type-options', 'nosniff');
    reply.header('x-frame-options', 'DENY');
    reply.header('referrer-policy', 'no-referrer');
    const type = String(reply.getHeader('content-type') ?? '');
    if (type.startsWith('text/html') && !reply.hasHeader('content-security-policy'))
      reply.header('content-security-policy', APP_CSP);
    return payload;
  });

  // Who is asking: in local mode the one local user; in team mode an API token (Bearer) or a
  // session cookie, and for a cookie every unsafe method must carry the session's CSRF token.
  const who = new WeakMap<FastifyRequest, User>();
  // The CSRF token of the cookie session a request came with (GET /api/me hands it back).
  const csrfOf = new WeakMap<FastifyRequest, string>();
  async function authenticate(request: FastifyRequest): Promise<User | undefined> {
    if (!teamMode) return localUser;
    const header = request.headers.authorization;
    if (header?.startsWith('Bearer ')) {
      const token = await users.byToken(header.slice(7).trim());
      if (token?.scope === 'read' && !['GET', 'HEAD', 'OPTIONS'].includes(request.method))
        fail(
          'FORBIDDEN',
          'This API token is read-only: it may read but not change anything. For changes, create a write token (bulwark tokens create <user> <name> --scope write).',
        );
      return token?.user;
    }
    const sessionId = request.cookies.bulwark_session;
    if (!sessionId) return undefined;
    const session = await users.session(sessionId);
    if (!session) return undefined;
    if (!['GET', 'HEAD', 'OPTIONS'].includes(request.method)) {
      const sent = request.headers['x-csrf-token'];
      if (typeof sent !== 'string' || !sameSecret(sent, session.csrfToken)) {
        fail('FORBIDDEN', 'Missing or wrong X-CSRF-Token: send the token you got when you signed in.');
      }
    }
    csrfOf.set(request, session.csrfToken);
    return session.user;
  }
  const userOf = (request: FastifyRequest): User => who.get(request) ?? fail('UNAUTHENTICATED', 'Sign in first.');

  // The caller's role on the model a request names, once `need` has checked it.
  const roleOf = new WeakMap<FastifyRequest, Role>();
  /**
   * Checks the caller's role on a model; someone with no role at all learns nothing of it.
   * Administrators (and the local user) count as owners of every model.
   */
  async function need(request: FastifyRequest, modelId: string, role: Role): Promise<User> {
    const u = userOf(request);
    if (u.isAdmin) {
      roleOf.set(request, 'owner');
      return u;
    }
    const have = await users.role(modelId, u.id);
    if (!have) return fail('NOT_FOUND', `No model with id "${modelId}".`);
    roleOf.set(request, have);
    if (!roleAtLeast(have, role))
      fail(
        'FORBIDDEN',
        `You are ${have === 'owner' || have === 'editor' ? 'an' : 'a'} ${have} of this model; this needs ${role}.`,
      );
    return u;
  }
  // Every route says who may call it (routeAccess.ts); one missing from the table stops the start.
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) {
      if (method !== 'HEAD' && accessOf(method, route.url) === undefined)
        throw new Error(`Route ${method} ${route.url} has no entry in ROUTE_ACCESS (routeAccess.ts).`);
    }
  });
  // Access is decided on the route the router matched, however the client spelled the path; a
  // request that matched no route gets the router's 404 and reaches no handler.
  app.addHook('preHandler', async (request) => {
    const u = await authenticate(request);
    if (u) who.set(request, u);
    const pattern = request.routeOptions.url;
    if (pattern === undefined) return;
    const access = accessOf(request.method, pattern);
    if (access === 'public') return;
    if (!u) fail('UNAUTHENTICATED', 'Sign in (POST /api/login) or send an API token (Authorization: Bearer …).');
    if (access === 'admin') needAdmin(request);
    else if (access === undefined) fail('FORBIDDEN', 'This route has no access rule.');
    else if (access !== 'signed-in') {
      const id = (request.params as { id?: string } | undefined)?.id;
      if (id === undefined) fail('FORBIDDEN', 'This route names no model.');
      await need(request, id as string, access.model);
    }
  });

  const needAdmin = (request: FastifyRequest): User => {
    const u = userOf(request);
    if (!u.isAdmin) fail('FORBIDDEN', 'Only an administrator may do this.');
    return u;
  };

  // Model files arrive as XML (.tm7) or YAML as well as JSON.
  for (const type of [
    'application/xml',
    'text/xml',
    'application/octet-stream',
    'text/plain',
    'application/yaml',
    'text/yaml',
  ]) {
    app.addContentTypeParser(type, { parseAs: 'string' }, (_req, body, done) => done(null, body));
  }

  app.setErrorHandler((error, _request, reply) => {
    if (error instanceof HttpError) {
      return reply.status(HTTP_STATUS[error.error.code] ?? 500).send(errorBody(error.error, error.extra));
    }
    const e = error as { statusCode?: number; code?: string; message: string };
    if (e.statusCode === 413)
      return reply.status(413).send({
        code: 'PAYLOAD_TOO_LARGE',
        message: `The request is larger than this server accepts (${Math.round(bodyLimit / 1048576)} MB). Whoever runs the server can raise the limit: bulwark serve --max-body <MB>.`,
      });
    if (e.statusCode && e.statusCode < 500)
      return reply.status(e.statusCode).send({ code: 'BAD_REQUEST', message: e.message });
    // A failing database (read-only, full, unreachable...) says so, and the log keeps its error.
    const failure = databaseFailure(error);
    if (failure) {
      app.log.error({ err: error, database: failure.reason }, failure.message);
      return reply.status(failure.status).send({ code: failure.code, message: failure.message });
    }
    app.log.error(error);
    return reply
      .status(500)
      .send({ code: 'INTERNAL', message: 'The server could not do that; the error is in its log.' });
  });

  // Templates: built-in ones from the code, shared ones (administrators add them), and the
  // knowledge bases of uploaded files, each kept for its own model (storage/TemplateStore.ts).
  const templateStore = new TemplateStore(options.store.db);
  await templateStore.seedBuiltins();
  const rawTemplate = (id: string): Promise<Template> => templateStore.newest(id);
  async function templateFor(id: string): Promise<ResolvedTemplate> {
    return unwrap(resolveTemplate(await rawTemplate(id)));
  }

  async function mustGet(id: string): Promise<StoredModel> {
    const m = await models.get(id);
    if (!m) fail('NOT_FOUND', `No model with id "${id}".`);
    return m as StoredModel;
  }

  /**
   * The model for a read-modify-write, which must be at the version the client says it read:
   * changing any other version and saving it as `expected + 1` would overwrite a write that
   * was acknowledged in between. (The save itself then checks again, inside its transaction.)
   */
  async function mustGetAt(id: string, expected: number): Promise<StoredModel> {
    const m = await mustGet(id);
    if (m.version !== expected) {
      fail(
        'VERSION_CONFLICT',
        `The model is at version ${m.version}, not ${expected}. Reload it and apply your change again.`,
        { currentVersion: m.version },
      );
    }
    return m;
  }

  async function save(
    reply: FastifyReply,
    actor: User,
    id: string,
    expected: number,
    doc: ThreatModel,
    note: VersionNote | undefined,
    before?: ThreatModel,
  ): Promise<FastifyReply> {
    const version = await commit(actor, id, expected, doc, note, [], before);
    return reply.header('etag', etag(version)).send({ id, version });
  }

  /**
   * Saves `doc` as the working copy's revision after `expected` (with extra audit rows; with a
   * `note`, kept as a version too); fails on a stale revision. `before` is the document at
   * `expected` when the caller has it (it is not read again).
   */
  async function commit(
    actor: User,
    id: string,
    expected: number,
    doc: ThreatModel,
    note: VersionNote | undefined,
    audit: AuditRow[] = [],
    before?: ThreatModel,
  ): Promise<number> {
    return savedVersion(await models.save(id, expected, doc, actor.name, note, audit, before), id, expected);
  }

  /** The version a save stored, or the error to answer when it stored nothing. */
  function savedVersion(r: SaveResult, id: string, expected: number): number {
    if (r.status === 'not-found') fail('NOT_FOUND', `No model with id "${id}".`);
    if (r.status === 'conflict') {
      fail(
        'VERSION_CONFLICT',
        `The model changed since you read it (you had version ${expected}, it is now ${r.currentVersion}). Reload it and apply your change again.`,
        {
          currentVersion: r.currentVersion,
        },
      );
    }
    return r.status === 'saved' ? r.version : expected;
  }

  // Healthy means the database takes writes and has room (checkDatabase), not only that it reads.
  app.get('/healthz', async (_request, reply) => {
    const failure = await checkDatabase(options.store);
    if (!failure) return { ok: true, database: options.store.dialect };
    app.log.warn({ database: failure.reason }, `/healthz: ${failure.message}`);
    return reply.status(503).send({
      ok: false,
      database: options.store.dialect,
      problem: failure.problem,
      code: failure.code,
      message: failure.message,
    });
  });

  if (options.webRoot) {
    // Source maps are never served (404), whatever a build left in the web root: they hand out
    // the original source. The path is decoded until it stops changing, so no spelling slips by.
    await app.register(fastifyStatic, {
      root: options.webRoot,
      prefix: '/',
      index: ['index.html'],
      // The build writes .br and .gz beside each file (apps/web/vite.config.ts): sent as they are.
      preCompressed: true,
      allowedPath: (path) => {
        let decoded = path;
        for (let i = 0; i < 4; i++) {
          let next: string;
          try {
            next = decodeURIComponent(decoded);
          } catch {
            return false;
          }
          if (next === decoded) return !/\.map(?:\.br|\.gz)?$/i.test(decoded);
          decoded = next;
        }
        return false;
      },
    });
  } else {
    app.get('/', async (request, reply) => {
      const u = who.get(request);
      if (!u)
        return reply
          .status(401)
          .type('text/html; charset=utf-8')
          .send(homePage([], 'Sign in first: POST /api/login with your name and password.'));
      const all = await models.list();
      const mine = u.isAdmin ? undefined : await users.modelIds(u.id);
      return reply.type('text/html; charset=utf-8').send(homePage(mine ? all.filter((m) => mine.has(m.id)) : all));
    });
  }

  const docs = openApiDocument();
  app.get('/api/docs/json', async () => docs);
  app.get('/api/docs', async (_request, reply) => reply.type('text/html; charset=utf-8').send(docsPage(docs)));

  app.post('/api/login', async (request, reply) => {
    if (!teamMode) return { user: localUser, csrfToken: null };
    const body = LoginBodySchema.safeParse(request.body);
    if (!body.success)
      fail(
        'SCHEMA_INVALID',
        `Send { "name", "password" }: ${body.error.issues[0]?.path.join('.')} ${body.error.issues[0]?.message}.`,
      );
    const name = body.data?.name ?? '';
    const wait = loginLimiter.retryAfter(name, request.ip);
    if (wait > 0)
      return reply
        .status(429)
        .header('retry-after', String(wait))
        .send({
          code: 'TOO_MANY_ATTEMPTS',
          message: `Too many wrong passwords for "${name}": try again in ${Math.ceil(wait / 60)} minute(s).`,
        });
    const u = await users.verify(name, body.data?.password ?? '');
    if (!u) {
      loginLimiter.fail(name, request.ip);
      fail('UNAUTHENTICATED', 'Wrong name or password.');
    }
    loginLimiter.succeed(name, request.ip);
    const session = await users.createSession((u as User).id);
    reply.setCookie('bulwark_session', session.sessionId, {
      httpOnly: true,
      sameSite: 'lax',
      path: '/',
      maxAge: 7 * 86400,
      // Over TLS, or through a declared proxy that says so (AppOptions.trustProxy).
      secure: request.protocol === 'https',
    });
    return { user: u, csrfToken: session.csrfToken };
  });

  app.post('/api/logout', async (request, reply) => {
    const sessionId = request.cookies.bulwark_session;
    if (sessionId) await users.endSession(sessionId);
    reply.clearCookie('bulwark_session', {
      httpOnly: true,
      sameSite: 'lax',
      path: '/',
      secure: request.protocol === 'https',
    });
    return reply.status(204).send();
  });

  // Who is signed in, the server's mode, and, for a cookie session, its CSRF token: a page of
  // this origin that reloads learns the token here (other origins cannot read the answer).
  app.get('/api/me', async (request, reply) => {
    reply.header('cache-control', 'no-store');
    return { user: userOf(request), mode: teamMode ? 'team' : 'local', csrfToken: csrfOf.get(request) ?? null };
  });

  // The models the caller has a role on (administrators: every model, as owner), with that role.
  app.get('/api/models', async (request) => {
    const u = userOf(request);
    const all = await models.list();
    if (u.isAdmin) return { models: all.map((m) => ({ ...m, role: 'owner' })) };
    const rows = await options.store.db
      .selectFrom('model_roles')
      .select(['model_id', 'role'])
      .where('user_id', '=', u.id)
      .execute();
    const mine = new Map(rows.map((r) => [r.model_id, r.role as Role]));
    return { models: all.flatMap((m) => (mine.has(m.id) ? [{ ...m, role: mine.get(m.id) }] : [])) };
  });

  app.post<{ Params: { id: string } }>('/api/models/:id/roles', async (request) => {
    const body = RoleGrantSchema.safeParse(request.body);
    if (!body.success)
      fail(
        'SCHEMA_INVALID',
        `Send { "user": "<name>", "role": ${ROLES.map((r) => `"${r}"`).join(' | ')} }: ${body.error.issues[0]?.message}.`,
      );
    const target = await users.byName(body.data?.user ?? '');
    if (!target) fail('NOT_FOUND', `No user named "${body.data?.user}".`);
    await users.grant(request.params.id, (target as User).id, body.data?.role as Role);
    return { user: target?.name, role: body.data?.role };
  });

  app.post<{ Querystring: { filename?: string } }>('/api/models', async (request, reply) => {
    const actor = userOf(request);
    const body = request.body;
    let note: VersionNote = { message: 'Created', kind: 'created' };
    let warnings: string[] = [];
    let summary: ImportSummary | undefined;
    let created: { id: string; version: number };
    if (body !== null && typeof body === 'object' && CreateBlankSchema.safeParse(body).success) {
      const { name, template } = CreateBlankSchema.parse(body);
      const t = await templateFor(template);
      const doc: ThreatModel = {
        schemaVersion: 1,
        metadata: { name },
        template: { id: t.template.id, version: t.template.version },
        diagrams: [{ id: 'context', name: 'Context', elements: [] }],
        threats: [],
      };
      created = await models.create(doc, actor.name, note);
    } else {
      // Another tool's file recognised by content, or a Bulwark model (JSON or YAML); read in a
      // worker thread when large (work/jobs.ts), and stored as the text it was read into.
      const text = typeof body === 'string' ? body : JSON.stringify(body ?? '');
      const read = await work.readUpload(reply, actor.id, {
        kind: 'import',
        text,
        source: typeof body === 'string' ? 'upload' : 'request body',
        ...(typeof request.query.filename === 'string' ? { filename: request.query.filename } : {}),
      });
      if (!read) return reply;
      if (read.status === 'failed') throw new HttpError(read.error);
      let templateRef = read.templateRef;
      warnings = read.warnings;
      note = { message: read.message, kind: read.message === 'Created' ? 'created' : 'imported' };
      const foreign = read.format === undefined ? undefined : formatById(read.format);
      if (read.template) {
        // Never stored over a template others use: kept for this model unless it is one already.
        // It came in another tool's file (a .tm7's knowledge base) or in the model (template.embedded).
        const format = foreign;
        const pinned = await templateStore.pinImported(
          read.template,
          format &&
            ((stored) => {
              // The stored template as this format carries it: written with an empty model, read back.
              const blank: ThreatModel = {
                schemaVersion: 1,
                metadata: { name: 'template' },
                template: { id: stored.id, version: stored.version },
                diagrams: [{ id: 'd', name: 'd', elements: [] }],
              };
              const text = format.write?.(blank, stored).text;
              const back = text === undefined ? undefined : format.read?.(text, 'template');
              return back?.ok ? back.value.template : undefined;
            }),
        );
        templateRef = pinned.ref;
        if (pinned.warning) warnings = [...warnings, pinned.warning];
        if (!format)
          warnings = [
            ...warnings,
            `The model's embedded template "${read.template.name}" (id ${read.template.id}) ${pinned.ref.id === read.template.id ? 'is the one of that id stored on this server already' : `is kept on this server for this model alone, as "${pinned.ref.id}"`}; the stored model names it instead of carrying it (template.embedded is not kept).`,
          ];
      }
      summary = { ...read.summary, warnings: [...read.summary.warnings, ...warnings.slice(read.warnings.length)] };
      created = await models.createText(
        { text: `${read.head}${JSON.stringify(templateRef)}${read.tail}`, name: read.name, templateId: templateRef.id },
        actor.name,
        note,
      );
    }
    if (teamMode) await users.grant(created.id, actor.id, 'owner');
    return reply
      .status(201)
      .header('etag', etag(created.version))
      .header('location', `/api/models/${created.id}`)
      .send({ ...created, ...(warnings.length > 0 ? { warnings } : {}), ...(summary ? { summary } : {}) });
  });

  app.get<{ Params: { id: string } }>('/api/models/:id', async (request, reply) => {
    // The stored JSON goes out as it is: parsing and re-serializing a large model is most of a read.
    const m = await models.getText(request.params.id);
    if (!m) return fail('NOT_FOUND', `No model with id "${request.params.id}".`);
    const tag = etag(m.version);
    if (request.headers['if-none-match'] === tag) return reply.status(304).header('etag', tag).send();
    // The ETag versions the model, not the caller's role: a client that revalidates with
    // If-None-Match keeps the role it read before (the web app reads with cache: 'no-store').
    const role = roleOf.get(request) ?? fail('FORBIDDEN', 'The role check did not run for this request.');
    const head = JSON.stringify({
      id: m.id,
      version: m.version,
      updatedAt: m.updatedAt,
      updatedBy: m.updatedBy,
      role,
    });
    return reply
      .header('etag', tag)
      .type('application/json; charset=utf-8')
      .send(`${head.slice(0, -1)},"model":${m.documentText}}`);
  });

  app.put<{ Params: { id: string }; Querystring: { message?: string } }>('/api/models/:id', async (request, reply) => {
    const actor = userOf(request);
    const expected = ifMatch(request);
    // Without a message a PUT writes the working copy only; with one it also keeps a version.
    const message = request.query.message === undefined ? undefined : versionMessage(request.query.message);
    const sent = unwrap(parseModel(request.body, 'request body'));
    const current = await mustGetAt(request.params.id, expected);
    // Who did what is the server's to record: sign-offs stay as stored, triage and review marks
    // carry the caller and now, whatever the body says.
    const doc = recordAuthorship(current.document, sent, actor.name, new Date().toISOString());
    const role = roleOf.get(request) ?? fail('FORBIDDEN', 'The role check did not run for this request.');
    const kinds = changeKinds(current.document, doc);
    const refusal = changeRefusal(role, kinds);
    if (refusal) fail('FORBIDDEN', refusal);
    if (kinds.has('threats') && !roleAtLeast(role, 'editor')) {
      // A reviewer's threats follow the diagram (only to what the template generates for it);
      // a reviewer may add manual threats (a finding of the meeting) but not remove any.
      const template = unwrap(resolveTemplate(await templateStore.forModel(doc.template)));
      const kept = new Set((doc.threats ?? []).map((t) => t.id));
      const dropsManual = (current.document.threats ?? []).some((t) => t.origin === 'manual' && !kept.has(t.id));
      if (dropsManual || changeKinds(analyze(doc, template).model, doc).has('threats'))
        fail(
          'FORBIDDEN',
          'As a reviewer you can triage threats, not add or remove them: the threats follow the diagram (an editor changes it).',
        );
    }
    const note: VersionNote | undefined = message === undefined ? undefined : { message, kind: 'saved' };
    return save(reply, actor, request.params.id, expected, doc, note, current.document);
  });

  app.delete<{ Params: { id: string } }>('/api/models/:id', async (request, reply) => {
    const actor = userOf(request);
    const expected = ifMatch(request);
    const r = await models.delete(request.params.id, expected, actor.name);
    if (r.status === 'not-found') fail('NOT_FOUND', `No model with id "${request.params.id}".`);
    if (r.status === 'conflict')
      fail(
        'VERSION_CONFLICT',
        `The model changed since you read it (it is now version ${r.currentVersion}); nothing was deleted.`,
        { currentVersion: r.currentVersion },
      );
    return reply.status(204).send();
  });

  app.get<{ Params: { id: string } }>('/api/models/:id/audit', async (request) => {
    await mustGet(request.params.id);
    return { entries: await models.auditLog(request.params.id) };
  });

  app.post<{ Params: { id: string } }>('/api/models/:id/analyze', async (request, reply) => {
    const actor = userOf(request);
    const expected = ifMatch(request);
    const m = await models.summary(request.params.id);
    if (!m) return fail('NOT_FOUND', `No model with id "${request.params.id}".`);
    // Read, analysed and saved in a worker thread (work/jobs.ts analyzeJob): a large model's
    // analysis and save take seconds that the event loop keeps for everyone else.
    const template = work.templateText(await rawTemplate(m.templateId));
    const r = await work.analyze(reply, actor.id, {
      kind: 'analyze',
      modelId: m.id,
      expected,
      template,
      actor: actor.name,
    });
    if (!r) return reply;
    if (r.status === 'failed') throw new HttpError(r.error);
    const version = savedVersion(r, m.id, expected);
    return reply.header('etag', etag(version)).send({ id: m.id, version });
  });

  app.patch<{ Params: { id: string } }>('/api/models/:id/threats', async (request, reply) => {
    const actor = userOf(request);
    const expected = ifMatch(request);
    const body = ThreatPatchBodySchema.safeParse(request.body);
    if (!body.success)
      fail(
        'SCHEMA_INVALID',
        `Send { "threats": [ { "id", "status"?, "priority"?, "justification"?, "mitigations"? } ] }: ${body.error.issues[0]?.message}.`,
      );
    const patch = body.data as z.infer<typeof ThreatPatchBodySchema>;
    const m = await mustGetAt(request.params.id, expected);
    const at = new Date().toISOString();
    // Only the patched threats are read and written back (no whole-model parse, diff or
    // validation): the body's schema allows triage fields only, on threats the model has.
    // The working copy only: a triage batch is no version (its `message` is accepted and ignored).
    const r = await models.patchThreats(
      m,
      patch.threats.map(({ id, ...fields }) => ({ id, fields: { ...fields, changedBy: actor.name, changedAt: at } })),
      actor.name,
    );
    if (r.status === 'no-threat') return fail('NOT_FOUND', `Model "${m.id}" has no threat "${r.threatId}".`);
    const version = savedVersion(r, m.id, expected);
    return reply.header('etag', etag(version)).send({ id: m.id, version });
  });

  app.get<{ Params: { id: string }; Querystring: { format?: string; page?: string } }>(
    '/api/models/:id/export',
    async (request, reply) => {
      const m = await models.summary(request.params.id);
      if (!m) return fail('NOT_FOUND', `No model with id "${request.params.id}".`);
      const format = request.query.format ?? 'json';
      const base = m.name.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[.-]+|[.-]+$/g, '') || 'model';
      const modelFile = format === 'json' || format === 'yaml';
      if (!modelFile && !formatById(format)?.write && !isReportFormat(format))
        return fail(
          'USAGE',
          `Unknown export format "${format}": use json, yaml or tm7 (the model), or html, pdf, md, csv or sarif (a report).`,
        );
      if (format === 'pdf') {
        const chromium = findChromium();
        if (!chromium.ok) return fail('IO', `This server cannot print PDFs. ${chromium.error.message}`);
      }
      // Read, analysed and rendered in a worker thread (work/jobs.ts exportJob); a PDF is then
      // printed by the server's one browser.
      const template = modelFile ? undefined : work.templateText(await rawTemplate(m.templateId));
      const done = await work.export(
        reply,
        userOf(request).id,
        {
          kind: 'export',
          modelId: m.id,
          format,
          base,
          generatedAt: new Date().toISOString(),
          ...(template !== undefined ? { template } : {}),
        },
        request.query.page === 'letter' ? 'letter' : 'a4',
      );
      if (!done) return reply;
      if (done.status === 'not-found') return fail('NOT_FOUND', `No model with id "${m.id}".`);
      if (done.status === 'failed') throw new HttpError(done.error);
      reply.header('content-disposition', `attachment; filename="${done.filename}"`);
      // Another tool's format: what it cannot hold is listed in a header (JSON, URI-encoded).
      if (done.warnings) reply.header('x-bulwark-warnings', encodeURIComponent(JSON.stringify(done.warnings)));
      if (done.report) reply.header('content-security-policy', REPORT_CSP);
      return reply.type(done.type).send(Buffer.from(done.body.buffer, done.body.byteOffset, done.body.byteLength));
    },
  );

  registerReviewRoutes(app, {
    models,
    db: options.store.db,
    userOf,
    roleOf: (r) => roleOf.get(r),
    ifMatch,
    etag,
    mustGetAt,
    commit,
  });

  // The other tools' formats: which the server reads (uploads, recognised by content) and writes (export).
  app.get('/api/formats', async () => ({
    formats: MODEL_FORMATS.map((f) => ({
      id: f.id,
      name: f.name,
      extensions: f.extensions,
      reads: f.read !== undefined,
      writes: f.write !== undefined,
    })),
  }));

  registerVersionRoutes(app, {
    models,
    userOf,
    roleOf: (r) => roleOf.get(r),
    ifMatch,
    etag,
    mustGet,
    mustGetAt,
    commit,
    savedVersion,
  });
  registerTemplateRoutes(app, { templates: templateStore, needAdmin });
  registerThumbnailRoute(app, { models, etag });

  return app;
}
