/**
 * A diagram as a standalone SVG, drawn as the web editor draws it: process = circle (ellipse when
 * not square), data store = two parallel lines, external entity = rectangle, trust boundary =
 * red dashed box with its name or red dashed line/curve, annotation = yellow note, flows = grey
 * arrows from border to border with their name on a white label (arrowheads at both ends for
 * bi-directional flows). Pure and deterministic: the same diagram gives the same bytes.
 *
 * Every model string goes through `escapeMarkup`; the only ids in the SVG (its markers) are made
 * here, from a hash of the diagram id, never from model text.
 */
import type { Diagram, Element, Point, Rect } from '@bulwark/core';
import { elementIcon, iconSymbol } from './elementIcons.js';
import { escapeMarkup } from './escape.js';
import {
  controlPoint,
  FlowObstacles,
  flowGeometry,
  flowLanes,
  flowPathData,
  type Lane,
  spreadEnds,
  svgNumber,
} from './flowGeometry.js';
import { autoLayout, needsLayout } from './layout.js';
import { KIND_WORDS, sizeOf } from './shapes.js';

/** How to draw a diagram. */
export interface SvgOptions {
  /** Rectangles by element id that replace the stored positions (e.g. `autoLayout`'s). */
  rects?: Readonly<Record<string, Rect>>;
  /** Element ids drawn emphasised (e.g. a threat's interaction). */
  highlight?: ReadonlySet<string>;
  /** Start with `<?xml ...?>` (a file of its own); leave it out to inline the SVG in HTML. Default true. */
  xmlDeclaration?: boolean;
  /** Room around the content, in diagram units. Default 20. */
  margin?: number;
}

const COLOURS = {
  shape: '#1f4e79',
  boundary: '#c62828',
  flow: '#455a64',
  text: '#1f2328',
  highlight: '#ffb300',
  noteFill: '#fffde7',
  noteStroke: '#f0e68c',
  noteText: '#555555',
  storeFill: '#fbfcfe',
};
const FONT = 12;
const FLOW_FONT = 10;
/** An average glyph width, as a share of the font size, for wrapping (sans-serif). */
const GLYPH = 0.56;
const LINE = 1.25;

type NodeKind = 'process' | 'dataStore' | 'externalEntity';
type NodeEl = Extract<Element, { kind: NodeKind }>;
type FlowEl = Extract<Element, { kind: 'dataFlow' }>;
type BoundaryEl = Extract<Element, { kind: 'trustBoundary' }>;
type NoteEl = Extract<Element, { kind: 'annotation' }>;

const n = svgNumber;

/** A short, stable, markup-safe token for a string (FNV-1a), for ids that must not carry model text. */
function token(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(36);
}

/** Splits text into lines of at most `max` characters (long words are cut), at most `maxLines` lines. */
export function wrapText(text: string, max: number, maxLines: number): string[] {
  const width = Math.max(1, Math.floor(max));
  const lines: string[] = [];
  let line = '';
  const push = (l: string) => {
    if (l !== '') lines.push(l);
  };
  for (let word of text.split(/\s+/).filter((w) => w !== '')) {
    while (word.length > width) {
      const room = line === '' ? width : 0;
      if (room === 0) {
        push(line);
        line = '';
        continue;
      }
      push(word.slice(0, width));
      word = word.slice(width);
    }
    if (line === '') line = word;
    else if (line.length + 1 + word.length <= width) line = `${line} ${word}`;
    else {
      push(line);
      line = word;
    }
  }
  push(line);
  if (lines.length <= maxLines) return lines;
  const kept = lines.slice(0, Math.max(1, maxLines));
  const last = kept[kept.length - 1] as string;
  kept[kept.length - 1] = `${last.slice(0, Math.max(0, width - 1))}…`;
  return kept;
}

