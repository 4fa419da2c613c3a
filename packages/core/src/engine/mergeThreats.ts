/**
 * Merges freshly generated threats into a model's existing ones without losing triage: a
 * threat's identity is its type plus its interaction (or element), so regeneration finds it
 * again and keeps its status, priority, justification, mitigations and who changed it. A
 * threat that no longer applies stays, flagged `orphaned`, if anyone triaged it; an untouched
 * one is dropped, so toggling a property back and forth leaves no litter.
 */
import type { Threat } from '../model/ThreatModelSchema.js';

/** Counts of what a merge did. */
export interface MergeSummary {
  /** Generated now and not there before. */
  added: number;
  /** Generated now and there before: triage kept. */
  kept: number;
  /** There before, generated no longer, and triaged: kept and flagged `orphaned`. */
  orphaned: number;
  /** There before, generated no longer, never triaged: dropped (nothing of anyone's is lost). */
  dropped: number;
  /** Added by hand: always kept as they are. */
  manual: number;
}

/** Whether anyone has touched a threat's triage: only then is it worth keeping once it no longer applies. */
export function isTriaged(t: Threat): boolean {
  return (
    t.status !== 'not-started' ||
    (t.justification ?? '') !== '' ||
    (t.mitigations ?? '') !== '' ||
    t.changedBy !== undefined ||
    t.changedAt !== undefined
  );
}

/** Orders threats by id, the order the file keeps them in. */
export function compareThreats(a: Threat, b: Threat): number {
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/**
 * Merges generated threats into existing ones. The result lists the generated threats in
 * generation order, then orphaned and manual ones; files sort by id when they are written.
 * `generated` is taken over: its threat objects are updated in place and returned.
 */
export function mergeThreats(
  existing: readonly Threat[],
  generated: Threat[],
): { threats: Threat[]; summary: MergeSummary } {
  const summary: MergeSummary = { added: 0, kept: 0, orphaned: 0, dropped: 0, manual: 0 };
  if (existing.length === 0) {
    summary.added = generated.length;
    return { threats: generated, summary };
  }
  // Existing generated threats by id; each one found again is taken out, so what is left at
  // the end has lost its interaction or element.
  const pending = new Map<string, Threat>();
  for (const t of existing) if (t.origin !== 'manual') pending.set(t.id, t);
  const manualIds = new Set<string>();
  for (const t of existing) if (t.origin === 'manual') manualIds.add(t.id);
  const threats: Threat[] = [];
  for (const fresh of generated) {
    if (manualIds.has(fresh.id)) continue; // a manual threat with the same id is kept below
    const old = pending.get(fresh.id);
    if (!old) {
      threats.push(fresh);
      summary.added++;
      continue;
    }
    pending.delete(fresh.id);
    // Triage belongs to people: carry every triage field over to the fresh threat.
    fresh.priority = old.priority;
    fresh.status = old.status;
    if (old.justification !== undefined) fresh.justification = old.justification;
    if (old.mitigations !== undefined) fresh.mitigations = old.mitigations;
    if (old.changedBy !== undefined) fresh.changedBy = old.changedBy;
    if (old.changedAt !== undefined) fresh.changedAt = old.changedAt;
    if (old.properties !== undefined) fresh.properties = old.properties;
    threats.push(fresh);
    summary.kept++;
  }
  for (const old of existing) {
    if (old.origin === 'manual') {
      threats.push(old);
      summary.manual++;
    } else if (pending.has(old.id) && !isTriaged(old)) {
      summary.dropped++;
    } else if (pending.has(old.id)) {
      threats.push(old.orphaned ? old : { ...old, orphaned: true });
      summary.orphaned++;
    }
  }
  return { threats, summary };
}
