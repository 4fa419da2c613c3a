#!/usr/bin/env node
// Every benchmark in one table: `npm run bench` (after `npm ci`, which builds).
//
//   node bench/all.js [--sizes 1000,10000,100000] [--runs 3] [--only analyze,tm7,report,svg,server,load,editor,pytm]
//                     [--editor-sizes 1000,10000] [--quick] [--json file] [--keep]
//
// For each size it generates a synthetic model (bench/generate.js: a third shapes, two flows per
// shape, a box boundary per 100 shapes; the "synthetic" template of 100 threat types, about five
// threats per interaction) and measures, each in fresh processes so peak memory is that step's
// own:
//   analyze - `bulwark analyze` end to end (read, validate, analyse, print the JSON result)
//   tm7     - `bulwark convert` to a .tm7 (knowledge base embedded) and from it back to Bulwark JSON
//   report  - `bulwark report -o report.html` end to end
//   svg     - `bulwark render` of a model without positions (elkjs auto-layout, then SVG) and of one
//             with positions (SVG only)
//   server  - `bulwark serve` on SQLite and on PostgreSQL: create, analyse on the server, open
//             (GET), save (PUT), triage one threat (PATCH) (bench/server-scale.js)
//   load    - 100 concurrent clients on a 500-element model, reads and writes (bench/server.js)
//   fairness - one user's light requests while another runs the heaviest jobs on the largest
//             model: analyse, 3 HTML exports, an OTM import, 10 PDFs (bench/fairness.js)
//   editor  - the web editor in Chromium: open, pan and zoom frame times (bench/web.js)
//   pytm    - `bulwark analyze` on 5,000 assets and 5,000 flows, against OWASP pytm's ~11 s, 270 MB
// Time is the median of --runs (wall clock, process start to exit for CLI rows); memory is the
// peak RSS of the process that did the work (server: the server's; editor: the browser's
// processes together). Each row says the command that produced it, run in the benchmark's
// temporary directory (kept with --keep). --quick: small sizes and one run, to check that every
// step works (the test suite runs it); its figures mean little.
// PostgreSQL rows need PostgreSQL at 127.0.0.1:5432 (user postgres, trust auth), editor rows
// Chromium (/usr/bin/chromium or BULWARK_CHROMIUM); without them those rows are skipped with the
// reason printed.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { cliRun } from './cliRun.js';
import { machineLine } from './machine.js';

const here = new URL('.', import.meta.url).pathname;
const root = join(here, '..');
const STEPS = ['analyze', 'tm7', 'report', 'svg', 'server', 'load', 'fairness', 'editor', 'pytm'];

const { values } = parseArgs({
  options: {
    sizes: { type: 'string' },
    runs: { type: 'string' },
    only: { type: 'string' },
    'editor-sizes': { type: 'string' },
    quick: { type: 'boolean', default: false },
    json: { type: 'string' },
    keep: { type: 'boolean', default: false },
  },
});
const quick = values.quick;
const list = (s) => s.split(',').filter(Boolean).map(Number);
const sizes = list(values.sizes ?? (quick ? '300' : '1000,10000,100000'));
const runs = Number(values.runs ?? (quick ? '1' : '3'));
// (The editor journey needs a model big enough to have shapes in view after its pan: 1,000 at least.)
const editorSizes = list(values['editor-sizes'] ?? (quick ? '1000' : '1000,10000'));
const only = new Set((values.only ?? STEPS.join(',')).split(',').filter(Boolean));
for (const s of only) if (!STEPS.includes(s)) usage(`unknown step "${s}": the steps are ${STEPS.join(', ')}`);
for (const n of [...sizes, ...editorSizes, runs])
  if (!Number.isInteger(n) || n < 1) usage('sizes and runs are whole numbers of at least 1');

function usage(problem) {
  console.error(`bench/all.js: ${problem}`);
  process.exit(2);
}

for (const built of ['apps/cli/dist/main.js', 'apps/server/dist/index.js'])
  if (!existsSync(join(root, built))) usage(`${built} is missing: build first (npm ci, or npm run build)`);

