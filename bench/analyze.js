#!/usr/bin/env node
// Benchmarks threat generation on a synthetic model and prints a table.
// Run after `npm run build`:  npm run bench  (or node bench/analyze.js [--nodes 10000] [--flows 20000] [--types 100] [--runs 5])
// Each engine figure comes from fresh child processes, so peak memory is that step's own.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { serializeModel } from '@bulwark/core';
import { cliRun } from './cliRun.js';
import { syntheticModel, syntheticTemplate } from './synthetic.js';

const { values } = parseArgs({
  options: {
    nodes: { type: 'string', default: '10000' },
    flows: { type: 'string', default: '20000' },
    types: { type: 'string', default: '100' },
    runs: { type: 'string', default: '5' },
  },
});
const { nodes, flows, types, runs } = values;
const here = new URL('.', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'bulwark-bench-'));

function worker(scenario) {
  const r = spawnSync(process.execPath, [join(here, 'analyze-worker.js'), scenario, nodes, flows, types, runs, dir], {
    encoding: 'utf8',
    maxBuffer: 1 << 26,
  });
  if (r.status !== 0) throw new Error(`${scenario} failed:\n${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop());
}

/** Runs the real CLI (see cliRun.js). */
const cli = (args, before) => cliRun(args, { cwd: dir, runs: Number(runs), ...(before ? { before } : {}) });

const model = syntheticModel({ nodes: Number(nodes), flows: Number(flows) });
writeFileSync(join(dir, 'model.bulwark.json'), serializeModel(model));
const bench0 = performance.now();
writeFileSync(join(dir, 'template.json'), JSON.stringify(syntheticTemplate(Number(types))));

const coldRuns = Array.from({ length: Number(runs) }, () => worker('cold'));
const cold = {
  analyzeMs: [...coldRuns.map((r) => r.analyzeMs)].sort((a, b) => a - b)[Math.floor(coldRuns.length / 2)],
  maxRssMb: Math.max(...coldRuns.map((r) => r.maxRssMb)),
};
const engine = worker('engine');
const again = worker('reanalyze');
const file = worker('file');
const cliJson = cli(['analyze', 'model.bulwark.json', '--template', './template.json', '--format', 'json']);
const pristine = serializeModel(model);
const cliWrite = cli(['analyze', 'model.bulwark.json', '--template', './template.json', '--write'], () =>
  writeFileSync(join(dir, 'model.bulwark.json'), pristine),
);
const cliRewrite = cli(['analyze', 'model.bulwark.json', '--template', './template.json', '--write']);
rmSync(dir, { recursive: true, force: true });

const fmt = (ms) => `${ms.toFixed(1)} ms`;
const mb = (x) => `${Math.round(x)} MB`;
const rows = [
  ['compile template (resolve types, compile rules)', fmt(engine.resolveMs), ''],
  ['compute interactions + boundary crossing', fmt(engine.interactionsMs), ''],
  ['generate threats (indexed, compiled rules)', fmt(engine.generateMs), ''],
  ['merge into empty threat list', fmt(engine.mergeMs), ''],
  ['analyze() total, cold: one run in a fresh process', fmt(cold.analyzeMs), mb(cold.maxRssMb)],
  ['analyze() total, warm: repeated in one process', fmt(engine.analyzeMs), mb(engine.maxRssMb)],
  ['analyze() re-run on a model with its threats (merge)', fmt(again.analyzeMs), mb(again.maxRssMb)],
  [`parse model file (JSON + schema), ${(file.bytes / 1048576).toFixed(1)} MB`, fmt(file.parseMs), ''],
  ['serialize model (canonical JSON)', fmt(file.serializeMs), mb(file.maxRssMb)],
  ['`bulwark analyze --format json` end to end', fmt(cliJson.ms), mb(cliJson.maxRssMb)],
  ['`bulwark analyze --write` end to end, model without threats', fmt(cliWrite.ms), mb(cliWrite.maxRssMb)],
  ['`bulwark analyze --write` end to end, model with its threats', fmt(cliRewrite.ms), mb(cliRewrite.maxRssMb)],
];
const w0 = Math.max(...rows.map((r) => r[0].length));
console.log(
  `Bulwark analyze benchmark: ${nodes} elements, ${flows} flows (30% bi-directional), 100 box boundaries, ${types} threat types`,
);
console.log(
  `${engine.interactions} interactions, ${engine.threats} threats generated (${(engine.threats / engine.interactions).toFixed(1)} per interaction); ` +
    `median of ${runs} runs; ${cpus().length} cores, Node ${process.version}; the benchmark took ${((performance.now() - bench0) / 1000).toFixed(0)} s`,
);
console.log('');
console.log(`| ${'step'.padEnd(w0)} | time       | peak RSS |`);
console.log(`|${'-'.repeat(w0 + 2)}|------------|----------|`);
for (const [a, b, c] of rows) console.log(`| ${a.padEnd(w0)} | ${b.padStart(10)} | ${c.padStart(8)} |`);
