#!/usr/bin/env node
// How the server's single requests grow with model size, on SQLite and on PostgreSQL.
//
// Usage (after `npx tsc -b`; PostgreSQL at 127.0.0.1:5432, user postgres, trust auth):
//   node bench/server-scale.js [--databases sqlite,postgres] [--elements 1000,10000] [--runs 5] [--json file]
//
// For each database and size it starts `bulwark serve` afresh (a SQLite file in a temp dir, or a
// scratch PostgreSQL database dropped at the end), so the server's peak memory is that size's
// own, and times one client's requests on a model of N elements (bench/synthetic.js modelShape,
// on the built-in 'stride' template): create (POST /api/models), analyze on the server (POST
// .../analyze: generate the threats, store the new version), open (GET, the whole document),
// save (PUT of that document with one change, If-Match), and triage (PATCH of one threat).
// Open, save and triage are medians of --runs. The server runs with --max-body 1024 (MB), as a
// team keeping models this large would; a request it refuses is reported as such, not hidden.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  benchModel,
  expectStatus,
  markdownTable,
  request,
  runBounded,
  scratchPostgres,
  startServer,
  tempDir,
} from './server-common.js';
import { modelShape } from './synthetic.js';

const { values } = parseArgs({
  options: {
    databases: { type: 'string', default: 'sqlite,postgres' },
    elements: { type: 'string', default: '1000,10000' },
    runs: { type: 'string', default: '5' },
    json: { type: 'string' },
  },
});
const databases = values.databases.split(',').filter(Boolean);
for (const db of databases)
  if (db !== 'sqlite' && db !== 'postgres') throw new Error(`Unknown database "${db}": use sqlite and/or postgres.`);
const sizes = values.elements.split(',').map(Number);
const runs = Number(values.runs);

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Times `fn` (an async request returning { status }); throws unless the status is `want`. */
async function timed(want, what, fn) {
  const t0 = performance.now();
  const r = await fn();
  const ms = performance.now() - t0;
  if (r.status !== want)
    return { ms, refused: `${what}: ${r.status} ${JSON.stringify(r.body?.error?.message ?? r.body).slice(0, 200)}` };
  return { ms, r };
}

async function one(db, elements) {
  const dbUrl =
    db === 'sqlite'
      ? `sqlite:${join(tempDir('bulwark-server-scale-'), 'bench.db')}`
      : (await scratchPostgres('bulwark_scale')).url;
  // A 100,000-element model with its threats is about 270 MB: over the default 64 MB limit.
  const server = await startServer(dbUrl, { timeoutMs: 60_000, args: ['--max-body', '1024'] });
  const base = server.url;
  const model = benchModel(modelShape(elements));
  const body = JSON.stringify(model);
  const out = { db, elements: model.diagrams[0].elements.length, uploadBytes: Buffer.byteLength(body) };
  const big = { timeoutMs: 600_000 };
  try {
    const created = await timed(201, 'create', () => request(base, '/api/models', { method: 'POST', body, ...big }));
    out.createMs = created.ms;
    if (created.refused) return { ...out, refused: created.refused };
    const id = created.r.body.id;
    const analysed = await timed(200, 'analyze', () =>
      request(base, `/api/models/${id}/analyze`, {
        method: 'POST',
        headers: { 'if-match': created.r.headers.get('etag') },
        ...big,
      }),
    );
    out.analyzeMs = analysed.ms;
    if (analysed.refused) return { ...out, refused: analysed.refused };
    const opens = [];
    const saves = [];
    const patches = [];
    let doc;
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now();
      const got = await fetch(`${base}/api/models/${id}`, { signal: AbortSignal.timeout(600_000) });
      const text = await got.text();
      opens.push(performance.now() - t0);
      if (got.status !== 200) return { ...out, refused: `open: ${got.status}` };
      out.documentBytes = Buffer.byteLength(text);
      doc = JSON.parse(text);
    }
    out.threats = (doc.model.threats ?? []).length;
    out.openMs = median(opens);
    let version = doc.version;
    for (let i = 0; i < runs; i++) {
      doc.model.metadata.description = `save ${i}`;
      const saved = await timed(200, 'save', () =>
        request(base, `/api/models/${id}`, {
          method: 'PUT',
          headers: { 'if-match': `"${version}"` },
          body: JSON.stringify(doc.model),
          ...big,
        }),
      );
      saves.push(saved.ms);
      if (saved.refused) {
        out.saveRefused = saved.refused;
        break;
      }
      version = saved.r.body.version;
    }
    if (!out.saveRefused) out.saveMs = median(saves);
    const threat = doc.model.threats?.[0]?.id;
    for (let i = 0; threat && i < runs; i++) {
      const patched = await timed(200, 'triage', () =>
        request(base, `/api/models/${id}/threats`, {
          method: 'PATCH',
          headers: { 'if-match': `"${version}"` },
          body: { threats: [{ id: threat, justification: `patch ${i}`, status: 'mitigated' }] },
          ...big,
        }),
      );
      patches.push(patched.ms);
      if (patched.refused) return { ...out, refused: patched.refused };
      version = patched.r.body.version;
    }
    out.patchMs = median(patches);
    await expectStatus(200, base, '/healthz');
    return out;
  } finally {
    out.serverPeakMb = server.peakRssMb();
    await server.stop();
  }
}

await runBounded(30 * 60_000, async () => {
  const results = [];
  for (const db of databases) for (const n of sizes) results.push(await one(db, n));
  const ms = (x) => (x === undefined ? '-' : `${Math.round(x).toLocaleString('en')} ms`);
  console.log(`Bulwark server, one client, model sizes on 'stride'; open/save/triage: median of ${runs}\n`);
  console.log(
    markdownTable(
      [
        'database',
        'elements',
        'threats',
        'document',
        'create',
        'analyze',
        'open (GET)',
        'save (PUT)',
        'triage (PATCH)',
        'server peak RSS',
      ],
      results.map((r) => [
        r.db,
        r.elements,
        r.threats ?? '-',
        r.documentBytes ? `${(r.documentBytes / 1048576).toFixed(1)} MB` : '-',
        ms(r.createMs),
        ms(r.analyzeMs),
        ms(r.openMs),
        r.saveRefused ? 'refused' : ms(r.saveMs),
        ms(r.patchMs),
        `${Math.round(r.serverPeakMb)} MB`,
      ]),
    ),
  );
  for (const r of results) {
    if (r.refused) console.log(`\n${r.db}, ${r.elements} elements: ${r.refused}`);
    if (r.saveRefused) console.log(`\n${r.db}, ${r.elements} elements: ${r.saveRefused}`);
  }
  if (values.json) writeFileSync(values.json, JSON.stringify(results, null, 2));
  return true;
});
