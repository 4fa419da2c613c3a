/**
 * Review records are the server's to write: sign-offs, triage authorship and time, and review
 * marks come from the authenticated caller, whatever a PUT or PATCH body says; and what each role
 * may change is decided on the meaning of the change (a reviewer moving a shape so that a flow
 * crosses another boundary changes the analysis, and is refused).
 */
import { buildModel, type Element, modelDigest, type ThreatModel } from '@bulwark/core';
import { signOffState } from '@bulwark/report';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from './app.js';
import { UserStore } from './storage/UserStore.js';
import { type Backend, backends } from './testing/backends.js';

/** A box with the web app inside and the database outside: the flow between them crosses it. */
const shop = (): ThreatModel =>
  buildModel('Shop', 'stride')
    .boundary('dmz', { position: { x: 0, y: 0, width: 300, height: 300 } })
    .entity('user', { position: { x: -300, y: 50, width: 80, height: 60 } })
    .process('web', { position: { x: 50, y: 50, width: 80, height: 80 } })
    .store('db', { position: { x: 500, y: 50, width: 100, height: 60 } })
    .flow('user', 'web')
    .flow('web', 'db')
    .build();

const moved = (m: ThreatModel, id: string, dx: number, dw = 0): ThreatModel => ({
  ...m,
  diagrams: m.diagrams.map((d) => ({
    ...d,
    elements: d.elements.map((e) =>
      e.id === id && 'position' in e && e.position
        ? ({ ...e, position: { ...e.position, x: e.position.x + dx, width: e.position.width + dw } } as Element)
        : e,
    ),
  })),
});