/** Centred text lines (already wrapped) around (cx, cy). */
function textLines(lines: string[], cx: number, cy: number, size: number, attrs: string): string {
  const step = size * LINE;
  const top = cy - ((lines.length - 1) * step) / 2;
  const tspans = lines
    .map((l, i) => `<tspan x="${n(cx)}" y="${n(top + i * step)}">${escapeMarkup(l)}</tspan>`)
    .join('');
  return `<text text-anchor="middle" dominant-baseline="central" font-size="${size}"${attrs}>${tspans}</text>`;
}

function centreOf(r: Rect): Point {
  return { x: r.x + r.width / 2, y: r.y + r.height / 2 };
}

/** The bounds of everything drawn, grown as shapes are added. */
class Bounds {
  minX = Number.POSITIVE_INFINITY;
  minY = Number.POSITIVE_INFINITY;
  maxX = Number.NEGATIVE_INFINITY;
  maxY = Number.NEGATIVE_INFINITY;
  add(x: number, y: number, w = 0, h = 0): void {
    this.minX = Math.min(this.minX, x);
    this.minY = Math.min(this.minY, y);
    this.maxX = Math.max(this.maxX, x + w);
    this.maxY = Math.max(this.maxY, y + h);
  }
}

/** Rectangles bucketed on a coarse grid, to ask quickly whether a spot is taken (the editor's labels ask it too). */
export class Occupied {
  private readonly cells = new Map<number, Rect[]>();
  private static readonly CELL = 200;
  // A cell's key is a number (column and row packed), not a string: millions of lookups on a
  // large diagram would otherwise make as many strings.
  private keys(r: Rect): number[] {
    const c = Occupied.CELL;
    const keys: number[] = [];
    for (let i = Math.floor(r.x / c); i <= Math.floor((r.x + r.width) / c); i++)
      for (let j = Math.floor(r.y / c); j <= Math.floor((r.y + r.height) / c); j++) keys.push(i * 0x100000 + j);
    return keys;
  }
  add(r: Rect): void {
    for (const k of this.keys(r)) {
      const cell = this.cells.get(k);
      if (cell) cell.push(r);
      else this.cells.set(k, [r]);
    }
  }
  /** Whether `r` overlaps anything here other than the rectangles in `except`. */
  hits(r: Rect, except: readonly Rect[] = []): boolean {
    for (const k of this.keys(r))
      for (const o of this.cells.get(k) ?? [])
        if (
          r.x < o.x + o.width &&
          o.x < r.x + r.width &&
          r.y < o.y + o.height &&
          o.y < r.y + r.height &&
          !except.includes(o)
        )
          return true;
    return false;
  }
}

/** Where the shapes are: the given rectangles, else the stored positions, else a simple grid. */
function placeShapes(diagram: Diagram, rects: Readonly<Record<string, Rect>>): Map<string, Rect> {
  const placed = new Map<string, Rect>();
  let unplaced = 0;
  for (const e of diagram.elements) {
    if (e.kind === 'dataFlow' || (e.kind === 'trustBoundary' && e.shape === 'line')) continue;
    const rect = rects[e.id] ?? e.position;
    if (rect) placed.set(e.id, rect);
    else if (e.kind !== 'trustBoundary') {
      const i = unplaced++;
      placed.set(e.id, { x: 40 + (i % 6) * 220, y: 40 + Math.floor(i / 6) * 180, ...sizeOf(e.kind) });
    }
  }
  return placed;
}

interface Ctx {
  rects: Map<string, Rect>;
  kinds: Map<string, string>;
  highlight: ReadonlySet<string>;
  ids: { arrow: string; arrowHi: string; icon: string };
  /** The icons placed, by name, each defined once as a symbol. */
  icons: Map<string, string>;
  bounds: Bounds;
  /** Shapes and the flow labels placed so far: a label goes where it covers none of them. */
  occupied: Occupied;
  /** The shapes alone: an arrow bends around them rather than run under one. */
  shapes: FlowObstacles;
  /** Whether arrows look for a way around shapes, and labels for a free spot (not on very large diagrams: it costs most of the drawing there). */
  detours: boolean;
}

