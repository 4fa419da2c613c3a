/**
 * Validation beyond the schema: what a model can get wrong that zod cannot see (references,
 * types from the template, property values). Each problem has a code, the element, and a
 * sentence a user understands.
 */
import { genericTypeFor, typeOf } from './engine/subjects.js';
import { isNode } from './interactions.js';
import type { Element, ThreatModel } from './model/ThreatModelSchema.js';
import type { ResolvedTemplate } from './template/resolveTemplate.js';

/** The kinds of problem validation reports. */
export type ProblemCode =
  | 'DUPLICATE_ID'
  | 'DANGLING_FLOW'
  | 'FLOW_TO_BOUNDARY'
  | 'SELF_FLOW'
  | 'UNKNOWN_TYPE'
  | 'KIND_MISMATCH'
  | 'UNKNOWN_PROPERTY'
  | 'INVALID_PROPERTY_VALUE'
  | 'UNKNOWN_BOUNDARY'
  | 'UNKNOWN_CHILD_DIAGRAM'
  | 'BROKEN_RULE';

/** One thing wrong with a model. Errors make analysis results unreliable; warnings do not. */
export interface Problem {
  code: ProblemCode;
  severity: 'error' | 'warning';
  message: string;
  /** Path in the model file, e.g. `diagrams[0].elements[4]`. */
  path: string;
  elementId?: string;
  diagramId?: string;
}

function label(el: Element): string {
  return `${el.kind === 'dataFlow' ? 'Flow' : 'Element'} "${el.name}" (${el.id})`;
}

/** Checks a model's references, and (given its template) its types and property values. */
export function validateModel(model: ThreatModel, template?: ResolvedTemplate): Problem[] {
  const problems: Problem[] = [];
  const seen = new Map<string, string>();
  const diagramIds = new Set<string>();
  model.diagrams.forEach((d, di) => {
    if (diagramIds.has(d.id)) {
      problems.push({
        code: 'DUPLICATE_ID',
        severity: 'error',
        message: `Diagram id "${d.id}" is used twice; give each diagram its own id.`,
        path: `diagrams[${di}].id`,
        diagramId: d.id,
      });
    }
    diagramIds.add(d.id);
  });
  model.diagrams.forEach((diagram, di) => {
    const local = new Map(diagram.elements.map((e) => [e.id, e]));
    diagram.elements.forEach((el, ei) => {
      const path = `diagrams[${di}].elements[${ei}]`;
      const at = { path, elementId: el.id, diagramId: diagram.id };
      const first = seen.get(el.id);
      if (first !== undefined) {
        problems.push({
          code: 'DUPLICATE_ID',
          severity: 'error',
          message: `${label(el)} reuses the id of the element at ${first}; ids must be unique in the model.`,
          ...at,
        });
      } else seen.set(el.id, path);

      if (el.kind === 'dataFlow') {
        for (const end of ['source', 'target'] as const) {
          const other = local.get(el[end]);
          if (!other) {
            problems.push({
              code: 'DANGLING_FLOW',
              severity: 'error',
              message: `${label(el)} has ${end} "${el[end]}", which is not an element of diagram "${diagram.name}"; connect it to an element or delete it.`,
              ...at,
              path: `${path}.${end}`,
            });
          } else if (other.kind === 'annotation') {
            problems.push({
              code: 'FLOW_TO_BOUNDARY',
              severity: 'warning',
              message: `${label(el)} has ${end} "${other.name}", an annotation; it is analysed as an endpoint (as the Microsoft tool does), but flows should join processes, data stores and external entities.`,
              ...at,
              path: `${path}.${end}`,
            });
          } else if (!isNode(other)) {
            problems.push({
              code: 'FLOW_TO_BOUNDARY',
              severity: 'error',
              message: `${label(el)} has ${end} "${other.name}", a ${other.kind}; flows join processes, data stores and external entities only.`,
              ...at,
              path: `${path}.${end}`,
            });
          }
        }
        if (el.source === el.target) {
          problems.push({
            code: 'SELF_FLOW',
            severity: 'warning',
            message: `${label(el)} starts and ends at the same element.`,
            ...at,
          });
        }
      }
      if ('boundaryId' in el && el.boundaryId !== undefined) {
        const b = local.get(el.boundaryId);
        if (b?.kind !== 'trustBoundary' || b.shape !== 'box') {
          problems.push({
            code: 'UNKNOWN_BOUNDARY',
            severity: 'error',
            message: `${label(el)} sits in boundary "${el.boundaryId}", which is not a box trust boundary of diagram "${diagram.name}".`,
            ...at,
            path: `${path}.boundaryId`,
          });
        }
      }
      if ('childDiagramId' in el && el.childDiagramId !== undefined && !diagramIds.has(el.childDiagramId)) {
        problems.push({
          code: 'UNKNOWN_CHILD_DIAGRAM',
          severity: 'error',
          message: `${label(el)} links to diagram "${el.childDiagramId}", which the model does not have.`,
          ...at,
          path: `${path}.childDiagramId`,
        });
      }
      if (template) checkType(el, template, at, problems);
    });
  });
  if (template) {
    for (const rp of template.ruleProblems) {
      problems.push({
        code: 'BROKEN_RULE',
        severity: 'warning',
        message: `Threat type "${rp.threatTypeId}" is skipped: its ${rp.rule} rule is broken (${rp.error.message}).`,
        path: `template ${template.template.id}`,
      });
    }
  }
  return problems;
}

