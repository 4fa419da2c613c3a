import type { Threat } from '@bulwark/core';
import { describe, expect, it } from 'vitest';
import { filterThreats, headingAt, stepSelection, type ThreatRow, threatRows, triageKey, where } from './threatList.js';

function threat(id: string, over: Partial<Threat> = {}): Threat {
  return {
    id,
    typeId: 't',
    origin: 'generated',
    category: 'S',
    title: `Threat ${id}`,
    description: '',
    priority: 'High',
    status: 'not-started',
    ...over,
  };
}

const names = new Map([
  ['a', 'Browser'],
  ['b', 'API'],
  ['f', 'HTTPS'],
  ['db', 'Database'],
]);
const categories = new Map([
  ['S', 'Spoofing'],
  ['T', 'Tampering'],
]);
const onFlow = { interaction: { sourceId: 'a', flowId: 'f', targetId: 'b' } };
const none = { status: '', priority: '', category: '', element: '', text: '' };

describe('filterThreats', () => {
  const threats = [
    threat('1', onFlow),
    threat('2', { elementId: 'db', category: 'T', priority: 'Low', justification: 'Encrypted at REST' }),
    threat('3', { status: 'mitigated' }),
  ];

  it('lets everything through without filters, and narrows by each filter', () => {
    expect(filterThreats(threats, none).map((t) => t.id)).toEqual(['1', '2', '3']);
    expect(filterThreats(threats, { ...none, status: 'mitigated' }).map((t) => t.id)).toEqual(['3']);
    expect(filterThreats(threats, { ...none, priority: 'Low' }).map((t) => t.id)).toEqual(['2']);
    expect(filterThreats(threats, { ...none, category: 'T' }).map((t) => t.id)).toEqual(['2']);
    // An element matches its own threats and the interactions it takes part in, flows included.
    expect(filterThreats(threats, { ...none, element: 'db' }).map((t) => t.id)).toEqual(['2']);
    expect(filterThreats(threats, { ...none, element: 'b' }).map((t) => t.id)).toEqual(['1']);
    expect(filterThreats(threats, { ...none, element: 'f' }).map((t) => t.id)).toEqual(['1']);
    // Free text ignores case and looks in the justification too.
    expect(filterThreats(threats, { ...none, text: ' encrypted at rest ' }).map((t) => t.id)).toEqual(['2']);
  });
});

describe('threatRows', () => {
  const threats = [threat('1', onFlow), threat('2', { category: 'T' }), threat('3', { ...onFlow, category: 'T' })];

  it('is one row per threat without grouping', () => {
    expect(threatRows(threats, 'none', names, categories)).toEqual(threats.map((t) => ({ kind: 'threat', threat: t })));
  });

  it('puts a heading with its count over each group, groups in order of first appearance', () => {
    const rows = threatRows(threats, 'category', names, categories);
    expect(rows.map((r) => (r.kind === 'group' ? `# ${r.label} ${r.count}` : r.threat.id))).toEqual([
      '# Spoofing 1',
      '1',
      '# Tampering 2',
      '2',
      '3',
    ]);
    const byInteraction = threatRows(threats, 'interaction', names, categories);
    expect(byInteraction.map((r) => (r.kind === 'group' ? `# ${r.label} ${r.count}` : r.threat.id))).toEqual([
      `# ${where(threats[0] as Threat, names)} 2`,
      '1',
      '3',
      '# Model 1',
      '2',
    ]);
    expect(where(threats[0] as Threat, names)).toBe('Browser → API (HTTPS)');
  });
});

describe('stepSelection', () => {
  // 0: heading, 1-2: threats, 3: heading, 4-6: threats
  const rows: ThreatRow[] = threatRows(
    [
      threat('a'),
      threat('b'),
      threat('c', { category: 'T' }),
      threat('d', { category: 'T' }),
      threat('e', { category: 'T' }),
    ],
    'category',
    names,
    categories,
  );

  it('moves by one threat, stepping over headings, and stops at either end', () => {
    expect(stepSelection(rows, 1, 'ArrowDown')).toBe(2);
    expect(stepSelection(rows, 2, 'ArrowDown')).toBe(4);
    expect(stepSelection(rows, 4, 'ArrowUp')).toBe(2);
    expect(stepSelection(rows, 1, 'ArrowUp')).toBe(1);
    expect(stepSelection(rows, 6, 'ArrowDown')).toBe(6);
  });

  it('goes to the first and last threat with Home and End, and pages', () => {
    expect(stepSelection(rows, 4, 'Home')).toBe(1);
    expect(stepSelection(rows, 1, 'End')).toBe(6);
    expect(stepSelection(rows, 1, 'PageDown', 2)).toBe(4);
    expect(stepSelection(rows, 1, 'PageDown', 20)).toBe(6);
    expect(stepSelection(rows, 5, 'PageUp', 2)).toBe(2);
    expect(stepSelection(rows, 6, 'PageUp', 20)).toBe(1);
  });

  it('starts from the first (down) or last (up) threat when none is current, and has nowhere to go without threats', () => {
    expect(stepSelection(rows, -1, 'ArrowDown')).toBe(1);
    expect(stepSelection(rows, -1, 'ArrowUp')).toBe(6);
    expect(stepSelection([], -1, 'End')).toBeUndefined();
  });
});

describe('headingAt', () => {
  it('finds the last heading at or before a row', () => {
    const headings = [0, 3, 7];
    expect([0, 1, 2, 3, 6, 7, 100].map((i) => headingAt(headings, i))).toEqual([0, 0, 0, 3, 3, 7, 7]);
    expect(headingAt([2, 5], 1)).toBeUndefined();
    expect(headingAt([], 4)).toBeUndefined();
  });
});

describe('triageKey', () => {
  const priorities = ['High', 'Medium', 'Low'];
  it('steps with j/k, sets the status with 1-4 and the priority with h/m/l', () => {
    expect(triageKey({ key: 'j' }, priorities)).toEqual({ kind: 'step', key: 'ArrowDown' });
    expect(triageKey({ key: 'k' }, priorities)).toEqual({ kind: 'step', key: 'ArrowUp' });
    expect(triageKey({ key: '1' }, priorities)).toEqual({ kind: 'status', status: 'not-started' });
    expect(triageKey({ key: '2' }, priorities)).toEqual({ kind: 'status', status: 'needs-investigation' });
    expect(triageKey({ key: '3' }, priorities)).toEqual({ kind: 'status', status: 'not-applicable' });
    expect(triageKey({ key: '4' }, priorities)).toEqual({ kind: 'status', status: 'mitigated' });
    expect(triageKey({ key: 'h' }, priorities)).toEqual({ kind: 'priority', priority: 'High' });
    expect(triageKey({ key: 'm' }, priorities)).toEqual({ kind: 'priority', priority: 'Medium' });
    expect(triageKey({ key: 'l' }, priorities)).toEqual({ kind: 'priority', priority: 'Low' });
  });
  it('has nothing for other keys, modified keys or a priority the template lacks', () => {
    expect(triageKey({ key: '5' }, priorities)).toBeUndefined();
    expect(triageKey({ key: 'x' }, priorities)).toBeUndefined();
    expect(triageKey({ key: '1', ctrlKey: true }, priorities)).toBeUndefined();
    expect(triageKey({ key: 'j', metaKey: true }, priorities)).toBeUndefined();
    expect(triageKey({ key: 'm' }, ['Critical', 'High', 'Low'])).toBeUndefined();
  });
});
