import { describe, expect, it } from 'vitest';
import { JSON_ITEMS, jsonParts } from './jsonParts.js';

const join = (parts: Iterable<string>): string => [...parts].join('');
const items = [
  { id: 'a', title: 'Line\nbreak "quoted" \u0000 and \u2028', n: 1, nested: { list: [1, 2], empty: {} } },
  { id: 'b', title: '', tags: [] },
  'plain string',
  42,
  null,
];

describe('jsonParts', () => {
  it('joins to exactly JSON.stringify(value, null, 2) with a final newline, at any depth', () => {
    const cases: [unknown, unknown][] = [
      [
        { model: 'M', threats: JSON_ITEMS, summary: { total: 5 } },
        { model: 'M', threats: items, summary: { total: 5 } },
      ],
      [{ threats: JSON_ITEMS }, { threats: items }],
      [
        { runs: [{ tool: { rules: [{ id: 'x' }] }, results: JSON_ITEMS, properties: {} }], version: '2' },
        { runs: [{ tool: { rules: [{ id: 'x' }] }, results: items, properties: {} }], version: '2' },
      ],
    ];
    for (const [marked, plain] of cases) {
      expect(join(jsonParts(marked, items))).toBe(`${JSON.stringify(plain, null, 2)}\n`);
      expect(join(jsonParts(marked, []))).toBe(
        `${JSON.stringify(JSON.parse(JSON.stringify(plain, (k, v) => (k === 'threats' || k === 'results' ? [] : v))), null, 2)}\n`,
      );
    }
  });

  it('gives one piece per item (never the whole array at once) and maps items as they come', () => {
    const seen: number[] = [];
    const parts = [
      ...jsonParts({ list: JSON_ITEMS }, [1, 2, 3], (n) => {
        seen.push(n);
        return { n };
      }),
    ];
    expect(parts).toHaveLength(5); // the document up to the array, one per item, the rest
    expect(seen).toEqual([1, 2, 3]);
    expect(JSON.parse(parts.join(''))).toEqual({ list: [{ n: 1 }, { n: 2 }, { n: 3 }] });
  });

  it('stays exact when texts in the document imitate the mark or the key', () => {
    const mark = '\u0000bulwark:json-items\u0000';
    const value = { name: mark, note: `\n  "threats": ${JSON.stringify(mark)}`, threats: JSON_ITEMS, after: mark };
    const plain = { ...value, threats: items };
    expect(join(jsonParts(value, items))).toBe(`${JSON.stringify(plain, null, 2)}\n`);
  });

  it('refuses a value without the items mark', () => {
    expect(() => [...jsonParts({ a: 1 }, [])]).toThrow(/no JSON_ITEMS/);
  });
});
