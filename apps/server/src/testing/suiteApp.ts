/** An API test suite's app: built on a fresh database before the suite's tests, closed after. */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll } from 'vitest';
import { type AppOptions, buildApp } from '../app.js';
import type { Backend } from './backends.js';

/** Registers the suite's setup and teardown; call the returned function inside a test for the app. */
export function suiteApp(backend: Backend, options: Omit<AppOptions, 'store'> = {}): () => FastifyInstance {
  let opened: Awaited<ReturnType<Backend['open']>> | undefined;
  let app: FastifyInstance | undefined;
  beforeAll(async () => {
    opened = await backend.open();
    app = await buildApp({ ...options, store: opened.store });
  });
  afterAll(async () => {
    await app?.close();
    await opened?.dispose();
  });
  return () => {
    if (!app) throw new Error('The app is built in beforeAll: ask for it inside a test.');
    return app;
  };
}