const label = (n) => (n >= 1000 && n % 1000 === 0 ? `${n / 1000}k` : String(n));
const dir = mkdtempSync(join(tmpdir(), 'bulwark-bench-all-'));
const started = performance.now();
const rows = [];
const skipped = [];

/** A table row: what was measured, on which model, the figures, and the command. */
function row(step, model, ms, peakMb, command, extra = {}) {
  rows.push({ step, model, ms, peakMb, command, ...extra });
  const time = typeof ms === 'number' ? `${Math.round(ms)} ms` : ms;
  console.error(`  ${step} · ${model}: ${time}, ${Math.round(peakMb)} MB`);
}

/** Runs a Node script of this folder; its figures come back through a JSON file. */
function script(name, args) {
  const out = join(dir, `${name}-${Math.random().toString(36).slice(2, 8)}.json`);
  const r = spawnSync(process.execPath, [join(here, name), ...args, '--json', out], {
    cwd: root,
    encoding: 'utf8',
    maxBuffer: 1 << 26,
  });
  if (r.status !== 0 || !existsSync(out))
    throw new Error(`node bench/${name} ${args.join(' ')} failed (${r.signal ?? r.status}):\n${r.stdout}\n${r.stderr}`);
  return JSON.parse(readFileSync(out, 'utf8'));
}

/** The real CLI in the benchmark directory; the command as a user would type it. */
function bulwark(args, { discardStdout = false } = {}) {
  const r = cliRun(args, { cwd: dir, runs, discardStdout, longMs: 20_000 });
  return { ...r, command: `bulwark ${args.join(' ')}${discardStdout ? ' > /dev/null' : ''}` };
}

