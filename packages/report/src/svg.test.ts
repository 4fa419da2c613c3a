import { readFileSync } from 'node:fs';
import { buildModel, type Diagram, parseModel, type Rect } from '@bulwark/core';
import { parseXml, type XmlNode } from '@bulwark/formats';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { layoutAndRenderSvg, renderDiagramSvg, wrapText } from './svg.js';

const SVG_NS = 'http://www.w3.org/2000/svg';

function example(name: string): Diagram {
  const text = readFileSync(new URL(`../../../examples/${name}`, import.meta.url), 'utf8');
  const parsed = parseModel(name.endsWith('.json') ? JSON.parse(text) : parseYaml(text));
  if (!parsed.ok) throw new Error(`${name} does not parse`);
  const diagram = parsed.value.diagrams[0];
  if (!diagram) throw new Error('no diagram');
  return diagram;
}

/** The SVG parsed by a real XML parser (a parse error fails the test). */
function parseSvg(svg: string): XmlNode {
  const doc = parseXml(svg, 'diagram.svg');
  if (!doc.ok) throw new Error(doc.error.message);
  expect(doc.value.ns).toBe(SVG_NS);
  expect(doc.value.name).toBe('svg');
  return doc.value;
}

function all(node: XmlNode): XmlNode[] {
  return [node, ...node.children.flatMap(all)];
}

/** Every text in the document, tspans joined. */
function texts(root: XmlNode): string[] {
  return all(root)
    .filter((n) => n.name === 'text' || n.name === 'title' || n.name === 'tspan')
    .map((n) => n.text);
}

function viewBox(root: XmlNode): Rect {
  const [x, y, width, height] = (root.attrs?.viewBox ?? '').split(' ').map(Number);
  return { x: x ?? 0, y: y ?? 0, width: width ?? 0, height: height ?? 0 };
}

/** The box each node shape is drawn in, read back from the SVG, by element id. */
function drawnShapes(root: XmlNode): Map<string, Rect> {
  const shapes = new Map<string, Rect>();
  for (const g of all(root).filter((n) => n.name === 'g' && n.attrs?.['data-element-id'])) {
    const kind = g.attrs?.['data-kind'];
    if (kind !== 'process' && kind !== 'dataStore' && kind !== 'externalEntity') continue;
    const first = g.children.find((c) => c.name === 'ellipse' || c.name === 'rect');
    const a = first?.attrs ?? {};
    const num = (k: string) => Number(a[k]);
    shapes.set(
      g.attrs?.['data-element-id'] as string,
      first?.name === 'ellipse'
        ? { x: num('cx') - num('rx'), y: num('cy') - num('ry'), width: 2 * num('rx'), height: 2 * num('ry') }
        : { x: num('x'), y: num('y'), width: num('width'), height: num('height') },
    );
  }
  return shapes;
}

const inside = (outer: Rect, r: Rect) =>
  r.x >= outer.x &&
  r.y >= outer.y &&
  r.x + r.width <= outer.x + outer.width &&
  r.y + r.height <= outer.y + outer.height;

