/**
 * The interactions table of the seeds: per element, each flow it takes part in (Element A,
 * direction, Element B, crosses boundary, details). Details come from the flow's typed
 * properties through the template's `details` wording, never from free text.
 */
import { displayName, subjectCache } from './engine/subjects.js';
import { computeInteractions, type FlowCrossing, type InteractionSet, isNode } from './interactions.js';
import type { ThreatModel } from './model/ThreatModelSchema.js';
import { compileText, type TextContext } from './placeholders.js';
import { subjectValue } from './rules/compileRule.js';
import type { ResolvedTemplate } from './template/resolveTemplate.js';

/** One row: a flow seen from Element A. */
export interface InteractionRow {
  elementA: string;
  direction: 'bidirectional' | 'one-way';
  elementB: string;
  crossesBoundary: boolean;
  /** Names of the crossed trust boundaries. */
  boundaries: string[];
  details: string[];
  elementAId: string;
  elementBId: string;
  flowId: string;
  flowName: string;
  diagramId: string;
  /** For one-way flows: does the data go from A to B (true) or from B to A (false)? */
  aToB: boolean;
}

/** The rows of one element's table. */
export interface InteractionSection {
  elementId: string;
  element: string;
  rows: InteractionRow[];
}

const detailTexts = new Map<string, (ctx: TextContext) => string>();

function detailText(text: string): (ctx: TextContext) => string {
  let fn = detailTexts.get(text);
  if (!fn) {
    fn = compileText(text);
    detailTexts.set(text, fn);
  }
  return fn;
}

/** The details of a flow, in the order its type lists its properties. */
export function flowDetails(fc: FlowCrossing, template: ResolvedTemplate, subject = subjectCache(template)): string[] {
  const flow = subject(fc.flow);
  const ctx: TextContext = { source: subject(fc.source), target: subject(fc.target), flow };
  const type = template.types.get(fc.flow.typeId) ?? template.types.get('GE.DF');
  const out: string[] = [];
  for (const prop of type?.properties ?? []) {
    if (!prop.details) continue;
    const value = subjectValue(flow, prop.id);
    if (value === undefined) continue;
    const wording = prop.details[String(value)];
    if (wording === undefined) continue;
    const text = detailText(wording)(ctx).replace(/\s+/g, ' ').trim();
    if (text !== '' && !out.includes(text)) out.push(text);
  }
  return out;
}

function row(fc: FlowCrossing, fromSource: boolean, details: string[]): InteractionRow {
  const a = fromSource ? fc.source : fc.target;
  const b = fromSource ? fc.target : fc.source;
  return {
    elementA: displayName(a),
    direction: fc.flow.bidirectional ? 'bidirectional' : 'one-way',
    elementB: displayName(b),
    crossesBoundary: fc.crossed.length > 0,
    boundaries: fc.crossed.map((x) => x.name),
    details,
    elementAId: a.id,
    elementBId: b.id,
    flowId: fc.flow.id,
    flowName: fc.flow.name,
    diagramId: fc.diagramId,
    aToB: fromSource,
  };
}

/** One row per flow, seen from its source. */
export function interactionRows(model: ThreatModel, template: ResolvedTemplate): InteractionRow[] {
  const subject = subjectCache(template);
  return computeInteractions(model).flows.map((fc) => row(fc, true, flowDetails(fc, template, subject)));
}

/**
 * One section per element (in drawing order) with a row for each flow it takes part in, the
 * element always as Element A. `elementId` limits it to one element. A caller that has already
 * computed the model's interactions passes them in (they are the costly part).
 */
export function interactionSections(
  model: ThreatModel,
  template: ResolvedTemplate,
  elementId?: string,
  interactions: InteractionSet = computeInteractions(model),
): InteractionSection[] {
  const { flows } = interactions;
  const subject = subjectCache(template);
  const details = new Map(flows.map((fc) => [fc.flow.id, flowDetails(fc, template, subject)]));
  // Each element's rows in flow order, gathered in one pass over the flows (a model of thousands
  // of elements would otherwise walk every flow once per element).
  const byElement = new Map<string, InteractionRow[]>();
  const add = (id: string, r: InteractionRow) => {
    if (elementId !== undefined && id !== elementId) return;
    const rows = byElement.get(id);
    if (rows) rows.push(r);
    else byElement.set(id, [r]);
  };
  for (const fc of flows) {
    const d = details.get(fc.flow.id) ?? [];
    add(fc.source.id, row(fc, true, d));
    // A flow from an element to itself is one row.
    if (fc.target.id !== fc.source.id) add(fc.target.id, row(fc, false, d));
  }
  const sections: InteractionSection[] = [];
  for (const diagram of model.diagrams) {
    for (const el of diagram.elements) {
      const rows = isNode(el) ? byElement.get(el.id) : undefined;
      if (rows) sections.push({ elementId: el.id, element: displayName(el), rows });
    }
  }
  return sections;
}
