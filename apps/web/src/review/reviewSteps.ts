/**
 * Review mode as data: the model's interactions in the order a meeting walks them (diagram by
 * diagram, then by source, flow and target names), the threats of each, and how many are reviewed.
 */
import {
  computeInteractions,
  directedInteractions,
  displayName,
  type InteractionSet,
  oneLine,
  type Threat,
  type ThreatModel,
} from '@bulwark/core';

/** One interaction to walk through: `key` is `sourceId:flowId:targetId`. */
export interface ReviewStep {
  key: string;
  diagramId: string;
  diagramName: string;
  source: string;
  flow: string;
  target: string;
  /** Source, flow and target ids: what the diagram highlights. */
  ids: [string, string, string];
  /** The names of the trust boundaries the flow crosses. */
  crossed: string[];
}

// Names compare by UTF-16 code units, as the reports sort them: the same order on every machine.
const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Every interaction of the model, one per direction, in the order a review meeting takes them. */
export function reviewSteps(model: ThreatModel, set: InteractionSet = computeInteractions(model)): ReviewStep[] {
  const diagramOrder = new Map(model.diagrams.map((d, i) => [d.id, i] as const));
  const steps = directedInteractions(set).map(
    (i): ReviewStep => ({
      key: i.key,
      diagramId: i.diagramId,
      diagramName: model.diagrams[diagramOrder.get(i.diagramId) ?? 0]?.name ?? i.diagramId,
      source: oneLine(displayName(i.source)),
      flow: oneLine(displayName(i.flow)),
      target: oneLine(displayName(i.target)),
      ids: [i.source.id, i.flow.id, i.target.id],
      crossed: i.crossed.map((b) => oneLine(b.name)),
    }),
  );
  return steps.sort(
    (a, b) =>
      (diagramOrder.get(a.diagramId) ?? 0) - (diagramOrder.get(b.diagramId) ?? 0) ||
      cmp(a.source, b.source) ||
      cmp(a.flow, b.flow) ||
      cmp(a.target, b.target) ||
      cmp(a.key, b.key),
  );
}

/** The interactions marked reviewed, by key, with who and when. */
export function reviewedMap(model: ThreatModel): Map<string, { by?: string; at: string }> {
  return new Map((model.review?.reviewed ?? []).map((r) => [r.interaction, r] as const));
}

/** How many of `steps` are reviewed (entries for interactions that no longer exist do not count). */
export function reviewedCount(steps: readonly ReviewStep[], reviewed: ReadonlyMap<string, unknown>): number {
  return steps.reduce((n, s) => n + (reviewed.has(s.key) ? 1 : 0), 0);
}

/** The threats on one interaction, by category then id (as the reports list them). */
export function threatsOfStep(threats: readonly Threat[], step: ReviewStep): Threat[] {
  const [sourceId, flowId, targetId] = step.ids;
  return threats
    .filter(
      (t) =>
        t.interaction?.flowId === flowId && t.interaction.sourceId === sourceId && t.interaction.targetId === targetId,
    )
    .sort((a, b) => cmp(a.category, b.category) || cmp(a.id, b.id));
}

/** Where review mode starts: the first interaction not reviewed yet (the first one when all are). */
export function firstUnreviewed(steps: readonly ReviewStep[], reviewed: ReadonlyMap<string, unknown>): number {
  const i = steps.findIndex((s) => !reviewed.has(s.key));
  return i < 0 ? 0 : i;
}
