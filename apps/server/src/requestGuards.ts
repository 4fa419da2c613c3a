/**
 * Checks every request meets before any route sees it: the Host it names is one this server
 * answers to (DNS rebinding), an unsafe request comes from this origin (Origin, Sec-Fetch-Site),
 * the query names each parameter once and briefly, JSON bodies are not nested without end, and
 * small routes take small bodies. Each check is a pure function with a message that says what
 * to do; `registerRequestGuards` wires them into Fastify.
 */
import { networkInterfaces } from 'node:os';
import { jsonSyntaxError, jsonSyntaxProblem } from '@bulwark/templates';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { fail, HttpError } from './errors.js';

/** The names a server on loopback answers to. */
export const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '::1'] as const;

/** The host name of a Host header (`name`, `name:port`, `[v6]:port`), lower case; undefined when malformed. */
export function hostName(header: string): string | undefined {
  const h = header.trim().toLowerCase();
  const v6 = /^\[([0-9a-f:.]+)\](?::\d{1,5})?$/.exec(h);
  if (v6) return v6[1];
  const m = /^([a-z0-9.-]+)(?::\d{1,5})?$/.exec(h);
  return m?.[1]?.replace(/\.$/, '');
}

/** Why a request's Host is refused, or undefined when this server answers to it. */
export function hostProblem(header: string | undefined, allowed: ReadonlySet<string>): string | undefined {
  if (header === undefined || header === '') return 'The request names no Host: send the Host header.';
  const name = hostName(header);
  if (name !== undefined && allowed.has(name)) return undefined;
  const names = [...allowed].join(', ');
  return `This server answers to ${names}, not "${header.slice(0, 100)}" (a page that names another host may be trying DNS rebinding). If that is this server's own name, start it with --allowed-host ${name ?? '<name>'}.`;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Why an unsafe request (POST, PUT, PATCH, DELETE) is refused as coming from another site, or
 * undefined. Browsers say where a request comes from (Sec-Fetch-Site, Origin); a page on another
 * origin cannot hide either. Clients that are not browsers (the CLI, scripts, CI) send neither.
 */
export function crossSiteProblem(
  method: string,
  headers: { origin?: string | undefined; 'sec-fetch-site'?: string | undefined; host?: string | undefined },
): string | undefined {
  if (SAFE_METHODS.has(method)) return undefined;
  const refused = 'This server takes changes only from its own pages; a request from another site is refused.';
  const site = headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin' && site !== 'none') return `${refused} (Sec-Fetch-Site: ${site})`;
  const origin = headers.origin;
  if (origin === undefined) return undefined;
  let host: string | undefined;
  try {
    host = new URL(origin).host.toLowerCase();
  } catch {
    host = undefined;
  }
  if (host === undefined || host === '' || host !== headers.host?.trim().toLowerCase())
    return `${refused} (Origin: ${origin.slice(0, 100)})`;
  return undefined;
}

/** The longest query parameter value accepted, in characters. */
export const MAX_QUERY_VALUE = 2048;

/** Why a query is refused (a parameter given twice, or too long), or undefined. */
export function queryProblem(query: unknown): string | undefined {
  if (query === null || typeof query !== 'object') return undefined;
  for (const [key, value] of Object.entries(query)) {
    if (key.length > 100) return `A query parameter name is ${key.length} characters long; the limit is 100.`;
    if (Array.isArray(value))
      return `The query gives "${key}" ${value.length} times: give each parameter once (e.g. ?${key}=…).`;
    if (typeof value === 'string' && value.length > MAX_QUERY_VALUE)
      return `The query parameter "${key}" is ${value.length} characters long; the limit is ${MAX_QUERY_VALUE}.`;
  }
  return undefined;
}

/** How deep JSON bodies may nest: a model or template nests about ten levels. */
export const MAX_JSON_DEPTH = 256;

/**
 * Why a JSON text nests deeper than `max` arrays and objects, or undefined. One pass over the
 * text (strings skipped), before it is parsed: a 200,000-deep body never reaches a validator
 * that walks it recursively.
 */
export function jsonNestingProblem(text: string, max = MAX_JSON_DEPTH): string | undefined {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92 /* \ */) i++;
      else if (c === 34 /* " */) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 123 /* { */ || c === 91 /* [ */) {
      depth++;
      if (depth > max)
        return `The JSON body nests deeper than ${max} levels (at character ${i + 1}); a Bulwark model or template nests about ten.`;
    } else if (c === 125 /* } */ || c === 93 /* ] */) depth--;
  }
  return undefined;
}

