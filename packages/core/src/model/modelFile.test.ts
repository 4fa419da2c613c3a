import { describe, expect, it } from 'vitest';
import { buildModel } from '../buildModel.js';
import { type Migration, migrate } from '../migrations/index.js';
import { modelDigest, parseModel, serializeModel } from './modelFile.js';
import type { ThreatModel } from './ThreatModelSchema.js';

const model = buildModel('Shop')
  .entity('user', { properties: { zeta: 'z', alpha: 'a' } })
  .process('web')
  .flow('user', 'web', { protocol: 'HTTPS' }, { bidirectional: true })
  .threat({
    id: 'b',
    typeId: 'x',
    origin: 'manual',
    category: 'S',
    title: 'B',
    description: '',
    priority: 'High',
    status: 'not-started',
  })
  .threat({
    id: 'a',
    typeId: 'x',
    origin: 'manual',
    category: 'S',
    title: 'A',
    description: '',
    priority: 'High',
    status: 'mitigated',
  })
  .build();

/** The same model with every object's keys in reverse order. */
function shuffled(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(shuffled);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .reverse()
        .map(([k, v]) => [k, shuffled(v)]),
    );
  }
  return value;
}

describe('model file', () => {
  it('serializes deterministically: schema key order, sorted maps, threats by id, 2-space JSON', () => {
    const text = serializeModel(model);
    expect(serializeModel(shuffled(model) as ThreatModel)).toBe(text);
    expect(text.startsWith('{\n  "schemaVersion": 1,\n  "metadata": {')).toBe(true);
    expect(text.endsWith('}\n')).toBe(true);
    const parsed = JSON.parse(text) as ThreatModel;
    expect(parsed.threats?.map((t) => t.id)).toEqual(['a', 'b']);
    expect(Object.keys(parsed.diagrams[0]?.elements[0]?.properties ?? {})).toEqual(['alpha', 'zeta']);
  });

  it('round-trips: parse(serialize(m)) serializes to the same bytes', () => {
    const withPath = structuredClone(model);
    const flow = withPath.diagrams[0]?.elements.find((e) => e.kind === 'dataFlow');
    if (flow?.kind === 'dataFlow')
      flow.path = { source: { x: 1, y: 2 }, handle: { x: 3, y: 4 }, sourcePort: 'East', targetPort: 'West' };
    const parsedPath = parseModel(JSON.parse(serializeModel(withPath)));
    expect(parsedPath.ok && serializeModel(parsedPath.value)).toBe(serializeModel(withPath));
    const roundFlow = parsedPath.ok
      ? parsedPath.value.diagrams[0]?.elements.find((e) => e.kind === 'dataFlow')
      : undefined;
    expect(roundFlow?.kind === 'dataFlow' && roundFlow.path).toEqual(flow?.kind === 'dataFlow' && flow.path);
    const text = serializeModel(model);
    const again = parseModel(JSON.parse(text));
    expect(again.ok && serializeModel(again.value)).toBe(text);
  });

  it('reports every schema problem with its path', () => {
    const bad = structuredClone(model) as unknown as { diagrams: { elements: Record<string, unknown>[] }[] };
    const el = bad.diagrams[0]?.elements[2];
    if (el) el.source = 42;
    delete (bad as Record<string, unknown>).metadata;
    const r = parseModel(bad, 'shop.bulwark.json');
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe('SCHEMA_INVALID');
      expect(r.error.file).toBe('shop.bulwark.json');
      expect(r.error.details?.map((d) => d.path).sort()).toEqual(['diagrams[0].elements[2].source', 'metadata']);
    }
  });

  it('refuses files from a newer Bulwark, and files without a version', () => {
    const newer = parseModel({ ...model, schemaVersion: 99 });
    expect(!newer.ok && newer.error.code).toBe('SCHEMA_VERSION_UNSUPPORTED');
    const none = parseModel({ ...model, schemaVersion: undefined });
    expect(!none.ok && none.error.path).toBe('schemaVersion');
    expect(parseModel([]).ok).toBe(false);
  });
});

describe('migrations', () => {
  const steps: Migration[] = [
    { version: 2, description: 'rename title to name', up: ({ title, ...rest }) => ({ ...rest, name: title }) },
    { version: 3, description: 'add tags', up: (doc) => ({ ...doc, tags: [] }) },
  ];

  it('runs each step after the document version, in order, without touching the input', () => {
    const v1 = Object.freeze({ schemaVersion: 1, title: 'Shop' });
    const r = migrate(v1, steps, 3);
    expect(r).toEqual({ ok: true, value: { schemaVersion: 3, name: 'Shop', tags: [] } });
    expect(v1).toEqual({ schemaVersion: 1, title: 'Shop' });
    expect(migrate({ schemaVersion: 2, name: 'Shop' }, steps, 3)).toEqual({
      ok: true,
      value: { schemaVersion: 3, name: 'Shop', tags: [] },
    });
  });

  it('reports a failing step by version and description', () => {
    const failing: Migration[] = [
      {
        version: 2,
        description: 'explode',
        up: () => {
          throw new Error('boom');
        },
      },
    ];
    const r = migrate({ schemaVersion: 1 }, failing, 2);
    expect(!r.ok && r.error).toMatchObject({ code: 'MIGRATION_FAILED' });
    expect(!r.ok && r.error.message).toContain('explode');
  });
});

describe('modelDigest', () => {
  const model = buildModel('Digest').process('web').store('db').flow('web', 'db', {}, { id: 'q' }).build();

  it('is 64 hex digits, the same for the same model, whatever its key order', () => {
    const d = modelDigest(model);
    expect(d).toMatch(/^[0-9a-f]{64}$/);
    const reordered = Object.fromEntries(Object.entries(model).reverse()) as ThreatModel;
    expect(Object.keys(reordered)[0]).not.toBe(Object.keys(model)[0]);
    expect(modelDigest(reordered)).toBe(d);
  });

  it('changes with anything a reviewer sees, not with the review itself', () => {
    const d = modelDigest(model);
    expect(modelDigest({ ...model, metadata: { ...model.metadata, owner: 'someone' } })).not.toBe(d);
    const renamed = {
      ...model,
      diagrams: model.diagrams.map((g) => ({ ...g, elements: g.elements.map((e) => ({ ...e, name: `${e.name}!` })) })),
    };
    expect(modelDigest(renamed)).not.toBe(d);
    const reviewed = {
      ...model,
      review: {
        reviewed: [{ interaction: 'web:q:db', at: '2026-11-23T00:00:00Z' }],
        signOffs: [{ by: 'rita', at: '2026-11-23T00:00:00Z', digest: d }],
      },
    };
    expect(modelDigest(reviewed)).toBe(d);
  });

  it('round-trips the review section through the file, reviewed interactions sorted', () => {
    const withReview = {
      ...model,
      review: {
        reviewed: [
          { interaction: 'web:q:db', at: '2026-11-23T00:00:02Z' },
          { interaction: 'db:q:web', by: 'rita', at: '2026-11-23T00:00:01Z' },
        ],
        signOffs: [{ by: 'rita', at: '2026-11-23T00:00:03Z', version: 4, digest: modelDigest(model), note: 'Fine' }],
      },
    };
    const text = serializeModel(withReview);
    const back = parseModel(JSON.parse(text));
    expect(back.ok).toBe(true);
    if (back.ok) expect(back.value.review?.reviewed?.map((r) => r.interaction)).toEqual(['db:q:web', 'web:q:db']);
    expect(parseModel({ ...JSON.parse(text), review: { signOffs: [{ by: 'x', at: 'now', digest: 'abc' }] } }).ok).toBe(
      false,
    );
  });
});