describe('renderDiagramSvg', () => {
  const diagram = example('infrastructure.bulwark.json');
  const svg = renderDiagramSvg(diagram);
  const root = parseSvg(svg);

  it('draws one group per element, every shape inside the viewBox, with a hover title each', () => {
    const groups = all(root).filter((n) => n.attrs?.['data-element-id'] !== undefined);
    expect(groups.map((g) => g.attrs?.['data-element-id']).sort()).toEqual(diagram.elements.map((e) => e.id).sort());
    for (const g of groups) expect(g.children.filter((c) => c.name === 'title')).toHaveLength(1);
    const box = viewBox(root);
    expect(root.attrs?.width).toBe(String(Math.ceil(box.width)));
    for (const e of diagram.elements)
      if ('position' in e && e.position) expect(inside(box, e.position), `${e.id} in the viewBox`).toBe(true);
    // The shapes are where the model put them.
    const shapes = drawnShapes(root);
    for (const e of diagram.elements)
      if ((e.kind === 'process' || e.kind === 'dataStore' || e.kind === 'externalEntity') && e.position)
        expect(shapes.get(e.id)).toEqual(e.position);
  });

  it('draws processes as circles, stores as two lines, entities as boxes, boundaries red and dashed, flows with arrowheads', () => {
    const kindOf = (id: string) => diagram.elements.find((e) => e.id === id)?.kind;
    const groups = all(root).filter((n) => n.attrs?.['data-element-id'] !== undefined);
    for (const g of groups) {
      const kind = kindOf(g.attrs?.['data-element-id'] as string);
      const names = g.children.map((c) => c.name);
      if (kind === 'process') expect(names).toContain('ellipse');
      if (kind === 'dataStore')
        expect(g.children.find((c) => c.name === 'path')?.attrs?.d).toMatch(/^M .* H .* M .* H /);
      if (kind === 'trustBoundary') {
        const outline = g.children.find((c) => c.name === 'rect' || c.name === 'path');
        expect(outline?.attrs?.stroke).toBe('#c62828');
        expect(outline?.attrs?.['stroke-dasharray']).toBeDefined();
      }
      if (kind === 'dataFlow') {
        const path = g.children.find((c) => c.name === 'path');
        const flow = diagram.elements.find((e) => e.id === g.attrs?.['data-element-id']);
        expect(path?.attrs?.['marker-end']).toMatch(/^url\(#bw[a-z0-9]+-arrow\)$/);
        if (flow?.kind === 'dataFlow' && flow.bidirectional) expect(path?.attrs?.['marker-start']).toBeDefined();
      }
    }
    const markers = all(root).filter((n) => n.name === 'marker');
    expect(markers.map((m) => m.attrs?.id)).toEqual(
      markers.map((m) => m.attrs?.id).filter((id) => /^bw[a-z0-9]+-arrow(-hi)?$/.test(id ?? '')),
    );
    expect(markers.length).toBeGreaterThan(0);
    // Names and flow labels are there, wrapped across tspans; grouped elements say so.
    const words = texts(root).join(' ');
    expect(words).toContain('Firewall');
    expect(words).toContain('Site-to-site link');
    expect(words).toContain('(grouped)');
  });

  it('is deterministic, and marker ids differ between diagrams without carrying their ids', () => {
    expect(renderDiagramSvg(diagram)).toBe(svg);
    const other = renderDiagramSvg({ ...diagram, id: 'other' });
    const id = (s: string) => /<marker id="([^"]+)"/.exec(s)?.[1];
    expect(id(other)).not.toBe(id(svg));
    expect(id(other)).not.toContain('other');
    expect(renderDiagramSvg(diagram, { xmlDeclaration: false }).startsWith('<svg ')).toBe(true);
  });

  it('emphasises highlighted elements and fades out-of-scope ones', () => {
    const flow = diagram.elements.find((e) => e.kind === 'dataFlow');
    if (!flow) throw new Error('no flow');
    const hi = parseSvg(renderDiagramSvg(diagram, { highlight: new Set([flow.id]) }));
    const g = all(hi).find((n) => n.attrs?.['data-element-id'] === flow.id);
    expect(g?.children.find((c) => c.name === 'path')?.attrs?.stroke).toBe('#ffb300');
    const out = {
      ...diagram,
      elements: diagram.elements.map((e) => (e.id === 'github' ? { ...e, outOfScope: true } : e)),
    };
    const faded = all(parseSvg(renderDiagramSvg(out))).find((n) => n.attrs?.['data-element-id'] === 'github');
    expect(faded?.attrs?.opacity).toBe('0.55');
  });

  it('lets no markup through from names, labels or the diagram name', () => {
    const payloads = [
      '<script>alert(1)</script>',
      '"><img src=x onerror=alert(1)>',
      "'><svg onload=alert(1)>",
      ']]><x/>&amp;',
    ];
    let b = buildModel('XSS');
    payloads.forEach((p, i) => {
      b = b
        .process(`p${i}`, { name: p, position: { x: i * 200, y: 0, width: 100, height: 100 } })
        .store(`s${i}`, { name: p, position: { x: i * 200, y: 300, width: 150, height: 60 } });
    });
    const model = payloads
      .reduce((m, p, i) => m.flow(`p${i}`, `s${i}`, undefined, { id: `f${i}`, name: p }), b)
      .boundary('tb', { name: payloads[0], position: { x: -50, y: -50, width: 1000, height: 500 } })
      .build();
    const d = model.diagrams[0];
    if (!d) throw new Error('no diagram');
    const note = {
      kind: 'annotation' as const,
      id: 'n1',
      typeId: 'GE.A',
      name: payloads[1] as string,
      position: { x: 0, y: 500, width: 300, height: 60 },
    };
    const out = renderDiagramSvg({ ...d, name: payloads[2] as string, elements: [...d.elements, note] });
    for (const p of payloads) expect(out).not.toContain(p);
    expect(out).not.toMatch(/<(script|img|x)\b/);
    const parsed = parseSvg(out);
    const names = new Set(all(parsed).map((n) => n.name));
    for (const bad of ['script', 'img', 'x', 'foreignObject']) expect(names.has(bad)).toBe(false);
    const attributes = all(parsed).flatMap((n) => Object.keys(n.attrs ?? {}));
    expect(attributes.filter((a) => /^on/i.test(a))).toEqual([]);
    // The text itself survives, as text (titles hold it whole).
    const titles = all(parsed)
      .filter((n) => n.name === 'title')
      .map((n) => n.text);
    for (const p of payloads) expect(titles.some((t) => t.includes(p))).toBe(true);
  });
});

