import { readFileSync } from 'node:fs';
import { modelDigest, type ThreatModel } from '@bulwark/core';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from './app.js';
import { UserStore } from './storage/UserStore.js';
import { type Backend, backends } from './testing/backends.js';

const ROOT = new URL('../../../', import.meta.url).pathname;
const example = JSON.parse(readFileSync(`${ROOT}examples/infrastructure.bulwark.json`, 'utf8'));
const PEOPLE = ['owner', 'editor', 'reviewer', 'viewer'] as const;
type Person = (typeof PEOPLE)[number];

describe.each(backends())('comments and sign-off on $name', (backend: Backend) => {
  let opened: Awaited<ReturnType<Backend['open']>>;
  let local: FastifyInstance;
  let team: FastifyInstance;
  const tokens = {} as Record<Person, string>;

  beforeAll(async () => {
    opened = await backend.open();
    local = await buildApp({ store: opened.store, localUser: 'ana' });
    team = await buildApp({ store: opened.store, auth: 'local' });
    const users = new UserStore(opened.store.db);
    for (const p of PEOPLE)
      tokens[p] = (await users.createToken((await users.add(p, `${p}-tangerine-umbrella`)).id, 't')).token;
  });
  afterAll(async () => {
    await local.close();
    await team.close();
    await opened.dispose();
  });

  /** A fresh analysed model in local mode (version 2, with threats). */
  const analysedModel = async (): Promise<{ id: string; model: ThreatModel }> => {
    const created = await local.inject({ method: 'POST', url: '/api/models', payload: example });
    const id = created.json().id as string;
    const analysed = await local.inject({
      method: 'POST',
      url: `/api/models/${id}/analyze`,
      headers: { 'if-match': '"1"' },
    });
    expect(analysed.statusCode, analysed.body).toBe(200);
    return { id, model: (await local.inject(`/api/models/${id}`)).json().model };
  };
  const comment = (app: FastifyInstance, id: string, payload: object, token?: string) =>
    app.inject({
      method: 'POST',
      url: `/api/models/${id}/comments`,
      payload,
      headers: token ? { authorization: `Bearer ${token}` } : {},
    });
  const resolve = (app: FastifyInstance, id: string, commentId: string, resolved: boolean, token?: string) =>
    app.inject({
      method: 'PATCH',
      url: `/api/models/${id}/comments/${commentId}`,
      payload: { resolved },
      headers: token ? { authorization: `Bearer ${token}` } : {},
    });
  const audit = async (id: string) =>
    (await local.inject(`/api/models/${id}/audit`)).json().entries as {
      action: string;
      actor: string;
      subject: string;
    }[];

  it('keeps threads on the model, an element and a threat: comment, reply, resolve, reopen', async () => {
    const { id, model } = await analysedModel();
    const element = model.diagrams[0]?.elements.find((e) => e.kind === 'process')?.id ?? '';
    const threat = model.threats?.[0]?.id ?? '';
    const root = await comment(local, id, { target: `element:${element}`, body: 'Is this behind the VPN?' });
    expect(root.statusCode, root.body).toBe(201);
    const first = root.json().comment;
    expect(first).toMatchObject({ target: `element:${element}`, parentId: null, author: 'ana', resolved: false });
    const reply = await comment(local, id, {
      target: `element:${element}`,
      body: 'Yes, since May.',
      parentId: first.id,
    });
    expect(reply.statusCode, reply.body).toBe(201);
    expect((await comment(local, id, { target: `threat:${threat}`, body: 'Accepted risk?' })).statusCode).toBe(201);
    expect((await comment(local, id, { target: 'model', body: 'Ready for the meeting.' })).statusCode).toBe(201);

    const resolved = await resolve(local, id, first.id, true);
    expect(resolved.statusCode, resolved.body).toBe(200);
    expect(resolved.json().comment.resolved).toBe(true);
    const all = (await local.inject(`/api/models/${id}/comments`)).json().comments as {
      target: string;
      parentId: string | null;
      body: string;
      resolved: boolean;
    }[];
    expect(all.map((c) => [c.target, c.parentId === first.id, c.body, c.resolved])).toEqual([
      [`element:${element}`, false, 'Is this behind the VPN?', true],
      [`element:${element}`, true, 'Yes, since May.', false],
      [`threat:${threat}`, false, 'Accepted risk?', false],
      ['model', false, 'Ready for the meeting.', false],
    ]);
    expect((await resolve(local, id, first.id, false)).json().comment.resolved).toBe(false);
    // Only a thread's first comment is resolved; a reply to a reply is refused.
    const replyId = reply.json().comment.id;
    expect((await resolve(local, id, replyId, true)).json().message).toContain('is a reply');
    const nested = await comment(local, id, { target: `element:${element}`, body: 'And?', parentId: replyId });
    expect(nested.statusCode).toBe(400);
    expect(nested.json().message).toContain("thread's first comment");

    const actions = (await audit(id)).filter((e) => e.action.startsWith('comment.'));
    expect(actions.map((e) => [e.action, e.actor])).toEqual([
      ['comment.added', 'ana'],
      ['comment.replied', 'ana'],
      ['comment.added', 'ana'],
      ['comment.added', 'ana'],
      ['comment.resolved', 'ana'],
      ['comment.reopened', 'ana'],
    ]);
    expect(actions[0]?.subject).toBe(`element:${element} comment ${first.id}`);
  });

  it('keeps a thread open to replies after its element leaves the model, and refuses new threads on it', async () => {
    const { id, model } = await analysedModel();
    const element = model.diagrams[0]?.elements.find((e) => e.kind === 'process')?.id ?? '';
    const root = (await comment(local, id, { target: `element:${element}`, body: 'Still needed?' })).json().comment;
    const without = {
      ...model,
      diagrams: model.diagrams.map((d) => ({
        ...d,
        elements: d.elements.filter(
          (e) => e.id !== element && !('source' in e && (e.source === element || e.target === element)),
        ),
      })),
      threats: [],
    };
    const put = await local.inject({
      method: 'PUT',
      url: `/api/models/${id}`,
      payload: without,
      headers: { 'if-match': '"2"' },
    });
    expect(put.statusCode, put.body).toBe(200);
    const reply = await comment(local, id, { target: `element:${element}`, body: 'No: removed.', parentId: root.id });
    expect(reply.statusCode, reply.body).toBe(201);
    expect((await comment(local, id, { target: `element:${element}`, body: 'Again?' })).statusCode).toBe(400);
  });

  it('refuses comments on what the model does not have, empty ones and overlong ones, saying what to send', async () => {
    const { id } = await analysedModel();
    const element = await comment(local, id, { target: 'element:no-such-thing', body: 'Hm' });
    expect(element.statusCode).toBe(400);
    expect(element.json().message).toBe(
      'The model has no element "no-such-thing": comment on an element that is in the model, or on "model".',
    );
    const threat = await comment(local, id, { target: 'threat:T1:a:b:c', body: 'Hm' });
    expect(threat.statusCode).toBe(400);
    expect(threat.json().message).toContain('no threat "T1:a:b:c"');
    const target = await comment(local, id, { target: 'diagram:context', body: 'Hm' });
    expect(target.statusCode).toBe(422);
    expect(target.json().message).toContain('"model", "element:<elementId>" or "threat:<threatId>"');
    expect((await comment(local, id, { target: 'model', body: '   ' })).statusCode).toBe(422);
    expect((await comment(local, id, { target: 'model', body: 'x'.repeat(10_001) })).statusCode).toBe(422);
    const orphan = await comment(local, id, { target: 'model', body: 'Hm', parentId: 'nope' });
    expect(orphan.statusCode).toBe(404);
    expect((await local.inject('/api/models/nope/comments')).statusCode).toBe(404);
    expect((await local.inject(`/api/models/${id}/comments`)).json().comments).toEqual([]);
  });

  it('signs off a stored version with its digest, as a new version, in the audit log', async () => {
    const { id, model } = await analysedModel();
    const r = await local.inject({
      method: 'POST',
      url: `/api/models/${id}/signoff`,
      payload: { version: 2, note: 'Walked through with the team.' },
      headers: { 'if-match': '"2"' },
    });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.headers.etag).toBe('"3"');
    const digest = modelDigest(model);
    expect(r.json()).toMatchObject({
      id,
      version: 3,
      signOff: { by: 'ana', version: 2, digest, note: 'Walked through with the team.' },
    });
    const now = (await local.inject(`/api/models/${id}`)).json().model as ThreatModel;
    expect(now.review?.signOffs).toEqual([r.json().signOff]);
    expect(modelDigest(now)).toBe(digest); // signing off changes nothing that is signed off
    const versions = (await local.inject(`/api/models/${id}/versions`)).json().versions;
    expect(versions[0]).toMatchObject({ version: 3, author: 'ana', message: 'Signed off version 2' });
    expect((await audit(id)).filter((e) => e.action === 'sign-off')).toEqual([
      expect.objectContaining({ actor: 'ana', subject: 'version 2', newValue: digest }),
    ]);

    // The reports (threats as the template makes them now) say it is signed off and unchanged.
    const md = await local.inject(`/api/models/${id}/export?format=md`);
    expect(md.body).toContain(`- **Sign-off:** Signed off by ana on ${r.json().signOff.at.slice(0, 10)} (version 2)`);
    expect(md.body).toContain('| ana | ');
    expect(md.body).toContain(' | 2 | Walked through with the team. | Unchanged |');

    // An older version keeps its own digest; the current document gets the sign-off appended.
    const old = await local.inject({
      method: 'POST',
      url: `/api/models/${id}/signoff`,
      payload: { version: 1 },
      headers: { 'if-match': '"3"' },
    });
    expect(old.statusCode, old.body).toBe(200);
    const v1 = (await local.inject(`/api/models/${id}/versions/1`)).json().model as ThreatModel;
    expect(old.json().signOff.digest).toBe(modelDigest(v1));
    expect(old.json().signOff.note).toBeUndefined();
    const latest = (await local.inject(`/api/models/${id}`)).json().model as ThreatModel;
    expect(latest.review?.signOffs?.map((s) => s.version)).toEqual([2, 1]);
  });

  it('refuses a sign-off on a stale If-Match (409, nothing saved), without one (428), and of a missing version', async () => {
    const { id } = await analysedModel();
    const stale = await local.inject({
      method: 'POST',
      url: `/api/models/${id}/signoff`,
      payload: { version: 1 },
      headers: { 'if-match': '"1"' },
    });
    expect(stale.statusCode).toBe(409);
    expect(stale.json()).toMatchObject({ code: 'VERSION_CONFLICT', currentVersion: 2 });
    const none = await local.inject({ method: 'POST', url: `/api/models/${id}/signoff`, payload: { version: 2 } });
    expect(none.statusCode).toBe(428);
    const missing = await local.inject({
      method: 'POST',
      url: `/api/models/${id}/signoff`,
      payload: { version: 7 },
      headers: { 'if-match': '"2"' },
    });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().message).toBe(`Model "${id}" has no version 7 to sign off (it is at 2).`);
    const got = await local.inject(`/api/models/${id}`);
    expect(got.headers.etag).toBe('"2"');
    expect(got.json().model.review).toBeUndefined();
    expect((await audit(id)).some((e) => e.action === 'sign-off')).toBe(false);
  });

  it('in team mode lets every role comment, authors and reviewers resolve, and only reviewers and owners sign off', async () => {
    const as = (p: Person) => ({ authorization: `Bearer ${tokens[p]}` });
    const created = await team.inject({ method: 'POST', url: '/api/models', payload: example, headers: as('owner') });
    const id = created.json().id as string;
    for (const role of ['editor', 'reviewer', 'viewer'] as const) {
      const granted = await team.inject({
        method: 'POST',
        url: `/api/models/${id}/roles`,
        payload: { user: role, role },
        headers: as('owner'),
      });
      expect(granted.statusCode).toBe(200);
    }
    const threads: Record<Person, string> = {} as Record<Person, string>;
    for (const p of PEOPLE) {
      const r = await comment(team, id, { target: 'model', body: `From the ${p}` }, tokens[p]);
      expect(r.statusCode, r.body).toBe(201);
      expect(r.json().comment.author).toBe(p);
      threads[p] = r.json().comment.id;
    }
    // A viewer resolves their own thread but nobody else's; a reviewer resolves anyone's.
    expect((await resolve(team, id, threads.viewer, true, tokens.viewer)).statusCode).toBe(200);
    const notMine = await resolve(team, id, threads.owner, true, tokens.viewer);
    expect(notMine.statusCode).toBe(403);
    expect(notMine.json().message).toContain('Only the author of a thread');
    expect((await resolve(team, id, threads.owner, true, tokens.reviewer)).statusCode).toBe(200);
    expect((await resolve(team, id, threads.reviewer, true, tokens.editor)).statusCode).toBe(200);

    const signOff = (p: Person, version: number) =>
      team.inject({
        method: 'POST',
        url: `/api/models/${id}/signoff`,
        payload: { version },
        headers: { ...as(p), 'if-match': `"${version}"` },
      });
    const viewer = await signOff('viewer', 1);
    expect(viewer.statusCode).toBe(403);
    const editor = await signOff('editor', 1);
    expect(editor.statusCode).toBe(403);
    expect(editor.json().message).toBe('You are an editor of this model; signing off needs reviewer or owner.');
    const reviewer = await signOff('reviewer', 1);
    expect(reviewer.statusCode, reviewer.body).toBe(200);
    expect(reviewer.json().signOff.by).toBe('reviewer');
    expect((await signOff('owner', 2)).statusCode).toBe(200);
    // A stranger learns nothing of the model's comments.
    const users = new UserStore(opened.store.db);
    const stranger = (
      await users.createToken((await users.add(`stranger-${backend.name}`, 'stranger-tangerine-umbrella')).id, 't')
    ).token;
    const hidden = await team.inject({
      url: `/api/models/${id}/comments`,
      headers: { authorization: `Bearer ${stranger}` },
    });
    expect(hidden.statusCode).toBe(404);
  });

  it('publishes the review routes in the OpenAPI document', async () => {
    const doc = (await local.inject('/api/docs/json')).json();
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/api/models/{id}/comments',
        '/api/models/{id}/comments/{commentId}',
        '/api/models/{id}/signoff',
      ]),
    );
    expect(doc.components.schemas.CommentCreate.required).toEqual(['target', 'body']);
    expect(doc.components.schemas.SignOffRequest.properties.version).toBeDefined();
  });
});