/** What to do about a JSON body that does not parse. */
const JSON_HINT = 'Fix the JSON (or send YAML with Content-Type: application/yaml) and send it again.';

/** Small routes take small bodies (bytes): a login or a comment is never megabytes. */
export const SMALL_BODY_ROUTES: Record<string, number> = {
  'POST /api/login': 16 * 1024,
  'POST /api/logout': 1024,
  'POST /api/models/:id/roles': 16 * 1024,
  'POST /api/models/:id/comments': 128 * 1024,
  'PATCH /api/models/:id/comments/:commentId': 1024,
  'POST /api/models/:id/signoff': 128 * 1024,
  // Bulk triage of every threat of a large model: a few hundred bytes a threat.
  'PATCH /api/models/:id/threats': 16 * 1024 * 1024,
};

/** What the guards need to know. */
export interface GuardOptions {
  /** The host names this server answers to (lower case). */
  allowedHosts: ReadonlySet<string>;
}

/** Wires the guards into the app: call before any route is added. */
export function registerRequestGuards(app: FastifyInstance, options: GuardOptions): void {
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) {
      const limit = SMALL_BODY_ROUTES[`${method} ${route.url}`];
      if (limit !== undefined) route.bodyLimit = Math.min(route.bodyLimit ?? limit, limit);
    }
  });
  app.addHook('onRequest', async (request: FastifyRequest) => {
    const host = hostProblem(request.headers.host, options.allowedHosts);
    if (host) fail('FORBIDDEN', host);
    const site = crossSiteProblem(request.method, {
      origin: request.headers.origin,
      'sec-fetch-site': headerText(request.headers['sec-fetch-site']),
      host: request.headers.host,
    });
    if (site) fail('FORBIDDEN', site);
    const query = queryProblem(request.query);
    if (query) fail('USAGE', query);
  });
  // JSON bodies: checked for depth, then parsed by Fastify's own parser (which refuses
  // __proto__ and constructor.prototype keys).
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const problem = jsonNestingProblem(body as string);
    if (problem) {
      done(Object.assign(new Error(problem), { statusCode: 400 }), undefined);
      return;
    }
    parseJson(request, body as string, (error, value) => {
      // A syntax error says where, as the CLI does (Fastify's own message has no line or column).
      const problem =
        error && jsonSyntaxProblem(body as string) ? jsonSyntaxError(body as string, undefined, JSON_HINT) : undefined;
      if (problem) done(new HttpError(problem), undefined);
      else done(error, value);
    });
  });
}

function headerText(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v.join(',') : v;
}

/**
 * The host names a server listening on `listenHost` answers to: loopback names always; every
 * address of the machine when it listens on all of them (0.0.0.0, ::); and the names its operator
 * declares (`--allowed-host`, e.g. the name a proxy forwards).
 */
export function allowedHostsFor(
  listenHost: string,
  declared: readonly string[] = [],
  interfaces: () => Record<string, { address: string }[] | undefined> = networkInterfaces,
): Set<string> {
  const names = new Set<string>([...LOOPBACK_NAMES, ...declared.map((d) => d.trim().toLowerCase())]);
  const listen = listenHost
    .trim()
    .toLowerCase()
    .replace(/^\[|\]$/g, '');
  if (listen === '0.0.0.0' || listen === '::' || listen === '') {
    for (const list of Object.values(interfaces())) for (const a of list ?? []) names.add(a.address.toLowerCase());
  } else names.add(listen);
  names.delete('');
  return names;
}
