#!/usr/bin/env node
// The full report on a large model, and prints a table.
// Run after `npm run build`:  npm run bench:report  (or node bench/report.js [--nodes 10000] [--flows 20000] [--runs 3])
// The model is bench/synthetic.js's (the one bench/analyze.js uses), analysed with its template
// first; then, each in a fresh process so the peak memory is that step's own:
//   html      - renderReport('html'): every diagram as SVG, the interactions of every element,
//               every threat by interaction, counts
//   markdown / csv / sarif - the other text formats on the same model
//   and `bulwark report` end to end (read the model, analyse, render, write) for HTML and SARIF
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { cliRun } from './cliRun.js';
import { machineLine } from './machine.js';

const { values } = parseArgs({
  options: {
    nodes: { type: 'string', default: '10000' },
    flows: { type: 'string', default: '20000' },
    runs: { type: 'string', default: '3' },
    format: { type: 'string' },
  },
});

if (values.format) {
  // A worker: one format, one run.
  const { analyze, resolveTemplate } = await import('@bulwark/core');
  const { renderReport } = await import('@bulwark/report');
  const { syntheticModel, syntheticTemplate } = await import('./synthetic.js');
  const template = resolveTemplate(syntheticTemplate());
  if (!template.ok) throw new Error(template.error.message);
  const model = analyze(
    syntheticModel({ nodes: Number(values.nodes), flows: Number(values.flows) }),
    template.value,
  ).model;
  const before = process.resourceUsage().maxRSS / 1024;
  const t0 = performance.now();
  const text = await renderReport(values.format, model, template.value);
  const ms = performance.now() - t0;
  process.stdout.write(
    `${JSON.stringify({ ms, mb: text.length / 1e6, threats: model.threats.length, maxRssMb: process.resourceUsage().maxRSS / 1024, beforeMb: before })}\n`,
  );
} else {
  const run = (format) => {
    const all = Array.from({ length: Number(values.runs) }, () => {
      const r = spawnSync(
        process.execPath,
        [new URL(import.meta.url).pathname, '--format', format, '--nodes', values.nodes, '--flows', values.flows],
        { encoding: 'utf8', maxBuffer: 1 << 26 },
      );
      if (r.status !== 0) throw new Error(`${format} failed:\n${r.stderr}`);
      return JSON.parse(r.stdout.trim().split('\n').pop());
    });
    const ms = all.map((x) => x.ms).sort((a, b) => a - b);
    return { ...all[0], ms: ms[Math.floor(ms.length / 2)], maxRssMb: Math.max(...all.map((x) => x.maxRssMb)) };
  };
  const before = machineLine();
  // End to end first, as a user runs it (read the model, analyse it, render, write the file), on a
  // machine not yet churned by the large in-process renders below.
  const dir = mkdtempSync(join(tmpdir(), 'bulwark-bench-report-'));
  const { serializeModel } = await import('@bulwark/core');
  const { syntheticModel, syntheticTemplate } = await import('./synthetic.js');
  writeFileSync(
    join(dir, 'model.bulwark.json'),
    serializeModel(syntheticModel({ nodes: Number(values.nodes), flows: Number(values.flows) })),
  );
  writeFileSync(join(dir, 'template.json'), JSON.stringify(syntheticTemplate()));
  const args = ['report', 'model.bulwark.json', '--template', './template.json', '-o'];
  const cliHtml = cliRun([...args, 'report.html'], { cwd: dir, runs: Number(values.runs) });
  const cliSarif = cliRun([...args, 'report.sarif'], { cwd: dir, runs: Number(values.runs) });
  const rows = ['html', 'md', 'csv', 'sarif'].map((f) => [f, run(f)]);
  rmSync(dir, { recursive: true, force: true });
  const first = rows[0][1];
  console.log(
    `\nReports of the synthetic model: ${values.nodes} elements, ${values.flows} flows, ${first.threats} threats; median of ${values.runs} fresh processes\n`,
  );
  console.log(`Before: ${before}\nAfter:  ${machineLine()}\n`);
  console.log(
    `${'format'.padEnd(8)}  ${'render'.padStart(10)}  ${'output'.padStart(9)}  ${'peak RSS'.padStart(9)}  (before render)`,
  );
  for (const [f, r] of rows) {
    console.log(
      `${f.padEnd(8)}  ${`${r.ms.toFixed(0)} ms`.padStart(10)}  ${`${r.mb.toFixed(1)} MB`.padStart(9)}  ${`${Math.round(r.maxRssMb)} MB`.padStart(9)}  (${Math.round(r.beforeMb)} MB)`,
    );
  }
  console.log(
    `\nbulwark report (read, analyse, render, write), end to end:\n  -o report.html   ${cliHtml.ms.toFixed(0)} ms, peak RSS ${Math.round(cliHtml.maxRssMb)} MB\n  -o report.sarif  ${cliSarif.ms.toFixed(0)} ms, peak RSS ${Math.round(cliSarif.maxRssMb)} MB`,
  );
  console.log('\nTarget (issue 6): the HTML report of the 10,000-element model in under 3 s and under 1 GB.');
}
