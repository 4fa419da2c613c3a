import { analyze, resolveTemplate } from '@bulwark/core';
import { syntheticModel, syntheticTemplate } from '/work/main/bench/synthetic.js';

const t = resolveTemplate(syntheticTemplate(100)).value;
const m = syntheticModel({});
const t1 = performance.now();
const r = analyze(m, t);
const t2 = performance.now();
console.log('analyze once', (t2 - t1).toFixed(0), r.summary.total, (process.resourceUsage().maxRSS / 1024) | 0, 'MB');
