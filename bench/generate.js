#!/usr/bin/env node
// The synthetic model generator: a Bulwark model of any size, the same for the same options.
//
//   node bench/generate.js --elements 10000 -o model.bulwark.json [--template-out template.json]
//   node bench/generate.js --shapes 5000 --flows 5000 -o model.bulwark.json
//   node bench/generate.js --elements 1000 --layout none -o code.bulwark.json
//
// --elements N counts every diagram element: a third shapes (60% processes, 25% stores, 15%
// external entities, with yes/no properties), two flows per shape (mostly between neighbours,
// 30% bi-directional, some crossing the box boundaries), one box boundary per 100 shapes (every
// fifth nested in another). --shapes and --flows set the two counts directly. --layout grid (the
// default) places everything on a grid; --layout none leaves positions out (zones of 8 shapes,
// as a model written as code), so `bulwark render` lays it out. The model names the template
// "synthetic": --template-out writes it (100 threat types, or --threat-types N; about 5
// threats per interaction), for `bulwark analyze model.bulwark.json --template template.json`.
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { serializeModel } from '@bulwark/core';
import { modelShape, syntheticModel, syntheticTemplate, unplacedModel } from './synthetic.js';

const { values } = parseArgs({
  options: {
    elements: { type: 'string' },
    shapes: { type: 'string' },
    flows: { type: 'string' },
    boundaries: { type: 'string' },
    layout: { type: 'string', default: 'grid' },
    seed: { type: 'string', default: '42' },
    output: { type: 'string', short: 'o' },
    'template-out': { type: 'string' },
    'threat-types': { type: 'string', default: '100' },
    help: { type: 'boolean', short: 'h' },
  },
});

function usage(problem) {
  if (problem) console.error(`bench/generate.js: ${problem}`);
  console.error(
    'Usage: node bench/generate.js (--elements N | --shapes N --flows M) [--layout grid|none] -o model.bulwark.json [--template-out template.json]',
  );
  process.exit(problem ? 2 : 0);
}

if (values.help) usage();
const count = (name) => {
  const raw = values[name];
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) usage(`--${name} must be a whole number of at least 1, not "${raw}"`);
  return n;
};
const elements = count('elements');
const shapes = count('shapes');
const flows = count('flows');
if (!values.output && !values['template-out']) usage('say where to write: -o model.bulwark.json');
if (values.layout !== 'grid' && values.layout !== 'none') usage(`--layout is grid or none, not "${values.layout}"`);

if (values.output) {
  let model;
  if (values.layout === 'none') {
    if (elements === undefined) usage('--layout none takes --elements N');
    model = unplacedModel(elements);
  } else {
    if (elements === undefined && (shapes === undefined || flows === undefined))
      usage('give --elements N, or --shapes N and --flows M');
    const shape = elements !== undefined ? modelShape(elements) : { nodes: shapes, flows };
    shape.boundaries = count('boundaries') ?? shape.boundaries ?? Math.max(1, Math.round(shape.nodes / 100));
    model = syntheticModel({ ...shape, seed: Number(values.seed) });
  }
  writeFileSync(values.output, serializeModel(model));
  const made = model.diagrams[0].elements;
  const by = (k) => made.filter((e) => e.kind === k).length;
  console.error(
    `wrote ${values.output}: ${made.length} elements (${made.length - by('dataFlow') - by('trustBoundary')} shapes, ${by('dataFlow')} flows, ${by('trustBoundary')} boundaries)`,
  );
}
if (values['template-out']) {
  writeFileSync(values['template-out'], `${JSON.stringify(syntheticTemplate(count('threat-types')), null, 2)}\n`);
  console.error(`wrote ${values['template-out']}: the "synthetic" template`);
}
