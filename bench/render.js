#!/usr/bin/env node
// Benchmarks the diagram SVG: auto-layout (elkjs) + render of a synthetic diagram without
// positions, and render alone of diagrams with positions. Prints a table.
// Run after `npm run build`:  npm run bench:render  (or node bench/render.js [--runs 3])
// Each figure comes from a fresh child process, so peak memory is that scenario's own.
import { spawnSync } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { machineLine } from './machine.js';
import { clusterElements } from './synthetic.js';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '3' },
    scenario: { type: 'string' },
    elements: { type: 'string' },
  },
});

/**
 * A diagram of about `n` elements in clusters: a box boundary holding 8 shapes (processes,
 * stores, entities) and 5 flows between them, each cluster linked to the next. With `placed`,
 * every shape and boundary has a position on a grid; without, shapes name their boundary
 * (`boundaryId`), as in a model written as code.
 */
function syntheticDiagram(n, placed) {
  const elements = clusterElements(n, {
    placed,
    boundaryType: 'GE.TB.B',
    types: [
      ['process', 'GE.P', 100, 100],
      ['process', 'GE.P', 100, 100],
      ['dataStore', 'GE.DS', 150, 60],
      ['externalEntity', 'GE.EI', 150, 60],
    ],
    nodeName: (c, i) => `Node ${c}.${i} with a longer name`,
    innerFlow: (i) => ({ bidirectional: i % 2 === 0 }),
  });
  return { id: 'big', name: 'Big', elements };
}

/** One scenario, run in this (fresh) process; prints its figures as JSON. */
async function runScenario(scenario, n) {
  const { autoLayout, renderDiagramSvg } = await import('../packages/report/dist/index.js');
  const diagram = syntheticDiagram(n, scenario === 'render');
  const t0 = performance.now();
  // (What layoutAndRenderSvg does, timed in two parts.)
  const rects = scenario === 'render' ? undefined : await autoLayout(diagram);
  const t1 = performance.now();
  const svg = renderDiagramSvg(diagram, rects ? { rects } : {});
  const t2 = performance.now();
  process.stdout.write(
    `${JSON.stringify({ ms: t2 - t0, layoutMs: t1 - t0, elements: diagram.elements.length, bytes: svg.length, maxRssMb: process.resourceUsage().maxRSS / 1024 })}\n`,
  );
}

function worker(scenario, n) {
  const r = spawnSync(process.execPath, [new URL(import.meta.url).pathname, '--scenario', scenario, '--elements', n], {
    encoding: 'utf8',
    maxBuffer: 1 << 26,
  });
  if (r.status !== 0) throw new Error(`${scenario} ${n} failed:\n${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop());
}

function measure(scenario, n, runs) {
  const all = Array.from({ length: runs }, () => worker(scenario, String(n)));
  const median = (key) => all.map((r) => r[key]).sort((a, b) => a - b)[Math.floor(all.length / 2)];
  return {
    ...all[0],
    ms: median('ms'),
    layoutMs: median('layoutMs'),
    maxRssMb: Math.max(...all.map((r) => r.maxRssMb)),
  };
}

if (values.scenario) {
  await runScenario(values.scenario, Number(values.elements));
} else {
  const runs = Number(values.runs);
  const before = machineLine();
  const rows = [
    ['auto-layout (elkjs) + SVG, no positions', measure('layout', 1000, runs), '< 2 s'],
    ['SVG only, with positions', measure('render', 1000, runs), ''],
    ['SVG only, with positions', measure('render', 10000, runs), ''],
  ].map(([what, r, target]) => [
    `${what}: ${r.elements} elements`,
    `${r.ms.toFixed(0)} ms`,
    r.layoutMs >= 1 ? `${r.layoutMs.toFixed(0)} ms` : '-',
    `${Math.round(r.maxRssMb)} MB`,
    `${(r.bytes / 1048576).toFixed(1)} MB`,
    target,
  ]);
  console.log(
    `Bulwark diagram SVG benchmark: median of ${runs} runs, each in a fresh process (peak RSS is the process's)`,
  );
  console.log(`${cpus().length} cores, Node ${process.version}, load average ${loadavg()[0].toFixed(1)} at the start`);
  console.log(`Before: ${before}`);
  console.log(`After:  ${machineLine()}`);
  console.log('');
  const head = ['scenario', 'time', 'of which layout', 'peak RSS', 'SVG size', 'target'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells) =>
    `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ')} |`;
  console.log(line(head));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const r of rows) console.log(line(r));
}
