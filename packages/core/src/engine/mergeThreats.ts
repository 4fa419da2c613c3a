/**
 * Merges freshly generated threats into a model's existing ones without losing triage: a
 * threat's identity is its type plus its interaction (or element), so regeneration finds it
 * again and keeps its status, priority, justification, mitigations and who changed it.
 */
import type { Threat } from '../model/ThreatModelSchema.js';

/** Counts of what a merge did. */
export interface MergeSummary {
  /** Generated now and not there before. */
  added: number;
  /** Generated now and there before: triage kept. */
  kept: number;
  /** There before, generated no longer: kept and flagged `orphaned`. */
  orphaned: number;
  /** Added by hand: always kept as they are. */
  manual: number;
}

/** Orders threats by id, the order the file keeps them in. */
export function compareThreats(a: Threat, b: Threat): number {
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** Merges generated threats into existing ones; returns the merged list sorted by id. */
export function mergeThreats(
  existing: readonly Threat[],
  generated: readonly Threat[],
): { threats: Threat[]; summary: MergeSummary } {
  const before = new Map(existing.map((t) => [t.id, t]));
  const seen = new Set<string>();
  const threats: Threat[] = [];
  const summary: MergeSummary = { added: 0, kept: 0, orphaned: 0, manual: 0 };
  for (const fresh of generated) {
    if (seen.has(fresh.id)) continue;
    seen.add(fresh.id);
    const old = before.get(fresh.id);
    if (!old) {
      threats.push(fresh);
      summary.added++;
      continue;
    }
    if (old.origin === 'manual') continue; // a manual threat with the same id is kept below
    const merged: Threat = {
      ...fresh,
      priority: old.priority,
      status: old.status,
      ...(old.justification !== undefined ? { justification: old.justification } : {}),
      ...(old.mitigations !== undefined ? { mitigations: old.mitigations } : {}),
      ...(old.changedBy !== undefined ? { changedBy: old.changedBy } : {}),
      ...(old.changedAt !== undefined ? { changedAt: old.changedAt } : {}),
      ...(old.properties !== undefined ? { properties: old.properties } : {}),
    };
    threats.push(merged);
    summary.kept++;
  }
  for (const old of existing) {
    if (old.origin === 'manual') {
      threats.push(old);
      summary.manual++;
    } else if (!seen.has(old.id)) {
      threats.push(old.orphaned ? old : { ...old, orphaned: true });
      summary.orphaned++;
    }
  }
  threats.sort(compareThreats);
  return { threats, summary };
}
