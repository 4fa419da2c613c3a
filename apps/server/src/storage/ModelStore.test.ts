import { buildModel, type ThreatModel } from '@bulwark/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Backend, backends } from '../testing/backends.js';
import { openStore } from './database.js';
import { ModelStore, type VersionNote } from './ModelStore.js';

/** A version made on purpose with this message. */
const saved = (message: string): VersionNote => ({ message, kind: 'saved' });

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
    expect(await store.save(id, 1, next, 'bo', saved('First analysis'))).toEqual({ status: 'saved', version: 2 });
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
    expect(await store.save(id, 1, next, 'bo', saved('Triage'))).toEqual({ status: 'saved', version: 2 });
    expect(await store.save(id, 1, model(), 'cy', saved('Stale'))).toEqual({ status: 'conflict', currentVersion: 2 });
    expect(await store.save('missing', 1, model(), 'cy')).toEqual({ status: 'not-found' });
    expect((await store.get(id))?.document.metadata.owner).toBe('bo');
    expect((await store.versions(id)).map((v) => [v.version, v.author, v.message, v.kind])).toEqual([
      [2, 'bo', 'Triage', 'saved'],
      [1, 'ana', 'Created', 'created'],
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
    expect(await store.patchThreats(read, [...changes, { id: 't9', fields: {} }], 'bo')).toEqual({
      status: 'no-threat',
      threatId: 't9',
    });
    expect(await store.patchThreats(read, changes, 'bo')).toEqual({ status: 'saved', version: 2 });
    expect(await store.patchThreats(read, changes, 'cy')).toEqual({ status: 'conflict', currentVersion: 2 });
    const expected = structuredClone(doc);
    for (const c of changes) Object.assign(expected.threats?.find((t) => t.id === c.id) ?? {}, c.fields);
    expect((await store.getText(id))?.documentText).toBe(JSON.stringify(expected));
    // The working copy only: a triage patch makes no version.
    expect(await store.version(id, 2)).toBeUndefined();
    expect((await store.versions(id)).map((v) => v.version)).toEqual([1]);
    expect(
      (await store.auditLog(id)).slice(1).map((a) => [a.action, a.subject, a.field, a.oldValue, a.newValue]),
    ).toEqual([
      ['threat.changed', 't2', 'justification', null, 'Because'],
      ['threat.changed', 't3', 'status', 'not-started', 'mitigated'],
    ]);
    await store.delete(id, 2, 'ana');
    expect(await store.patchThreats(read, changes, 'bo')).toEqual({ status: 'not-found' });
  });

  it('saves with the document read as the one before, not reading it again', async () => {
    const { id } = await store.create(model(), 'ana');
    const read = await store.get(id);
    if (!read) throw new Error('created');
    const next = structuredClone(read.document);
    next.metadata.owner = 'bo';
    expect(await store.save(id, 1, next, 'bo', saved('Owner'), [], read.document)).toEqual({
      status: 'saved',
      version: 2,
    });
    expect(await store.save(id, 1, next, 'bo', saved('Stale'), [], read.document)).toEqual({
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
    // Autosaves: the working copy moves on, the versions stay as created.
    expect((await store.versions(id)).length).toBe(1);
  });

  it('writes the working copy without a note, and keeps it as a version on purpose', async () => {
    const { id } = await store.create(model(), 'ana', { message: 'Imported from shop.tm7', kind: 'imported' });
    const next = model();
    next.metadata.owner = 'bo';
    expect(await store.save(id, 1, next, 'bo')).toEqual({ status: 'saved', version: 2 });
    next.metadata.owner = 'cy';
    expect(await store.save(id, 2, next, 'cy')).toEqual({ status: 'saved', version: 3 });
    expect((await store.versions(id)).map((v) => [v.version, v.kind])).toEqual([[1, 'imported']]);
    expect(await store.saveVersion(id, 2, 'cy', saved('Stale'))).toEqual({ status: 'conflict', currentVersion: 3 });
    expect(await store.saveVersion('missing', 1, 'cy', saved('x'))).toEqual({ status: 'not-found' });
    expect(await store.saveVersion(id, 3, 'cy', saved('Owner is cy'))).toEqual({ status: 'saved', version: 3 });
    // Nothing changed since: the revision is a version already.
    expect(await store.saveVersion(id, 3, 'cy', saved('Again'))).toEqual({ status: 'exists', version: 3 });
    expect((await store.get(id))?.version).toBe(3);
    const versions = await store.versions(id);
    expect(versions.map((v) => [v.version, v.author, v.message, v.kind])).toEqual([
      [3, 'cy', 'Owner is cy', 'saved'],
      [1, 'ana', 'Imported from shop.tm7', 'imported'],
    ]);
    expect(Date.parse(versions[0]?.createdAt ?? '')).toBeGreaterThan(0);
    expect((await store.version(id, 3))?.metadata.owner).toBe('cy');
    expect((await store.auditLog(id)).at(-1)).toMatchObject({
      action: 'version.saved',
      actor: 'cy',
      subject: 'version 3',
      newValue: 'Owner is cy',
    });
  });
});
