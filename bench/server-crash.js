#!/usr/bin/env node
// Crash test of the Bulwark server: no acknowledged write may be lost when the server process
// is killed (kill -9) in the middle of a burst of writes, on SQLite and on PostgreSQL.
//
// Usage (after `npx tsc -b`, with PostgreSQL at 127.0.0.1:5432, user postgres, trust auth):
//   node bench/server-crash.js [--rounds 3] [--writers 20] [--kill-after 1500]
//                              [--databases sqlite,postgres] [--nodes 300] [--flows 200]
//
// For each database (a SQLite file in a temp dir; a fresh PostgreSQL database
// bulwark_bench_crash_<random>, dropped at the end) it starts `bulwark serve --port 0` in a child
// process, creates a ~500-element model on the built-in 'stride' template and analyses it, then,
// each round: starts the writers (each one a loop of PATCH /api/models/:id/threats with If-Match
// the version it knows; on 409 it takes the current version from the answer and tries again),
// kills the server with SIGKILL after --kill-after ms, restarts it on the same database and
// checks, over every write of every round so far:
//   - each acknowledged (2xx) write is at the revision it was acknowledged with (each write's
//     unique token is the justification it sets; the audit log, written in the write's
//     transaction, gives the revisions in order: revisionsFromAudit in server-common.js),
//   - the model's revision is the highest the audit log tells, and the revisions are 1..that,
//   - each threat's justification is that of the last write (by version) that patched it
//     (acknowledged writes, plus writes in flight at the kill that the server had committed),
//   - /healthz answers 200,
//   - after a graceful stop: SQLite `PRAGMA integrity_check` (better-sqlite3) is "ok";
//     PostgreSQL: amcheck (bt_index_check on the tables' B-tree indexes, verify_heapam) finds
//     nothing, when the amcheck extension is available.
// Prints a Markdown table with a row per database and round. Bounded in time (hard stop at
// 110 s); servers, temp dirs and the PostgreSQL database are cleaned up on failure too. Exit
// code 1 when a check fails.
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import {
  adminQuery,
  benchModel,
  checkHistory,
  createAnalysedModel,
  expectStatus,
  markdownTable,
  request,
  revisionsFromAudit,
  runBounded,
  scratchPostgres,
  startServer,
  tempDir,
} from './server-common.js';

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '3' },
    writers: { type: 'string', default: '20' },
    'kill-after': { type: 'string', default: '1500' },
    databases: { type: 'string', default: 'sqlite,postgres' },
    nodes: { type: 'string', default: '300' },
    flows: { type: 'string', default: '200' },
    boundaries: { type: 'string', default: '4' },
  },
});
const rounds = Number(values.rounds);
const writerCount = Number(values.writers);
const killAfterMs = Number(values['kill-after']);
const databases = values.databases.split(',').filter(Boolean);
for (const db of databases)
  if (db !== 'sqlite' && db !== 'postgres') throw new Error(`Unknown database "${db}": use sqlite and/or postgres.`);
const shape = { nodes: Number(values.nodes), flows: Number(values.flows), boundaries: Number(values.boundaries) };
const PATCHED_THREATS = 100;

/** SQLite: PRAGMA integrity_check on the file (the server is stopped). */
function sqliteIntegrity(file) {
  const db = new Database(file);
  try {
    const rows = db.pragma('integrity_check', { simple: false });
    const text = rows.map((r) => r.integrity_check).join('; ');
    return { ok: text === 'ok', text };
  } finally {
    db.close();
  }
}

/** PostgreSQL: amcheck over the bench tables (the server is stopped), or n/a without amcheck. */
async function postgresIntegrity(url) {
  const available = await adminQuery(`SELECT 1 FROM pg_available_extensions WHERE name = 'amcheck'`, url);
  if (available.rowCount === 0) return { ok: true, text: 'n/a (no amcheck)' };
  await adminQuery('CREATE EXTENSION IF NOT EXISTS amcheck', url);
  await adminQuery(
    `SELECT bt_index_check(i.indexrelid, true) FROM pg_index i
       JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am am ON am.oid = c.relam
      WHERE am.amname = 'btree' AND c.relnamespace = 'public'::regnamespace`,
    url,
  );
  const heap = await adminQuery(
    `SELECT t, v.* FROM unnest(ARRAY['models', 'model_versions', 'audit_log']) AS t, verify_heapam(t::regclass) AS v`,
    url,
  );
  return heap.rowCount === 0
    ? { ok: true, text: 'ok (amcheck)' }
    : { ok: false, text: `verify_heapam: ${JSON.stringify(heap.rows.slice(0, 3))}` };
}

/**
 * The writers: each PATCHes 1-2 of the threats with If-Match the version it knows, until the
 * server stops answering. Every write is recorded in `writes` (token -> record) before it is sent.
 */