describe('flows between the same two shapes', () => {
  it('draws a request and its response as mirrored arcs whose labels do not cover each other, side by side or one above the other', () => {
    for (const below of [
      { x: 400, y: 0 },
      { x: 0, y: 300 },
    ]) {
      const model = buildModel()
        .entity('browser', { position: { x: 0, y: 0, width: 150, height: 60 } })
        .process('web', { position: { ...below, width: 100, height: 100 } })
        .flow('browser', 'web', undefined, { name: 'Data flow' })
        .flow('web', 'browser', undefined, { name: 'Data flow' })
        .build();
      const root = parseSvg(renderDiagramSvg(model.diagrams[0] as Diagram));
      const flows = all(root).filter((n) => n.name === 'g' && n.attrs?.['data-kind'] === 'dataFlow');
      expect(flows).toHaveLength(2);
      const paths = flows.map((g) => g.children.find((c) => c.name === 'path')?.attrs?.d ?? '');
      for (const d of paths) expect(d).toMatch(/^M [\d.-]+ [\d.-]+ Q /);
      expect(paths[0]).not.toBe(paths[1]);
      const [a, b] = flows.map((g) => {
        const r = g.children.find((c) => c.name === 'rect')?.attrs ?? {};
        return { x: Number(r.x), y: Number(r.y), width: Number(r.width), height: Number(r.height) };
      }) as [Rect, Rect];
      expect(a.x + a.width <= b.x || b.x + b.width <= a.x || a.y + a.height <= b.y || b.y + b.height <= a.y).toBe(true);
    }
  });
});

describe('layoutAndRenderSvg', () => {
  it('lays out a model written as code: every shape placed, none overlapping, members inside their boundary', async () => {
    const diagram = example('webshop.bulwark.yaml');
    const root = parseSvg(await layoutAndRenderSvg(diagram));
    const shapes = drawnShapes(root);
    const nodes = diagram.elements.filter(
      (e) => e.kind === 'process' || e.kind === 'dataStore' || e.kind === 'externalEntity',
    );
    expect([...shapes.keys()].sort()).toEqual(nodes.map((e) => e.id).sort());
    const rects = [...shapes.values()];
    for (const [i, a] of rects.entries())
      for (const b of rects.slice(i + 1))
        expect(a.x + a.width <= b.x || b.x + b.width <= a.x || a.y + a.height <= b.y || b.y + b.height <= a.y).toBe(
          true,
        );
    const box = viewBox(root);
    for (const r of rects) expect(inside(box, r)).toBe(true);
    // Boundary membership became containment.
    const boundaryRect = (id: string) => {
      const g = all(root).find((n) => n.attrs?.['data-element-id'] === id);
      const a = g?.children.find((c) => c.name === 'rect')?.attrs ?? {};
      return { x: Number(a.x), y: Number(a.y), width: Number(a.width), height: Number(a.height) };
    };
    for (const e of nodes)
      if (e.boundaryId) expect(inside(boundaryRect(e.boundaryId), shapes.get(e.id) as Rect), e.id).toBe(true);
  });

  it('leaves a diagram with positions where it is', async () => {
    const diagram = example('infrastructure.bulwark.json');
    expect(await layoutAndRenderSvg(diagram)).toBe(renderDiagramSvg(diagram));
  });
});

describe('wrapText', () => {
  it('wraps at word boundaries, cuts long words, and ends a cut-off text with an ellipsis', () => {
    expect(wrapText('Logging and monitoring service', 12, 4)).toEqual(['Logging and', 'monitoring', 'service']);
    expect(wrapText('abcdefghij', 4, 5)).toEqual(['abcd', 'efgh', 'ij']);
    expect(wrapText('one two three four five', 7, 2)).toEqual(['one two', 'three…']);
    expect(wrapText('', 10, 2)).toEqual([]);
  });
});
