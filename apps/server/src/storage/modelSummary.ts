/**
 * What the models page shows of a model without reading its document: counts kept in columns of
 * `models` (migration 0005), written by every save.
 */
import type { Threat, ThreatModel } from '@bulwark/core';

/** The counts stored beside each model. */
export interface ModelCounts {
  /** Threats of priority High still to be dealt with (not started or needing investigation). */
  openHighThreats: number;
  /** Everything drawn on every diagram: elements, flows and boundaries. */
  elementCount: number;
}

/** Whether a threat counts as an open high-priority threat. */
export function isOpenHigh(t: Pick<Threat, 'priority' | 'status'> | undefined): boolean {
  if (!t) return false;
  const status = t.status ?? 'not-started';
  return t.priority === 'High' && (status === 'not-started' || status === 'needs-investigation');
}

/** The counts of a document. */
export function countsOf(document: Pick<ThreatModel, 'diagrams' | 'threats'>): ModelCounts {
  let elementCount = 0;
  for (const d of document.diagrams ?? []) elementCount += d.elements?.length ?? 0;
  let openHighThreats = 0;
  for (const t of document.threats ?? []) if (isOpenHigh(t)) openHighThreats++;
  return { openHighThreats, elementCount };
}
