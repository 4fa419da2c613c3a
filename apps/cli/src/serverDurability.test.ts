/**
 * Durability of the real `bulwark serve` under kill -9 (issue 9, point 3): bursts of concurrent
 * writes (model creates, saves with If-Match, threat PATCHes), the server killed with SIGKILL at
 * a random moment mid-burst, restarted on the same database, and every write it acknowledged
 * (2xx) checked: a save (PUT with ?message=, so it makes a version) listed in /versions at its
 * revision with its content, a patch (working copy only) in the audit log with what it set, the
 * revisions contiguous (the model's revision counts exactly the writes the audit log holds), the
 * SQLite file passing `PRAGMA integrity_check`. Writes in flight at the kill may or may not have landed; only
 * acknowledged writes are required. PostgreSQL runs too when BULWARK_TEST_PG_URL is set (its own
 * database, dropped after; amcheck over indexes and heaps when the extension is available).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { ROOT, tempDir } from './testing/runCli.js';

const BIN = join(ROOT, 'apps/cli/bin/bulwark.js');
const ROUNDS = 3;
const WRITERS = 8;

interface Server {
  url: string;
  child: ChildProcess;
  kill: () => Promise<void>;
  stop: () => Promise<void>;
}

const running = new Set<Server>();
afterEach(async () => {
  for (const s of running) await s.kill();
  running.clear();
});

function startServer(db: string): Promise<Server> {
  const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--db', db], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const signal = async (sig: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(sig);
    await exited;
  };
  const server: Server = { url: '', child, kill: () => signal('SIGKILL'), stop: () => signal('SIGTERM') };
  running.add(server);
  let out = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the server did not start:\n${out}`)), 30_000);
    const look = (d: Buffer) => {
      out += d.toString();
      const m = /running at\s+(http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        server.url = m[1] as string;
        resolve(server);
      }
    };
    child.stdout?.on('data', look);
    child.stderr?.on('data', (d: Buffer) => {
      out += d.toString();
    });
    exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`the server exited before it started:\n${out}`));
    });
  });
}

interface Answer {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: JSON answers of the API
  body: any;
}

async function call(base: string, path: string, init: { method?: string; ifMatch?: number; body?: unknown } = {}) {
  const r = await fetch(`${base}${path}`, {
    method: init.method ?? 'GET',
    headers: {
      ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(init.ifMatch !== undefined ? { 'if-match': `"${init.ifMatch}"` } : {}),
    },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
    signal: AbortSignal.timeout(15_000),
  });
  const text = await r.text();
  return { status: r.status, body: text ? JSON.parse(text) : undefined } as Answer;
}

/** One write a client sent; `version` once the server acknowledged it. */
interface Write {
  kind: 'create' | 'save' | 'patch';
  token: string;
  modelId?: string;
  threats?: string[];
  acked: boolean;
  version?: number;
}

/**
 * A burst: WRITERS writers, each a loop of a random write (a model create, a PUT of the model
 * with its description set to the write's token, a PATCH of 1-2 threats' justification to the
 * token), retrying on 409 with the version the answer names, until `state.stop`.
 */
