#!/usr/bin/env node
// .tm7 (Microsoft Threat Modeling Tool model) import / analyze / export benchmark.
//
// Usage, after a build (`npx tsc -b` at the repository root):
//   node bench/tm7.js [--runs 3] [--large-runs 1] [--sizes 1000,5000,10000] [--seed 1] [--parts] [--keep]
//
// Files measured:
// - the largest .tm7 in the corpus (by bytes), read from ../shared/corpus/tmt when it exists
//   (third-party files: read in place, never copied into the repository);
// - synthetic models of N = 1,000, 5,000 and 10,000 stencils (bench/tm7-synthetic.js: about
//   N / 25 box boundaries and 2N connectors, the real SDL "Core" knowledge base embedded, cut
//   out of a corpus file; without the corpus, the small KB of packages/formats/fixtures/minimal.tm7,
//   and the output says so), written to a temporary directory (kept with --keep);
// - the largest .tb7 in the corpus, imported with importTb7.
//
// Every figure comes from fresh child processes (bench/tm7-worker.js), so timings include JIT
// warm-up, as a CLI run pays it, and peak RSS (resourceUsage().maxRSS) is that process's own:
// - steps: importTm7, then resolveTemplate (of the embedded KB) + analyze, then exportTm7 of the
//   analysed model (only when @bulwark/formats exports one; else "n/a (no exporter yet)"), all
//   in one process, whose peak RSS is the "steps RSS" column;
// - CLI: `bulwark analyze <file> --format json > /dev/null` end to end (read, import, validate,
//   analyze, print), through a wrapper that calls apps/cli/dist/main.js's run(): wall time of
//   the whole process, including Node's start-up, and its peak RSS.
// Times are medians of --runs runs (--large-runs for files of 5,000 stencils or more, to keep
// the whole benchmark to a few minutes on 2 cores); peak RSS is the largest seen.
// --parts adds a second table: the SAX scan alone, the XML tree (parseXml), and the heap the
// tree and the imported model retain (one process per file, run with --expose-gc).
import { spawnSync } from 'node:child_process';
import {
  closeSync,
  existsSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { basename, join } from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '3' },
    'large-runs': { type: 'string', default: '1' },
    sizes: { type: 'string', default: '1000,5000,10000' },
    seed: { type: 'string', default: '1' },
    parts: { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false },
  },
});
const runs = Math.max(1, Number(values.runs));
const largeRuns = Math.max(1, Math.min(runs, Number(values['large-runs'])));
const sizes = values.sizes
  .split(',')
  .map((s) => Number(s.trim()))
  .filter((n) => n > 0);
const seed = Number(values.seed);

const here = new URL('.', import.meta.url).pathname;
const root = join(here, '..');
for (const built of ['packages/core/dist/index.js', 'packages/formats/dist/index.js', 'apps/cli/dist/main.js'])
  if (!existsSync(join(root, built))) {
    console.error(`${built} is missing: build first (cd ${root} && npx tsc -b).`);
    process.exit(2);
  }
// Imported after the build check, so that a missing build gets the message above.
const formats = await import('@bulwark/formats');
const { defaultKnowledgeBase, syntheticTm7 } = await import('./tm7-synthetic.js');
const hasExporter = typeof formats.exportTm7 === 'function';

const bench0 = performance.now();
const dir = mkdtempSync(join(tmpdir(), 'bulwark-tm7-bench-'));
const corpus = join(root, '..', 'shared', 'corpus', 'tmt');

