import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer } from './startServer.js';
import { UserStore } from './storage/UserStore.js';
import { type Backend, backends } from './testing/backends.js';

describe.each(backends())('starting a team server beyond this machine, on $name', (backend: Backend) => {
  let opened: Awaited<ReturnType<Backend['open']>>;
  beforeAll(async () => {
    opened = await backend.open();
  });
  afterAll(async () => {
    await opened.dispose();
  });

  it('refuses while the database has no accounts, and names the command that adds an administrator', async () => {
    for (const host of ['0.0.0.0', '::']) {
      const started = startServer({ db: opened.url, auth: 'local', host, port: 0 });
      await expect(started).rejects.toThrow(`Refusing to listen on ${host}`);
      const message = await started.catch((e: Error) => e.message);
      expect(message).toContain('has no accounts yet');
      expect(message).toMatch(/bulwark users add <name> --admin --password-stdin --db (sqlite:\/|postgres)/);
      expect(message).toContain('127.0.0.1');
      if (backend.name === 'sqlite') expect(message).toContain(`--db ${opened.url}`);
    }
  });

  it('starts on loopback with no accounts (the administrator adds them there), and beyond once one exists', async () => {
    const local = await startServer({ db: opened.url, auth: 'local', host: '127.0.0.1', port: 0 });
    await local.close();
    await new UserStore(opened.store.db).add('admin', 'admin-tangerine-umbrella', true);
    const wide = await startServer({ db: opened.url, auth: 'local', host: '0.0.0.0', port: 0 });
    try {
      const port = new URL(wide.url).port;
      expect((await fetch(`http://127.0.0.1:${port}/api/me`)).status).toBe(401);
    } finally {
      await wide.close();
    }
  });
});

describe.each(backends())('starting with a seed model, on $name', (backend: Backend) => {
  let opened: Awaited<ReturnType<Backend['open']>>;
  beforeAll(async () => {
    opened = await backend.open();
  });
  afterAll(async () => {
    await opened.dispose();
  });

  it('stores the seed with its threats generated, once: its first version is what the editor shows', async () => {
    const seed = fileURLToPath(new URL('../../../examples/infrastructure.bulwark.json', import.meta.url));
    const file = JSON.parse(readFileSync(seed, 'utf8')) as { threats?: unknown[] };
    expect(file.threats ?? []).toEqual([]);
    for (const round of [1, 2]) {
      const running = await startServer({ db: opened.url, port: 0, seed });
      try {
        const list = (await (await fetch(new URL('api/models', running.url))).json()) as {
          models: { id: string; version: number; openHighThreats: number }[];
        };
        // A second start finds a model and loads nothing.
        expect(list.models).toHaveLength(1);
        const [model] = list.models;
        expect(model?.version, `round ${round}`).toBe(1);
        expect(model?.openHighThreats).toBeGreaterThan(10);
        const first = (await (await fetch(new URL(`api/models/${model?.id}/versions/1`, running.url))).json()) as {
          model: { threats: { status: string }[] };
        };
        expect(first.model.threats.length).toBeGreaterThan(100);
      } finally {
        await running.close();
      }
    }
  });
});
