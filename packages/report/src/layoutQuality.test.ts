import { buildModel, type Diagram } from '@bulwark/core';
import { describe, expect, it } from 'vitest';
import {
  compareQuality,
  flowPath,
  type LayoutQuality,
  measureLayout,
  pathThroughShape,
  qualityChange,
  qualityWords,
} from './layoutQuality.js';

const at = (x: number, y: number, width = 100, height = 60) => ({ position: { x, y, width, height } });

function diagramOf(
  build: ReturnType<typeof buildModel>,
  handles: Record<string, { x: number; y: number }> = {},
): Diagram {
  const d = build.build().diagrams[0];
  if (!d) throw new Error('no diagram');
  return {
    ...d,
    elements: d.elements.map((e) =>
      e.kind === 'dataFlow' && handles[e.id] ? { ...e, path: { handle: handles[e.id] } } : e,
    ),
  };
}

/** Small diagrams whose figures can be counted by eye. */
const TABLE: { name: string; diagram: Diagram; expected: Partial<LayoutQuality> }[] = [
  {
    name: 'two shapes side by side, one flow left to right',
    diagram: diagramOf(buildModel('m').entity('a', at(0, 0)).entity('b', at(300, 0)).flow('a', 'b')),
    // From a's right edge (100, 30) to b's left edge (300, 30).
    expected: { crossings: 0, overlaps: 0, throughShapes: 0, againstReadingOrder: 0, length: 200 },
  },
  {
    name: 'the same flow right to left',
    diagram: diagramOf(buildModel('m').entity('a', at(0, 0)).entity('b', at(300, 0)).flow('b', 'a')),
    expected: { againstReadingOrder: 1, length: 200 },
  },
  {
    name: 'a bi-directional flow is never against reading order',
    diagram: diagramOf(
      buildModel('m').entity('a', at(0, 0)).entity('b', at(300, 0)).flow('b', 'a', undefined, { bidirectional: true }),
    ),
    expected: { againstReadingOrder: 0 },
  },
  {
    name: 'a flow straight up is against reading order',
    diagram: diagramOf(buildModel('m').entity('a', at(0, 0)).entity('b', at(0, 300)).flow('b', 'a')),
    expected: { againstReadingOrder: 1, length: 240 },
  },
  {
    name: 'a shape in the way of a flow',
    diagram: diagramOf(
      buildModel('m').entity('a', at(0, 0)).process('mid', at(200, 0)).entity('b', at(400, 0)).flow('a', 'b'),
    ),
    expected: { throughShapes: 1, crossings: 0, overlaps: 0 },
  },
  {
    name: 'a flow bent through a handle above the shape in the way',
    diagram: diagramOf(
      buildModel('m')
        .entity('a', at(0, 0))
        .process('mid', at(200, 0))
        .entity('b', at(400, 0))
        .flow('a', 'b', undefined, { id: 'f' }),
      { f: { x: 250, y: -120 } },
    ),
    expected: { throughShapes: 0 },
  },
  {
    name: 'two flows that cross (an X)',
    diagram: diagramOf(
      buildModel('m')
        .entity('a', at(0, 0))
        .entity('b', at(400, 300))
        .entity('c', at(0, 300))
        .entity('d', at(400, 0))
        .flow('a', 'b')
        .flow('c', 'd'),
    ),
    expected: { crossings: 1, throughShapes: 0 },
  },
  {
    name: 'two flows that share a shape do not count as crossing',
    diagram: diagramOf(buildModel('m').entity('a', at(0, 0)).entity('b', at(300, 0)).flow('a', 'b').flow('b', 'a')),
    expected: { crossings: 0, againstReadingOrder: 1 },
  },
  {
    name: 'two overlapping shapes',
    diagram: diagramOf(buildModel('m').entity('a', at(0, 0)).entity('b', at(50, 30))),
    expected: { overlaps: 1 },
  },
  {
    name: 'shapes touching at an edge do not overlap',
    diagram: diagramOf(buildModel('m').entity('a', at(0, 0)).entity('b', at(100, 0))),
    expected: { overlaps: 0 },
  },
  {
    name: 'a shape inside its box boundary is no overlap; one cut by the edge is',
    diagram: diagramOf(
      buildModel('m')
        .entity('in', at(50, 50))
        .entity('cut', at(250, 50))
        .boundary('b', { position: { x: 0, y: 0, width: 300, height: 200 } }),
    ),
    expected: { overlaps: 1 },
  },
  {
    name: 'nested boundaries do not overlap; boundaries that half overlap do',
    diagram: diagramOf(
      buildModel('m')
        .boundary('outer', { position: { x: 0, y: 0, width: 400, height: 400 } })
        .boundary('inner', { position: { x: 50, y: 50, width: 100, height: 100 } })
        .boundary('half', { position: { x: 300, y: 300, width: 300, height: 300 } }),
    ),
    expected: { overlaps: 1 },
  },
];

