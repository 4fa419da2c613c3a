/** The request bodies the API validates that are not model or template documents. */
import { ThreatStatusSchema } from '@bulwark/core';
import { z } from 'zod';
import { ROLES } from './storage/UserStore.js';

/**
 * Every string a request carries has a maximum length (a test walks these schemas and the model
 * and template schemas to make sure): a name or id is short, a triage text is a few pages.
 */
export const LIMITS = {
  /** A user, model or template name, an id, a version, a priority. */
  name: 200,
  /** A password (NIST SP 800-63B: at least 64 allowed). */
  password: 1024,
  /** A version message. */
  message: 1000,
  /** A threat's justification or mitigations, a comment, a sign-off note. */
  text: 100_000,
  /** A threat id (`typeId:sourceId:flowId:targetId`, each part up to 200 characters). */
  threatId: 1000,
} as const;

/** The longest comment or sign-off note the server stores, in characters. */
export const MAX_COMMENT_LENGTH = 10_000;

/** Signing in. */
export const LoginBodySchema = z.object({
  name: z.string().min(1).max(LIMITS.name).describe('The user name.'),
  password: z.string().min(1).max(LIMITS.password).describe('The password.'),
});

/** Giving a user a role on a model. */
export const RoleGrantSchema = z.object({
  user: z.string().min(1).max(LIMITS.name).describe('The user name.'),
  role: z.enum(ROLES).describe('The role, weakest first.'),
});

/** Threat triage changes: one threat or many, only the triage fields. */
export const ThreatPatchSchema = z.object({
  id: z.string().min(1).max(LIMITS.threatId).describe('The threat id.'),
  status: ThreatStatusSchema.optional(),
  priority: z.string().min(1).max(LIMITS.name).optional(),
  justification: z.string().max(LIMITS.text).optional(),
  mitigations: z.string().max(LIMITS.text).optional(),
});

/** A batch of triage changes, saved as one revision of the working copy (no version). */
export const ThreatPatchBodySchema = z.object({
  threats: z.array(ThreatPatchSchema).min(1).max(200_000),
  message: z
    .string()
    .max(LIMITS.message)
    .optional()
    .describe('Ignored: a triage batch writes the working copy only (POST /api/models/{id}/versions makes a version).'),
});

/** Keeping the working copy as a version (POST /api/models/:id/versions). */
export const SaveVersionSchema = z.object({
  message: z
    .string()
    .trim()
    .min(1, 'a version needs a message')
    .max(LIMITS.message)
    .describe('What this version is, in words (at most 1,000 characters).'),
});

/** A blank model from a template. */
export const CreateBlankSchema = z.object({
  name: z.string().min(1).max(LIMITS.name),
  template: z.string().min(1).max(LIMITS.name).describe('A template id, e.g. "stride".'),
});

/** What a comment is on: the whole model, one element, or one threat. */
export const CommentTargetSchema = z
  .string()
  .max(LIMITS.threatId + 10)
  .regex(/^(model|element:.+|threat:.+)$/, 'a target is "model", "element:<elementId>" or "threat:<threatId>"')
  .describe('What the comment is on: "model", "element:<elementId>" or "threat:<threatId>".');

/** A new comment, or a reply to a thread's first comment. */
export const CommentCreateSchema = z.object({
  target: CommentTargetSchema,
  body: z.string().trim().min(1, 'a comment needs some text').max(MAX_COMMENT_LENGTH).describe('The text.'),
  parentId: z.string().min(1).max(LIMITS.name).optional().describe("The thread's first comment, for a reply."),
});

/** Resolving or reopening a thread. */
export const CommentPatchSchema = z.object({
  resolved: z.boolean().describe('true resolves the thread, false reopens it.'),
});

/** A sign-off of one stored version. */
export const SignOffRequestSchema = z.object({
  version: z
    .number()
    .int()
    .positive()
    .describe('The version signed off, or the current revision (the working copy; usually).'),
  note: z.string().max(MAX_COMMENT_LENGTH).optional().describe("The reviewer's words."),
});

/** The template editor's Save: the template, and the version it was edited from. */
export const SaveTemplateVersionSchema = z.object({
  template: z
    .record(z.string().max(LIMITS.name), z.unknown())
    .describe('The whole template (validated as a Template); its id and version are set by the server.'),
  baseVersion: z
    .string()
    .min(1)
    .max(LIMITS.name)
    .describe('The version the edit started from; the save fails with 409 if it is not the newest.'),
});
