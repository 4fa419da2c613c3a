/** The request bodies the API validates that are not model or template documents. */
import { ThreatStatusSchema } from '@bulwark/core';
import { z } from 'zod';

/** Threat triage changes: one threat or many, only the triage fields. */
export const ThreatPatchSchema = z.object({
  id: z.string().min(1).describe('The threat id.'),
  status: ThreatStatusSchema.optional(),
  priority: z.string().min(1).optional(),
  justification: z.string().optional(),
  mitigations: z.string().optional(),
});

/** A batch of triage changes, saved as one version. */
export const ThreatPatchBodySchema = z.object({
  threats: z.array(ThreatPatchSchema).min(1),
  message: z.string().optional().describe('The version message.'),
});

/** A blank model from a template. */
export const CreateBlankSchema = z.object({
  name: z.string().min(1),
  template: z.string().min(1).describe('A template id, e.g. "stride".'),
});