describe('measureLayout', () => {
  for (const { name, diagram, expected } of TABLE)
    it(name, () => {
      expect(measureLayout(diagram)).toMatchObject(expected);
    });

  it('measures a new layout before it is applied (rectangles and handles replace the stored ones)', () => {
    const diagram = diagramOf(
      buildModel('m')
        .entity('a', at(0, 0))
        .process('mid', at(200, 0))
        .entity('b', at(400, 0))
        .flow('a', 'b', undefined, { id: 'f' }),
      { f: { x: 250, y: -120 } },
    );
    expect(measureLayout(diagram).throughShapes).toBe(0);
    expect(measureLayout(diagram, {}, { f: null }).throughShapes).toBe(1);
    expect(measureLayout(diagram, { mid: { x: 200, y: 300, width: 100, height: 60 } }, { f: null }).throughShapes).toBe(
      0,
    );
  });

  it('leaves out loops and flows with an end that is not placed', () => {
    const diagram = diagramOf(buildModel('m').entity('a', at(0, 0)).entity('b').flow('a', 'a').flow('a', 'b'));
    expect(measureLayout(diagram)).toMatchObject({ shapes: 1, flows: 0, length: 0 });
  });
});

describe('flowPath', () => {
  it('runs from border to border, straight or through the handle', () => {
    const a = { id: 'a', kind: 'externalEntity', rect: { x: 0, y: 0, width: 100, height: 60 } };
    const b = { id: 'b', kind: 'process', rect: { x: 300, y: -20, width: 100, height: 100 } };
    expect(flowPath(a, b)).toEqual([
      { x: 100, y: 30 },
      { x: 300, y: 30 },
    ]);
    const curve = flowPath(a, b, { x: 200, y: -50 });
    expect(curve).toHaveLength(17);
    // It passes through the handle half-way, from a's outline to b's circle.
    expect(curve[8]?.x).toBeCloseTo(200, 5);
    expect(curve[8]?.y).toBeCloseTo(-50, 5);
    const end = curve[16] ?? { x: 0, y: 0 };
    expect(Math.hypot(end.x - 350, end.y - 30)).toBeCloseTo(50, 5);
  });
  it('puts a request and its response on lanes either side of the line between their shapes', () => {
    const diagram = diagramOf(
      buildModel('m').entity('a', at(0, 0)).entity('b', at(300, 0)).flow('a', 'b').flow('b', 'a'),
    );
    const straight = measureLayout(diagram).length;
    // Two arcs, each a little longer than the 200 between the shapes.
    expect(straight).toBeGreaterThan(400);
    expect(straight).toBeLessThan(440);
  });
});

describe('pathThroughShape', () => {
  it("counts a process by its circle: a line across its box's corner misses it", () => {
    const line = [
      { x: 190, y: 30 },
      { x: 230, y: -10 },
    ];
    const rect = { x: 200, y: 0, width: 100, height: 100 };
    expect(pathThroughShape(line, { id: 'e', kind: 'externalEntity', rect })).toBe(true);
    expect(pathThroughShape(line, { id: 'p', kind: 'process', rect })).toBe(false);
    expect(
      pathThroughShape(
        [
          { x: 190, y: 50 },
          { x: 310, y: 50 },
        ],
        { id: 'p', kind: 'process', rect },
      ),
    ).toBe(true);
  });
  it('does not count a flow that only grazes an edge', () => {
    const rect = { x: 0, y: 0, width: 100, height: 60 };
    const along = [
      { x: -50, y: 0 },
      { x: 150, y: 0 },
    ];
    expect(pathThroughShape(along, { id: 'e', kind: 'externalEntity', rect })).toBe(false);
  });
});

describe('compareQuality', () => {
  const q = (o: Partial<LayoutQuality>): LayoutQuality => ({
    shapes: 3,
    flows: 2,
    crossings: 0,
    overlaps: 0,
    throughShapes: 0,
    againstReadingOrder: 0,
    length: 1000,
    ...o,
  });
  it('orders by flows through shapes, then overlaps, then crossings, then length (10% or more)', () => {
    expect(compareQuality(q({ throughShapes: 0, crossings: 5 }), q({ throughShapes: 1 }))).toBeLessThan(0);
    expect(compareQuality(q({ overlaps: 1 }), q({ crossings: 9 }))).toBeGreaterThan(0);
    expect(compareQuality(q({ crossings: 1 }), q({ crossings: 2, length: 10 }))).toBeLessThan(0);
    expect(compareQuality(q({ length: 850 }), q({}))).toBeLessThan(0);
    expect(compareQuality(q({ length: 950 }), q({}))).toBe(0);
    expect(compareQuality(q({ length: 1200 }), q({}))).toBeGreaterThan(0);
    // Reading order is for information only.
    expect(compareQuality(q({ againstReadingOrder: 2 }), q({}))).toBe(0);
  });
  it('says how the figures change', () => {
    expect(qualityChange(q({ throughShapes: 2, length: 344 }), q({ length: 493 }))).toBe(
      'flows through shapes 2 → 0, overlaps 0, crossings 0, length 344 → 493',
    );
    expect(qualityChange(q({}), q({ length: 1100 }), 'proposed')).toBe(
      'flows through shapes 0, overlaps 0, crossings 0, length 1000 (a new layout: 1100)',
    );
  });
  it('says the figures in words', () => {
    expect(qualityWords(q({ crossings: 1 }))).toBe('0 flows through shapes, 0 overlaps, 1 crossing, flows 1000 long');
  });
});
