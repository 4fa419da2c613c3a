/**
 * One user cannot stall the others (issue 15.5), on the real server: a real HTTP listener, a real
 * SQLite file, the compiled worker threads (apps/server/dist, after `npx tsc -b`; skipped with the
 * reason printed when it is missing) and Debian's Chromium for PDFs.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { buildModel, type ThreatModel } from '@bulwark/core';
import { findChromium } from '@bulwark/report/pdf';
import type { FastifyInstance } from 'fastify';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../app.js';
import { UserStore } from '../storage/UserStore.js';
import { backends } from '../testing/backends.js';
import type { HeavyWork, WorkOptions } from './heavyWork.js';
import { compiledWorkerFile } from './pool.js';

const workerFile = compiledWorkerFile();
const built = existsSync(workerFile);
if (!built) console.warn(`skipping the worker pool tests: ${workerFile} is missing (build first: npx tsc -b)`);
const chromium = findChromium();
if (!chromium.ok) console.warn(`skipping the shared-browser PDF test: ${chromium.error.message}`);

/** A model whose analysis takes a while: `n` processes in a ring of flows, both ways. */
function bigModel(n: number): ThreatModel {
  const b = buildModel(`Big ${n}`);
  for (let i = 0; i < n; i++) b.process(`p${i}`);
  for (let i = 0; i < n; i++) {
    b.flow(`p${i}`, `p${(i + 1) % n}`);
    b.flow(`p${(i + 1) % n}`, `p${i}`);
  }
  return b.build();
}

/** Chromium browser processes (not their helpers) below this process. */
function browsers(): number {
  let n = 0;
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const cmd = readFileSync(`/proc/${name}/cmdline`, 'utf8');
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(') ') + 2).split(' ')[1]);
      if (/chrom/i.test(cmd.split('\0')[0] ?? '') && !cmd.includes('--type=') && ppid === process.pid) n++;
    } catch {
      // gone
    }
  }
  return n;
}

