/** The example model with a payload in every text a model holds (see payloads.ts). */
import type { ThreatModel, ThreatStatus } from '@bulwark/core';
import { PAYLOADS } from './payloads.js';

const STATUSES: ThreatStatus[] = ['not-started', 'needs-investigation', 'not-applicable', 'mitigated'];

/** Payload number i (wrapping round the list). */
export const payload = (i: number): string => PAYLOADS[i % PAYLOADS.length] as string;

/** Every name, description, justification, mitigation, note and metadata field set to a payload. */
export function hostileModel(model: ThreatModel): ThreatModel {
  let i = 0;
  const next = (): string => payload(i++);
  return {
    ...model,
    metadata: {
      name: next(),
      owner: next(),
      reviewer: next(),
      contributors: [next(), next()],
      description: next(),
      assumptions: PAYLOADS.slice(),
      externalDependencies: PAYLOADS.slice(),
    },
    assets: PAYLOADS.map((p, n) => ({ id: `asset-${n}`, name: p, classification: next(), description: next() })),
    notes: PAYLOADS.map((p, n) => ({ id: `note-${n}`, text: p, author: next() })),
    diagrams: model.diagrams.map((d) => ({
      ...d,
      name: next(),
      elements: d.elements.map((e) => ({ ...e, name: next(), description: next() })),
    })),
    threats: (model.threats ?? []).map((t, n) => ({
      ...t,
      title: next(),
      description: next(),
      justification: next(),
      mitigations: next(),
      priority: n % 5 === 0 ? next() : t.priority,
      status: STATUSES[n % STATUSES.length] as ThreatStatus,
    })),
  };
}
