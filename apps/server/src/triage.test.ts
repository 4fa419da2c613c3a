/**
 * Triage (PATCH /api/models/:id/threats) and analysis work on what changed: the stored text of the
 * patched threats only, and a diff without the parts equal in both versions. These tests hold
 * them to what a save of the whole parsed document did: the same stored document and the same
 * audit rows as a diff of the two whole versions.
 */
import { buildModel, type ModelDiff, type Threat, type ThreatModel } from '@bulwark/core';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from './app.js';
import { threatSpans } from './storage/ModelStore.js';
import { type Backend, backends } from './testing/backends.js';

const threat = (id: string, extra: Partial<Threat> = {}): Threat => ({
  id,
  typeId: 'x',
  origin: 'manual',
  category: 'S',
  title: `Threat ${id}`,
  description: '',
  priority: 'High',
  status: 'not-started',
  ...extra,
});

/** The threats as a Map of the parsed document has them: first place, last value of each id. */
const threatsById = (text: string): [string, Threat][] => {
  const threats = (JSON.parse(text) as { threats?: Threat[] }).threats;
  return [...new Map((Array.isArray(threats) ? threats : []).map((t) => [t.id, t]))].filter(
    ([id]) => typeof id === 'string',
  );
};

const parsedSpans = (text: string): [string, unknown][] =>
  [...threatSpans(text)].map(([id, s]) => [id, JSON.parse(text.slice(s.start, s.end))]);

describe('threatSpans', () => {
  const tricky = {
    schemaVersion: 1,
    metadata: {
      name: 'Quotes " and \\ and "threats":[{"id":"t1"}] in a string \\',
      threats: [{ id: 'not-these' }],
    },
    template: { id: 'stride' },
    diagrams: [
      {
        id: 'main',
        name: '{"id":"t2"}',
        elements: [{ kind: 'process', id: 't1', typeId: 'GE.P', name: 'ends with a backslash \\' }],
      },
    ],
    threats: [
      threat('t1', { properties: { id: 't9', note: '}]{[' } }),
      threat('with "quotes" and \\ and \u00e9 and 😀', { description: '\\"id\\":\\"t1\\"' }),
      threat('t2', { interaction: { sourceId: 'a', flowId: 'b', targetId: 'c' } }),
      { title: 'no id' },
      threat('t1', { title: 'the last t1 wins' }),
      threat(''),
    ],
    review: { threats: [threat('t3')] },
  };

  it('finds every threat of the top-level threats array, as JSON.parse reads them', () => {
    for (const text of [JSON.stringify(tricky), JSON.stringify(tricky, null, 2)]) {
      expect(parsedSpans(text)).toEqual(threatsById(text));
      expect(parsedSpans(text).map(([id]) => id)).toEqual(['t1', 'with "quotes" and \\ and \u00e9 and 😀', 't2', '']);
    }
  });

  it('reads keys written with escapes, and keeps only the last "threats" and "id"', () => {
    const text =
      '{"threats":[{"id":"old"}], "\\u0074hreats" : [ {"\\u0069d":"a\\u0062"}, {"id":"x","id":7}, {"id":"c"} ] }';
    expect(parsedSpans(text)).toEqual([
      ['ab', { id: 'ab' }],
      ['c', { id: 'c' }],
    ]);
    expect(threatSpans('{"threats":[{"id":"a"}],"threats":null}').size).toBe(0);
  });

  it('finds nothing in a model without threats', () => {
    expect(threatSpans(JSON.stringify({ ...tricky, threats: [] })).size).toBe(0);
    expect(threatSpans(JSON.stringify({ ...tricky, threats: undefined })).size).toBe(0);
  });
});

/** A model with many flows and so many generated threats. */
function manyThreats(flows: number): ThreatModel {
  const b = buildModel('Many').entity('user').store('db');
  for (let i = 0; i < flows; i++) b.process(`p${i}`).flow('user', `p${i}`).flow(`p${i}`, 'db');
  return b.build();
}

