#!/usr/bin/env node
// One user cannot stall the others (issue 15.5): while user A runs the heaviest jobs on a large
// model, user B's light requests (GET /api/me, GET /api/models) must stay fast.
//
// Usage (after `npx tsc -b`; Chromium at /usr/bin/chromium or BULWARK_CHROMIUM for the PDF phase):
//   node bench/fairness.js [--elements 100000] [--pdf-elements 1000] [--databases sqlite,postgres]
//                          [--phases analyze,html,import,pdf] [--server-args "--workers 1"]
//                          [--quick] [--json file]
//
// It starts `bulwark serve --auth local` (team mode; a SQLite file in a temp dir, or a scratch
// PostgreSQL database), adds users alice (A) and bob (B) with API tokens, and A uploads a model of
// --elements elements (bench/synthetic.js, the generator behind bench/generate.js, on the built-in
// 'stride' template as bench/server-scale.js uses it) and one of --pdf-elements for the PDFs; the
// big model's Open Threat Model (OTM) export is written by `bulwark convert` for the import. Then
// B sends GET /api/me and GET /api/models one after the other, 20 ms apart, from a worker thread
// of this process, for the whole run, while A runs one phase after the other:
//   idle     - nothing (B's baseline)
//   analyze  - POST /api/models/:id/analyze of the big model (threats generated and saved)
//   html     - three GET /api/models/:id/export?format=html of the (analysed) big model at once
//   import   - POST /api/models of the big model's OTM file (another tool's format, as JSON)
//   pdf      - ten GET .../export?format=pdf of the PDF model at once (skipped without Chromium;
//              four with --quick)
// A answer of 429 or 503 (a limit) is retried after its Retry-After, as a client should; the
// table counts them. Per phase it prints A's answers and time, B's request count and latency
// percentiles (requests started in the phase), the server's peak resident memory, the peak of the
// server with its Chromium processes (summed Pss, sampled every 200 ms) and how many browsers ran.
// --quick: small models (2,000 elements, 100 for PDFs), to check that the benchmark works (the
// test suite runs it through bench/all.js); its figures mean little.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { machineLine } from './machine.js';
import { descendants, treePssMb } from './procMemory.js';
import {
  benchModel,
  expectStatus,
  markdownTable,
  percentile,
  root,
  runBounded,
  scratchPostgres,
  startServer,
  tempDir,
} from './server-common.js';
import { modelShape } from './synthetic.js';

const PHASES = ['analyze', 'html', 'import', 'pdf'];

if (!isMainThread) await lightClient(workerData);
else await main();

/** User B: light requests one after the other until told to stop; posts each one's timing. */
async function lightClient({ base, token, pauseMs }) {
  let stop = false;
  parentPort.on('message', (m) => {
    if (m === 'stop') stop = true;
  });
  const paths = ['/api/me', '/api/models'];
  for (let i = 0; !stop; i++) {
    const path = paths[i % paths.length];
    const at = Date.now();
    const t0 = performance.now();
    let status = 0;
    try {
      const r = await fetch(`${base}${path}`, {
        headers: { authorization: `Bearer ${token}` },
        signal: AbortSignal.timeout(300_000),
      });
      await r.arrayBuffer();
      status = r.status;
    } catch {
      status = -1;
    }
    parentPort.postMessage({ at, ms: performance.now() - t0, path, status });
    await new Promise((resolve) => setTimeout(resolve, pauseMs));
  }
  parentPort.postMessage('stopped');
}

