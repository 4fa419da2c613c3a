import { buildModel, type ThreatModel } from '@bulwark/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Backend, backends } from '../testing/backends.js';
import { openStore } from './database.js';
import { ModelStore } from './ModelStore.js';

const model = (): ThreatModel =>
  buildModel('Shop')
    .entity('user')
    .process('web')
    .flow('user', 'web', undefined, { id: 'f1' })
    .threat({
      id: 't1',
      typeId: 'x',
      origin: 'generated',
      category: 'S',
      title: 'Spoofing',
      description: '',
      priority: 'High',
      status: 'not-started',
    })
    .build();

describe.each(backends())('storage contract on $name', (backend: Backend) => {
  let opened: Awaited<ReturnType<Backend['open']>>;
  let store: ModelStore;
  beforeAll(async () => {
    opened = await backend.open();
    store = new ModelStore(opened.store.db);
  });
  afterAll(async () => {
    await opened.dispose();
  });

  it('migrates once: opening again finds the schema in place', async () => {
    const again = await openStore(opened.url);
    await again.close();
  });

  it('creates, lists and reads models, with version 1', async () => {
    const { id, version } = await store.create(model(), 'ana');
    expect(version).toBe(1);
    const got = await store.get(id);
    expect(got).toMatchObject({ id, name: 'Shop', templateId: 'stride', version: 1, updatedBy: 'ana' });
    expect(got?.document).toEqual(model());
    expect((await store.list()).map((m) => m.id)).toContain(id);
    expect(await store.get('no-such-model')).toBeUndefined();
  });

  it('saves a change of many thousand threats in one version, each audited (more rows than one statement binds)', async () => {
    const { id } = await store.create(model(), 'ana');
    const next = model();
    const template = next.threats?.[0];
    if (!template) throw new Error('the model has a threat');
    // 9,000 audit rows x 8 values: more than SQLite's 32,766 and PostgreSQL's 65,535 per statement.
    next.threats = Array.from({ length: 9000 }, (_, i) => ({ ...template, id: `g${i}`, title: `Threat ${i}` }));
    expect(await store.save(id, 1, next, 'bo', 'First analysis')).toEqual({ status: 'saved', version: 2 });
    const log = await store.auditLog(id);
    expect(log.filter((r) => r.action === 'threat.added')).toHaveLength(9000);
    expect(log.filter((r) => r.action === 'threat.removed').map((r) => r.subject)).toEqual(['t1']);
    expect((await store.get(id))?.document.threats).toHaveLength(9000);
  });

  it('saves only on the version it read, keeps every version, and audits field changes', async () => {
    const { id } = await store.create(model(), 'ana');
    const next = model();
    next.metadata.owner = 'bo';
    const t = next.threats?.[0];
    if (t) t.status = 'mitigated';
    expect(await store.save(id, 1, next, 'bo', 'Triage')).toEqual({ status: 'saved', version: 2 });
    expect(await store.save(id, 1, model(), 'cy', 'Stale')).toEqual({ status: 'conflict', currentVersion: 2 });
    expect(await store.save('missing', 1, model(), 'cy')).toEqual({ status: 'not-found' });
    expect((await store.get(id))?.document.metadata.owner).toBe('bo');
    expect((await store.versions(id)).map((v) => [v.version, v.author, v.message])).toEqual([
      [2, 'bo', 'Triage'],
      [1, 'ana', 'Created'],
    ]);
    expect(await store.version(id, 1)).toEqual(model());
    const audit = await store.auditLog(id);
    expect(audit.map((a) => [a.action, a.subject, a.field, a.oldValue, a.newValue])).toEqual([
      ['model.created', id, null, null, 'Shop'],
      ['metadata.changed', null, 'owner', null, 'bo'],
      ['threat.changed', 't1', 'status', 'not-started', 'mitigated'],
    ]);
    expect(audit.every((a) => a.at.length > 0)).toBe(true);
  });

  it('patches threats in the version read, storing what a save of the changed document stores', async () => {
    const doc = model();
    const t1 = doc.threats?.[0];
    if (!t1) throw new Error('the model has a threat');
    doc.threats = [t1, { ...t1, id: 't2', title: 'Tampering "quoted" \\ text' }, { ...t1, id: 't3' }];
    const { id } = await store.create(doc, 'ana');
    const read = await store.get(id);
    if (!read) throw new Error('created');
    const changes = [
      { id: 't3', fields: { status: 'mitigated' as const, changedBy: 'bo' } },
      { id: 't2', fields: { justification: 'Because' } },
    ];
    expect(await store.patchThreats(read, [...changes, { id: 't9', fields: {} }], 'bo', 'x')).toEqual({
      status: 'no-threat',
      threatId: 't9',
    });
    expect(await store.patchThreats(read, changes, 'bo', 'Triage')).toEqual({ status: 'saved', version: 2 });
    expect(await store.patchThreats(read, changes, 'cy', 'Stale')).toEqual({ status: 'conflict', currentVersion: 2 });
    const expected = structuredClone(doc);
    for (const c of changes) Object.assign(expected.threats?.find((t) => t.id === c.id) ?? {}, c.fields);
    expect((await store.getText(id))?.documentText).toBe(JSON.stringify(expected));
    expect(await store.version(id, 2)).toEqual(expected);
    expect((await store.versions(id))[0]).toMatchObject({ version: 2, author: 'bo', message: 'Triage' });
    expect(
      (await store.auditLog(id)).slice(1).map((a) => [a.action, a.subject, a.field, a.oldValue, a.newValue]),
    ).toEqual([
      ['threat.changed', 't2', 'justification', null, 'Because'],
      ['threat.changed', 't3', 'status', 'not-started', 'mitigated'],
    ]);
    await store.delete(id, 2, 'ana');
    expect(await store.patchThreats(read, changes, 'bo', 'Gone')).toEqual({ status: 'not-found' });
  });

  it('saves with the document read as the one before, not reading it again', async () => {
    const { id } = await store.create(model(), 'ana');
    const read = await store.get(id);
    if (!read) throw new Error('created');
    const next = structuredClone(read.document);
    next.metadata.owner = 'bo';
    expect(await store.save(id, 1, next, 'bo', 'Owner', [], read.document)).toEqual({ status: 'saved', version: 2 });
    expect(await store.save(id, 1, next, 'bo', 'Stale', [], read.document)).toEqual({
      status: 'conflict',
      currentVersion: 2,
    });
    expect((await store.auditLog(id)).map((a) => [a.action, a.field, a.newValue])).toEqual([
      ['model.created', null, 'Shop'],
      ['metadata.changed', 'owner', 'bo'],
    ]);
  });

  it('deletes only on the version it read', async () => {
    const { id } = await store.create(model(), 'ana');
    expect(await store.delete(id, 7, 'ana')).toEqual({ status: 'conflict', currentVersion: 1 });
    expect(await store.delete(id, 1, 'ana')).toEqual({ status: 'saved', version: 1 });
    expect(await store.get(id)).toBeUndefined();
    expect(await store.versions(id)).toEqual([]);
  });

  it('lets exactly one of many writers of the same version win', async () => {
    const { id } = await store.create(model(), 'ana');
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => {
        const doc = model();
        doc.metadata.owner = `writer-${i}`;
        return store.save(id, 1, doc, `writer-${i}`);
      }),
    );
    expect(results.filter((r) => r.status === 'saved')).toHaveLength(1);
    expect(results.filter((r) => r.status === 'conflict')).toHaveLength(19);
  });

  it('loses no update when parallel writers retry on conflict', async () => {
    const { id } = await store.create(model(), 'ana');
    const writers = 12;
    await Promise.all(
      Array.from({ length: writers }, async (_, i) => {
        for (;;) {
          const current = await store.get(id);
          if (!current) throw new Error('model vanished');
          const doc = current.document;
          doc.diagrams[0]?.elements.push({ kind: 'process', id: `p${i}`, typeId: 'GE.P', name: `Process ${i}` });
          const r = await store.save(id, current.version, doc, `writer-${i}`);
          if (r.status === 'saved') return;
        }
      }),
    );
    const final = await store.get(id);
    expect(final?.version).toBe(1 + writers);
    const ids = final?.document.diagrams[0]?.elements.map((e) => e.id) ?? [];
    for (let i = 0; i < writers; i++) expect(ids).toContain(`p${i}`);
    expect((await store.versions(id)).length).toBe(1 + writers);
  });
});