/** The audit rows a diff of the two whole versions gives for threats (as stored: text or null). */
function threatRows(diff: ModelDiff): (string | null)[][] {
  const show = (v: unknown) => (v === undefined ? null : typeof v === 'string' ? v : JSON.stringify(v));
  return [
    ...diff.threats.added.map((t) => ['threat.added', t.id, null, null, t.title]),
    ...diff.threats.removed.map((t) => ['threat.removed', t.id, null, t.title, null]),
    ...diff.threats.changed.flatMap((t) =>
      t.changes.map((c) => ['threat.changed', t.id, c.field, show(c.from), show(c.to)]),
    ),
  ];
}

describe.each(backends())('triage and analysis on $name', (backend: Backend) => {
  let opened: Awaited<ReturnType<Backend['open']>>;
  let app: FastifyInstance;
  beforeAll(async () => {
    opened = await backend.open();
    app = await buildApp({ store: opened.store });
  });
  afterAll(async () => {
    await app.close();
    await opened.dispose();
  });

  const json = async (url: string) => (await app.inject(url)).json();
  const write = (method: 'POST' | 'PUT' | 'PATCH', url: string, version: number, payload?: object) =>
    app.inject({ method, url, headers: { 'if-match': `"${version}"` }, ...(payload ? { payload } : {}) });
  /** The audit rows of one version (those written after the ones before it). */
  const auditOf = async (id: string, from: number) =>
    ((await json(`/api/models/${id}/audit`)).entries as Record<string, string | null>[])
      .slice(from)
      .map((e) => [e.action, e.subject, e.field, e.oldValue, e.newValue]);
  const auditCount = async (id: string) => (await json(`/api/models/${id}/audit`)).entries.length as number;
  /** Keeps the working copy at `version` as a version (Save version), so a diff can start from it. */
  const keep = async (id: string, version: number) =>
    expect((await write('POST', `/api/models/${id}/versions`, version, { message: `At ${version}` })).statusCode).toBe(
      201,
    );

  it('audits a triage of a model with many threats as a diff of the two whole versions does', async () => {
    const created = await app.inject({ method: 'POST', url: '/api/models', payload: manyThreats(150) });
    const id = created.json().id as string;
    expect((await write('POST', `/api/models/${id}/analyze`, 1)).statusCode).toBe(200);
    const before = (await json(`/api/models/${id}`)).model as ThreatModel;
    const threats = before.threats ?? [];
    expect(threats.length).toBeGreaterThan(1000);
    const [a, b, c] = [900, 3, 500].map((i) => threats[i] as Threat) as [Threat, Threat, Threat];
    const patch = [
      { id: a.id, status: 'mitigated', justification: 'Done', mitigations: 'TLS' },
      { id: b.id, priority: b.priority }, // no change: no row, but changedBy/changedAt are set
      { id: c.id, status: 'not-applicable' },
      { id: a.id, justification: 'Done twice' }, // the same threat again: one row per field
    ];
    await keep(id, 2);
    const rowsBefore = await auditCount(id);
    const r = await write('PATCH', `/api/models/${id}/threats`, 2, { threats: patch, message: 'Meeting' });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.headers.etag).toBe('"3"');
    expect(r.json()).toEqual({ id, version: 3 });

    // The stored document is the one a save of the parsed, changed document stored.
    const at = ((await json(`/api/models/${id}`)).model as ThreatModel).threats?.find((t) => t.id === a.id)?.changedAt;
    const expected = structuredClone(before);
    const byId = new Map((expected.threats ?? []).map((t) => [t.id, t]));
    for (const { id: tid, ...fields } of patch)
      Object.assign(byId.get(tid) as Threat, fields, { changedBy: 'local', changedAt: at });
    const stored = await app.inject(`/api/models/${id}`);
    expect(stored.body).toContain(`"model":${JSON.stringify(expected)}}`);
    // The working copy only: the patch's message makes no version.
    expect((await app.inject(`/api/models/${id}/versions/3`)).statusCode).toBe(404);
    expect((await json(`/api/models/${id}/versions`)).versions.map((v: { version: number }) => v.version)).toEqual([
      2, 1,
    ]);

    const diff = (await json(`/api/models/${id}/diff?from=2&to=3`)).diff as ModelDiff;
    const rows = await auditOf(id, rowsBefore);
    expect(rows).toEqual(threatRows(diff));
    expect(rows.map((row) => [row[1], row[2]])).toEqual(
      [
        [c.id, 'status'],
        [a.id, 'status'],
        [a.id, 'justification'],
        [a.id, 'mitigations'],
      ].sort((x, y) => threats.findIndex((t) => t.id === x[0]) - threats.findIndex((t) => t.id === y[0])),
    );
  });

  it('refuses a stale version, an unknown threat and a field that is not triage, changing nothing', async () => {
    const created = await app.inject({ method: 'POST', url: '/api/models', payload: manyThreats(3) });
    const id = created.json().id as string;
    await write('POST', `/api/models/${id}/analyze`, 1);
    const t = ((await json(`/api/models/${id}`)).model as ThreatModel).threats?.[0] as Threat;
    const stale = await write('PATCH', `/api/models/${id}/threats`, 1, {
      threats: [{ id: t.id, status: 'mitigated' }],
    });
    expect(stale.statusCode).toBe(409);
    expect(stale.json()).toMatchObject({ code: 'VERSION_CONFLICT', currentVersion: 2 });
    const unknown = await write('PATCH', `/api/models/${id}/threats`, 2, {
      threats: [{ id: t.id, status: 'mitigated' }, { id: 'no-such-threat' }],
    });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().message).toContain('"no-such-threat"');
    const title = await write('PATCH', `/api/models/${id}/threats`, 2, { threats: [{ id: t.id, title: 'New' }] });
    expect(title.statusCode).toBe(200);
    expect(((await json(`/api/models/${id}`)).model as ThreatModel).threats?.[0]?.title).toBe(t.title);
    expect((await write('PATCH', '/api/models/missing/threats', 1, { threats: [{ id: t.id }] })).statusCode).toBe(404);
    expect((await json(`/api/models/${id}/versions`)).versions).toHaveLength(1);
  });

  it('audits a re-analysis as a diff of the two whole versions does', async () => {
    const created = await app.inject({ method: 'POST', url: '/api/models', payload: manyThreats(40) });
    const id = created.json().id as string;
    const first = await auditCount(id);
    expect((await write('POST', `/api/models/${id}/analyze`, 1)).statusCode).toBe(200);
    const added = await auditOf(id, first);
    expect(added).toEqual(threatRows((await json(`/api/models/${id}/diff?from=1&to=2`)).diff));
    expect(added.length).toBeGreaterThan(200);
    // Triage one threat, then take away a process: its threats go (or stay, orphaned, if triaged).
    const doc = (await json(`/api/models/${id}`)).model as ThreatModel;
    const triaged = doc.threats?.find((t) => t.interaction?.targetId === 'p7') as Threat;
    expect(
      (await write('PATCH', `/api/models/${id}/threats`, 2, { threats: [{ id: triaged.id, status: 'mitigated' }] }))
        .statusCode,
    ).toBe(200);
    const edited = manyThreats(40);
    const main = edited.diagrams[0];
    if (main)
      main.elements = main.elements.filter(
        (e) => e.id !== 'p7' && !(e.kind === 'dataFlow' && (e.source === 'p7' || e.target === 'p7')),
      );
    edited.threats = ((await json(`/api/models/${id}`)).model as ThreatModel).threats;
    edited.template = doc.template;
    await keep(id, 3);
    const putFrom = await auditCount(id);
    expect((await write('PUT', `/api/models/${id}`, 3, edited)).statusCode).toBe(200);
    // A save of the whole document: its many unchanged threats give no rows, the removed shapes do.
    const removed = ((await json(`/api/models/${id}/diff?from=3&to=4`)).diff as ModelDiff).elements.removed;
    expect(removed.map((e) => e.id)).toContain('p7');
    expect(await auditOf(id, putFrom)).toEqual(removed.map((e) => ['element.removed', e.id, null, e.name, null]));
    await keep(id, 4);
    const rowsBefore = await auditCount(id);
    expect((await write('POST', `/api/models/${id}/analyze`, 4)).statusCode).toBe(200);
    const rows = await auditOf(id, rowsBefore);
    expect(rows).toEqual(threatRows((await json(`/api/models/${id}/diff?from=4&to=5`)).diff));
    expect(rows).toContainEqual(['threat.changed', triaged.id, 'orphaned', null, 'true']);
    // Nothing changed: no rows, and still a new revision.
    const none = await auditCount(id);
    expect((await write('POST', `/api/models/${id}/analyze`, 5)).statusCode).toBe(200);
    expect(await auditCount(id)).toBe(none);
  });
});