function burst(base: string, modelId: string, doc: Record<string, unknown>, threats: string[], version: number) {
  const writes: Write[] = [];
  const state = { stop: false };
  let seq = 0;
  const writer = async (w: number) => {
    let known = version;
    while (!state.stop) {
      const token = `w${w}-${++seq}-${Math.random().toString(36).slice(2, 8)}`;
      const pick = Math.random();
      const write: Write = { kind: pick < 0.1 ? 'create' : pick < 0.4 ? 'save' : 'patch', token, acked: false };
      writes.push(write);
      try {
        if (write.kind === 'create') {
          const r = await call(base, '/api/models', { method: 'POST', body: { name: token, template: 'stride' } });
          if (r.status === 201) Object.assign(write, { acked: true, modelId: r.body.id, version: r.body.version });
          continue;
        }
        write.modelId = modelId;
        let r: Answer;
        if (write.kind === 'save') {
          const body = { ...doc, metadata: { ...(doc.metadata as object), description: token } };
          r = await call(base, `/api/models/${modelId}?message=${token}`, { method: 'PUT', ifMatch: known, body });
        } else {
          const ids = [threats[Math.floor(Math.random() * threats.length)] as string];
          const other = threats[Math.floor(Math.random() * threats.length)] as string;
          if (Math.random() < 0.5 && !ids.includes(other)) ids.push(other);
          write.threats = ids;
          r = await call(base, `/api/models/${modelId}/threats`, {
            method: 'PATCH',
            ifMatch: known,
            body: { threats: ids.map((id) => ({ id, justification: token })), message: token },
          });
        }
        if (r.status === 200) {
          Object.assign(write, { acked: true, version: r.body.version });
          known = r.body.version;
        } else if (r.status === 409) known = r.body.currentVersion ?? known;
        else throw new Error(`${write.kind} answered ${r.status}: ${JSON.stringify(r.body)}`);
      } catch (e) {
        // No answer: the server died with this write in flight. Anything else is a failure.
        if (!state.stop) throw e;
      }
    }
  };
  const done = Promise.all(Array.from({ length: WRITERS }, (_, w) => writer(w)));
  return { writes, state, done };
}

/**
 * Checks every acknowledged write so far against the restarted server (the content of each
 * version only for the writes of the last round, `fresh`); `base` is the revision before the
 * first burst. Returns the problems.
 */
async function check(
  base: string,
  modelId: string,
  writes: Write[],
  fresh: Set<Write>,
  baseVersion: number,
): Promise<string[]> {
  const problems: string[] = [];
  const versions = (await call(base, `/api/models/${modelId}/versions`)).body.versions as {
    version: number;
    message: string;
  }[];
  const current = (await call(base, `/api/models/${modelId}`)).body;
  const byMessage = new Map(versions.map((v) => [v.message, v.version]));
  const audit = (await call(base, `/api/models/${modelId}/audit`)).body.entries as {
    subject: string | null;
    field: string | null;
    newValue: string | null;
  }[];
  const inAudit = audit.map((e) => e.newValue ?? '').join('\n');
  // Every write that landed moved the revision on by one and left its token in the audit log
  // (same transaction): the revision counts them, so none is lost and none counted twice.
  const landed = writes.filter((w) => w.kind !== 'create' && inAudit.includes(w.token));
  if (current.version !== baseVersion + landed.length)
    problems.push(`model at ${current.version}, ${landed.length} writes landed on ${baseVersion}`);
  for (const v of versions)
    if (v.version > current.version) problems.push(`version ${v.version} after the model's ${current.version}`);
  for (const w of writes) {
    if (!w.acked) continue;
    if (w.kind === 'create') {
      const r = await call(base, `/api/models/${w.modelId}`);
      if (r.status !== 200 || r.body.model.metadata.name !== w.token) problems.push(`created model ${w.token} lost`);
      continue;
    }
    if (!inAudit.includes(w.token)) problems.push(`${w.kind} ${w.token} acknowledged but not in the audit log`);
    if (w.kind === 'patch') {
      // The working copy only: what it set is in the audit log, threat by threat.
      for (const id of w.threats ?? [])
        if (!audit.some((e) => e.subject === id && e.field === 'justification' && e.newValue === w.token))
          problems.push(`patch ${w.token}: threat ${id} not patched`);
      continue;
    }
    if (byMessage.get(w.token) !== w.version) {
      problems.push(`save ${w.token} acknowledged as version ${w.version}, listed as ${byMessage.get(w.token)}`);
      continue;
    }
    if (!fresh.has(w)) continue;
    const doc = (await call(base, `/api/models/${modelId}/versions/${w.version}`)).body.model;
    if (doc.metadata.description !== w.token) problems.push(`save ${w.token}: content lost`);
  }
  // A save's version is written in its transaction: no save's token in the audit log without it.
  for (const w of landed)
    if (w.kind === 'save' && !byMessage.has(w.token)) problems.push(`${w.token} in the audit log without a version`);
  return problems;
}

function sqliteIntegrity(file: string): string {
  const db = new Database(file);
  try {
    return (db.pragma('integrity_check') as { integrity_check: string }[]).map((r) => r.integrity_check).join('; ');
  } finally {
    db.close();
  }
}