function title(e: Element, label: string): string {
  const extra = [
    e.kind === 'dataFlow' && e.bidirectional ? 'both ways' : '',
    e.outOfScope ? `out of scope${e.outOfScopeReason ? `: ${e.outOfScopeReason}` : ''}` : '',
  ].filter((x) => x !== '');
  return `<title>${escapeMarkup(`${KIND_WORDS[e.kind]}: ${label}${extra.length > 0 ? ` (${extra.join(', ')})` : ''}`)}</title>`;
}

/** The opening of an element's group: its id as data, faded when out of scope. */
function open(e: Element, extra = ''): string {
  const faded = e.outOfScope ? ' opacity="0.55"' : '';
  return `<g data-element-id="${escapeMarkup(e.id)}" data-kind="${e.kind}"${faded}${extra}>`;
}

function labelOf(e: Element): string {
  return 'grouped' in e && e.grouped ? `${e.name} (grouped)` : e.name;
}

function boxBoundary(e: BoundaryEl, ctx: Ctx): string {
  const r = ctx.rects.get(e.id);
  if (!r) return '';
  ctx.bounds.add(r.x, r.y, r.width, r.height);
  const hi = ctx.highlight.has(e.id);
  const lines = wrapText(e.name, (r.width - 16) / (FONT * GLYPH), 2);
  const text = lines
    .map(
      (l, i) =>
        `<text x="${n(r.x + 8)}" y="${n(r.y + 16 + i * FONT * LINE)}" font-size="${FONT}" font-weight="600" fill="${COLOURS.boundary}">${escapeMarkup(l)}</text>`,
    )
    .join('');
  return `${open(e)}${title(e, e.name)}<rect x="${n(r.x)}" y="${n(r.y)}" width="${n(r.width)}" height="${n(r.height)}" rx="6" fill="${COLOURS.boundary}" fill-opacity="0.03" stroke="${hi ? COLOURS.highlight : COLOURS.boundary}" stroke-width="${hi ? 4 : 2}" stroke-dasharray="${e.outOfScope ? '2 4' : '8 6'}"/>${text}</g>`;
}

const control = controlPoint;

function lineBoundary(e: BoundaryEl, ctx: Ctx): string {
  const s = e.path?.source;
  const t = e.path?.target;
  if (!s || !t) return '';
  const h = e.path?.handle;
  const c = h ? control(s, t, h) : undefined;
  const d = c
    ? `M ${n(s.x)} ${n(s.y)} Q ${n(c.x)} ${n(c.y)} ${n(t.x)} ${n(t.y)}`
    : `M ${n(s.x)} ${n(s.y)} L ${n(t.x)} ${n(t.y)}`;
  for (const p of [s, t, h ?? s]) ctx.bounds.add(p.x, p.y);
  const mid = h ?? { x: (s.x + t.x) / 2, y: (s.y + t.y) / 2 };
  const hi = ctx.highlight.has(e.id);
  ctx.bounds.add(mid.x + 6, mid.y - 6 - FONT, e.name.length * FONT * GLYPH, FONT);
  return `${open(e)}${title(e, e.name)}<path d="${d}" fill="none" stroke="${hi ? COLOURS.highlight : COLOURS.boundary}" stroke-width="${hi ? 4 : 2}" stroke-dasharray="${e.outOfScope ? '2 4' : '8 6'}"/><text x="${n(mid.x + 6)}" y="${n(mid.y - 6)}" font-size="${FONT}" font-weight="600" fill="${COLOURS.boundary}">${escapeMarkup(e.name)}</text></g>`;
}

/** Shapes above which arrows are drawn straight through (a diagram that large is read zoomed in, piece by piece). */
const DETOUR_LIMIT = 3000;

