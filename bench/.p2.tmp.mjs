import { computeInteractions, generateThreats, resolveTemplate } from '@bulwark/core';
import { syntheticModel, syntheticTemplate } from '/work/main/bench/synthetic.js';

const tpl = syntheticTemplate(100);
const t = resolveTemplate(tpl).value;
const noText = resolveTemplate({
  ...tpl,
  threatTypes: tpl.threatTypes.map((x) => ({ ...x, title: 'T', description: 'D' })),
}).value;
const m = syntheticModel({});
const inter = computeInteractions(m);
for (let i = 0; i < 4; i++) {
  const t1 = performance.now();
  const g = generateThreats(m, t, { interactions: inter });
  const t2 = performance.now();
  const g2 = generateThreats(m, noText, { interactions: inter });
  const t3 = performance.now();
  console.log('with text', (t2 - t1).toFixed(0), 'static text', (t3 - t2).toFixed(0), g.threats.length);
}
