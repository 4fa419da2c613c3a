/**
 * Runs every threat type's examples through the real engine: each `produces` example must
 * generate the threat type, each `doesNotProduce` example must not, and every example must be
 * a valid model for the template (known types, allowed property values).
 */
import { generateThreats } from '../engine/generateThreats.js';
import type { Element, ThreatModel } from '../model/ThreatModelSchema.js';
import { validateModel } from '../validateModel.js';
import type { ResolvedTemplate } from './resolveTemplate.js';
import type { ExampleElement, ThreatExample, ThreatType } from './TemplateSchema.js';

/** An example that does not behave as its template says. */
export interface ExampleFailure {
  threatTypeId: string;
  expectation: 'produces' | 'doesNotProduce';
  index: number;
  message: string;
}

function node(role: string, spec: ExampleElement, template: ResolvedTemplate, x: number): Element {
  const kind = template.types.get(spec.type)?.kind ?? 'process';
  const base = {
    id: role,
    typeId: spec.type,
    name: spec.name ?? role,
    ...(spec.properties ? { properties: spec.properties } : {}),
    position: { x, y: 0, width: 20, height: 20 },
  };
  if (kind === 'dataStore' || kind === 'externalEntity' || kind === 'process') return { kind, ...base };
  return { kind: 'process', ...base };
}

/** Builds the one-interaction (or one-element) model an example describes. */
export function exampleModel(example: ThreatExample, template: ResolvedTemplate): ThreatModel {
  const elements: Element[] = [];
  if (example.element) {
    const spec = example.element;
    const kind = template.types.get(spec.type)?.kind;
    if (kind === 'dataFlow') {
      elements.push(node('a', { type: 'GE.P' }, template, 0), node('b', { type: 'GE.P' }, template, 300));
      elements.push({
        kind: 'dataFlow',
        id: 'element',
        typeId: spec.type,
        name: spec.name ?? 'element',
        source: 'a',
        target: 'b',
        ...(spec.properties ? { properties: spec.properties } : {}),
      });
    } else {
      elements.push(node('element', spec, template, 0));
    }
  } else {
    elements.push(node('source', example.source ?? { type: 'GE.P' }, template, 0));
    elements.push(node('target', example.target ?? { type: 'GE.P' }, template, 300));
    const flow = example.flow ?? { type: 'GE.DF' };
    elements.push({
      kind: 'dataFlow',
      id: 'flow',
      typeId: flow.type,
      name: flow.name ?? 'flow',
      source: 'source',
      target: 'target',
      ...(flow.properties ? { properties: flow.properties } : {}),
    });
    (example.crosses ?? []).forEach((typeId, i) => {
      const shape = template.types.get(typeId)?.shape ?? 'box';
      const pad = 10 + i * 5;
      elements.push(
        shape === 'box'
          ? {
              kind: 'trustBoundary',
              shape,
              id: `boundary${i}`,
              typeId,
              name: typeId,
              position: { x: -pad, y: -pad, width: 20 + 2 * pad, height: 20 + 2 * pad },
            }
          : {
              kind: 'trustBoundary',
              shape,
              id: `boundary${i}`,
              typeId,
              name: typeId,
              path: { source: { x: 150 + i, y: -100 }, target: { x: 150 + i, y: 100 } },
            },
      );
    });
  }
  return {
    schemaVersion: 1,
    metadata: { name: 'example' },
    template: { id: template.template.id },
    diagrams: [{ id: 'd', name: 'example', elements }],
  };
}

function checkOne(
  tt: ThreatType,
  example: ThreatExample,
  expectation: 'produces' | 'doesNotProduce',
  index: number,
  template: ResolvedTemplate,
): ExampleFailure[] {
  const model = exampleModel(example, template);
  const failures: ExampleFailure[] = [];
  const fail = (message: string): void => {
    failures.push({ threatTypeId: tt.id, expectation, index, message });
  };
  for (const p of validateModel(model, template)) {
    if (p.severity === 'error' || p.code === 'UNKNOWN_PROPERTY') fail(`invalid example: ${p.message}`);
  }
  const scope = tt.scope ?? 'interaction';
  if (scope === 'element' && !example.element) fail('an element-scoped threat type needs examples with `element`');
  if (scope === 'interaction' && example.element)
    fail('an interaction-scoped threat type needs examples with source/target, not `element`');
  const produced = generateThreats(model, template).threats.some(
    (t) => t.typeId === tt.id && (scope === 'interaction' ? !t.elementId : t.elementId === 'element'),
  );
  if (expectation === 'produces' && !produced) fail('expected the threat, but the rules did not produce it');
  if (expectation === 'doesNotProduce' && produced) fail('expected no threat, but the rules produced it');
  return failures;
}

/** Checks every example of every threat type; returns the failures (empty when all pass). */
export function checkExamples(
  template: ResolvedTemplate,
  options: { requireExamples?: boolean } = {},
): ExampleFailure[] {
  const failures: ExampleFailure[] = [];
  for (const problem of template.ruleProblems) {
    failures.push({
      threatTypeId: problem.threatTypeId,
      expectation: 'produces',
      index: -1,
      message: `broken ${problem.rule} rule: ${problem.error.message}`,
    });
  }
  for (const tt of template.template.threatTypes) {
    if (!tt.examples) {
      if (options.requireExamples)
        failures.push({
          threatTypeId: tt.id,
          expectation: 'produces',
          index: -1,
          message: 'has no examples; every built-in threat type lists interactions that must and must not produce it',
        });
      continue;
    }
    for (const expectation of ['produces', 'doesNotProduce'] as const) {
      tt.examples[expectation].forEach((ex, i) => {
        failures.push(...checkOne(tt, ex, expectation, i, template));
      });
    }
  }
  return failures;
}