function flow(
  e: FlowEl,
  ctx: Ctx,
  lane: Lane | undefined,
  shift: { source: number; target: number } | undefined,
): string {
  const a = ctx.rects.get(e.source);
  const b = ctx.rects.get(e.target);
  if (!a || !b) return '';
  const hi = ctx.highlight.has(e.id);
  const self = e.source === e.target;
  const handle = self ? undefined : e.path?.handle;
  const lines = e.name.trim() !== '' ? wrapText(e.name, 24, 3) : [];
  const w = Math.max(0, ...lines.map((l) => l.length)) * FLOW_FONT * GLYPH + 8;
  const h = lines.length * FLOW_FONT * LINE + 4;
  const geometry = flowGeometry({
    source: { kind: ctx.kinds.get(e.source) ?? '', rect: a },
    target: { kind: ctx.kinds.get(e.target) ?? '', rect: b },
    self,
    ...(handle ? { handle } : {}),
    ...(lane ? { lane, reversed: e.source > e.target } : {}),
    ...(shift ? { sourceShift: shift.source, targetShift: shift.target } : {}),
    // Round the shapes in its way (flowGeometry's `flowRoute`), as the editor draws it.
    ...(ctx.detours ? { obstacles: ctx.shapes } : {}),
    labelSize: { width: w, height: h },
    // The geometry's spot, or the nearest spot along the arrow where the label covers no shape
    // and no other label. (Not on very large diagrams: looking costs most of the drawing there.)
    ...(ctx.detours && lines.length > 0 ? { labelFree: (r: Rect) => !ctx.occupied.hits(r) } : {}),
  });
  const d = flowPathData(geometry.curve);
  if (geometry.curve.kind === 'loop') ctx.bounds.add(geometry.curve.c1.x, a.y - 60, a.width / 2 + 40, 60);
  else if (geometry.curve.kind === 'curve') ctx.bounds.add(geometry.middle.x, geometry.middle.y);
  else if (geometry.curve.kind === 'cubic')
    for (const u of [1 / 3, 0.5, 2 / 3]) {
      const p = geometry.at(u);
      ctx.bounds.add(p.x, p.y);
    }
  const marker = hi ? ctx.ids.arrowHi : ctx.ids.arrow;
  const markers = `${e.bidirectional ? ` marker-start="url(#${marker})"` : ''} marker-end="url(#${marker})"`;
  const stroke = hi ? COLOURS.highlight : COLOURS.flow;
  const dash = e.outOfScope ? ' stroke-dasharray="2 3"' : '';
  const path = `<path d="${d}" fill="none" stroke="${stroke}" stroke-width="${hi ? 3 : 1.5}"${dash}${markers}/>`;
  let label = '';
  if (lines.length > 0) {
    const spot = geometry.label;
    const r = { x: spot.x - w / 2, y: spot.y - h / 2, width: w, height: h };
    if (ctx.detours) ctx.occupied.add(r);
    ctx.bounds.add(r.x, r.y, r.width, r.height);
    label = `<rect x="${n(r.x)}" y="${n(r.y)}" width="${n(w)}" height="${n(h)}" rx="3" fill="#ffffff" fill-opacity="0.9"/>${textLines(lines, spot.x, spot.y, FLOW_FONT, ` fill="${COLOURS.text}"`)}`;
  }
  return `${open(e)}${title(e, e.name)}${path}${label}</g>`;
}

