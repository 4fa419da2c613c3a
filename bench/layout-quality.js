#!/usr/bin/env node
// Auto-layout quality: for every diagram of the examples (examples/*.bulwark.json|yaml) and of
// every corpus .tm7 model (../shared/corpus/tmt/**/*.tm7; skipped with a note when absent), the
// figures of the diagram as it is and of the layout auto-layout proposes (packages/report
// layoutQuality.ts: flows through shapes, overlaps, crossings, flows against reading order,
// total flow length), whether the layout is kept (planLayout: only when measurably better and
// every flow crosses the same trust boundaries), and the time it took.
// Run after a build (`npx tsc -b`):  node bench/layout-quality.js [--markdown]
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { markdown: { type: 'boolean', default: false } } });
const root = new URL('..', import.meta.url).pathname;
const { parseModel } = await import('@bulwark/core');
const { formatById } = await import('@bulwark/formats');
const { applyLayout, changedCrossings, measureLayout, planLayout } = await import('../packages/report/dist/index.js');
const { parse: parseYaml } = await import('yaml');

/** Every file under `dir` whose name ends with `ending`, sorted. */
function filesUnder(dir, ending) {
  const out = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...filesUnder(path, ending));
    else if (name.endsWith(ending)) out.push(path);
  }
  return out;
}

/** The models to measure: [label, model]. */
function models() {
  const out = [];
  for (const name of readdirSync(join(root, 'examples')).sort()) {
    if (!/\.bulwark\.(json|ya?ml)$/.test(name)) continue;
    const text = readFileSync(join(root, 'examples', name), 'utf8');
    const parsed = parseModel(name.endsWith('.json') ? JSON.parse(text) : parseYaml(text));
    if (!parsed.ok) throw new Error(`${name}: ${parsed.error.message}`);
    out.push([`examples/${name}`, parsed.value]);
  }
  const corpus = join(root, '..', 'shared', 'corpus', 'tmt');
  if (!existsSync(corpus)) {
    console.log('(../shared/corpus/tmt is absent: the corpus models are skipped)');
    return out;
  }
  const tm7 = formatById('tm7');
  for (const file of filesUnder(corpus, '.tm7')) {
    const read = tm7.read(readFileSync(file, 'utf8'), file);
    if (!read.ok) {
      console.log(`(${basename(file)} skipped: ${read.error.message})`);
      continue;
    }
    out.push([`corpus ${basename(file, '.tm7')}`, read.value.model]);
  }
  return out;
}

const fig = (q) => (q ? `${q.throughShapes} / ${q.overlaps} / ${q.crossings} / ${q.length}` : 'unplaced');
const rows = [];
const totals = { diagrams: 0, kept: 0, leftCrossings: 0, leftNoBetter: 0, crossingsKept: 0 };
/** Sums of the figures before and after over every placed diagram (unplaced ones have no before). */
const sums = {
  before: { throughShapes: 0, overlaps: 0, crossings: 0 },
  after: { throughShapes: 0, overlaps: 0, crossings: 0 },
};
const start = performance.now();
for (const [label, model] of models()) {
  for (const diagram of model.diagrams) {
    const shapes = diagram.elements.filter((e) => e.kind !== 'dataFlow' && e.kind !== 'trustBoundary').length;
    if (shapes === 0) continue;
    const flows = diagram.elements.filter((e) => e.kind === 'dataFlow').length;
    const t0 = performance.now();
    const plan = await planLayout(diagram);
    const ms = performance.now() - t0;
    const result = plan.apply ? applyLayout(diagram, plan.layout) : diagram;
    // Whatever is kept, the analysis must be the same (a line boundary that would change refuses the layout).
    const changed = changedCrossings(diagram, result);
    const final = measureLayout(result);
    const refused = !plan.apply && plan.message.includes('trust boundaries');
    totals.diagrams++;
    if (plan.apply) totals.kept++;
    else if (refused) totals.leftCrossings++;
    else totals.leftNoBetter++;
    if (plan.before)
      for (const k of Object.keys(sums.before)) {
        sums.before[k] += plan.before[k];
        sums.after[k] += final[k];
      }
    if (changed === 0) totals.crossingsKept++;
    rows.push([
      label.length > 60 ? `${label.slice(0, 57)}...` : label,
      diagram.name.length > 24 ? `${diagram.name.slice(0, 21)}...` : diagram.name,
      `${shapes}/${flows}`,
      fig(plan.before),
      fig(plan.after),
      plan.apply ? 'kept' : refused ? 'left (crossings)' : 'left (no better)',
      fig(final),
      `${plan.before?.againstReadingOrder ?? '-'} -> ${final.againstReadingOrder}`,
      changed === 0 ? 'same' : `${changed} changed`,
      `${Math.round(ms)}`,
    ]);
  }
}
const head = [
  'model',
  'diagram',
  'shapes/flows',
  'before: through / overlaps / crossings / length',
  'proposed',
  'layout',
  'after',
  'against reading order',
  'analysis',
  'ms',
];
if (values.markdown) {
  console.log(`| ${head.join(' | ')} |`);
  console.log(`|${head.map(() => '---').join('|')}|`);
  for (const r of rows) console.log(`| ${r.join(' | ')} |`);
} else {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (r) => r.map((c, i) => String(c).padEnd(widths[i])).join('  ');
  console.log(line(head));
  for (const r of rows) console.log(line(r));
}
const sum = (q) => `${q.throughShapes} flows through shapes, ${q.overlaps} overlaps, ${q.crossings} crossings`;
console.log(
  `\n${totals.diagrams} diagrams: layout kept on ${totals.kept}; left on ${totals.leftNoBetter} (no better) and ${totals.leftCrossings} (it would change what a flow crosses); every flow crosses the same trust boundaries afterwards on ${totals.crossingsKept}.`,
);
console.log(`Placed diagrams, summed: before ${sum(sums.before)}; after ${sum(sums.after)}.`);
console.log(`${Math.round(performance.now() - start)} ms in all (node ${process.version}).`);