function startWriters(base, model, threats, writes, label, round, state) {
  let seq = 0;
  const stats = { conflicts: 0, errors: 0, cutOff: 0 };
  const writer = async (w) => {
    let version = state.version;
    while (!state.killed) {
      const token = `${label}-r${round}-w${w}-${++seq}`;
      const ids = [];
      const n = Math.random() < 0.5 ? 1 : 2;
      while (ids.length < n) {
        const t = threats[Math.floor(Math.random() * threats.length)];
        if (!ids.includes(t)) ids.push(t);
      }
      const record = { kind: 'patch', threats: ids, status: 'pending' };
      writes.set(token, record);
      let r;
      try {
        r = await request(base, `/api/models/${model.id}/threats`, {
          method: 'PATCH',
          headers: { 'if-match': `"${version}"` },
          body: { threats: ids.map((id) => ({ id, justification: token })), message: token },
          timeoutMs: 10_000,
        });
      } catch {
        // No answer: the server died with this write in flight (it stays 'pending'), or the
        // connection failed for another reason (then try again with a fresh version).
        stats.cutOff++;
        if (state.killed) return;
        continue;
      }
      if (r.status >= 200 && r.status < 300) {
        record.status = 'acked';
        record.version = r.body.version;
        record.ackedAt = performance.now();
        version = r.body.version;
      } else if (r.status === 409) {
        record.status = 'conflict';
        stats.conflicts++;
        version = r.body.currentVersion; // the version the server has now: retry on that
      } else {
        Object.assign(record, { status: 'error', httpStatus: r.status });
        stats.errors++;
        const g = await request(base, `/api/models/${model.id}`).catch(() => undefined);
        if (g?.status === 200) version = g.body.version;
      }
    }
  };
  return { stats, done: Promise.all(Array.from({ length: writerCount }, (_, w) => writer(w))) };
}

async function crashTest(label) {
  let dbUrl;
  let integrity;
  if (label === 'sqlite') {
    const file = join(tempDir('bulwark-server-crash-'), 'crash.db');
    dbUrl = `sqlite:${file}`;
    integrity = async () => sqliteIntegrity(file);
  } else if (label === 'postgres') {
    const pgdb = await scratchPostgres('bulwark_bench_crash');
    dbUrl = pgdb.url;
    integrity = () => postgresIntegrity(pgdb.url);
  } else throw new Error(`Unknown database "${label}": use sqlite and/or postgres.`);

  let server = await startServer(dbUrl);
  const model = await createAnalysedModel(server.url, benchModel(shape));
  const threats = model.threatIds.slice(0, PATCHED_THREATS);
  const writes = new Map();
  const rows = [];
  const problems = [];
  let version = model.version;
  let appliedBefore = 0;
  for (let round = 1; round <= rounds; round++) {
    if (round > 1) server = await startServer(dbUrl);
    const before = new Set(writes.keys());
    const state = { version, killed: false };
    const writers = startWriters(server.url, model, threats, writes, label, round, state);
    const t0 = performance.now();
    await new Promise((r) => setTimeout(r, killAfterMs));
    state.killed = true;
    const killedAt = performance.now();
    await server.kill(); // SIGKILL, and wait until it is gone
    await writers.done;
    const roundWrites = [...writes].filter(([t]) => !before.has(t));
    const acked = roundWrites.filter(([, w]) => w.status === 'acked');
    const ackedLate = acked.filter(([, w]) => w.ackedAt >= killedAt).length;

    // Restart on the same database and check everything written so far.
    server = await startServer(dbUrl);
    const health = await request(server.url, '/healthz');
    const entries = (await expectStatus(200, server.url, `/api/models/${model.id}/audit`)).body.entries;
    const versions = revisionsFromAudit(entries, model.auditBase, model.version);
    const current = await expectStatus(200, server.url, `/api/models/${model.id}`);
    const check = checkHistory({
      writes,
      versions,
      model: current.body.model,
      version: current.body.version,
      baseVersion: model.version,
    });
    if (health.status !== 200) check.problems.push(`/healthz answered ${health.status} after the restart`);
    const maxListed = Math.max(...versions.map((v) => v.version));
    const listed = new Set(versions.map((v) => `${v.version}:${v.message}`));
    const found = acked.filter(([token, w]) => listed.has(`${w.version}:${token}`));
    await server.stop(); // graceful: the database is closed before the integrity check
    const integ = await integrity();
    if (!integ.ok) check.problems.push(`integrity: ${integ.text}`);
    for (const p of check.problems) problems.push(`${label} round ${round}: ${p}`);
    const inFlight = roundWrites.filter(([, w]) => w.status === 'pending').length;
    rows.push([
      `${label} #${round}`,
      `${((killedAt - t0) / 1000).toFixed(1)} s`,
      acked.length,
      ackedLate,
      found.length,
      acked.length - found.length,
      `${inFlight} / ${check.appliedUnacked - appliedBefore}`,
      writers.stats.conflicts,
      writers.stats.errors,
      `${current.body.version} / ${maxListed}`,
      health.status,
      integ.text,
      check.problems.length === 0 ? 'yes' : 'no',
    ]);
    appliedBefore = check.appliedUnacked;
    version = current.body.version;
  }
  return { rows, problems, model };
}

await runBounded(110_000, async () => {
  const t0 = performance.now();
  const all = [];
  const problems = [];
  let model;
  for (const db of databases) {
    const r = await crashTest(db);
    all.push(...r.rows);
    problems.push(...r.problems);
    model ??= r.model;
  }
  console.log(
    `Bulwark server crash test: ${writerCount} writers PATCHing threats (retry on 409), kill -9 after ${killAfterMs} ms, restart, check; ${rounds} round(s) per database`,
  );
  console.log(
    `Model: ${model.elements} elements on 'stride', ${model.threatIds.length} threats, ${(model.bytes / 1048576).toFixed(2)} MB; took ${((performance.now() - t0) / 1000).toFixed(0)} s`,
  );
  console.log('');
  console.log(
    markdownTable(
      [
        'database #round',
        'killed after',
        'writes acknowledged before the kill',
        'of them answered after SIGKILL was sent',
        'found after restart',
        'lost',
        'in flight at the kill / committed anyway',
        '409s',
        'other errors',
        'revision / highest the audit log tells',
        '/healthz',
        'integrity',
        'all checks pass',
      ],
      all,
    ),
  );
  if (problems.length > 0) {
    console.log('\nProblems:');
    for (const p of problems.slice(0, 40)) console.log(`- ${p}`);
  }
  return problems.length === 0;
});
