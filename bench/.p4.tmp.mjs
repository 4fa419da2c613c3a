import { computeInteractions, generateThreats, resolveTemplate } from '@bulwark/core';
import { syntheticModel, syntheticTemplate } from '/work/main/bench/synthetic.js';

const t = resolveTemplate(syntheticTemplate(100)).value;
const m = syntheticModel({});
const inter = computeInteractions(m);
globalThis.__noThreat = process.argv[2] === 'no';
for (let i = 0; i < 4; i++) {
  globalThis.__cand = 0;
  globalThis.__m = 0;
  const t1 = performance.now();
  const g = generateThreats(m, t, { interactions: inter });
  console.log(
    (performance.now() - t1).toFixed(0),
    'cand',
    globalThis.__cand,
    'matches',
    globalThis.__m,
    g.threats.length,
  );
}
