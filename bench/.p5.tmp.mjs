import { computeInteractions, generateThreats, mergeThreats, resolveTemplate } from '@bulwark/core';
import { syntheticModel, syntheticTemplate } from '/work/main/bench/synthetic.js';

const t = resolveTemplate(syntheticTemplate(100)).value;
const m = syntheticModel({});
const t0 = performance.now();
const inter = computeInteractions(m);
const t1 = performance.now();
const g = generateThreats(m, t, { interactions: inter });
const t2 = performance.now();
console.log('interactions', (t1 - t0).toFixed(0), 'generate', (t2 - t1).toFixed(0));
