/**
 * Review routes: comment threads on a model, its elements and threats (kept in the database),
 * and sign-offs of a version (kept in the model document; the sign-off's write is kept as a version).
 */
import { modelDigest, type SignOff, type ThreatModel } from '@bulwark/core';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import type { z } from 'zod';
import { fail } from '../errors.js';
import { CommentCreateSchema, CommentPatchSchema, SignOffRequestSchema } from '../requestSchemas.js';
import { type Comment, CommentStore } from '../storage/CommentStore.js';
import type { AuditRow, ModelStore, StoredModel, VersionNote } from '../storage/ModelStore.js';
import type { Database } from '../storage/schema.js';
import { type Role, roleAtLeast, type User } from '../storage/UserStore.js';

/** The weakest role each review route needs (merged into app.ts's ROUTE_ROLES). */
export const REVIEW_ROUTE_ROLES: Record<string, Role> = {
  'GET /api/models/:id/comments': 'viewer',
  'POST /api/models/:id/comments': 'viewer',
  // The author may resolve their own thread; anyone else needs reviewer (checked below).
  'PATCH /api/models/:id/comments/:commentId': 'viewer',
  // Reviewers and owners only: editors pass this table and are turned away below.
  'POST /api/models/:id/signoff': 'reviewer',
};

/** What the review routes borrow from the app: who is asking, and the versioned save. */
export interface ReviewContext {
  models: ModelStore;
  db: Kysely<Database>;
  userOf: (request: FastifyRequest) => User;
  /** The caller's role on the model, once the route table's check has run. */
  roleOf: (request: FastifyRequest) => Role | undefined;
  ifMatch: (request: FastifyRequest) => number;
  etag: (version: number) => string;
  mustGetAt: (id: string, expected: number) => Promise<StoredModel>;
  commit: (
    actor: User,
    id: string,
    expected: number,
    doc: ThreatModel,
    note: VersionNote | undefined,
    audit?: AuditRow[],
    before?: ThreatModel,
  ) => Promise<number>;
}

/** The body as `schema` reads it, or a 422 naming the expected `shape` and the first problem. */
export function parseBody<S extends z.ZodType>(schema: S, body: unknown, shape: string): z.infer<S> {
  const r = schema.safeParse(body);
  if (!r.success) {
    const issue = r.error.issues[0];
    const where = issue?.path.length ? ` (${issue.path.join('.')})` : '';
    return fail('SCHEMA_INVALID', `Send ${shape}: ${issue?.message ?? 'the body does not match'}${where}.`);
  }
  return r.data;
}

/** Checks that a comment's target names something in the model as it is now. */
export function checkTarget(model: ThreatModel, target: string): void {
  if (target === 'model') return;
  const [kind, ...rest] = target.split(':');
  const id = rest.join(':');
  if (kind === 'element') {
    if (!model.diagrams.some((d) => d.elements.some((e) => e.id === id)))
      fail('USAGE', `The model has no element "${id}": comment on an element that is in the model, or on "model".`);
  } else if (!(model.threats ?? []).some((t) => t.id === id)) {
    fail('USAGE', `The model has no threat "${id}": comment on a threat that is in the model, or on "model".`);
  }
}