function shape(e: NodeEl, ctx: Ctx): string {
  const r = ctx.rects.get(e.id);
  if (!r) return '';
  ctx.bounds.add(r.x, r.y, r.width, r.height);
  const hi = ctx.highlight.has(e.id);
  const stroke = `stroke="${hi ? COLOURS.highlight : COLOURS.shape}" stroke-width="${hi ? 4 : 2}"${e.outOfScope ? ' stroke-dasharray="2 3"' : ''}`;
  const label = labelOf(e);
  const c = centreOf(r);
  let body: string;
  let textWidth: number;
  let textHeight: number;
  if (e.kind === 'process') {
    body = `<ellipse cx="${n(c.x)}" cy="${n(c.y)}" rx="${n(r.width / 2)}" ry="${n(r.height / 2)}" fill="#ffffff" ${stroke}/>`;
    textWidth = r.width * 0.76;
    textHeight = r.height * 0.72;
  } else if (e.kind === 'dataStore') {
    body =
      `<rect x="${n(r.x)}" y="${n(r.y)}" width="${n(r.width)}" height="${n(r.height)}" fill="${COLOURS.storeFill}"/>` +
      `<path d="M ${n(r.x)} ${n(r.y)} H ${n(r.x + r.width)} M ${n(r.x)} ${n(r.y + r.height)} H ${n(r.x + r.width)}" fill="none" ${stroke}/>`;
    textWidth = r.width - 8;
    textHeight = r.height - 6;
  } else {
    body = `<rect x="${n(r.x)}" y="${n(r.y)}" width="${n(r.width)}" height="${n(r.height)}" fill="#ffffff" ${stroke}/>`;
    textWidth = r.width - 10;
    textHeight = r.height - 8;
  }
  // The type's icon: above the name in a circle, left of it in a box; none in a shape too small.
  const icon = elementIcon(e.kind, [e.typeId, e.name]);
  const size = Math.min(20, Math.round(Math.min(r.width, r.height) * 0.26));
  let drawn = '';
  let textX = c.x;
  let textY = c.y;
  if (icon && size >= 10) {
    // Each icon is defined once (a symbol) and placed here: a large diagram repeats a few icons.
    const id = `${ctx.ids.icon}${icon.name}`;
    if (!ctx.icons.has(icon.name)) ctx.icons.set(icon.name, iconSymbol(icon, id, COLOURS.shape));
    const at = (x: number, y: number) =>
      `<use href="#${id}" x="${n(x)}" y="${n(y)}" width="${size}" height="${size}" aria-hidden="true"/>`;
    if (e.kind === 'process') {
      drawn = at(c.x - size / 2, r.y + r.height * 0.13);
      textY = c.y + size * 0.45;
      textHeight -= size;
    } else {
      drawn = at(r.x + 6, c.y - size / 2);
      textX = c.x + (size + 4) / 2;
      textWidth -= size + 4;
    }
  }
  const lines = wrapText(label, textWidth / (FONT * GLYPH), Math.max(1, Math.floor(textHeight / (FONT * LINE))));
  return `${open(e)}${title(e, label)}${body}${drawn}${textLines(lines, textX, textY, FONT, ` fill="${COLOURS.text}"`)}</g>`;
}

function note(e: NoteEl, ctx: Ctx): string {
  const r = ctx.rects.get(e.id);
  if (!r) return '';
  ctx.bounds.add(r.x, r.y, r.width, r.height);
  const lines = wrapText(
    e.name,
    (r.width - 12) / (FONT * GLYPH),
    Math.max(1, Math.floor((r.height - 8) / (FONT * LINE))),
  );
  const hi = ctx.highlight.has(e.id);
  return `${open(e)}${title(e, e.name)}<rect x="${n(r.x)}" y="${n(r.y)}" width="${n(r.width)}" height="${n(r.height)}" fill="${COLOURS.noteFill}" stroke="${hi ? COLOURS.highlight : COLOURS.noteStroke}" stroke-width="${hi ? 3 : 1}"/>${textLines(lines, r.x + r.width / 2, r.y + r.height / 2, FONT, ` fill="${COLOURS.noteText}" font-style="italic"`)}</g>`;
}

function arrowMarker(id: string, colour: string): string {
  return `<marker id="${id}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="8" markerHeight="8" markerUnits="userSpaceOnUse" orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" fill="${colour}"/></marker>`;
}

/**
 * The diagram as an SVG document. Shapes sit where `options.rects` or their stored positions put
 * them (shapes with neither go on a grid: use `layoutAndRenderSvg` for models written as code).
 * Drawn bottom to top: boundaries (largest first), flows, shapes, notes.
 */
