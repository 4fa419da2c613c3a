import { readFileSync } from 'node:fs';
import type { Threat } from '@bulwark/core';
import { describe, expect, it } from 'vitest';
import { analysedExample, EXAMPLE_URL } from './testing/example.js';
import { groupThreats, indexElements, orderedThreats, threatPlace } from './threatOrder.js';

const { model } = analysedExample(readFileSync(EXAMPLE_URL, 'utf8'));
const index = indexElements(model);

describe('threat order', () => {
  it('goes by source, flow and target name, then category, then id, whatever order the model holds', () => {
    const ordered = orderedThreats(model);
    expect(ordered).toHaveLength(model.threats?.length ?? 0);
    const key = (t: Threat) => {
      const p = threatPlace(t, index);
      return [p.source ?? p.element ?? '', p.flow ?? '', p.target ?? '', t.category, t.id];
    };
    for (let i = 1; i < ordered.length; i++) {
      const a = key(ordered[i - 1] as Threat);
      const b = key(ordered[i] as Threat);
      const first = a.findIndex((x, j) => x !== b[j]);
      expect(first === -1 || (a[first] as string) < (b[first] as string), `${a} before ${b}`).toBe(true);
    }
    const reversed = { ...model, threats: [...(model.threats ?? [])].reverse() };
    expect(orderedThreats(reversed).map((t) => t.id)).toEqual(ordered.map((t) => t.id));
  });

  it('groups the threats of one interaction together, each group once', () => {
    const groups = groupThreats(model);
    const keys = groups.map((g) => g.place.elementIds.join(' '));
    expect(new Set(keys).size).toBe(keys.length);
    const sample = groups.find((g) => g.place.flow === 'Remote access' && g.place.source === 'Firewall service');
    expect(sample?.where).toBe('Firewall service → VPN service (Remote access)');
    for (const t of sample?.threats ?? []) expect(t.interaction?.flowId).toBe(sample?.place.elementIds[1]);
  });

  it('names a missing element by its id and puts threats on nothing last', () => {
    const extra: Threat[] = [
      {
        id: 'm1',
        typeId: 'manual',
        origin: 'manual',
        category: 'S',
        title: 'a',
        description: '',
        priority: 'High',
        status: 'not-started',
      },
      {
        id: 'm2',
        typeId: 'manual',
        origin: 'manual',
        category: 'S',
        title: 'b',
        description: '',
        priority: 'High',
        status: 'not-started',
        elementId: 'gone',
        orphaned: true,
      },
    ];
    const groups = groupThreats({ ...model, threats: [...(model.threats ?? []), ...extra] });
    expect(groups.at(-1)?.where).toBe('');
    expect(groups.find((g) => g.where === 'gone')?.threats.map((t) => t.id)).toEqual(['m2']);
  });
});
