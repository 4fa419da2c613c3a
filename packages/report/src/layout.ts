/**
 * Auto-layout with elkjs (layered, left to right, flows as edges). Box boundaries are laid out
 * as containers of the elements (and boundaries) whose centres they held before, the innermost
 * boundary being an element's parent, so what was inside a boundary stays inside it and every
 * crossing is the same afterwards. Models written as code (no positions, `boundaryId`
 * membership) get membership as containment. Line boundaries and notes keep their places.
 * Pure and asynchronous (elkjs answers with a promise); the web editor applies the result as one
 * `layout` action, the SVG renderer draws with it.
 */
import { centre, contains, type Diagram, type Element, type Rect } from '@bulwark/core';
import type { ElkNode } from 'elkjs/lib/elk.bundled.js';
import { sizeOf } from './shapes.js';

const MARGIN = 80;
/** Room between shapes, in every boundary too (ELK reads spacing from each node's own parent), so flow labels fit. */
const SPACING = { 'elk.spacing.nodeNode': '50', 'elk.layered.spacing.nodeNodeBetweenLayers': '140' };

type ElkClass = new () => { layout(graph: ElkNode): Promise<ElkNode> };
let elkClass: Promise<ElkClass> | undefined;

/**
 * elkjs, loaded on first use (it is large: renderers that never lay out, and the web app until it
 * lays out, do without it). elkjs is CommonJS: bundlers hand over its class as the default
 * export, Node's ESM loader the module object with the class under `default`.
 */
function loadElk(): Promise<ElkClass> {
  elkClass ??= import('elkjs/lib/elk.bundled.js').then((m) => {
    const mod = m.default as unknown as { default?: ElkClass };
    return mod.default ?? (mod as unknown as ElkClass);
  });
  return elkClass;
}

type Box = Extract<Element, { kind: 'process' | 'dataStore' | 'externalEntity' | 'trustBoundary' }>;

function rectOf(e: Element): Rect | undefined {
  if (e.kind === 'process' || e.kind === 'dataStore' || e.kind === 'externalEntity') {
    return e.position ?? { ...sizeOf(e.kind), x: 0, y: 0 };
  }
  // A boundary without geometry (a model written as code) gets its size from what it holds.
  if (e.kind === 'trustBoundary' && e.shape === 'box') return e.position ?? { x: 0, y: 0, width: 200, height: 120 };
  return undefined;
}

/** The box boundary a model written as code puts an element in (`boundaryId`), when it has one. */
function declaredBoundary(e: Element): string | undefined {
  return 'boundaryId' in e ? e.boundaryId : undefined;
}

/** Whether `id` is `ancestor` or sits (through `parent`) inside it: a parent link there would loop. */
function inside(parent: Map<string, string>, id: string, ancestor: string): boolean {
  const seen = new Set<string>();
  for (let at: string | undefined = id; at !== undefined && !seen.has(at); at = parent.get(at)) {
    if (at === ancestor) return true;
    seen.add(at);
  }
  return false;
}

/** New rectangles, by element id, for the diagram's nodes and box boundaries. */
export async function autoLayout(diagram: Diagram): Promise<Record<string, Rect>> {
  const items = diagram.elements.flatMap((e) => {
    const rect = rectOf(e);
    return rect ? [{ element: e as Box, rect, boundary: e.kind === 'trustBoundary' }] : [];
  });
  const area = (r: Rect) => r.width * r.height;
  const boundaries = new Set(items.filter((i) => i.boundary).map((i) => i.element.id));
  // Each item's parent: the boundary a model written as code names, else the smallest box
  // boundary (larger than it) holding its centre.
  const parent = new Map<string, string>();
  for (const item of items) {
    const declared = declaredBoundary(item.element);
    if (declared !== undefined && boundaries.has(declared) && !inside(parent, declared, item.element.id)) {
      parent.set(item.element.id, declared);
      continue;
    }
    if (!('position' in item.element) || !item.element.position) continue;
    const c = centre(item.rect);
    let best: (typeof items)[number] | undefined;
    for (const b of items) {
      if (!b.boundary || b === item || !b.element.position || area(b.rect) <= area(item.rect)) continue;
      if (!contains(b.rect, c) || inside(parent, b.element.id, item.element.id)) continue;
      if (!best || area(b.rect) < area(best.rect)) best = b;
    }
    if (best) parent.set(item.element.id, best.element.id);
  }
  const elk = new Map<string, ElkNode>();
  for (const item of items) {
    elk.set(item.element.id, {
      id: item.element.id,
      ...(item.boundary
        ? {
            children: [],
            layoutOptions: { ...SPACING, 'elk.padding': '[top=40,left=30,bottom=30,right=30]' },
          }
        : { width: item.rect.width, height: item.rect.height }),
    });
  }
  const root: ElkNode = {
    id: '@root',
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': 'RIGHT',
      'elk.hierarchyHandling': 'INCLUDE_CHILDREN',
      ...SPACING,
    },
    children: [],
    edges: [],
  };
  for (const item of items) {
    const node = elk.get(item.element.id) as ElkNode;
    const up = parent.get(item.element.id);
    (up ? (elk.get(up) as ElkNode) : root).children?.push(node);
  }
  // An empty boundary still needs a size.
  for (const item of items) {
    const node = elk.get(item.element.id) as ElkNode;
    if (item.boundary && node.children?.length === 0) {
      node.width = Math.min(item.rect.width, 200);
      node.height = Math.min(item.rect.height, 120);
    }
  }
  const ids = new Set(items.map((i) => i.element.id));
  root.edges = diagram.elements.flatMap((e) =>
    e.kind === 'dataFlow' && ids.has(e.source) && ids.has(e.target) && e.source !== e.target
      ? [{ id: e.id, sources: [e.source], targets: [e.target] }]
      : [],
  );
  const ELK = await loadElk();
  const done = await new ELK().layout(root);
  const rects: Record<string, Rect> = {};
  const walk = (node: ElkNode, ox: number, oy: number) => {
    for (const child of node.children ?? []) {
      const x = ox + (child.x ?? 0);
      const y = oy + (child.y ?? 0);
      rects[child.id] = {
        x: Math.round(x),
        y: Math.round(y),
        width: Math.round(child.width ?? 0),
        height: Math.round(child.height ?? 0),
      };
      walk(child, x, y);
    }
  };
  walk(done, MARGIN, MARGIN);
  return rects;
}

/** Whether a diagram has shapes that were never placed (a model written as code): auto-layout draws them. */
export function needsLayout(diagram: Diagram): boolean {
  return diagram.elements.some(
    (e) =>
      ((e.kind === 'process' || e.kind === 'dataStore' || e.kind === 'externalEntity') && !e.position) ||
      (e.kind === 'trustBoundary' && e.shape === 'box' && !e.position),
  );
}