async function main() {
  const { values } = parseArgs({
    options: {
      elements: { type: 'string' },
      'pdf-elements': { type: 'string' },
      databases: { type: 'string', default: 'sqlite' },
      phases: { type: 'string', default: PHASES.join(',') },
      'server-args': { type: 'string', default: '' },
      quick: { type: 'boolean', default: false },
      json: { type: 'string' },
    },
  });
  const elements = Number(values.elements ?? (values.quick ? 2000 : 100_000));
  const pdfElements = Number(values['pdf-elements'] ?? (values.quick ? 100 : 1000));
  const phases = values.phases.split(',').filter(Boolean);
  for (const p of phases) if (!PHASES.includes(p)) throw new Error(`Unknown phase "${p}": use ${PHASES.join(', ')}.`);
  const databases = values.databases.split(',').filter(Boolean);
  const serverArgs = values['server-args'].split(' ').filter(Boolean);
  const chromium = process.env.BULWARK_CHROMIUM ?? '/usr/bin/chromium';
  const skipped = [];
  if (phases.includes('pdf') && !existsSync(chromium))
    skipped.push(`pdf phase: no Chromium at ${chromium} (apt-get install chromium, or set BULWARK_CHROMIUM)`);

  await runBounded(60 * 60_000, async () => {
    const machineBefore = machineLine();
    const results = [];
    for (const db of databases) results.push(await run(db));
    const machineAfter = machineLine();
    print(results, machineBefore, machineAfter);
    if (values.json) writeFileSync(values.json, JSON.stringify({ results, skipped, machineBefore, machineAfter }));
    return true;
  });

  async function run(db) {
    const dir = tempDir('bulwark-fairness-');
    const dbUrl = db === 'sqlite' ? `sqlite:${join(dir, 'bench.db')}` : (await scratchPostgres('bulwark_fair')).url;
    // Users and their tokens, made with the CLI before the server starts (it migrates the database).
    const cli = (args, input) => {
      const r = spawnSync(process.execPath, [join(root, 'apps/cli/bin/bulwark.js'), ...args], {
        cwd: dir,
        input,
        encoding: 'utf8',
        env: { ...process.env, NO_COLOR: '1' },
      });
      if (r.status !== 0) throw new Error(`bulwark ${args.join(' ')} failed:\n${r.stdout}\n${r.stderr}`);
      return r.stdout.trim();
    };
    const tokens = {};
    for (const name of ['alice', 'bob']) {
      cli(['users', 'add', name, '--password-stdin', '--db', dbUrl], `fairness-bench-${Math.random()}\n`);
      // Write tokens (`--scope write`; a CLI from before token scopes has no such option).
      let token;
      try {
        token = cli(['tokens', 'create', name, 'bench', '--scope', 'write', '--db', dbUrl]);
      } catch (e) {
        if (!/unknown option/.test(String(e))) throw e;
        token = cli(['tokens', 'create', name, 'bench', '--db', dbUrl]);
      }
      tokens[name] = token.split('\n').at(-1);
    }
    const big = benchModel(modelShape(elements));
    writeFileSync(join(dir, 'big.bulwark.json'), JSON.stringify(big));
    cli(['convert', 'big.bulwark.json', '-o', 'big.otm', '--force']);
    const otm = readFileSync(join(dir, 'big.otm'), 'utf8');

    const server = await startServer(dbUrl, {
      timeoutMs: 60_000,
      args: ['--auth', 'local', '--max-body', '1024', ...serverArgs],
    });
    const base = server.url;
    const as = (who) => ({ authorization: `Bearer ${tokens[who]}` });
    const long = { timeoutMs: 1_800_000 };
    const bigId = (
      await expectStatus(201, base, '/api/models', { method: 'POST', headers: as('alice'), body: big, ...long })
    ).body.id;
    const pdfModel = benchModel(modelShape(pdfElements));
    pdfModel.metadata.name = `PDF model ${pdfElements}`;
    const pdfId = (
      await expectStatus(201, base, '/api/models', { method: 'POST', headers: as('alice'), body: pdfModel })
    ).body.id;
    await expectStatus(201, base, '/api/models', {
      method: 'POST',
      headers: as('bob'),
      body: benchModel(modelShape(30)),
    });

    // B runs for the whole benchmark.
    const samples = [];
    const b = new Worker(new URL(import.meta.url), { workerData: { base, token: tokens.bob, pauseMs: 20 } });
    const bStopped = new Promise((resolve) => {
      b.on('message', (m) => (m === 'stopped' ? resolve() : samples.push(m)));
      b.on('error', resolve);
    });

    const out = { db, elements, pdfElements, otmBytes: Buffer.byteLength(otm), phases: [] };
    const phase = async (name, jobs) => {
      const start = Date.now();
      let rssPeak = 0;
      let treePeak = 0;
      let browsers = 0;
      const sample = () => {
        rssPeak = Math.max(rssPeak, rssMb(server.pid));
        treePeak = Math.max(treePeak, treePssMb(process.pid));
        browsers = Math.max(browsers, browserCount(server.pid));
      };
      sample();
      const timer = setInterval(sample, 200);
      const t0 = performance.now();
      const answers = await Promise.all(jobs.map((job) => job()));
      const ms = performance.now() - t0;
      clearInterval(timer);
      sample();
      const end = Date.now();
      out.phases.push({ name, start, end, ms, answers, rssPeakMb: rssPeak, treePeakMb: treePeak, browsers });
      console.error(`  ${name}: ${Math.round(ms)} ms, answers ${answerText(answers)}`);
    };

    /** A's request, retried after Retry-After on 429/503; its final status, time and refusals. */
    const aJob =
      (path, options = {}) =>
      async () => {
        const t0 = performance.now();
        const refused = [];
        for (;;) {
          const r = await fetch(`${base}${path}`, {
            method: options.method ?? 'GET',
            headers: { ...as('alice'), ...(options.headers ?? {}) },
            body: options.body,
            signal: AbortSignal.timeout(1_800_000),
          });
          let bytes = 0;
          for await (const chunk of r.body) bytes += chunk.length;
          if ((r.status === 429 || r.status === 503) && performance.now() - t0 < 1_500_000) {
            refused.push(r.status);
            await new Promise((resolve) => setTimeout(resolve, 1000 * Number(r.headers.get('retry-after') ?? 1)));
            continue;
          }
          return { status: r.status, ms: performance.now() - t0, bytes, refused, etag: r.headers.get('etag') };
        }
      };

    try {
      await phase('idle', [
        () => new Promise((resolve) => setTimeout(() => resolve({ status: 0, ms: 0 }), values.quick ? 1000 : 3000)),
      ]);
      if (phases.includes('analyze'))
        await phase('analyze', [
          aJob(`/api/models/${bigId}/analyze`, { method: 'POST', headers: { 'if-match': '"1"' } }),
        ]);
      if (phases.includes('html'))
        await phase(
          'html',
          [1, 2, 3].map(() => aJob(`/api/models/${bigId}/export?format=html`)),
        );
      if (phases.includes('import'))
        await phase('import', [
          aJob('/api/models', { method: 'POST', headers: { 'content-type': 'application/json' }, body: otm }),
        ]);
      if (phases.includes('pdf') && existsSync(chromium))
        await phase(
          'pdf',
          Array.from({ length: values.quick ? 4 : 10 }, () => aJob(`/api/models/${pdfId}/export?format=pdf`)),
        );
    } finally {
      b.postMessage('stop');
      await bStopped;
      await b.terminate();
      out.serverPeakMb = server.peakRssMb();
      await server.stop();
    }
    for (const p of out.phases) {
      const mine = samples.filter((s) => s.at >= p.start && s.at < p.end);
      p.b = stats(mine);
    }
    out.b = stats(samples.filter((s) => s.at >= out.phases[0].start));
    return out;
  }

  function print(results, machineBefore, machineAfter) {
    const ms = (x) => (Number.isFinite(x) ? `${Math.round(x).toLocaleString('en')} ms` : '-');
    const mb = (x) => `${Math.round(x).toLocaleString('en')} MB`;
    console.log(
      `Fairness: user A's heavy jobs against user B's light requests (GET /api/me, GET /api/models, 20 ms apart)\n${machineBefore}\n${machineAfter}\n`,
    );
    for (const r of results) {
      console.log(
        `${r.db === 'sqlite' ? 'SQLite' : 'PostgreSQL'}; model of ${r.elements.toLocaleString('en')} elements (OTM ${(r.otmBytes / 1048576).toFixed(1)} MB), PDF model of ${r.pdfElements.toLocaleString('en')}; server peak RSS ${mb(r.serverPeakMb)}\n`,
      );
      const rows = r.phases.map((p) => [
        phaseLabel(p.name),
        p.name === 'idle' ? '-' : answerText(p.answers),
        p.name === 'idle' ? '-' : ms(p.ms),
        p.b.count,
        ms(p.b.p50),
        ms(p.b.p95),
        ms(p.b.p99),
        ms(p.b.max),
        mb(p.rssPeakMb),
        mb(p.treePeakMb),
        p.browsers,
      ]);
      rows.push(['whole run', '', '', r.b.count, ms(r.b.p50), ms(r.b.p95), ms(r.b.p99), ms(r.b.max), '', '', '']);
      console.log(
        markdownTable(
          [
            "user A's jobs",
            "A's answers",
            "A's time",
            'B requests',
            'B p50',
            'B p95',
            'B p99',
            'B max',
            'server RSS peak',
            'with browsers (Pss)',
            'browsers',
          ],
          rows,
        ),
      );
      if (r.b.failed > 0) console.log(`\nB's requests that failed: ${r.b.failed}`);
      console.log('');
    }
    if (skipped.length > 0) console.log(`Skipped:\n${skipped.map((s) => `- ${s}`).join('\n')}`);
  }
}

