import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildApp } from './app.js';
import { openStore } from './storage/database.js';
import { backends } from './testing/backends.js';

const ROOT = new URL('../../../', import.meta.url).pathname;
const example = JSON.parse(readFileSync(`${ROOT}examples/infrastructure.bulwark.json`, 'utf8'));

describe.each(backends())('two servers on one $name database', (backend) => {
  it('share models and versions, and lose no update between them (no state that matters lives in a process)', async () => {
    const opened = await backend.open();
    const second = await openStore(opened.url);
    const a = await buildApp({ store: opened.store });
    const b = await buildApp({ store: second });
    try {
      const created = await a.inject({ method: 'POST', url: '/api/models', payload: example });
      const id = created.json().id as string;
      expect((await b.inject(`/api/models/${id}`)).statusCode).toBe(200);
      const analysed = await b.inject({
        method: 'POST',
        url: `/api/models/${id}/analyze`,
        headers: { 'if-match': '"1"' },
      });
      expect(analysed.statusCode).toBe(200);
      const threats = ((await a.inject(`/api/models/${id}`)).json().model.threats as { id: string }[]).slice(0, 16);
      await Promise.all(
        threats.map(async (t, i) => {
          const app = i % 2 === 0 ? a : b;
          for (;;) {
            const current = await app.inject(`/api/models/${id}`);
            const r = await app.inject({
              method: 'PATCH',
              url: `/api/models/${id}/threats`,
              headers: { 'if-match': String(current.headers.etag) },
              payload: { threats: [{ id: t.id, justification: `server ${i % 2 === 0 ? 'a' : 'b'} client ${i}` }] },
            });
            if (r.statusCode === 200) return;
            expect(r.statusCode).toBe(409);
          }
        }),
      );
      const final = (await b.inject(`/api/models/${id}`)).json();
      expect(final.version).toBe(2 + threats.length);
      const byId = new Map(
        (final.model.threats as { id: string; justification?: string }[]).map((t) => [t.id, t.justification]),
      );
      threats.forEach((t, i) => {
        expect(byId.get(t.id)).toBe(`server ${i % 2 === 0 ? 'a' : 'b'} client ${i}`);
      });
    } finally {
      await a.close();
      await b.close();
      await second.close();
      await opened.dispose();
    }
  });

  it('refuses uploads over the size limit with 413', async () => {
    const opened = await backend.open();
    const app = await buildApp({ store: opened.store, bodyLimit: 1024 });
    try {
      const r = await app.inject({ method: 'POST', url: '/api/models', payload: example });
      expect(r.statusCode).toBe(413);
      expect(r.json().code).toBe('PAYLOAD_TOO_LARGE');
    } finally {
      await app.close();
      await opened.dispose();
    }
  });
});
