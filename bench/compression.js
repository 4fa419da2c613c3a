#!/usr/bin/env node
// What answering compressed costs the server: GET /api/models/:id of a large model (about 10 MB of
// JSON by default) with Accept-Encoding identity, gzip and br, while a second client asks
// GET /api/me every 10 ms (its slowest answer shows how long the event loop was held).
// Run after `npm run build`:  node bench/compression.js [--elements 4000] [--runs 5]
// Each row: median time to the last byte, bytes on the wire, the server's CPU time per GET (all
// threads), and the slowest /api/me answer during a GET (median over the GETs).
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { machineLine } from './machine.js';
import { benchModel, expectStatus, runBounded, startServer, tempDir } from './server-common.js';
import { modelShape } from './synthetic.js';

const { values } = parseArgs({
  options: { elements: { type: 'string', default: '4000' }, runs: { type: 'string', default: '5' } },
});
const runs = Number(values.runs);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** A GET with exactly the given Accept-Encoding; resolves with the bytes received and the time. */
function get(url, encoding) {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const req = httpRequest(url, { headers: { 'accept-encoding': encoding } }, (res) => {
      let bytes = 0;
      res.on('data', (chunk) => {
        bytes += chunk.length;
      });
      res.on('end', () =>
        resolve({
          status: res.statusCode,
          encoding: res.headers['content-encoding'] ?? 'identity',
          bytes,
          ms: performance.now() - t0,
        }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

await runBounded(20 * 60_000, async () => {
  console.log(machineLine());
  const server = await startServer(`sqlite:${join(tempDir('bulwark-compression-'), 'bench.db')}`, {
    args: ['--max-body', '1024'],
  });
  const base = server.url;
  const model = benchModel(modelShape(Number(values.elements)));
  const created = await expectStatus(201, base, '/api/models', { method: 'POST', body: model, timeoutMs: 600_000 });
  const id = created.body.id;
  await expectStatus(200, base, `/api/models/${id}/analyze`, {
    method: 'POST',
    headers: { 'if-match': created.headers.get('etag') },
    timeoutMs: 600_000,
  });
  const rows = [];
  for (const encoding of ['identity', 'gzip', 'br']) {
    const times = [];
    const cpu = [];
    let last;
    const slowestPings = [];
    for (let i = 0; i < runs + 1; i++) {
      let pinging = true;
      let slowest = 0;
      const pings = (async () => {
        while (pinging) {
          const p = await get(`${base}/api/me`, 'identity');
          slowest = Math.max(slowest, p.ms);
          await new Promise((r) => setTimeout(r, 10));
        }
      })();
      const cpu0 = server.cpuSeconds();
      last = await get(`${base}/api/models/${id}`, encoding);
      const cpu1 = server.cpuSeconds();
      pinging = false;
      await pings;
      if (last.status !== 200) throw new Error(`GET answered ${last.status}`);
      if (i === 0) continue; // the first GET warms up
      times.push(last.ms);
      slowestPings.push(slowest);
      cpu.push((cpu1 - cpu0) * 1000);
    }
    rows.push({
      encoding: last.encoding,
      asked: encoding,
      ms: median(times),
      bytes: last.bytes,
      cpuMs: median(cpu),
      slowestPing: median(slowestPings),
    });
  }
  console.log(
    `\nGET /api/models/:id, ${model.diagrams[0].elements.length} elements with their threats, ${runs} runs (median)\n`,
  );
  console.log(
    '| Accept-Encoding | answered | time to last byte | bytes on the wire | server CPU | slowest /api/me meanwhile |',
  );
  console.log('|---|---|---:|---:|---:|---:|');
  for (const r of rows)
    console.log(
      `| ${r.asked} | ${r.encoding} | ${Math.round(r.ms)} ms | ${(r.bytes / 1e6).toFixed(2)} MB | ${Math.round(r.cpuMs)} ms | ${Math.round(r.slowestPing)} ms |`,
    );
  console.log(machineLine());
  return true;
});