export function renderDiagramSvg(diagram: Diagram, options: SvgOptions = {}): string {
  const rects = placeShapes(diagram, options.rects ?? {});
  const kinds = new Map(diagram.elements.map((e) => [e.id, e.kind]));
  const prefix = `bw${token(diagram.id)}`;
  const ctx: Ctx = {
    rects,
    kinds,
    highlight: options.highlight ?? new Set(),
    ids: { arrow: `${prefix}-arrow`, arrowHi: `${prefix}-arrow-hi`, icon: `${prefix}-icon-` },
    icons: new Map(),
    bounds: new Bounds(),
    occupied: new Occupied(),
    shapes: new FlowObstacles([]),
    detours: rects.size <= DETOUR_LIMIT,
  };
  const shapeRects: Rect[] = [];
  for (const e of diagram.elements) {
    const r =
      e.kind === 'process' || e.kind === 'dataStore' || e.kind === 'externalEntity' ? rects.get(e.id) : undefined;
    if (r) {
      ctx.occupied.add(r);
      shapeRects.push(r);
    }
  }
  ctx.shapes = new FlowObstacles(shapeRects);
  const boundaries = diagram.elements.filter((e): e is BoundaryEl => e.kind === 'trustBoundary');
  const area = (e: BoundaryEl) => {
    const r = rects.get(e.id);
    return r ? r.width * r.height : 0;
  };
  // Larger boxes first, so a nested boundary's name is drawn over its parent's; the sort is stable.
  const boxes = boundaries.filter((e) => e.shape === 'box').sort((a, b) => area(b) - area(a));
  const flows = diagram.elements.filter((e): e is FlowEl => e.kind === 'dataFlow');
  const lanes = flowLanes(flows);
  const shifts = spreadEnds(
    flows,
    (id) => {
      const rect = rects.get(id);
      return rect ? { kind: kinds.get(id) ?? '', rect } : undefined;
    },
    lanes,
    ctx.detours ? ctx.shapes : new FlowObstacles([]),
  );
  const parts = [
    ...boxes.map((e) => boxBoundary(e, ctx)),
    ...boundaries.filter((e) => e.shape === 'line').map((e) => lineBoundary(e, ctx)),
    ...flows.map((e) => flow(e, ctx, lanes.get(e.id), shifts.get(e.id))),
    ...diagram.elements
      .filter((e): e is NodeEl => e.kind === 'process' || e.kind === 'dataStore' || e.kind === 'externalEntity')
      .map((e) => shape(e, ctx)),
    ...diagram.elements.filter((e): e is NoteEl => e.kind === 'annotation').map((e) => note(e, ctx)),
  ].filter((p) => p !== '');
  const b = ctx.bounds;
  const margin = options.margin ?? 20;
  const empty = b.minX > b.maxX;
  const x = empty ? 0 : b.minX - margin;
  const y = empty ? 0 : b.minY - margin;
  const width = empty ? 2 * margin : b.maxX - b.minX + 2 * margin;
  const height = empty ? 2 * margin : b.maxY - b.minY + 2 * margin;
  const head = options.xmlDeclaration === false ? '' : '<?xml version="1.0" encoding="UTF-8"?>\n';
  return (
    `${head}<svg xmlns="http://www.w3.org/2000/svg" viewBox="${n(x)} ${n(y)} ${n(width)} ${n(height)}" width="${Math.ceil(width)}" height="${Math.ceil(height)}" font-family="system-ui, -apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif" role="img" aria-label="${escapeMarkup(`Diagram: ${diagram.name}`)}">\n` +
    `<title>${escapeMarkup(diagram.name)}</title>\n` +
    `<defs>${arrowMarker(ctx.ids.arrow, COLOURS.flow)}${arrowMarker(ctx.ids.arrowHi, COLOURS.highlight)}${[...ctx.icons.values()].join('')}</defs>\n` +
    `<rect x="${n(x)}" y="${n(y)}" width="${n(width)}" height="${n(height)}" fill="#ffffff"/>\n` +
    `${parts.join('\n')}\n</svg>\n`
  );
}

/** The diagram as SVG, laid out first (elkjs) when it has shapes without positions. */
export async function layoutAndRenderSvg(diagram: Diagram, options: SvgOptions = {}): Promise<string> {
  if (options.rects || !needsLayout(diagram)) return renderDiagramSvg(diagram, options);
  return renderDiagramSvg(diagram, { ...options, rects: await autoLayout(diagram) });
}