function checkType(
  el: Element,
  template: ResolvedTemplate,
  at: { path: string; elementId: string; diagramId: string },
  problems: Problem[],
): void {
  const type = template.types.get(el.typeId);
  if (!type) {
    problems.push({
      code: 'UNKNOWN_TYPE',
      severity: 'error',
      message: `${label(el)} has type "${el.typeId}", which template "${template.template.id}" does not define; rules treat it as ${genericTypeFor(el)}.`,
      ...at,
      path: `${at.path}.typeId`,
    });
  } else if (type.kind !== el.kind || (el.kind === 'trustBoundary' && type.shape !== el.shape)) {
    problems.push({
      code: 'KIND_MISMATCH',
      severity: 'error',
      message: `${label(el)} is a ${el.kind}${el.kind === 'trustBoundary' ? ` (${el.shape})` : ''} but its type "${type.name}" is a ${type.kind}${type.shape ? ` (${type.shape})` : ''}.`,
      ...at,
      path: `${at.path}.typeId`,
    });
  }
  const resolved = typeOf(el, template);
  for (const [key, value] of Object.entries(el.properties ?? {})) {
    const prop = resolved?.propertyById.get(key);
    if (!prop && key.includes(':')) continue; // kept from another tool (e.g. `tm7:...`), not checked
    if (!prop) {
      problems.push({
        code: 'UNKNOWN_PROPERTY',
        severity: 'warning',
        message: `${label(el)} sets "${key}", which its type does not define; rules will not see it as a typed property.`,
        ...at,
        path: `${at.path}.properties.${key}`,
      });
      continue;
    }
    const bad =
      prop.type === 'boolean'
        ? typeof value !== 'boolean'
          ? 'must be true or false'
          : undefined
        : prop.type === 'list'
          ? !prop.values?.includes(String(value))
            ? `must be one of: ${(prop.values ?? []).join(', ')}`
            : undefined
          : typeof value !== 'string'
            ? 'must be text'
            : undefined;
    if (bad) {
      problems.push({
        code: 'INVALID_PROPERTY_VALUE',
        severity: 'error',
        message: `${label(el)} has ${prop.name} = ${JSON.stringify(value)}; it ${bad}.`,
        ...at,
        path: `${at.path}.properties.${key}`,
      });
    }
  }
}