function generate(args) {
  const r = spawnSync(process.execPath, [join(here, 'generate.js'), ...args], { cwd: dir, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`bench/generate.js ${args.join(' ')} failed:\n${r.stderr}`);
  return `node bench/generate.js ${args.join(' ')}`;
}

async function postgresReachable() {
  const { default: pg } = await import('pg');
  const client = new pg.Client({
    connectionString: 'postgres://postgres@127.0.0.1:5432/test',
    connectionTimeoutMillis: 3000,
  });
  try {
    await client.connect();
    await client.end();
    return true;
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}

const machineBefore = machineLine();
console.error(`Benchmarking in ${dir} (sizes ${sizes.map(label).join(', ')}, ${runs} run(s) each)…`);
const generated = [generate(['--template-out', 'template.json'])];
const model = (n) => `m${label(n)}.bulwark.json`;
for (const n of sizes) {
  if (['analyze', 'tm7', 'report', 'svg'].some((s) => only.has(s)))
    generated.push(generate(['--elements', String(n), '-o', model(n)]));
  if (only.has('svg'))
    generated.push(generate(['--elements', String(n), '--layout', 'none', '-o', `code${label(n)}.bulwark.json`]));
}

const mb = (file) => `${(statSync(join(dir, file)).size / 1048576).toFixed(1)} MB`;
const modelLabel = (n) => `${label(n)} elements`;

for (const n of sizes) {
  const m = model(n);
  if (only.has('analyze')) {
    const r = bulwark(['analyze', m, '-t', 'template.json', '--format', 'json'], { discardStdout: true });
    row('analyze', modelLabel(n), r.ms, r.maxRssMb, r.command, { runs: r.runs, size: n, bytes: mb(m) });
  }
  if (only.has('tm7')) {
    const out = bulwark(['convert', m, '-t', 'template.json', '-o', `m${label(n)}.tm7`, '--force']);
    row('.tm7 export', modelLabel(n), out.ms, out.maxRssMb, out.command, {
      runs: out.runs,
      size: n,
      bytes: mb(`m${label(n)}.tm7`),
    });
    const back = bulwark(['convert', `m${label(n)}.tm7`, '-o', `from-tm7-${label(n)}.bulwark.json`, '--force']);
    row('.tm7 import', modelLabel(n), back.ms, back.maxRssMb, back.command, { runs: back.runs, size: n });
  }
  if (only.has('report')) {
    const r = bulwark(['report', m, '-t', 'template.json', '-o', `report${label(n)}.html`]);
    row('HTML report', modelLabel(n), r.ms, r.maxRssMb, r.command, {
      runs: r.runs,
      size: n,
      bytes: mb(`report${label(n)}.html`),
    });
  }
  if (only.has('svg')) {
    const code = `code${label(n)}.bulwark.json`;
    const laid = bulwark(['render', code, '-o', `code${label(n)}.svg`]);
    row('SVG, auto-layout (elkjs) + draw', modelLabel(n), laid.ms, laid.maxRssMb, laid.command, {
      runs: laid.runs,
      size: n,
    });
    const drawn = bulwark(['render', m, '-o', `m${label(n)}.svg`]);
    row('SVG, positions given (draw only)', modelLabel(n), drawn.ms, drawn.maxRssMb, drawn.command, {
      runs: drawn.runs,
      size: n,
    });
  }
}

if (only.has('server') || only.has('load')) {
  const pgState = await postgresReachable();
  const databases = pgState === true ? ['sqlite', 'postgres'] : ['sqlite'];
  if (pgState !== true) skipped.push(`PostgreSQL rows: cannot reach 127.0.0.1:5432 (${pgState})`);
  if (only.has('server')) {
    const args = [
      '--databases',
      databases.join(','),
      '--elements',
      sizes.join(','),
      '--runs',
      String(Math.max(3, runs)),
    ];
    const results = script('server-scale.js', args);
    const command = `node bench/server-scale.js ${args.join(' ')}`;
    for (const r of results) {
      const db = r.db === 'sqlite' ? 'SQLite' : 'PostgreSQL';
      const m = `${label(r.elements)} elements, ${r.threats ?? '?'} threats`;
      const add = (what, ms) =>
        row(`server (${db}): ${what}`, m, ms ?? (r.refused ? 'failed' : '-'), r.serverPeakMb, command, {
          size: r.elements,
        });
      add('create (POST)', r.createMs);
      add('analyze on the server', r.analyzeMs);
      add('open (GET)', r.openMs);
      add('save (PUT)', r.saveRefused ? `refused (${r.saveRefused.split(' ')[1]})` : r.saveMs);
      add('triage one threat (PATCH)', r.patchMs);
      if (r.refused) skipped.push(`server (${db}), ${r.elements} elements: ${r.refused}`);
    }
  }
  if (only.has('load')) {
    const args = ['--databases', databases.join(','), '--duration', quick ? '2' : '10'];
    const command = `node bench/server.js ${args.join(' ')}`;
    for (const r of script('server.js', args)) {
      const db = r.db === 'sqlite' ? 'SQLite' : 'PostgreSQL';
      row(
        `server (${db}): load, ${r.connections} clients, 70% GET / 30% writes`,
        `${r.elements} elements`,
        `${Math.round(r.requestsPerSec)} req/s, p50 ${Math.round(r.p50Ms)} ms, p99 ${Math.round(r.p99Ms)} ms`,
        r.serverPeakMb,
        command,
        { requestsPerSec: r.requestsPerSec, p50Ms: r.p50Ms, p99Ms: r.p99Ms, ok: r.ok },
      );
      if (!r.ok) throw new Error(`the load on ${db} lost acknowledged writes: see node bench/server.js`);
    }
  }
}

if (only.has('fairness')) {
  const args = quick ? ['--quick'] : ['--elements', String(Math.max(...sizes))];
  const command = `node bench/fairness.js ${args.join(' ')}`;
  const { results, skipped: notRun } = script('fairness.js', args);
  skipped.push(...notRun.map((s) => `fairness: ${s}`));
  for (const r of results)
    for (const p of r.phases) {
      const a = p.name === 'idle' ? '' : `; A's jobs ${Math.round(p.ms).toLocaleString('en')} ms`;
      row(
        `fairness: B's GET /api/me + /api/models while A runs ${p.name}`,
        `${label(r.elements)} elements`,
        `B p99 ${Math.round(p.b.p99)} ms (p50 ${Math.round(p.b.p50)}, max ${Math.round(p.b.max)})${a}`,
        p.rssPeakMb,
        command,
        { b: p.b, aMs: p.ms },
      );
    }
}

if (only.has('editor')) {
  const chromium = process.env.BULWARK_CHROMIUM ?? '/usr/bin/chromium';
  if (!existsSync(chromium)) skipped.push(`editor rows: no Chromium at ${chromium} (apt-get install chromium)`);
  else
    for (const n of editorSizes) {
      const args = ['--elements', String(n), '--runs', String(runs)];
      const command = `node bench/web.js ${args.join(' ')}`;
      const r = script('web.js', args);
      const m = `${label(n)} elements, ${r.threats} threats`;
      row('editor: open (navigate -> diagram and threats shown)', m, r.openMs, r.browserPeakMb, command, { size: n });
      const frames = (s) =>
        `p50 ${s.p50.toFixed(0)} ms, p95 ${s.p95.toFixed(0)} ms, ${s.over50} of ${s.frames} over 50 ms`;
      row('editor: pan, frame times', m, frames(r.pan), r.browserPeakMb, command, { size: n, frames: r.pan });
      row('editor: zoom, frame times', m, frames(r.zoom), r.browserPeakMb, command, { size: n, frames: r.zoom });
      row('editor: edit (arrow key -> re-analysed, painted)', m, r.editMedianMs, r.browserPeakMb, command, { size: n });
    }
}

if (only.has('pytm')) {
  const shapes = quick ? 300 : 5000;
  generated.push(generate(['--shapes', String(shapes), '--flows', String(shapes), '-o', 'pytm-size.bulwark.json']));
  const r = bulwark(['analyze', 'pytm-size.bulwark.json', '-t', 'template.json', '--format', 'json'], {
    discardStdout: true,
  });
  row('analyze, pytm-sized model', `${shapes} assets, ${shapes} flows`, r.ms, r.maxRssMb, r.command, {
    runs: r.runs,
    versusPytm: { ms: 11_000, mb: 270 },
  });
}

const machineAfter = machineLine();
const cell = (x, n) =>
  typeof x === 'number'
    ? `${Math.round(x).toLocaleString('en')} ms${n !== undefined && n < runs ? ` (${n} run)` : ''}`
    : x;
const table = [
  ['step', 'model', 'time', 'peak memory', 'command'],
  ...rows.map((r) => [
    r.step,
    r.model,
    cell(r.ms),
    `${Math.round(r.peakMb).toLocaleString('en')} MB`,
    `\`${r.command}\``,
  ]),
];
const widths = table[0].map((_, i) => Math.max(...table.map((r) => r[i].length)));
const line = (cells) =>
  `| ${cells.map((c, i) => (i === 2 || i === 3 ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join(' | ')} |`;
const printed = [
  `Bulwark benchmarks: ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GB, Node ${process.version}, load average ${loadavg()[0].toFixed(1)} at the end; ${runs} run(s) per figure (median); took ${Math.round((performance.now() - started) / 1000)} s`,
  `Before: ${machineBefore}`,
  `After:  ${machineAfter}`,
  `Models: ${generated.join('; ')} (in ${dir}${values.keep ? '' : ', removed afterwards'})`,
  '',
  line(table[0]),
  `|${widths.map((w, i) => (i === 2 || i === 3 ? `${'-'.repeat(w + 1)}:` : '-'.repeat(w + 2))).join('|')}|`,
  ...table.slice(1).map(line),
];
const pytm = rows.find((r) => r.versusPytm);
if (pytm && !quick)
  printed.push(
    '',
    `pytm (OWASP) takes about 11 s and 270 MB for 5,000 assets and 5,000 flows; bulwark analyze took ${(pytm.ms / 1000).toFixed(2)} s and ${Math.round(pytm.peakMb)} MB: ${(11_000 / pytm.ms).toFixed(1)}x faster.`,
  );
if (skipped.length > 0) printed.push('', 'Skipped or refused:', ...skipped.map((s) => `- ${s}`));
console.log(printed.join('\n'));
if (values.json) writeFileSync(values.json, JSON.stringify({ rows, skipped, machineBefore, machineAfter }, null, 2));
if (!values.keep) rmSync(dir, { recursive: true, force: true });
