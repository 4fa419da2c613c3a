// One benchmark scenario in a fresh process (so peak memory is its own); prints one JSON line.
// Usage: node bench/analyze-worker.js <scenario> <nodes> <flows> <threatTypes> <runs> [dir]
import { readFileSync } from 'node:fs';
import {
  analyze,
  computeInteractions,
  generateThreats,
  mergeThreats,
  parseModel,
  resolveTemplate,
  serializeModel,
} from '@bulwark/core';
import { syntheticModel, syntheticTemplate } from './synthetic.js';

const [scenario, nodes, flows, threatTypes, runs, dir] = process.argv.slice(2);
const N = Number(runs);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const time = (fn) => {
  const t0 = performance.now();
  const value = fn();
  return [performance.now() - t0, value];
};

function report(extra) {
  const maxRssMb = process.resourceUsage().maxRSS / 1024;
  process.stdout.write(`${JSON.stringify({ scenario, maxRssMb, ...extra })}\n`);
}

const template = syntheticTemplate(Number(threatTypes));
const model = syntheticModel({ nodes: Number(nodes), flows: Number(flows) });

if (scenario === 'cold') {
  // One analysis in a fresh process: what a CLI run pays, JIT warm-up included.
  const [tr, resolved] = time(() => resolveTemplate(template));
  if (!resolved.ok) throw new Error(JSON.stringify(resolved.error));
  const [ta, result] = time(() => analyze(model, resolved.value));
  report({ resolveMs: tr, analyzeMs: ta, interactions: result.interactionCount, threats: result.summary.total });
} else if (scenario === 'engine') {
  // The steps one by one, then analyze() on its own, each repeated in this process (warm JIT).
  const resolveMs = [];
  const interactionsMs = [];
  const generateMs = [];
  const mergeMs = [];
  const analyzeMs = [];
  let counts;
  const [, resolvedOnce] = time(() => resolveTemplate(template));
  if (!resolvedOnce.ok) throw new Error(JSON.stringify(resolvedOnce.error));
  for (let i = 0; i < N; i++) {
    const [tr] = time(() => resolveTemplate(template));
    const [ti, interactions] = time(() => computeInteractions(model));
    const [tg, generated] = time(() => generateThreats(model, resolvedOnce.value, { interactions }));
    const [tm] = time(() => mergeThreats([], generated.threats));
    resolveMs.push(tr);
    interactionsMs.push(ti);
    generateMs.push(tg);
    mergeMs.push(tm);
  }
  for (let i = 0; i < N; i++) {
    const [ta, result] = time(() => analyze(model, resolvedOnce.value));
    analyzeMs.push(ta);
    counts = { interactions: result.interactionCount, threats: result.summary.total };
  }
  report({
    resolveMs: median(resolveMs),
    interactionsMs: median(interactionsMs),
    generateMs: median(generateMs),
    mergeMs: median(mergeMs),
    analyzeMs: median(analyzeMs),
    ...counts,
  });
} else if (scenario === 'reanalyze') {
  const resolved = resolveTemplate(template);
  if (!resolved.ok) throw new Error('template');
  const first = analyze(model, resolved.value).model;
  for (const [i, t] of (first.threats ?? []).entries())
    if (i % 4 === 0) Object.assign(t, { status: 'mitigated', justification: 'Done' });
  const ms = [];
  let result;
  for (let i = 0; i < N; i++) {
    const [t, r] = time(() => analyze(first, resolved.value));
    ms.push(t);
    result = r;
  }
  report({ analyzeMs: median(ms), threats: result.summary.total, kept: result.merge.kept });
} else if (scenario === 'file') {
  const text = readFileSync(`${dir}/model.bulwark.json`, 'utf8');
  const parseMs = [];
  const serializeMs = [];
  for (let i = 0; i < N; i++) {
    const [tp, parsed] = time(() => parseModel(JSON.parse(text)));
    if (!parsed.ok) throw new Error('parse');
    const [ts] = time(() => serializeModel(parsed.value));
    parseMs.push(tp);
    serializeMs.push(ts);
  }
  report({ parseMs: median(parseMs), serializeMs: median(serializeMs), bytes: text.length });
} else {
  throw new Error(`unknown scenario ${scenario}`);
}
