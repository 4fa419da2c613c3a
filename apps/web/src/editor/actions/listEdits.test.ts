import { buildModel, type ThreatModel } from '@bulwark/core';
import { describe, expect, it } from 'vitest';
import type { Action } from './actions.js';
import { replay } from './conflict.js';
import { applyLineEdits, lineEdits, performListEdit } from './listEdits.js';

const base = (): ThreatModel => ({
  ...buildModel('Shop').entity('user').build(),
  assets: [
    { id: 'a1', name: 'Card numbers', classification: 'restricted' },
    { id: 'a2', name: 'Orders', classification: 'confidential', description: 'In the orders database' },
  ],
  notes: [{ id: 'n1', text: 'Drawn from the wiki', author: 'Ana' }],
});

describe('lineEdits: the edits from one list of lines to another, and back on the same list', () => {
  it.each([
    ['nothing changed', ['a', 'b'], ['a', 'b'], []],
    ['a line added at the end', ['a'], ['a', 'b'], [{ op: 'add', value: 'b', after: 'a' }]],
    ['a line added first', ['b'], ['a', 'b'], [{ op: 'add', value: 'a', after: null }]],
    ['a line added between', ['a', 'c'], ['a', 'b', 'c'], [{ op: 'add', value: 'b', after: 'a' }]],
    ['a line removed', ['a', 'b', 'c'], ['a', 'c'], [{ op: 'remove', value: 'b' }]],
    ['a line rewritten', ['a', 'b', 'c'], ['a', 'B', 'c'], [{ op: 'change', from: 'b', to: 'B' }]],
    [
      'every line gone',
      ['a', 'b'],
      [],
      [
        { op: 'remove', value: 'a' },
        { op: 'remove', value: 'b' },
      ],
    ],
    [
      'from nothing',
      [],
      ['a', 'b'],
      [
        { op: 'add', value: 'a', after: null },
        { op: 'add', value: 'b', after: 'a' },
      ],
    ],
  ])('%s', (_name, before, after, edits) => {
    expect(lineEdits(before, after)).toEqual(edits);
    expect(applyLineEdits(before, lineEdits(before, after))).toEqual(after);
  });

  it('gets from any list to any other (a few hundred random pairs)', () => {
    let seed = 7;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const list = () => [
      ...new Set(Array.from({ length: Math.floor(random() * 7) }, () => 'abcdefgh'.charAt(Math.floor(random() * 8)))),
    ];
    for (let k = 0; k < 300; k++) {
      const before = list();
      const after = list();
      expect(applyLineEdits(before, lineEdits(before, after)), `${before} -> ${after}`).toEqual(after);
    }
  });
});

describe('applyLineEdits on a list that moved on meanwhile', () => {
  it.each([
    ['an added line already there is not added twice', ['a', 'b'], [{ op: 'add', value: 'b', after: 'a' }], ['a', 'b']],
    ['an added line whose neighbour is gone goes last', ['x'], [{ op: 'add', value: 'b', after: 'a' }], ['x', 'b']],
    ['removing a line already gone changes nothing', ['a'], [{ op: 'remove', value: 'b' }], ['a']],
    ['changing a line gone keeps the new text', ['a'], [{ op: 'change', from: 'b', to: 'B' }], ['a', 'B']],
    ['changing to a line already there leaves one', ['b', 'B'], [{ op: 'change', from: 'b', to: 'B' }], ['B']],
  ] as const)('%s', (_name, lines, edits, out) => {
    expect(applyLineEdits(lines, edits)).toEqual(out);
  });
});

describe('item edits', () => {
  it.each<[string, Parameters<typeof performListEdit>[1], (m: ThreatModel) => unknown, unknown]>([
    [
      'adds an asset',
      { type: 'addItem', list: 'assets', item: { id: 'a3', name: 'Sessions', classification: 'internal' } },
      (m) => m.assets?.map((a) => a.id),
      ['a1', 'a2', 'a3'],
    ],
    [
      'changes one field of one asset',
      { type: 'changeItem', list: 'assets', id: 'a1', set: { classification: 'confidential' } },
      (m) => m.assets?.[0],
      { id: 'a1', name: 'Card numbers', classification: 'confidential' },
    ],
    [
      'clears an optional field',
      { type: 'changeItem', list: 'assets', id: 'a2', set: {}, unset: ['description'] },
      (m) => m.assets?.[1],
      { id: 'a2', name: 'Orders', classification: 'confidential' },
    ],
    ['removes a note (the list goes)', { type: 'removeItem', list: 'notes', id: 'n1' }, (m) => 'notes' in m, false],
    [
      'edits the lines of a metadata list',
      { type: 'editLines', field: 'contributors', edits: [{ op: 'add', value: 'Ana', after: null }] },
      (m) => m.metadata.contributors,
      ['Ana'],
    ],
  ])('%s', (_name, action, read, expected) => {
    const before = base();
    const after = performListEdit(before, action);
    expect(read(after)).toEqual(expected);
    expect(before).toEqual(base());
  });

  it.each<[string, Parameters<typeof performListEdit>[1]]>([
    ['changing an item that is gone', { type: 'changeItem', list: 'assets', id: 'gone', set: { name: 'x' } }],
    ['removing an item that is gone', { type: 'removeItem', list: 'notes', id: 'gone' }],
    ['adding an item that is there', { type: 'addItem', list: 'notes', item: { id: 'n1', text: 'again' } }],
  ])('%s changes nothing', (_name, action) => {
    const model = base();
    expect(performListEdit(model, action)).toBe(model);
  });
});

describe('re-applied after a conflict, my list edits keep theirs', () => {
  it('keeps the asset, note and line they added, and their change to another asset', () => {
    let theirs = performListEdit(base(), {
      type: 'addItem',
      list: 'assets',
      item: { id: 'a9', name: 'API keys', classification: 'restricted' },
    });
    theirs = performListEdit(theirs, { type: 'changeItem', list: 'assets', id: 'a2', set: { name: 'Order history' } });
    theirs = performListEdit(theirs, { type: 'addItem', list: 'notes', item: { id: 'n9', text: 'Theirs' } });
    theirs = performListEdit(theirs, {
      type: 'editLines',
      field: 'assumptions',
      edits: [{ op: 'add', value: 'TLS everywhere', after: null }],
    });
    const mine: Action[] = [
      { type: 'changeItem', list: 'assets', id: 'a1', set: { classification: 'confidential' } },
      { type: 'removeItem', list: 'notes', id: 'n1' },
      {
        type: 'editLines',
        field: 'assumptions',
        edits: [{ op: 'add', value: 'Staff laptops are managed', after: null }],
      },
    ];
    const merged = replay(theirs, mine);
    expect(merged.assets).toEqual([
      { id: 'a1', name: 'Card numbers', classification: 'confidential' },
      { id: 'a2', name: 'Order history', classification: 'confidential', description: 'In the orders database' },
      { id: 'a9', name: 'API keys', classification: 'restricted' },
    ]);
    expect(merged.notes).toEqual([{ id: 'n9', text: 'Theirs' }]);
    expect(merged.metadata.assumptions).toEqual(['Staff laptops are managed', 'TLS everywhere']);
  });
});