/** Registers the review routes on the app. */
export function registerReviewRoutes(app: FastifyInstance, ctx: ReviewContext): void {
  const comments = new CommentStore(ctx.db);
  const noModel = (id: string) => fail('NOT_FOUND', `No model with id "${id}".`);
  const mustGet = async (id: string): Promise<StoredModel> => (await ctx.models.get(id)) ?? noModel(id);

  app.get<{ Params: { id: string } }>('/api/models/:id/comments', async (request) => {
    // Only whether the model is there: its document (large, for a large model) is not read.
    const found = await ctx.db.selectFrom('models').select('id').where('id', '=', request.params.id).executeTakeFirst();
    if (!found) noModel(request.params.id);
    return { comments: await comments.list(request.params.id) };
  });

  app.post<{ Params: { id: string } }>('/api/models/:id/comments', async (request, reply) => {
    const actor = ctx.userOf(request);
    const body = parseBody(
      CommentCreateSchema,
      request.body,
      '{ "target": "model" | "element:<id>" | "threat:<id>", "body": "<text>", "parentId"?: "<comment id>" }',
    );
    const modelId = request.params.id;
    let target = body.target;
    if (body.parentId !== undefined) {
      // A reply goes on its thread's target, even one no longer in the model (the thread stays open to answers).
      const parent = await comments.get(modelId, body.parentId);
      if (!parent) return fail('NOT_FOUND', `Model "${modelId}" has no comment "${body.parentId}" to reply to.`);
      if (parent.parentId !== null)
        fail('USAGE', "Reply to the thread's first comment (its parentId), not to a reply: threads are one level.");
      if (parent.target !== body.target)
        fail('USAGE', `A reply is on what its thread is on: "${parent.target}", not "${body.target}".`);
      target = parent.target;
    } else {
      checkTarget((await mustGet(modelId)).document, target);
    }
    const created = await comments.add(modelId, {
      target,
      parentId: body.parentId ?? null,
      author: actor.name,
      body: body.body,
    });
    return reply.status(201).send({ comment: created });
  });

  app.patch<{ Params: { id: string; commentId: string } }>('/api/models/:id/comments/:commentId', async (request) => {
    const actor = ctx.userOf(request);
    const { resolved } = parseBody(CommentPatchSchema, request.body, '{ "resolved": true | false }');
    const comment: Comment =
      (await comments.get(request.params.id, request.params.commentId)) ??
      fail('NOT_FOUND', `Model "${request.params.id}" has no comment "${request.params.commentId}".`);
    if (comment.parentId !== null)
      fail('USAGE', `Comment "${comment.id}" is a reply: resolve its thread's first comment (${comment.parentId}).`);
    if (comment.author !== actor.name && !roleAtLeast(ctx.roleOf(request), 'reviewer'))
      fail('FORBIDDEN', 'Only the author of a thread, or a reviewer, editor or owner of the model, may resolve it.');
    if (comment.resolved === resolved) return { comment };
    return { comment: await comments.setResolved(comment, resolved, actor.name) };
  });

  app.post<{ Params: { id: string } }>('/api/models/:id/signoff', async (request, reply) => {
    const actor = ctx.userOf(request);
    const role = ctx.roleOf(request);
    if (role !== 'reviewer' && role !== 'owner')
      fail(
        'FORBIDDEN',
        `You are ${role === 'editor' ? 'an' : 'a'} ${role} of this model; signing off needs reviewer or owner.`,
      );
    const expected = ctx.ifMatch(request);
    const body = parseBody(SignOffRequestSchema, request.body, '{ "version": <stored version>, "note"?: "<text>" }');
    const current = await ctx.mustGetAt(request.params.id, expected);
    let signed = await ctx.models.version(current.id, body.version);
    if (!signed && body.version === current.version) {
      // The working copy: kept as a version first, so what was signed can be read and diffed later.
      const r = await ctx.models.saveVersion(current.id, expected, actor.name, {
        message: `Version signed off by ${actor.name}`,
        kind: 'saved',
      });
      if (r.status === 'conflict')
        fail('VERSION_CONFLICT', `The model changed since you read it (it is now ${r.currentVersion}).`, {
          currentVersion: r.currentVersion,
        });
      signed = current.document;
    }
    if (!signed)
      return fail(
        'NOT_FOUND',
        `Model "${current.id}" has no version ${body.version} to sign off (it is at ${current.version}).`,
      );
    const note = body.note?.trim();
    const signOff: SignOff = {
      by: actor.name,
      at: new Date().toISOString(),
      version: body.version,
      digest: modelDigest(signed),
      ...(note ? { note } : {}),
    };
    const doc: ThreatModel = {
      ...current.document,
      review: { ...current.document.review, signOffs: [...(current.document.review?.signOffs ?? []), signOff] },
    };
    const audit: AuditRow = {
      at: signOff.at,
      actor: actor.name,
      action: 'sign-off',
      subject: `version ${body.version}`,
      field: 'digest',
      oldValue: null,
      newValue: signOff.digest,
    };
    const kept: VersionNote = { message: `Signed off version ${body.version}`, kind: 'signed-off' };
    const version = await ctx.commit(actor, current.id, expected, doc, kept, [audit]);
    return reply.header('etag', ctx.etag(version)).send({ id: current.id, version, signOff });
  });
}
