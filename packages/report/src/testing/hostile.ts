/** The example model with a payload in every text a model holds (see payloads.ts). */
import type { ThreatModel, ThreatStatus } from '@bulwark/core';
import { PAYLOADS } from './payloads.js';

const STATUSES: ThreatStatus[] = ['not-started', 'needs-investigation', 'not-applicable', 'mitigated'];

/** Payload number i (wrapping round the list). */
export const payload = (i: number): string => PAYLOADS[i % PAYLOADS.length] as string;

/** Every name, description, justification, mitigation, note, sign-off and metadata field set to a payload. */
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
    // Sign-offs by hostile reviewers with hostile notes: one of the model as it is, one of something else.
    review: {
      signOffs: [
        { by: next(), at: '2026-11-20T09:00:00Z', version: 2, digest: '0'.repeat(64), note: next() },
        { by: next(), at: next(), note: next(), digest: 'f'.repeat(64) },
      ],
    },
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