describe.skipIf(!built)('heavy work off the event loop', () => {
  const [sqlite] = backends();
  let opened: Awaited<ReturnType<NonNullable<typeof sqlite>['open']>>;
  let app: FastifyInstance;
  let base = '';
  const tokens: Record<string, string> = {};

  async function start(work: WorkOptions): Promise<void> {
    opened = await (sqlite as NonNullable<typeof sqlite>).open();
    app = await buildApp({ store: opened.store, auth: 'local', work: { workerFile, ...work } });
    const users = new UserStore(opened.store.db);
    for (const name of ['alice', 'bob', 'carol', 'dave']) {
      const u = await users.add(name, `${name}-tangerine-umbrella-7`, false);
      tokens[name] = (await users.createToken(u.id, 'tests')).token;
    }
    base = await app.listen({ host: '127.0.0.1', port: 0 });
  }
  afterEach(async () => {
    await app?.close();
    await opened?.dispose();
  });

  const call = async (
    who: string,
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ) => {
    const t0 = performance.now();
    const r = await fetch(`${base}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${tokens[who]}`,
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...headers,
      },
      ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
    });
    const bytes = Buffer.from(await r.arrayBuffer());
    return {
      status: r.status,
      headers: r.headers,
      bytes,
      json: () => JSON.parse(bytes.toString()),
      ms: performance.now() - t0,
      at: performance.now(),
    };
  };
  const create = async (who: string, model: ThreatModel) => {
    const r = await call(who, 'POST', '/api/models', model);
    expect(r.status).toBe(201);
    return r.json().id as string;
  };

  it('serves another user while a large model is analysed and saved in a worker thread', async () => {
    await start({ threads: 1 });
    const id = await create('alice', bigModel(4000));
    await create('bob', buildModel('Small').process('p').build());
    const heavy = call('alice', 'POST', `/api/models/${id}/analyze`, undefined, { 'if-match': '"1"' });
    const light: Awaited<ReturnType<typeof call>>[] = [];
    for (let i = 0; i < 10; i++) {
      light.push(await call('bob', 'GET', i % 2 ? '/api/models' : '/api/me'));
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const analysed = await heavy;
    expect(analysed.status).toBe(200);
    expect(analysed.json().version).toBe(2);
    // Bob was answered, quickly, while Alice's analysis was still running.
    expect(light.every((r) => r.status === 200)).toBe(true);
    expect(light.at(-1)?.at).toBeLessThan(analysed.at);
    expect(Math.max(...light.map((r) => r.ms))).toBeLessThan(250);
    // The worker's save is the model's version 2, with its threats and audit rows.
    const got = await call('alice', 'GET', `/api/models/${id}`);
    expect(got.json().model.threats.length).toBeGreaterThan(4000);
    const audit = await call('alice', 'GET', `/api/models/${id}/audit`);
    expect(audit.json().entries.filter((e: { action: string }) => e.action === 'threat.added').length).toBe(
      got.json().model.threats.length,
    );
  }, 120_000);

  it('a user has at most N heavy jobs in flight: the next gets 429 with Retry-After, others are served', async () => {
    await start({ threads: 1, perUser: 1 });
    const id = await create('alice', bigModel(4000));
    const bobs = await create('bob', buildModel('Bob').process('p').build());
    const first = call('alice', 'POST', `/api/models/${id}/analyze`, undefined, { 'if-match': '"1"' });
    await new Promise((resolve) => setTimeout(resolve, 100));
    const second = await call('alice', 'GET', `/api/models/${id}/export?format=csv`);
    expect(second.status).toBe(429);
    expect(Number(second.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(second.json().code).toBe('TOO_MANY_JOBS');
    expect(second.json().message).toMatch(/at most 1 per user/);
    const bob = await call('bob', 'GET', `/api/models/${bobs}/export?format=csv`);
    expect(bob.status).toBe(200);
    expect((await first).status).toBe(200);
    // Once the job is done, the user may start another.
    expect((await call('alice', 'GET', `/api/models/${id}/export?format=json`)).status).toBe(200);
  }, 120_000);

  it('the pool is bounded: with one thread and a queue of one, a third job at once gets 503 with Retry-After', async () => {
    await start({ threads: 1, queue: 1 });
    const ids: string[] = [];
    for (const who of ['alice', 'bob', 'carol']) ids.push(await create(who, bigModel(2500)));
    const answers = await Promise.all(
      ['alice', 'bob', 'carol'].map((who, i) =>
        call(who, 'POST', `/api/models/${ids[i]}/analyze`, undefined, { 'if-match': '"1"' }),
      ),
    );
    const statuses = answers.map((r) => r.status).sort();
    expect(statuses).toEqual([200, 200, 503]);
    const busy = answers.find((r) => r.status === 503);
    expect(Number(busy?.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(busy?.json().code).toBe('SERVER_BUSY');
    expect((app as unknown as { heavyWork: HeavyWork }).heavyWork.pool?.threads).toBe(1);
  }, 120_000);

  it('reads a large upload in a worker: JSON stays text until then, and an OTM file is imported', async () => {
    await start({ threads: 1, inlineUploadBytes: 1000 });
    const model = bigModel(300);
    const id = await create('alice', model);
    const got = (await call('alice', 'GET', `/api/models/${id}`)).json().model;
    expect(got.diagrams[0].elements.length).toBe(900);
    const otm = await call('alice', 'GET', `/api/models/${id}/export?format=otm`);
    expect(otm.status).toBe(200);
    const imported = await call('alice', 'POST', '/api/models', otm.bytes.toString());
    expect(imported.status).toBe(201);
    const back = (await call('alice', 'GET', `/api/models/${imported.json().id}`)).json().model;
    // (OTM puts every component in a trust zone: one more element, the default zone.)
    expect(back.diagrams[0].elements.length).toBe(901);
    // The stored text is what JSON.stringify of the parsed model gives.
    const versions = await call('alice', 'GET', `/api/models/${imported.json().id}/versions/1`);
    expect(JSON.stringify(versions.json().model)).toBe(JSON.stringify(back));
    // A body that is not JSON after all is still answered 4xx, as the JSON parser would.
    const bad = await call('alice', 'POST', '/api/models', `{"schemaVersion": 1, ${'x'.repeat(2000)}`);
    expect(bad.status).toBe(400);
    const proto = await call('alice', 'POST', '/api/models', `{"__proto__": {"x": 1}, "pad": "${'x'.repeat(2000)}"}`);
    expect(proto.status).toBe(400);
  }, 120_000);

  it.skipIf(!chromium.ok)(
    'PDFs asked for at once share one browser, a few pages at a time, the rest queued or refused with 503',
    async () => {
      await start({ threads: 1, pdf: { pages: 2, queue: 1 } });
      const people = ['alice', 'bob', 'carol', 'dave'];
      const ids = await Promise.all(
        people.map((who) => create(who, buildModel(`PDF ${who}`).entity('u').process('p').flow('u', 'p').build())),
      );
      let most = 0;
      const timer = setInterval(() => {
        most = Math.max(most, browsers());
      }, 50);
      const answers = await Promise.all(
        people.map((who, i) => call(who, 'GET', `/api/models/${ids[i]}/export?format=pdf`)),
      );
      clearInterval(timer);
      const work = (app as unknown as { heavyWork: HeavyWork }).heavyWork;
      expect(work.printer.launches).toBe(1);
      expect(most).toBe(1);
      expect(work.printer.busiest).toBeLessThanOrEqual(2);
      for (const r of answers) {
        if (r.status === 503) expect(Number(r.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
        else {
          expect(r.status).toBe(200);
          expect(r.bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
        }
      }
      expect(answers.filter((r) => r.status === 200).length).toBeGreaterThanOrEqual(3);
      // The browser stays for the next PDF, and goes with the app.
      expect((await call('alice', 'GET', `/api/models/${ids[0]}/export?format=pdf`)).status).toBe(200);
      expect(work.printer.launches).toBe(1);
      await app.close();
      expect(browsers()).toBe(0);
    },
    120_000,
  );
});

describe('heavy work without a pool (tests, embedding)', () => {
  const [sqlite] = backends();
  let opened: Awaited<ReturnType<NonNullable<typeof sqlite>['open']>>;
  beforeAll(async () => {
    opened = await (sqlite as NonNullable<typeof sqlite>).open();
  });
  afterAll(async () => {
    await opened.dispose();
  });

  it('runs the same jobs on the event loop, with the same per-user limit', async () => {
    const app = await buildApp({ store: opened.store, work: { perUser: 1 } });
    try {
      const work = (app as unknown as { heavyWork: HeavyWork }).heavyWork;
      expect(work.pool).toBeUndefined();
      const r = await app.inject({ method: 'POST', url: '/api/models', payload: bigModel(10) });
      expect(r.statusCode).toBe(201);
      const id = r.json().id;
      const [a, b] = await Promise.all([
        app.inject({ method: 'POST', url: `/api/models/${id}/analyze`, headers: { 'if-match': '"1"' } }),
        app.inject({ method: 'GET', url: `/api/models/${id}/export?format=csv` }),
      ]);
      expect([a.statusCode, b.statusCode].sort()).toEqual([200, 429]);
    } finally {
      await app.close();
    }
  });
});