function phaseLabel(name) {
  return {
    idle: 'nothing (baseline)',
    analyze: 'analyze the big model',
    html: '3 HTML exports at once',
    import: 'import the OTM file',
    pdf: 'PDF exports at once (10; 4 with --quick)',
  }[name];
}

/** Statuses of A's answers, e.g. "3x200 (1x429 retried)". */
function answerText(answers) {
  const count = (list) => {
    const by = new Map();
    for (const s of list) by.set(s, (by.get(s) ?? 0) + 1);
    return [...by].map(([s, n]) => `${n}x${s}`).join(' ');
  };
  const refused = answers.flatMap((a) => a.refused ?? []);
  return `${count(answers.map((a) => a.status))}${refused.length > 0 ? ` (${count(refused)} retried)` : ''}`;
}

function stats(samples) {
  const ok = samples.filter((s) => s.status === 200);
  const ms = ok.map((s) => s.ms);
  return {
    count: samples.length,
    failed: samples.length - ok.length,
    p50: percentile(ms, 50),
    p95: percentile(ms, 95),
    p99: percentile(ms, 99),
    max: ms.length > 0 ? Math.max(...ms) : Number.NaN,
  };
}

/** Resident memory of a process now, in MB. */
function rssMb(pid) {
  try {
    return Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;
  } catch {
    return 0;
  }
}

/** Browser processes (Chromium's main process, not its helpers) below `pid`. */
function browserCount(pid) {
  let n = 0;
  for (const p of safe(() => descendants(pid), [])) {
    const cmd = safe(() => readFileSync(`/proc/${p}/cmdline`, 'utf8'), '');
    if (/chrom/i.test(cmd.split('\0')[0] ?? '') && !cmd.includes('--type=')) n++;
  }
  return n;
}

function safe(fn, fallback) {
  try {
    return fn();
  } catch {
    return fallback;
  }
}
