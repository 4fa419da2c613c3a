/**
 * Starting the server: open (and migrate) the database, load a first model into an empty one,
 * listen, and shut down gracefully (in-flight requests finish, then the database closes). It
 * listens beyond loopback only with accounts (`--auth local`), and only once one exists.
 */
import { existsSync, readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { analyze, parseModel, resolveTemplate } from '@bulwark/core';
import type { FastifyInstance } from 'fastify';
import { buildApp } from './app.js';
import { allowedHostsFor } from './requestGuards.js';
import { DEFAULT_DB_URL, openStore, type Store } from './storage/database.js';
import { ModelStore } from './storage/ModelStore.js';
import { TemplateStore } from './storage/TemplateStore.js';
import { UserStore } from './storage/UserStore.js';
import type { WorkOptions } from './work/heavyWork.js';
import { defaultThreads } from './work/pool.js';

/** How to start. Unset values come from the environment (BULWARK_DB_URL, HOST, PORT), then defaults. */
export interface ServeOptions {
  db?: string;
  host?: string;
  port?: number;
  /** A model file to load when the database has no models yet. */
  seed?: string;
  /** The built web app (default: apps/web/dist of this repository, when it has been built). */
  webRoot?: string;
  /** `none` (default): one local user, loopback only. `local`: accounts, sessions, tokens, roles. */
  auth?: 'none' | 'local';
  /** `true`: log every request (JSON lines on standard output); `'errors'`: only errors; default: nothing. */
  logger?: boolean | 'errors';
  /** Largest request body in bytes (default 64 MiB): models and uploads over it get 413. */
  bodyLimit?: number;
  /** Host names the server answers to besides its own addresses (e.g. the name a proxy forwards). */
  allowedHosts?: string[];
  /**
   * The reverse proxy in front (AppOptions.trustProxy): its addresses or subnets, comma-separated,
   * or `loopback`; its X-Forwarded-Proto makes the session cookie Secure over HTTPS.
   */
  trustProxy?: boolean | string;
  /**
   * Heavy work (work/heavyWork.ts): worker threads (default: one fewer than the cores, at least
   * one; always a pool here), heavy jobs per user, worker memory.
   */
  work?: WorkOptions;
}

/** A running server. */
export interface RunningServer {
  app: FastifyInstance;
  store: Store;
  url: string;
  close: () => Promise<void>;
}

/** Is this a loopback address (or a name for one)? */
export function isLoopback(host: string): boolean {
  if (host === 'localhost') return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  return host === '::1';
}

/**
 * Loads the model in `file` into a database that has no models yet, its threats generated from
 * its template, so that its first version holds what the editor shows (opening never writes)
 * and the models page counts its open threats. A template the database does not have leaves
 * the threats as the file has them.
 */
async function seedModel(store: Store, file: string): Promise<void> {
  const models = new ModelStore(store.db);
  if ((await models.list()).length > 0) return;
  const parsed = parseModel(JSON.parse(readFileSync(file, 'utf8')), file);
  if (!parsed.ok) throw new Error(`Cannot load ${file}: ${parsed.error.message}`);
  // Built-in templates come from the code (buildApp stores them in the database afterwards).
  const template = await new TemplateStore(store.db).newest(parsed.value.template.id).then(
    (t) => resolveTemplate(t),
    () => undefined,
  );
  const model = template?.ok ? analyze(parsed.value, template.value).model : parsed.value;
  await models.create(model, 'local', { message: `Loaded from ${file}`, kind: 'imported' });
}

/** Starts the server; throws with a clear message when it cannot. */
export async function startServer(options: ServeOptions = {}): Promise<RunningServer> {
  const host = options.host ?? process.env.HOST ?? '127.0.0.1';
  const auth = options.auth ?? 'none';
  if (!isLoopback(host) && auth === 'none') {
    throw new Error(
      `Refusing to listen on ${host} without accounts: anyone who reaches it could change every model. Start it with --auth local (and add users with \`bulwark users add\`), or listen on 127.0.0.1.`,
    );
  }
  const port = options.port ?? (process.env.PORT ? Number(process.env.PORT) : 3000);
  const store = await openStore(options.db ?? process.env.BULWARK_DB_URL ?? DEFAULT_DB_URL);
  try {
    // Beyond this machine only once someone can sign in (docs/ARCHITECTURE.md): the
    // administrator adds the first account, or starts on loopback meanwhile.
    if (auth === 'local' && !isLoopback(host) && !(await new UserStore(store.db).any())) {
      const db = store.dialect === 'sqlite' ? `sqlite:${store.location}` : store.location;
      throw new Error(
        `Refusing to listen on ${host}: the database at ${store.location} has no accounts yet, so nobody could sign in. Add an administrator first: \`bulwark users add <name> --admin --password-stdin --db ${db}\` (then start the server again), or listen on 127.0.0.1 until then.`,
      );
    }
    if (options.seed) await seedModel(store, options.seed);
    const web = options.webRoot ?? fileURLToPath(new URL('../../web/dist', import.meta.url));
    const app = await buildApp({
      store,
      auth,
      logger: options.logger ?? false,
      ...(options.bodyLimit !== undefined ? { bodyLimit: options.bodyLimit } : {}),
      allowedHosts: allowedHostsFor(host, options.allowedHosts),
      ...(options.trustProxy !== undefined ? { trustProxy: options.trustProxy } : {}),
      work: { ...options.work, threads: Math.max(1, options.work?.threads ?? defaultThreads()) },
      ...(existsSync(join(web, 'index.html')) ? { webRoot: web } : {}),
    });
    await app.listen({ host, port });
    const address = app.server.address();
    const actualPort = typeof address === 'object' && address ? address.port : port;
    const url = `http://${host.includes(':') ? `[${host}]` : host}:${actualPort}/`;
    let closing: Promise<void> | undefined;
    const close = (): Promise<void> => {
      closing ??= (async () => {
        await app.close();
        await store.close();
      })();
      return closing;
    };
    return { app, store, url, close };
  } catch (e) {
    await store.close();
    throw e;
  }
}