/** PostgreSQL: amcheck over the tables' B-tree indexes and heaps, when the extension is there. */
async function postgresIntegrity(url: string): Promise<string> {
  const db = new pg.Client({ connectionString: url });
  await db.connect();
  try {
    const available = await db.query(`SELECT 1 FROM pg_available_extensions WHERE name = 'amcheck'`);
    if (available.rowCount === 0) return 'ok (no amcheck)';
    await db.query('CREATE EXTENSION IF NOT EXISTS amcheck');
    await db.query(
      `SELECT bt_index_check(i.indexrelid, true) FROM pg_index i
         JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am am ON am.oid = c.relam
        WHERE am.amname = 'btree' AND c.relnamespace = 'public'::regnamespace`,
    );
    const heap = await db.query(
      `SELECT t, v.* FROM unnest(ARRAY['models', 'model_versions', 'audit_log']) AS t, verify_heapam(t::regclass) AS v`,
    );
    return heap.rowCount === 0 ? 'ok (amcheck)' : `verify_heapam: ${JSON.stringify(heap.rows.slice(0, 3))}`;
  } finally {
    await db.end();
  }
}

/** Starts a server, seeds an analysed model, runs ROUNDS bursts each ended by kill -9, checks. */
async function crashRounds(db: string, integrity: () => Promise<string>): Promise<void> {
  let server = await startServer(db);
  const example = JSON.parse(readFileSync(join(ROOT, 'examples/infrastructure.bulwark.json'), 'utf8'));
  const created = await call(server.url, '/api/models', { method: 'POST', body: example });
  expect(created.status).toBe(201);
  const modelId = created.body.id as string;
  const analysed = await call(server.url, `/api/models/${modelId}/analyze`, { method: 'POST', ifMatch: 1 });
  expect(analysed.status).toBe(200);
  const all: Write[] = [];
  const baseVersion = analysed.body.version as number;
  for (let round = 0; round < ROUNDS; round++) {
    const got = (await call(server.url, `/api/models/${modelId}`)).body;
    const threats = (got.model.threats as { id: string }[]).map((t) => t.id).slice(0, 40);
    expect(threats.length).toBeGreaterThan(5);
    const b = burst(server.url, modelId, got.model, threats, got.version);
    // The kill comes at a random moment once a few writes are acknowledged (however slow the machine).
    const until = Date.now() + 30_000;
    while (b.writes.filter((w) => w.acked).length < 4 && Date.now() < until)
      await new Promise((r) => setTimeout(r, 20));
    await new Promise((r) => setTimeout(r, Math.random() * 800));
    b.state.stop = true;
    await server.kill();
    await b.done;
    all.push(...b.writes);
    expect(await integrity()).toMatch(/^ok/);
    server = await startServer(db);
    expect((await call(server.url, '/healthz')).status).toBe(200);
    expect(await check(server.url, modelId, all, new Set(b.writes), baseVersion)).toEqual([]);
  }
  expect(all.filter((w) => w.acked).length).toBeGreaterThanOrEqual(4 * ROUNDS);
  await server.stop();
  expect(await integrity()).toMatch(/^ok/);
}

describe('bulwark serve killed with SIGKILL during write bursts', () => {
  it('SQLite: every acknowledged write survives, revisions contiguous, integrity ok', async () => {
    const file = join(tempDir(), 'crash.db');
    await crashRounds(`sqlite:${file}`, async () => sqliteIntegrity(file));
  }, 120_000);

  const pgUrl = process.env.BULWARK_TEST_PG_URL;
  it.skipIf(!pgUrl)(
    'PostgreSQL: every acknowledged write survives, revisions contiguous',
    async () => {
      const admin = new pg.Client({ connectionString: pgUrl });
      await admin.connect();
      const name = `bulwark_crash_${process.pid}_${Date.now()}`;
      await admin.query(`CREATE DATABASE ${name}`);
      const url = new URL(pgUrl as string);
      url.pathname = `/${name}`;
      try {
        await crashRounds(url.toString(), () => postgresIntegrity(url.toString()));
      } finally {
        for (const s of running) await s.kill();
        running.clear();
        await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await admin.end();
      }
    },
    120_000,
  );
});
