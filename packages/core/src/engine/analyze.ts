/**
 * Analysis: generate the template's threats for a model and merge them into the threats the
 * model already has. Pure: returns a new model, never changes the one it is given.
 */
import { computeInteractions, type InteractionSet, type SkippedFlow } from '../interactions.js';
import type { Threat, ThreatModel, ThreatStatus } from '../model/ThreatModelSchema.js';
import type { ResolvedTemplate, RuleProblem } from '../template/resolveTemplate.js';
import { generateThreats } from './generateThreats.js';
import { type MergeSummary, mergeThreats } from './mergeThreats.js';

/** Counts for a list of threats, by status, priority and category. */
export interface ThreatSummary {
  total: number;
  byStatus: Record<ThreatStatus, number>;
  byPriority: Record<string, number>;
  byCategory: Record<string, number>;
  outOfScope: number;
  orphaned: number;
}

/** Everything an analysis run found. */
export interface AnalysisResult {
  /** The model with merged threats. */
  model: ThreatModel;
  summary: ThreatSummary;
  merge: MergeSummary;
  interactionCount: number;
  /** Every interaction and what it crosses, as the analysis computed them (reports can reuse them). */
  interactions: InteractionSet;
  /** Threat types skipped because a rule is broken. */
  ruleProblems: readonly RuleProblem[];
  /** Flows that yield no interaction (dangling, or joined to a boundary). */
  skippedFlows: readonly SkippedFlow[];
}

/** Counts threats by status, priority and category. */
export function summarizeThreats(threats: readonly Threat[]): ThreatSummary {
  const summary: ThreatSummary = {
    total: threats.length,
    byStatus: { 'not-started': 0, 'needs-investigation': 0, 'not-applicable': 0, mitigated: 0 },
    byPriority: {},
    byCategory: {},
    outOfScope: 0,
    orphaned: 0,
  };
  const byPriority = new Map<string, number>();
  const byCategory = new Map<string, number>();
  for (const t of threats) {
    summary.byStatus[t.status]++;
    byPriority.set(t.priority, (byPriority.get(t.priority) ?? 0) + 1);
    byCategory.set(t.category, (byCategory.get(t.category) ?? 0) + 1);
    if (t.outOfScope) summary.outOfScope++;
    if (t.orphaned) summary.orphaned++;
  }
  summary.byPriority = Object.fromEntries(byPriority);
  summary.byCategory = Object.fromEntries(byCategory);
  return summary;
}

/** Generates and merges threats; the result's model records the template version used. */
export function analyze(model: ThreatModel, template: ResolvedTemplate): AnalysisResult {
  const interactions = computeInteractions(model);
  const generated = generateThreats(model, template, { interactions });
  const merged = mergeThreats(model.threats ?? [], generated.threats);
  const next: ThreatModel = {
    ...model,
    template: { ...model.template, version: template.template.version },
    threats: merged.threats,
  };
  return {
    model: next,
    summary: summarizeThreats(merged.threats),
    merge: merged.summary,
    interactionCount: interactions.interactionCount,
    interactions,
    ruleProblems: template.ruleProblems,
    skippedFlows: interactions.skipped,
  };
}
