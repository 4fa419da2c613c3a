import { describe, expect, it } from 'vitest';
import { buildModel } from './buildModel.js';
import { type ChangeKind, changeKinds, recordAuthorship } from './changeKinds.js';
import { modelDigest } from './model/modelFile.js';
import type { Element, Threat, ThreatModel } from './model/ThreatModelSchema.js';

/** A box with the web app inside and the database outside: the flow between them crosses it. */
function base(): ThreatModel {
  const m = buildModel('Shop')
    .boundary('dmz', { position: { x: 0, y: 0, width: 300, height: 300 } })
    .process('web', { position: { x: 50, y: 50, width: 80, height: 80 } })
    .store('db', { position: { x: 500, y: 50, width: 100, height: 60 } })
    .flow('web', 'db')
    .build();
  const threat: Threat = {
    id: 'T1:web:web-db:db',
    typeId: 'T1',
    origin: 'generated',
    category: 'T',
    title: 'Tampering',
    description: 'x',
    priority: 'High',
    status: 'not-started',
    changedBy: 'alice',
    changedAt: '2026-01-01T00:00:00.000Z',
  };
  return { ...m, threats: [threat] };
}

const moveEl = (m: ThreatModel, id: string, dx: number, dw = 0): ThreatModel => ({
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
const threat0 = (m: ThreatModel) => m.threats?.[0] as Threat;
const withThreat = (m: ThreatModel, t: Partial<Threat>): ThreatModel => ({ ...m, threats: [{ ...threat0(m), ...t }] });

/** Each change, and the kinds it must be (and nothing else). */
const CASES: [string, (m: ThreatModel) => ThreatModel, ChangeKind[]][] = [
  ['nothing', (m) => structuredClone(m), []],
  ['a rename', (m) => ({ ...m, metadata: { ...m.metadata, name: 'Other' } }), ['design']],
  [
    'a new element',
    (m) => ({
      ...m,
      diagrams: m.diagrams.map((d) => ({
        ...d,
        elements: [...d.elements, { id: 'u', kind: 'externalEntity', typeId: 'GE.EI', name: 'User' } as Element],
      })),
    }),
    ['design'],
  ],
  ['the template version alone', (m) => ({ ...m, template: { ...m.template, version: '9' } }), []],
  ['the database moved further out', (m) => moveEl(m, 'db', 200), ['layout']],
  ['the database moved into the box', (m) => moveEl(m, 'db', -450), ['crossings']],
  ['the box grown over the database', (m) => moveEl(m, 'dmz', 0, 400), ['crossings']],
  ['the box moved off both', (m) => moveEl(m, 'dmz', 2000), ['crossings']],
  ['a status', (m) => withThreat(m, { status: 'mitigated' }), ['triage']],
  ['a justification', (m) => withThreat(m, { justification: 'TLS' }), ['triage']],
  ['authorship alone', (m) => withThreat(m, { changedBy: 'mallory' }), []],
  ['every threat dropped', (m) => ({ ...m, threats: [] }), ['threats']],
  ['a threat retitled', (m) => withThreat(m, { title: 'Nothing to see' }), ['threats']],
  [
    'a manual threat added',
    (m) => ({ ...m, threats: [...(m.threats ?? []), { ...threat0(m), id: 'M1', origin: 'manual' as const }] }),
    ['threats'],
  ],
  [
    'an interaction marked reviewed',
    (m) => ({ ...m, review: { reviewed: [{ interaction: 'web:web-db:db', at: '2026-01-01T00:00:00Z' }] } }),
    ['review-progress'],
  ],
  [
    'a sign-off',
    (m) => ({ ...m, review: { signOffs: [{ by: 'rita', at: '2026-01-01T00:00:00Z', digest: modelDigest(m) }] } }),
    ['sign-offs'],
  ],
];

describe('changeKinds', () => {
  it.each(CASES)('%s', (_name, change, kinds) => {
    const m = base();
    expect([...changeKinds(m, change(m))].sort()).toEqual([...kinds].sort());
  });
});

describe('recordAuthorship', () => {
  const at = '2026-12-07T12:00:00.000Z';

  it('keeps the stored sign-offs whatever the body says', () => {
    const m = base();
    const forged = { ...m, review: { signOffs: [{ by: 'ceo', at, digest: modelDigest(m) }] } };
    expect(recordAuthorship(m, forged, 'eve', at).review?.signOffs).toBeUndefined();
    const signed = { ...m, review: { signOffs: [{ by: 'rita', at, digest: modelDigest(m) }] } };
    expect(recordAuthorship(signed, { ...m, review: { signOffs: [] } }, 'eve', at).review?.signOffs).toEqual(
      signed.review.signOffs,
    );
  });

  it('stamps a triage change with the caller and now, and keeps the stored stamp otherwise', () => {
    const m = base();
    const triaged = recordAuthorship(
      m,
      withThreat(m, { status: 'mitigated', changedBy: 'ceo', changedAt: '1999' }),
      'eve',
      at,
    );
    expect(threat0(triaged)).toMatchObject({ status: 'mitigated', changedBy: 'eve', changedAt: at });
    const forged = recordAuthorship(m, withThreat(m, { changedBy: 'ceo', changedAt: '1999' }), 'eve', at);
    expect(threat0(forged)).toMatchObject({ changedBy: 'alice', changedAt: '2026-01-01T00:00:00.000Z' });
    const unstamped = { ...m, threats: [{ ...threat0(m), changedBy: undefined, changedAt: undefined }] };
    const stillNone = recordAuthorship(unstamped, withThreat(unstamped, { changedBy: 'ceo' }), 'eve', at);
    expect(threat0(stillNone).changedBy).toBeUndefined();
    expect('changedBy' in threat0(stillNone)).toBe(false);
  });

  it('stamps new review marks with the caller, and keeps old ones', () => {
    const m = { ...base(), review: { reviewed: [{ interaction: 'a', by: 'rita', at: '2026-01-01T00:00:00Z' }] } };
    const next = {
      ...m,
      review: {
        reviewed: [
          { interaction: 'a', by: 'mallory', at: '1999' },
          { interaction: 'b', by: 'ceo', at: '1999' },
        ],
      },
    };
    expect(recordAuthorship(m, next, 'eve', at).review?.reviewed).toEqual([
      { interaction: 'a', by: 'rita', at: '2026-01-01T00:00:00Z' },
      { interaction: 'b', by: 'eve', at },
    ]);
  });

  it('changes nothing it is not about, and not its inputs', () => {
    const m = base();
    const before = structuredClone(m);
    const out = recordAuthorship(m, m, 'eve', at);
    expect(out).toEqual(m);
    expect(m).toEqual(before);
  });
});