describe.each(backends())('server-written records ($name)', (backend: Backend) => {
  let opened: Awaited<ReturnType<Backend['open']>>;
  let app: FastifyInstance;
  const tokens: Record<string, string> = {};
  let id = '';
  const as = (who: string) => ({ authorization: `Bearer ${tokens[who]}` });
  const read = async (): Promise<{ version: number; model: ThreatModel }> =>
    (await app.inject({ url: `/api/models/${id}`, headers: as('owner') })).json();
  const put = async (who: string, model: ThreatModel) => {
    const { version } = await read();
    return app.inject({
      method: 'PUT',
      url: `/api/models/${id}`,
      payload: model,
      headers: { ...as(who), 'if-match': `"${version}"` },
    });
  };

  beforeAll(async () => {
    opened = await backend.open();
    app = await buildApp({ store: opened.store, auth: 'local' });
    const users = new UserStore(opened.store.db);
    for (const name of ['owner', 'editor', 'reviewer']) {
      const u = await users.add(name, `${name}-long-passphrase-42`);
      tokens[name] = (await users.createToken(u.id, 'tests')).token;
    }
    const created = await app.inject({ method: 'POST', url: '/api/models', payload: shop(), headers: as('owner') });
    id = created.json().id;
    for (const role of ['editor', 'reviewer']) {
      await app.inject({
        method: 'POST',
        url: `/api/models/${id}/roles`,
        payload: { user: role, role },
        headers: as('owner'),
      });
    }
    const analysed = await app.inject({
      method: 'POST',
      url: `/api/models/${id}/analyze`,
      headers: { ...as('owner'), 'if-match': '"1"' },
    });
    expect(analysed.statusCode, analysed.body).toBe(200);
    expect((await read()).model.threats?.length).toBeGreaterThan(5);
  });
  afterAll(async () => {
    await app?.close();
    await opened?.dispose();
  });

  it.each(['editor', 'reviewer', 'owner'])(
    "a %s's PUT cannot write a sign-off: it is ignored, reports do not believe it, no audit row",
    async (who) => {
      const { model } = await read();
      const forged = {
        ...model,
        review: {
          ...model.review,
          signOffs: [{ by: 'The CISO', at: new Date().toISOString(), digest: modelDigest(model) }],
        },
      };
      const r = await put(who, forged);
      expect(r.statusCode, r.body).toBe(200);
      const stored = (await read()).model;
      expect(stored.review?.signOffs ?? []).toEqual([]);
      expect(signOffState(stored).rows).toEqual([]);
      const md = await app.inject({ url: `/api/models/${id}/export?format=md`, headers: as('owner') });
      expect(md.body).not.toContain('The CISO');
      const audit = (await app.inject({ url: `/api/models/${id}/audit`, headers: as('owner') })).json().entries;
      expect(audit.some((e: { action: string }) => e.action === 'sign-off')).toBe(false);
    },
  );

  it('a real sign-off survives a later PUT that leaves it out or rewrites it', async () => {
    const { version } = await read();
    const signed = await app.inject({
      method: 'POST',
      url: `/api/models/${id}/signoff`,
      payload: { version },
      headers: { ...as('reviewer'), 'if-match': `"${version}"` },
    });
    expect(signed.statusCode, signed.body).toBe(200);
    const { model } = await read();
    const real = model.review?.signOffs;
    expect(real?.[0]?.by).toBe('reviewer');
    for (const review of [{}, { signOffs: [] }, { signOffs: [{ ...real?.[0], by: 'someone else' }] }]) {
      expect((await put('editor', { ...model, review: review as ThreatModel['review'] })).statusCode).toBe(200);
      expect((await read()).model.review?.signOffs).toEqual(real);
    }
  });

  it.each(['editor', 'reviewer'])("a %s's triage is stamped with who and when by the server", async (who) => {
    const { model } = await read();
    const t = model.threats?.[0];
    if (!t) throw new Error('no threat');
    const status = t.status === 'mitigated' ? 'needs-investigation' : 'mitigated';
    const started = Date.now();
    const r = await put(who, {
      ...model,
      threats: model.threats?.map((x) =>
        x.id === t.id ? { ...x, status, changedBy: 'The CISO', changedAt: '1999-01-01T00:00:00.000Z' } : x,
      ),
    });
    expect(r.statusCode, r.body).toBe(200);
    const after = (await read()).model.threats?.find((x) => x.id === t.id);
    expect(after?.status).toBe(status);
    expect(after?.changedBy).toBe(who);
    expect(Date.parse(after?.changedAt ?? '')).toBeGreaterThanOrEqual(started - 1000);
    // Authorship alone, on a threat whose triage did not change: the stored stamp stays.
    const other = (await read()).model;
    const r2 = await put(who, {
      ...other,
      threats: other.threats?.map((x) => (x.id === t.id ? { ...x, changedBy: 'The CISO', changedAt: '1999' } : x)),
    });
    expect(r2.statusCode).toBe(200);
    expect((await read()).model.threats?.find((x) => x.id === t.id)?.changedBy).toBe(who);
  });

  it.each(['application/json', 'application/yaml'])(
    'a model created from a file (%s) keeps none of its sign-offs, and says so',
    async (type) => {
      const m = shop();
      const signed = {
        ...m,
        review: { signOffs: [{ by: 'The CISO', at: '2026-01-01T00:00:00Z', digest: modelDigest(m) }] },
      };
      const r = await app.inject({
        method: 'POST',
        url: '/api/models',
        // YAML: JSON is YAML too, sent as text.
        payload: type === 'application/json' ? signed : JSON.stringify(signed),
        headers: { ...as('editor'), 'content-type': type },
      });
      expect(r.statusCode, r.body).toBe(201);
      expect(r.json().warnings?.join(' ')).toMatch(/1 sign-off\(s\) were not kept/);
      const stored = (await app.inject({ url: `/api/models/${r.json().id}`, headers: as('editor') })).json().model;
      expect(stored.review?.signOffs).toBeUndefined();
    },
  );

  it('a PATCH ignores authorship in its body', async () => {
    const { version, model } = await read();
    const t = model.threats?.[1];
    const r = await app.inject({
      method: 'PATCH',
      url: `/api/models/${id}/threats`,
      payload: { threats: [{ id: t?.id, status: 'not-applicable', changedBy: 'The CISO', changedAt: '1999' }] },
      headers: { ...as('reviewer'), 'if-match': `"${version}"` },
    });
    expect(r.statusCode, r.body).toBe(200);
    const after = (await read()).model.threats?.find((x) => x.id === t?.id);
    expect(after).toMatchObject({ status: 'not-applicable', changedBy: 'reviewer' });
    expect(after?.changedAt).not.toBe('1999');
  });

  it("a reviewer's review marks carry the reviewer", async () => {
    const { model } = await read();
    const r = await put('reviewer', {
      ...model,
      review: { ...model.review, reviewed: [{ interaction: 'web:web-db:db', by: 'The CISO', at: '1999' }] },
    });
    expect(r.statusCode, r.body).toBe(200);
    expect((await read()).model.review?.reviewed?.[0]).toMatchObject({ interaction: 'web:web-db:db', by: 'reviewer' });
  });

  it.each([
    ['moves the database into the box', (m: ThreatModel) => moved(m, 'db', -450)],
    ['grows the box over the database', (m: ThreatModel) => moved(m, 'dmz', 0, 400)],
    ['moves the box off everything', (m: ThreatModel) => moved(m, 'dmz', 3000)],
    ['drops every threat', (m: ThreatModel) => ({ ...m, threats: [] })],
    [
      'retitles a threat',
      (m: ThreatModel) => ({ ...m, threats: m.threats?.map((t, i) => (i === 0 ? { ...t, title: 'Nothing' } : t)) }),
    ],
    ['renames the model', (m: ThreatModel) => ({ ...m, metadata: { ...m.metadata, name: 'Other' } })],
  ])('a reviewer who %s is refused, and nothing changes', async (_what, change) => {
    const before = await read();
    const r = await put('reviewer', change(before.model));
    expect(r.statusCode, r.body).toBe(403);
    expect(r.json().message).toMatch(/reviewer/);
    expect((await read()).version).toBe(before.version);
  });

  it('a reviewer may add a manual threat (a finding of the meeting), stamped as theirs, but not remove one', async () => {
    const { model } = await read();
    const base = model.threats?.[0] as NonNullable<ThreatModel['threats']>[number];
    const finding = { ...base, id: 'finding-1', origin: 'manual' as const, title: 'Found in review', changedBy: 'x' };
    const r = await put('reviewer', { ...model, threats: [...(model.threats ?? []), finding] });
    expect(r.statusCode, r.body).toBe(200);
    const stored = (await read()).model;
    expect(stored.threats?.find((t) => t.id === 'finding-1')?.changedBy).toBe('reviewer');
    const gone = await put('reviewer', { ...stored, threats: stored.threats?.filter((t) => t.id !== 'finding-1') });
    expect(gone.statusCode).toBe(403);
  });

  it('a reviewer may move a shape where no crossing changes; an editor may change the crossings', async () => {
    const r = await put('reviewer', moved((await read()).model, 'db', 200));
    expect(r.statusCode, r.body).toBe(200);
    const e = await put('editor', moved((await read()).model, 'db', -650));
    expect(e.statusCode, e.body).toBe(200);
  });
});
