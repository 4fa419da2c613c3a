import { buildModel, type Threat } from '@bulwark/core';
import { describe, expect, it } from 'vitest';
import { firstUnreviewed, reviewedCount, reviewedMap, reviewSteps, threatsOfStep } from './reviewSteps.js';

const threat = (id: string, category: string, sourceId: string, flowId: string, targetId: string): Threat => ({
  id,
  typeId: 'x',
  origin: 'generated',
  category,
  title: id,
  description: '',
  priority: 'High',
  status: 'not-started',
  interaction: { sourceId, flowId, targetId },
});

const model = () =>
  buildModel('Shop')
    .diagram('ctx', 'Context')
    .entity('user', { name: 'User' })
    .boundary('net', { name: 'Internet' })
    .process('web', { name: 'Web', boundary: 'net' })
    .store('db', { name: 'Accounts' })
    .flow('web', 'db', undefined, { id: 'q', name: 'Query' })
    .flow('user', 'web', undefined, { id: 'req', name: 'Request', bidirectional: true })
    .diagram('detail', 'Detail')
    .process('api', { name: 'API' })
    .store('cache', { name: 'Cache' })
    .flow('api', 'cache', undefined, { id: 'c', name: 'Cache read' })
    .threat(threat('t-b', 'T', 'user', 'req', 'web'))
    .threat(threat('t-a', 'T', 'user', 'req', 'web'))
    .threat(threat('t-s', 'S', 'user', 'req', 'web'))
    .threat(threat('t-back', 'S', 'web', 'req', 'user'))
    .build();

describe('review steps', () => {
  it('walk diagram by diagram, each by source, flow and target names, both ways of a two-way flow', () => {
    const steps = reviewSteps(model());
    expect(steps.map((s) => `${s.diagramName}: ${s.source} -${s.flow}-> ${s.target}`)).toEqual([
      'Context: User -Request-> Web',
      'Context: Web -Query-> Accounts',
      'Context: Web -Request-> User',
      'Detail: API -Cache read-> Cache',
    ]);
    expect(steps[0]).toMatchObject({ key: 'user:req:web', ids: ['user', 'req', 'web'], crossed: ['Internet'] });
  });

  it('give each interaction its own threats (by category, then id), and count what the model marks reviewed', () => {
    const m = model();
    const steps = reviewSteps(m);
    expect(threatsOfStep(m.threats ?? [], steps[0] as (typeof steps)[0]).map((t) => t.id)).toEqual([
      't-s',
      't-a',
      't-b',
    ]);
    expect(threatsOfStep(m.threats ?? [], steps[2] as (typeof steps)[0]).map((t) => t.id)).toEqual(['t-back']);
    const reviewed = reviewedMap({
      ...m,
      review: {
        reviewed: [
          { interaction: 'user:req:web', at: '2026-01-01T00:00:00Z' },
          // An interaction that is gone counts for nothing.
          { interaction: 'old:gone:away', at: '2026-01-01T00:00:00Z' },
        ],
      },
    });
    expect(reviewedCount(steps, reviewed)).toBe(1);
    expect(firstUnreviewed(steps, reviewed)).toBe(1);
    expect(firstUnreviewed(steps, new Map(steps.map((s) => [s.key, {}])))).toBe(0);
  });
});
