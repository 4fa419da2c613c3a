#!/usr/bin/env node
// Load benchmark of the Bulwark server, on SQLite and on PostgreSQL, with a check that no
// acknowledged write is lost under contention.
//
// Usage (after `npx tsc -b`, with PostgreSQL at 127.0.0.1:5432, user postgres, trust auth):
//   node bench/server.js [--duration 10] [--connections 100] [--databases sqlite,postgres]
//                        [--nodes 300] [--flows 200] [--boundaries 4] [--json file]
//
// For each database (a SQLite file in a temp dir; a fresh PostgreSQL database
// bulwark_bench_<random>, dropped at the end) it starts `bulwark serve --port 0` in a child
// process, creates a ~500-element model on the built-in 'stride' template (generic types GE.P,
// GE.DS, GE.EI, GE.DF, GE.TB.B) and analyses it once, then runs autocannon (in this process) with
// N connections for the duration. Each connection is a client that keeps the version it last
// saw and picks, per request: ~70% GET /api/models/:id, ~20% PATCH /api/models/:id/threats (one
// or two of 100 threats, If-Match the version it knows), ~10% PUT /api/models/:id (the document
// of its last GET with a new metadata.description, If-Match that GET's version; when its copy is
// out of date it GETs first). A 409 is counted apart from errors, and the client re-reads (GET)
// before its next request, which is picked afresh (no retry, so the mix stays about as above;
// the re-reads add to the GETs). Every write carries a unique token (the justification or the
// description it sets), so afterwards the audit log says which write made each revision (a
// write makes no version unless it says so: revisionsFromAudit); the benchmark checks that each
// acknowledged (2xx) write is at the revision it was acknowledged with, that the model's
// revision is 1 + the acknowledged writes (the analyze included; plus writes the server applied
// whose answer never came, i.e. in flight when the load stopped, counted apart), that the
// revisions are contiguous, and that each threat's justification and the description are those
// of the last write by revision.
//
// Latencies are this process's own (request written to response read, every status, 409s
// included); requests/s counts every response. The client runs in this process, on the same
// machine as the server (and PostgreSQL): the table shows both processes' CPU.
//
// Prints a Markdown table per database. Bounded in time (about 2 x (duration + 20) s; hard stop
// at 110 s or more with longer durations); servers, temp dirs and the PostgreSQL database are
// cleaned up on failure too. Exit code 1 when a check fails.
import { statSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import {
  adminQuery,
  benchModel,
  checkHistory,
  createAnalysedModel,
  etagVersion,
  expectStatus,
  markdownTable,
  percentile,
  request,
  revisionsFromAudit,
  runBounded,
  scratchPostgres,
  startServer,
  tempDir,
} from './server-common.js';

const { values } = parseArgs({
  options: {
    duration: { type: 'string', default: '10' },
    connections: { type: 'string', default: '100' },
    databases: { type: 'string', default: 'sqlite,postgres' },
    nodes: { type: 'string', default: '300' },
    flows: { type: 'string', default: '200' },
    boundaries: { type: 'string', default: '4' },
    json: { type: 'string' },
  },
});
const duration = Number(values.duration);
const connections = Number(values.connections);
const databases = values.databases.split(',').filter(Boolean);
for (const db of databases)
  if (db !== 'sqlite' && db !== 'postgres') throw new Error(`Unknown database "${db}": use sqlite and/or postgres.`);
const shape = { nodes: Number(values.nodes), flows: Number(values.flows), boundaries: Number(values.boundaries) };

/** Threats the patches pick from (few enough that the same threat is patched many times). */
const PATCHED_THREATS = 100;

/** One run of the load on one database; returns its table rows and whether its checks passed. */
async function bench(dbLabel) {
  let dbUrl;
  let size;
  if (dbLabel === 'sqlite') {
    const file = join(tempDir('bulwark-server-bench-'), 'bench.db');
    dbUrl = `sqlite:${file}`;
    size = () => ['', '-wal'].reduce((n, s) => n + (statSync(file + s, { throwIfNoEntry: false })?.size ?? 0), 0);
  } else if (dbLabel === 'postgres') {
    const pgdb = await scratchPostgres();
    dbUrl = pgdb.url;
    size = async () => Number((await adminQuery(`SELECT pg_database_size('${pgdb.name}') AS n`)).rows[0].n);
  } else throw new Error(`Unknown database "${dbLabel}": use sqlite and/or postgres.`);

  const server = await startServer(dbUrl);
  const base = server.url;
  await expectStatus(200, base, '/healthz');
  const model = await createAnalysedModel(base, benchModel(shape));
  const threats = model.threatIds.slice(0, PATCHED_THREATS);
  if (threats.length === 0) throw new Error('the analysed model has no threats');
  const path = `/api/models/${model.id}`;

  // ---- the load ----
  const writes = new Map(); // token -> { kind, threats?, status, version?, httpStatus? }
  const latency = { get: [], patch: [], save: [] };
  const steady = [];
  const counts = { get: 0, patch: 0, save: 0, ok: 0, conflicts: 0, other: 0, otherByStatus: {} };
  let seq = 0;
  const newToken = (kind) => `${dbLabel}-${kind}-${++seq}`;

  function setupRequest(req, ctx) {
    ctx.sentAt = performance.now();
    ctx.token = undefined;
    let op;
    if (ctx.version === undefined || ctx.stale) op = 'get';
    else if (ctx.wantSave) op = ctx.docVersion === ctx.version ? 'save' : 'get';
    else {
      const r = Math.random();
      op = r < 0.7 ? 'get' : r < 0.9 ? 'patch' : 'save';
      if (op === 'save' && ctx.docVersion !== ctx.version) {
        ctx.wantSave = true; // its copy of the document is out of date: read, then save
        op = 'get';
      }
    }
    ctx.op = op;
    if (op === 'get') {
      req.method = 'GET';
      req.path = path;
      req.headers = {};
      req.body = '';
      return req;
    }
    const token = newToken(op);
    ctx.token = token;
    req.headers = { 'content-type': 'application/json', 'if-match': `"${ctx.version}"` };
    if (op === 'patch') {
      const n = Math.random() < 0.5 ? 1 : 2;
      const ids = [];
      while (ids.length < n) {
        const t = threats[Math.floor(Math.random() * threats.length)];
        if (!ids.includes(t)) ids.push(t);
      }
      writes.set(token, { kind: 'patch', threats: ids, status: 'pending' });
      req.method = 'PATCH';
      req.path = `${path}/threats`;
      req.body = JSON.stringify({ threats: ids.map((id) => ({ id, justification: token })), message: token });
    } else {
      ctx.wantSave = false;
      // The model part of the GET body ({ id, version, updatedAt, updatedBy, model }), with the
      // description replaced: the model as it was at docVersion, plus one change.
      const text = ctx.docText;
      const doc = text.slice(text.indexOf('"model":') + '"model":'.length, text.lastIndexOf('}'));
      const changed = doc.replace(/"description":"bench-desc:[^"]*"/, `"description":"bench-desc:${token}"`);
      if (changed === doc) throw new Error('save: no bench description in the document');
      writes.set(token, { kind: 'save', status: 'pending' });
      req.method = 'PUT';
      req.path = `${path}?message=${encodeURIComponent(token)}`;
      req.body = changed;
    }
    return req;
  }

  function onResponse(status, body, ctx, headers) {
    const op = ctx.op;
    const elapsed = performance.now() - ctx.sentAt;
    latency[op].push(elapsed);
    // A connection's first request also waits for the server to accept the connection, which
    // under this burst of 100 can take seconds; keep the later ones apart (steady state).
    if (ctx.answered) steady.push(elapsed);
    ctx.answered = true;
    counts[op]++;
    if (status >= 200 && status < 300) {
      counts.ok++;
      if (op === 'get') {
        ctx.version = etagVersion(headers.etag);
        ctx.docVersion = ctx.version;
        ctx.docText = body;
        ctx.stale = false;
      } else {
        const version = JSON.parse(body).version;
        const w = writes.get(ctx.token);
        w.status = 'acked';
        w.version = version;
        ctx.version = version;
      }
    } else if (status === 409 && op !== 'get') {
      counts.conflicts++;
      writes.get(ctx.token).status = 'conflict';
      ctx.stale = true; // re-read before the next write (which is picked afresh, not a retry)
    } else {
      counts.other++;
      counts.otherByStatus[status] = (counts.otherByStatus[status] ?? 0) + 1;
      if (ctx.token) Object.assign(writes.get(ctx.token), { status: 'error', httpStatus: status });
      ctx.stale = true;
    }
  }

  // One request definition, repeated: autocannon keeps a connection's context until it loops
  // back to the first definition, so a long list keeps each client's state for the whole run
  // (if it ever loops, the client starts again from a GET).
  const definition = { method: 'GET', path, setupRequest, onResponse };
  const cpu0 = server.cpuSeconds();
  const client0 = process.cpuUsage();
  const result = await autocannon({
    url: base,
    connections,
    duration,
    timeout: 30,
    requests: Array.from({ length: 5000 }, () => definition),
  });
  const cpu = server.cpuSeconds() - cpu0;
  const clientCpu = process.cpuUsage(client0);

  // ---- the check ----
  // Writes in flight when autocannon stopped are still applied by the server: wait until the
  // history stops growing before reading the final state.
  let versions = [];
  for (let last = -1, i = 0; i < 40; i++) {
    const entries = (await expectStatus(200, base, `${path}/audit`)).body.entries;
    versions = revisionsFromAudit(entries, model.auditBase, model.version);
    if (versions.length === last) break;
    last = versions.length;
    await new Promise((r) => setTimeout(r, 250));
  }
  const final = await expectStatus(200, base, path);
  const check = checkHistory({
    writes,
    versions,
    model: final.body.model,
    version: final.body.version,
    baseVersion: model.version,
  });
  const health = await request(base, '/healthz');
  if (health.status !== 200) check.problems.push(`/healthz answered ${health.status}`);
  const bytes = await size();
  const serverPeakMb = server.peakRssMb();
  await server.stop();

  const seconds = duration;
  const ms = (x) => (Number.isFinite(x) ? x.toFixed(1) : '-');
  const all = [...latency.get, ...latency.patch, ...latency.save];
  const socketErrors = result.errors; // connection errors and timeouts (autocannon)
  const pending = [...writes.values()].filter((w) => w.status === 'pending').length;
  const ackedBy = (kind) => [...writes.values()].filter((w) => w.kind === kind && w.status === 'acked').length;
  const rows = [
    ['requests/s', (counts.get + counts.patch + counts.save) / seconds],
    ['latency p50 / p99, all requests (ms)', `${ms(percentile(all, 50))} / ${ms(percentile(all, 99))}`],
    [
      "latency p50 / p99, all but each connection's first request (ms)",
      `${ms(percentile(steady, 50))} / ${ms(percentile(steady, 99))}`,
    ],
    ['latency p50 / p99, GET (ms)', `${ms(percentile(latency.get, 50))} / ${ms(percentile(latency.get, 99))}`],
    ['latency p50 / p99, PATCH (ms)', `${ms(percentile(latency.patch, 50))} / ${ms(percentile(latency.patch, 99))}`],
    ['latency p50 / p99, PUT (ms)', `${ms(percentile(latency.save, 50))} / ${ms(percentile(latency.save, 99))}`],
    ['reads/s (GET)', counts.get / seconds],
    ['requests: GET / PATCH / PUT', `${counts.get} / ${counts.patch} / ${counts.save}`],
    ['writes acknowledged (2xx): PATCH + PUT', `${check.acked}: ${ackedBy('patch')} + ${ackedBy('save')}`],
    ['writes acknowledged/s', check.acked / seconds],
    ['409 conflicts', counts.conflicts],
    [
      'other errors (non-2xx except 409; socket errors, timeouts)',
      `${counts.other}${counts.other ? ` ${JSON.stringify(counts.otherByStatus)}` : ''}; ${socketErrors} (${result.timeouts} timeouts)`,
    ],
    ['writes without an answer (in flight at stop) / applied anyway', `${pending} / ${check.appliedUnacked}`],
    ['final version (= 1 + analyze + acknowledged + applied without answer)', final.body.version],
    ['acknowledged writes found at their revision', `${check.found} of ${check.acked}`],
    [
      'CPU during the load, server / this client (% of one core)',
      `${Math.round((100 * cpu) / seconds)}% / ${Math.round((clientCpu.user + clientCpu.system) / 1e4 / seconds)}%`,
    ],
    [`database size after the run (${final.body.version} revisions)`, `${(bytes / 1048576).toFixed(0)} MB`],
    ['server peak memory (VmHWM)', `${Math.round(serverPeakMb)} MB`],
    ['all acknowledged writes present', check.problems.length === 0 ? 'yes' : 'no'],
  ].map(([k, v]) => [k, typeof v === 'number' ? (Number.isInteger(v) ? String(v) : v.toFixed(1)) : v]);
  const summary = {
    db: dbLabel,
    elements: model.elements,
    connections,
    seconds,
    requestsPerSec: (counts.get + counts.patch + counts.save) / seconds,
    p50Ms: percentile(all, 50),
    p99Ms: percentile(all, 99),
    writesAcked: check.acked,
    conflicts: counts.conflicts,
    errors: counts.other + socketErrors,
    serverPeakMb,
    ok: check.problems.length === 0,
  };
  return { rows, problems: check.problems, model, summary };
}

await runBounded(Math.max(110_000, databases.length * (duration + 40) * 1000), async () => {
  const t0 = performance.now();
  let ok = true;
  console.log(
    `Bulwark server load: ${connections} connections for ${duration} s per database, ~70% GET / ~20% PATCH threats / ~10% PUT model`,
  );
  console.log(
    `Client (autocannon 8, in this process) and server share the machine: ${cpus().length} cores, Node ${process.version}`,
  );
  const summaries = [];
  for (const db of databases) {
    const { rows, problems, model: m, summary } = await bench(db);
    summaries.push(summary);
    console.log(`\n### ${db}\n`);
    console.log(
      `Model: ${m.elements} elements on 'stride', ${m.threatIds.length} threats after one analyze, ${(m.bytes / 1048576).toFixed(2)} MB as GET returns it; patches pick 1-2 of ${Math.min(PATCHED_THREATS, m.threatIds.length)} threats\n`,
    );
    console.log(markdownTable(['metric', 'value'], rows));
    if (problems.length > 0) {
      ok = false;
      console.log(`\nProblems (${db}):`);
      for (const p of problems.slice(0, 30)) console.log(`- ${p}`);
    }
  }
  console.log(`\nTook ${((performance.now() - t0) / 1000).toFixed(0)} s.`);
  if (values.json) writeFileSync(values.json, JSON.stringify(summaries, null, 2));
  return ok;
});