/** The largest file of this extension whose content starts as `prefix` says (skips ZIP/YAML fakes). */
function largest(ext, looksRight) {
  if (!existsSync(corpus)) return undefined;
  const files = readdirSync(corpus)
    .filter((f) => f.toLowerCase().endsWith(ext))
    .map((f) => ({ path: join(corpus, f), bytes: statSync(join(corpus, f)).size }))
    .sort((a, b) => b.bytes - a.bytes);
  for (const f of files) {
    const fd = openSync(f.path, 'r');
    const head = Buffer.alloc(400);
    readSync(fd, head, 0, 400, 0);
    closeSync(fd);
    if (looksRight(head.toString('utf8'))) return f.path;
  }
  return undefined;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function worker(mode, args, nodeFlags = []) {
  const r = spawnSync(process.execPath, [...nodeFlags, join(here, 'tm7-worker.js'), mode, ...args], {
    encoding: 'utf8',
    maxBuffer: 1 << 24,
    cwd: root,
  });
  if (r.status !== 0) throw new Error(`tm7-worker ${mode} ${args.join(' ')} failed:\n${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop());
}

/** `bulwark analyze <file> --format json > /dev/null`: wall time and the child's peak RSS. */
function cli(file, n) {
  const times = [];
  let peak = 0;
  for (let i = 0; i < n; i++) {
    const devNull = openSync('/dev/null', 'w');
    const t0 = performance.now();
    const r = spawnSync(process.execPath, [join(here, 'tm7-worker.js'), 'cli', 'analyze', file, '--format', 'json'], {
      encoding: 'utf8',
      stdio: ['ignore', devNull, 'pipe'],
      maxBuffer: 1 << 24,
      cwd: dir,
    });
    times.push(performance.now() - t0);
    closeSync(devNull);
    const tail = (r.stderr ?? '').split('@@');
    const stats = tail.length > 1 ? JSON.parse(tail.pop()) : { code: r.status ?? 'killed' };
    if (stats.code !== 0) throw new Error(`bulwark analyze ${file} exited ${stats.code}:\n${r.stderr}`);
    peak = Math.max(peak, stats.maxRssMb);
  }
  return { ms: median(times), maxRssMb: peak };
}

function measure(label, file, n) {
  const steps = Array.from({ length: n }, () => worker('steps', [file]));
  const pick = (k) => (steps[0][k] === null ? null : median(steps.map((s) => s[k])));
  const row = {
    label,
    file,
    ...steps[0],
    importMs: pick('importMs'),
    analyzeMs: pick('analyzeMs'),
    exportMs: pick('exportMs'),
    stepsRssMb: Math.max(...steps.map((s) => s.maxRssMb)),
    runs: n,
  };
  const c = cli(file, n);
  row.cliMs = c.ms;
  row.cliRssMb = c.maxRssMb;
  if (values.parts) row.parts = worker('parts', [file], ['--expose-gc']);
  process.stderr.write(`  measured ${label}\n`);
  return row;
}

// --- the files ---------------------------------------------------------------------------------
const kb = defaultKnowledgeBase(root);
const rows = [];
const largestTm7 = largest('.tm7', (head) => /^\s*(\uFEFF)?<ThreatModel[\s>]/.test(head));
const largestTb7 = largest('.tb7', (head) => /^\s*(\uFEFF)?(<\?xml[^>]*\?>\s*)?<KnowledgeBase[\s>]/.test(head));
const generated = [];
process.stderr.write(`tm7 benchmark: temporary files in ${dir}\n`);
if (largestTm7) rows.push(measure(`corpus: ${basename(largestTm7)}`, largestTm7, runs));
for (const n of sizes) {
  const t0 = performance.now();
  const text = syntheticTm7({ stencils: n, seed, knowledgeBaseXml: kb.xml });
  const file = join(dir, `synthetic-${n}.tm7`);
  writeFileSync(file, text);
  generated.push({ n, ms: performance.now() - t0, mb: Buffer.byteLength(text) / 1048576, ...syntheticTm7.last });
  rows.push(measure(`synthetic N = ${n.toLocaleString('en-US')}`, file, n >= 5000 ? largeRuns : runs));
}
const tb7 = largestTb7
  ? (() => {
      const r = Array.from({ length: runs }, () => worker('tb7', [largestTb7]));
      return { ...r[0], importMs: median(r.map((x) => x.importMs)), maxRssMb: Math.max(...r.map((x) => x.maxRssMb)) };
    })()
  : undefined;
if (!values.keep) rmSync(dir, { recursive: true, force: true });

// --- the report --------------------------------------------------------------------------------
const ms = (x) => (x === null || x === undefined ? '' : `${Math.round(x).toLocaleString('en-US')}`);
const int = (x) => x.toLocaleString('en-US');
const mbs = (bytes) => (bytes / 1048576).toFixed(1);
console.log('# .tm7 import / analyze / export benchmark');
console.log('');
console.log(
  `${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GB RAM, Node ${process.version}; ` +
    `median of ${runs} run(s), ${largeRuns} for N >= 5,000; every figure from fresh processes; ` +
    `the benchmark took ${((performance.now() - bench0) / 1000).toFixed(0)} s.`,
);
console.log(`Synthetic knowledge base: ${kb.source}${kb.real ? ' (the real SDL "Core" knowledge base)' : ''}.`);
if (!largestTm7) console.log('No corpus (../shared/corpus/tmt is absent): the corpus rows are left out.');
for (const g of generated)
  console.log(
    `Synthetic N = ${int(g.n)}: ${int(g.stencils)} stencils, ${int(g.boundaries)} box boundaries, ${int(g.connectors)} connectors, ${g.mb.toFixed(1)} MB, generated in ${ms(g.ms)} ms.`,
  );
console.log(`Export: ${hasExporter ? 'exportTm7 of the analysed model (with its threats)' : 'n/a (no exporter yet)'}.`);
console.log('');
const header = [
  'file',
  'size (MB)',
  'stencils',
  'connectors',
  'threats generated',
  'import ms',
  'analyze ms',
  'export ms',
  'CLI end-to-end ms',
  'peak RSS MB (steps / CLI)',
];
const table = rows.map((r) => [
  r.label,
  mbs(r.bytes),
  int(r.stencils),
  int(r.connectors),
  int(r.threatsGenerated),
  ms(r.importMs),
  ms(r.analyzeMs),
  hasExporter ? ms(r.exportMs) : 'n/a (no exporter yet)',
  ms(r.cliMs),
  `${Math.round(r.stepsRssMb)} / ${Math.round(r.cliRssMb)}`,
]);
if (tb7)
  table.push([
    `corpus .tb7: ${basename(largestTb7)} (importTb7)`,
    mbs(tb7.bytes),
    '',
    '',
    '',
    ms(tb7.importMs),
    '',
    '',
    '',
    `${Math.round(tb7.maxRssMb)} / -`,
  ]);
const right = new Set([1, 2, 3, 4, 5, 6, 7, 8, 9]);
const widths = header.map((h, i) => Math.max(h.length, ...table.map((r) => r[i].length)));
const line = (cells) =>
  `| ${cells.map((c, i) => (right.has(i) ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join(' | ')} |`;
console.log(line(header));
console.log(`|${widths.map((w, i) => (right.has(i) ? `${'-'.repeat(w + 1)}:` : '-'.repeat(w + 2))).join('|')}|`);
for (const r of table) console.log(line(r));
console.log('');
if (tb7)
  console.log(
    `The .tb7 row: ${basename(largestTb7)}, ${tb7.elementTypes} element types, ${tb7.threatTypes} threat types; import = importTb7(text).`,
  );
console.log(
  'import = importTm7(text) (XML parse, knowledge base to template, model); analyze = resolveTemplate(embedded KB) + analyze(); ' +
    'CLI = `bulwark analyze <file> --format json > /dev/null`, whole process; steps RSS = one process doing import + analyze (+ export).',
);

// Targets.
console.log('');
console.log('Targets:');
const corpusRow = rows.find((r) => r.file === largestTm7);
const n5000 = rows.find((r) => r.label === 'synthetic N = 5,000');
const verdict = (ok) => (ok ? 'met' : 'MISSED');
if (corpusRow)
  console.log(
    `- the largest corpus file imports in under 300 ms: ${ms(corpusRow.importMs)} ms, ${verdict(corpusRow.importMs < 300)}`,
  );
else console.log('- the largest corpus file imports in under 300 ms: not measured (no corpus)');
if (n5000)
  console.log(
    `- N = 5,000 imports and analyses end to end (\`bulwark analyze file.tm7\`) in under 3 s with peak memory under 1.5 GB: ` +
      `${ms(n5000.cliMs)} ms (${verdict(n5000.cliMs < 3000)}), ${Math.round(n5000.cliRssMb)} MB (${verdict(n5000.cliRssMb < 1536)})`,
  );
else console.log('- N = 5,000 end to end under 3 s and 1.5 GB: not measured (add 5000 to --sizes)');

if (values.parts) {
  console.log('');
  console.log('Where the import goes (one process per file, each step once, in this order, GC forced between):');
  console.log('');
  const ph = [
    'file',
    'SAX scan only ms',
    'parseXml (tree) ms',
    'XML nodes',
    'tree heap MB',
    'importTm7 (warm) ms',
    'model heap MB',
    'peak RSS MB',
  ];
  const pt = rows.map((r) => [
    r.label,
    ms(r.parts.saxMs),
    ms(r.parts.treeMs),
    int(r.parts.nodes),
    Math.round(r.parts.treeHeapMb).toString(),
    ms(r.parts.importMs),
    r.parts.modelHeapMb < 1 ? '<1' : Math.round(r.parts.modelHeapMb).toString(),
    Math.round(r.parts.maxRssMb).toString(),
  ]);
  const pw = ph.map((h, i) => Math.max(h.length, ...pt.map((r) => r[i].length)));
  const pl = (cells) => `| ${cells.map((c, i) => (i > 0 ? c.padStart(pw[i]) : c.padEnd(pw[i]))).join(' | ')} |`;
  console.log(pl(ph));
  console.log(`|${pw.map((w, i) => (i > 0 ? `${'-'.repeat(w + 1)}:` : '-'.repeat(w + 2))).join('|')}|`);
  for (const r of pt) console.log(pl(r));
}
