/**
 * A model's versions (issue 16.6): the versions made on purpose, listed with who, when, message
 * and kind, and how the working copy stands against the newest; one version's document; the
 * diff between any two, or one and the working copy; keeping the working copy as a version
 * (Save version); and restoring a version as the working copy. The model row's `version` is
 * its revision (the ETag): every write moves it on, and a version keeps the revision it copies.
 */
import { changeKinds, diffModels, parseModel, type Result, recordAuthorship, type ThreatModel } from '@bulwark/core';
import type { FastifyInstance } from 'fastify';
import { changeRefusal } from '../changePolicy.js';
import { fail, HttpError } from '../errors.js';
import { LIMITS, SaveVersionSchema } from '../requestSchemas.js';
import type { SaveResult, StoredModel, VersionNote } from '../storage/ModelStore.js';
import { parseBody, type ReviewContext } from './review.js';

/** What the version routes borrow from the app: what the review routes do, and a little more. */
export type VersionContext = Omit<ReviewContext, 'db'> & {
  mustGet: (id: string) => Promise<StoredModel>;
  savedVersion: (r: SaveResult, id: string, expected: number) => number;
};

/** A version number from a path or query (a whole number from 1), or a 400 that says so. */
export function versionNumber(text: string, what: string): number {
  const n = /^\d{1,9}$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isInteger(n) || n < 1)
    fail('USAGE', `${what} must be a version number (1, 2, …), not "${text.slice(0, 40)}".`);
  return n;
}

/** A PUT's `?message=`: a version's message (trimmed, not empty, at most LIMITS.message), or a 400. */
export function versionMessage(text: string): string {
  const message = text.trim();
  if (message === '') fail('USAGE', 'A version needs a message: leave out ?message= to save the working copy only.');
  if (message.length > LIMITS.message)
    fail('USAGE', `A version message is at most ${LIMITS.message} characters (this one has ${message.length}).`);
  return message;
}

function unwrap<T>(r: Result<T>): T {
  if (!r.ok) throw new HttpError(r.error);
  return r.value;
}

export function registerVersionRoutes(app: FastifyInstance, ctx: VersionContext): void {
  const { models } = ctx;

  /** A version's document; the working copy's revision reads the working copy when it is no version. */
  async function documentAt(m: StoredModel, version: number): Promise<ThreatModel> {
    const doc = await models.version(m.id, version);
    if (doc) return doc;
    if (version === m.version) return m.document;
    return fail('NOT_FOUND', `Model "${m.id}" has no version ${version}; GET /api/models/${m.id}/versions lists them.`);
  }

  app.get<{ Params: { id: string } }>('/api/models/:id/versions', async (request) => {
    const m = await ctx.mustGet(request.params.id);
    const versions = await models.versions(m.id);
    const newest = versions[0]?.version;
    return {
      versions,
      workingCopy: {
        version: m.version,
        // Every write moves the revision on: one past the newest version is a change since it.
        changedSinceVersion: newest !== undefined && m.version > newest ? newest : null,
        updatedBy: m.updatedBy,
        updatedAt: m.updatedAt,
      },
    };
  });

  app.get<{ Params: { id: string; version: string } }>('/api/models/:id/versions/:version', async (request) => {
    const version = versionNumber(request.params.version, 'the version in the path');
    const doc = await models.version(request.params.id, version);
    if (!doc) fail('NOT_FOUND', `Model "${request.params.id}" has no version ${request.params.version}.`);
    return { version, model: doc };
  });

  app.get<{ Params: { id: string }; Querystring: { from?: string; to?: string } }>(
    '/api/models/:id/diff',
    async (request) => {
      const m = await ctx.mustGet(request.params.id);
      let from: number;
      if (request.query.from !== undefined) from = versionNumber(request.query.from, '"from"');
      else {
        const newest = (await models.versions(m.id))[0];
        if (!newest) return fail('NOT_FOUND', `Model "${m.id}" has no versions.`);
        from = newest.version;
      }
      const to = request.query.to === undefined ? undefined : versionNumber(request.query.to, '"to"');
      const a = await documentAt(m, from);
      const b = to === undefined ? m.document : await documentAt(m, to);
      return { from, to: to ?? 'working-copy', revision: m.version, diff: diffModels(a, b) };
    },
  );

  // Save version: the working copy as it is, kept with a message (no new revision).
  app.post<{ Params: { id: string } }>('/api/models/:id/versions', async (request, reply) => {
    const actor = ctx.userOf(request);
    const expected = ctx.ifMatch(request);
    const { message } = parseBody(SaveVersionSchema, request.body, '{ "message": "<what this version is>" }');
    const r = await models.saveVersion(request.params.id, expected, actor.name, { message, kind: 'saved' });
    if (r.status === 'exists')
      fail('USAGE', `Nothing changed since version ${r.version} was saved: the working copy is that version.`, {
        version: r.version,
      });
    const version = ctx.savedVersion(r, request.params.id, expected);
    return reply
      .status(201)
      .header('etag', ctx.etag(version))
      .send({ id: request.params.id, version, message, kind: 'saved' });
  });

  // Restore: a version's document becomes the working copy (the next revision), kept as a version.
  app.post<{ Params: { id: string; version: string } }>(
    '/api/models/:id/versions/:version/restore',
    async (request, reply) => {
      const actor = ctx.userOf(request);
      const expected = ctx.ifMatch(request);
      const n = versionNumber(request.params.version, 'the version in the path');
      const current = await ctx.mustGetAt(request.params.id, expected);
      const stored = await models.version(current.id, n);
      if (!stored) return fail('NOT_FOUND', `Model "${current.id}" has no version ${n} to restore.`);
      const old = unwrap(parseModel(stored, `version ${n}`));
      // As a PUT: who did what is the server's to record (sign-offs stay as they are now), and
      // the caller's role must allow every kind of change the restore makes.
      const doc = recordAuthorship(current.document, old, actor.name, new Date().toISOString());
      const role = ctx.roleOf(request) ?? fail('FORBIDDEN', 'The role check did not run for this request.');
      const refusal = changeRefusal(role, changeKinds(current.document, doc));
      if (refusal) fail('FORBIDDEN', refusal);
      const note: VersionNote = { message: `Restored version ${n}`, kind: 'restored' };
      const version = await ctx.commit(actor, current.id, expected, doc, note, [], current.document);
      return reply.header('etag', ctx.etag(version)).send({ id: current.id, version, restored: n });
    },
  );
}
