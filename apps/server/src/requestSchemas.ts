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

/** The longest comment or sign-off note the server stores, in characters. */
export const MAX_COMMENT_LENGTH = 10_000;

/** What a comment is on: the whole model, one element, or one threat. */
export const CommentTargetSchema = z
  .string()
  .regex(/^(model|element:.+|threat:.+)$/, 'a target is "model", "element:<elementId>" or "threat:<threatId>"')
  .describe('What the comment is on: "model", "element:<elementId>" or "threat:<threatId>".');

/** A new comment, or a reply to a thread's first comment. */
export const CommentCreateSchema = z.object({
  target: CommentTargetSchema,
  body: z.string().trim().min(1, 'a comment needs some text').max(MAX_COMMENT_LENGTH).describe('The text.'),
  parentId: z.string().min(1).optional().describe("The thread's first comment, for a reply."),
});

/** Resolving or reopening a thread. */
export const CommentPatchSchema = z.object({
  resolved: z.boolean().describe('true resolves the thread, false reopens it.'),
});

/** A sign-off of one stored version. */
export const SignOffRequestSchema = z.object({
  version: z.number().int().positive().describe('The stored version signed off (usually the current one).'),
  note: z.string().max(MAX_COMMENT_LENGTH).optional().describe("The reviewer's words."),
});

/** The template editor's Save: the template, and the version it was edited from. */
export const SaveTemplateVersionSchema = z.object({
  template: z
    .record(z.string(), z.unknown())
    .describe('The whole template (validated as a Template); its id and version are set by the server.'),
  baseVersion: z
    .string()
    .min(1)
    .describe('The version the edit started from; the save fails with 409 if it is not the newest.'),
});
