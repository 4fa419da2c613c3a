/**
 * Diagrams as text other tools draw: a Mermaid flowchart (`mermaidFormat`) and a Graphviz DOT
 * digraph (`dotFormat`). Write only. Box boundaries become nested subgraphs (membership from
 * `boundaryId`, else from the smallest box holding a shape's centre), processes, stores,
 * entities and annotations get their own shapes, flows become labelled arrows. Node ids are
 * generated (`n1`, `b1`, `cluster_1`), never taken from the model, and every label is escaped,
 * so no name can end a label or add a statement.
 *
 * One rule for both formats: one file is one graph. A model with several diagrams is drawn as one
 * graph with a grey cluster (DOT) or subgraph (Mermaid) per diagram, named after it, so
 * `dot -Tsvg` gives one SVG and Mermaid one picture; a model with one diagram is that diagram
 * alone. Ids are numbered across the whole file, so an element drawn on two diagrams is two
 * nodes. The writers say what they wrote (`summary`: diagrams, shapes, boundaries, flows) and
 * name what they leave out (warnings): line boundaries (a line has no inside), flows whose ends
 * are not shapes of their diagram, and Mermaid's default size limits when a file passes them.
 *
 * `@bulwark/report` draws Mermaid for its Markdown report itself (`mermaidFlowchart`): formats
 * and report are siblings that may not import each other, so the two stay apart until the
 * shared part moves to a package both use.
 */

import {
  centre,
  contains,
  type Diagram,
  displayName,
  type Element,
  isNode,
  type ThreatModel,
  type TrustBoundary,
} from '@bulwark/core';
import type { FormatOutput, ModelFormat } from './format.js';

/** A shape drawn as a node: process, store, entity or annotation. */
type Shape = Extract<Element, { kind: 'process' | 'dataStore' | 'externalEntity' | 'annotation' }>;
type Box = TrustBoundary & { shape: 'box' };
type Flow = Extract<Element, { kind: 'dataFlow' }>;

/** A diagram as a tree: each box with what sits directly in it, the top level under `undefined`. */
interface Layout {
  diagram: Diagram;
  /** Generated ids: `n<k>` for shapes, `b<k>` for boxes, numbered across the whole file. */
  ids: Map<string, string>;
  inside: Map<string | undefined, (Shape | Box)[]>;
  flows: Flow[];
  /** Flows with an end that is not a shape of the diagram (missing, a flow or a boundary): left out. */
  dangling: Flow[];
  /** Line boundaries: left out (a line has no inside to draw). */
  lines: TrustBoundary[];
}

/** The next free number of each kind of generated id, shared by a file's diagrams. */
interface Counters {
  shapes: number;
  boxes: number;
}

const size = (box: Box): number => (box.position ? box.position.width * box.position.height : 0);

function layout(diagram: Diagram, next: Counters): Layout {
  const boxes = diagram.elements.filter((e): e is Box => e.kind === 'trustBoundary' && e.shape === 'box');
  const ids = new Map<string, string>();
  const placed: (Shape | Box)[] = [];
  for (const el of diagram.elements) {
    if (isNode(el) || el.kind === 'annotation') {
      ids.set(el.id, `n${++next.shapes}`);
      placed.push(el);
    }
  }
  for (const box of boxes) ids.set(box.id, `b${++next.boxes}`);
  placed.push(...boxes);
  /** The box something sits in directly: its `boundaryId`, else the smallest larger box around its centre. */
  const parentOf = (el: Shape | Box): string | undefined => {
    const declared = 'boundaryId' in el ? el.boundaryId : undefined;
    if (declared !== undefined && declared !== el.id && boxes.some((b) => b.id === declared)) return declared;
    if (!el.position) return undefined;
    const point = centre(el.position);
    const own = el.kind === 'trustBoundary' ? size(el) : 0;
    const around = boxes.filter((b) => b.id !== el.id && b.position && contains(b.position, point) && size(b) > own);
    around.sort((a, b) => size(a) - size(b));
    return around[0]?.id;
  };
  const parents = new Map(placed.map((el) => [el.id, parentOf(el)]));
  // A box inside itself through others (a membership cycle) is drawn at the top level instead.
  for (const box of boxes) {
    const seen = new Set<string>([box.id]);
    for (let up = parents.get(box.id); up !== undefined; up = parents.get(up)) {
      if (seen.has(up)) {
        parents.set(box.id, undefined);
        break;
      }
      seen.add(up);
    }
  }
  const inside = new Map<string | undefined, (Shape | Box)[]>();
  for (const el of placed) {
    const parent = parents.get(el.id);
    inside.set(parent, [...(inside.get(parent) ?? []), el]);
  }
  const all = diagram.elements.filter((e): e is Flow => e.kind === 'dataFlow');
  const shape = (id: string) => ids.get(id)?.startsWith('n') === true;
  const flows = all.filter((f) => shape(f.source) && shape(f.target));
  const dangling = all.filter((f) => !flows.includes(f));
  const lines = diagram.elements.filter((e): e is TrustBoundary => e.kind === 'trustBoundary' && e.shape === 'line');
  return { diagram, ids, inside, flows, dangling, lines };
}

/** A file's diagrams laid out with ids unique across all of them. */
function layoutAll(model: ThreatModel): Layout[] {
  const next: Counters = { shapes: 0, boxes: 0 };
  return model.diagrams.map((d) => layout(d, next));
}

/** Names in a warning: quoted, the first ten, then how many more. */
function named(items: { name: string }[], diagram?: (i: number) => string): string {
  const shown = items.slice(0, 10).map((e, i) => `"${e.name}"${diagram ? ` (${diagram(i)})` : ''}`);
  return `${shown.join(', ')}${items.length > 10 ? ` and ${items.length - 10} more` : ''}`;
}

/** What a picture of the diagrams leaves out, in words, naming what it drops. */
function losses(layouts: Layout[], format: string): string[] {
  const warnings: string[] = [];
  const lines = layouts.flatMap((l) => l.lines);
  if (lines.length > 0)
    warnings.push(
      `${lines.length} line trust boundar${lines.length === 1 ? 'y' : 'ies'} cannot be drawn in ${format} (a line has no inside); left out: ${named(lines)}.`,
    );
  const dangling = layouts.flatMap((l) => l.dangling.map((f) => ({ name: f.name, diagram: l.diagram.name })));
  if (dangling.length > 0)
    warnings.push(
      `${dangling.length} flow(s) whose ends are not shapes of their diagram were left out: ${named(dangling, (i) => dangling[i]?.diagram ?? '')}.`,
    );
  warnings.push(
    `${format} keeps the diagram's shapes, names and nesting only: positions, properties, threats and the model's metadata are not written.`,
  );
  return warnings;
}

/** What was written, in words for the CLI: "3 diagrams as clusters of one graph, 40 shapes, 55 flows". */
function written(layouts: Layout[], wrapper: string): string {
  const count = (f: (l: Layout) => number) => layouts.reduce((n, l) => n + f(l), 0);
  const shapes = count((l) => [...l.ids.values()].filter((id) => id.startsWith('n')).length);
  const boxes = count((l) => [...l.ids.values()].filter((id) => id.startsWith('b')).length);
  const n = (k: number, one: string, many: string) => `${k} ${k === 1 ? one : many}`;
  const diagrams = layouts.length === 1 ? '1 diagram' : `${layouts.length} diagrams as ${wrapper} of one graph`;
  return `${diagrams}, ${n(shapes, 'shape', 'shapes')}, ${n(boxes, 'box boundary', 'box boundaries')}, ${n(
    count((l) => l.flows.length),
    'flow',
    'flows',
  )}`;
}

/** A quoted Mermaid label: quotes, markup and entity characters as Mermaid entities, line breaks as `<br>`. */
export function mermaidText(text: string): string {
  let out = '';
  for (const c of text.replace(/\r\n?/g, '\n')) {
    if (c === '\n') out += '<br>';
    else if (c === '"') out += '#quot;';
    else if ('#&<>[]{}()|\\`;'.includes(c)) out += `#${c.charCodeAt(0)};`;
    else if (c.charCodeAt(0) >= 32 && c.charCodeAt(0) !== 127) out += c;
  }
  return out;
}

const MERMAID_SHAPES: Record<Shape['kind'], [string, string]> = {
  process: ['((', '))'],
  dataStore: ['[(', ')]'],
  externalEntity: ['[', ']'],
  annotation: ['>', ']'],
};

/** A Mermaid label's text: never empty (Mermaid refuses `[""]`), so a nameless shape is a blank one. */
const mermaidLabel = (text: string): string => mermaidText(text) || '#160;';

/** Mermaid's default limits (maxTextSize, maxEdges), which GitHub keeps. */
const MERMAID_MAX_TEXT = 50_000;
const MERMAID_MAX_EDGES = 500;

/** Laid-out diagrams as one Mermaid flowchart: several are a subgraph each (`d<k>`), one is drawn alone. */
function mermaidChart(plans: Layout[]): string {
  const out = ['flowchart LR'];
  const styles: string[] = [];
  const draw = (plan: Layout, el: Shape | Box, depth: number): void => {
    const pad = '  '.repeat(depth);
    const id = plan.ids.get(el.id) ?? '';
    if (el.kind === 'trustBoundary') {
      styles.push(`  style ${id} fill:none,stroke:#d32f2f,stroke-dasharray:6 4`);
      out.push(`${pad}subgraph ${id}["${mermaidLabel(el.name)}"]`);
      for (const child of plan.inside.get(el.id) ?? []) draw(plan, child, depth + 1);
      out.push(`${pad}end`);
      return;
    }
    const [open, close] = MERMAID_SHAPES[el.kind];
    out.push(`${pad}${id}${open}"${mermaidLabel(displayName(el))}"${close}`);
  };
  const several = plans.length > 1;
  plans.forEach((plan, i) => {
    if (several) {
      out.push(`  subgraph d${i + 1}["${mermaidLabel(plan.diagram.name)}"]`);
      styles.push(`  style d${i + 1} fill:none,stroke:#9e9e9e`);
    }
    for (const el of plan.inside.get(undefined) ?? []) draw(plan, el, several ? 2 : 1);
    if (several) out.push('  end');
  });
  // Arrows after every node, at the top level: an arrow inside a subgraph would pull its nodes in.
  for (const plan of plans)
    for (const flow of plan.flows) {
      const label = flow.name.trim() === '' ? '' : `|"${mermaidText(flow.name)}"|`;
      out.push(
        `  ${plan.ids.get(flow.source)} ${flow.bidirectional ? '<-->' : '-->'}${label} ${plan.ids.get(flow.target)}`,
      );
    }
  out.push(...styles);
  return `${out.join('\n')}\n`;
}

/** A diagram as a Mermaid flowchart (no Markdown fence: the text of a `.mmd` file). */
export function mermaidDiagram(diagram: Diagram): string {
  return mermaidChart([layout(diagram, { shapes: 0, boxes: 0 })]);
}

/**
 * A DOT quoted string's content: backslashes and quotes escaped, line breaks as `\n`, control
 * characters dropped. Graphviz's scanner reads a backslash right before the closing quote as
 * escaping it, so a text that ends in one gets a space after it.
 */
export function dotText(text: string): string {
  const escaped = text
    .replace(/\r\n?/g, '\n')
    // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are dropped
    .replace(/[\u0000-\u0009\u000b-\u001f\u007f]/g, '')
    .replace(/\\/g, '\\\\')
    .replace(/"/g, '\\"')
    .replace(/\n/g, '\\n');
  return escaped.endsWith('\\') ? `${escaped} ` : escaped;
}

const DOT_SHAPES: Record<Shape['kind'], string> = {
  process: 'shape=ellipse',
  dataStore: 'shape=cylinder',
  externalEntity: 'shape=box',
  annotation: 'shape=note, style=dashed',
};

/** Laid-out diagrams as one Graphviz digraph: several are a cluster each, one is drawn alone. */
function dotGraph(plans: Layout[], title: string): string {
  const out = ['digraph d1 {', `  label="${dotText(title)}";`, '  rankdir=LR;', '  compound=true;'];
  let clusters = 0;
  const draw = (plan: Layout, el: Shape | Box, depth: number): void => {
    const pad = '  '.repeat(depth);
    if (el.kind === 'trustBoundary') {
      out.push(`${pad}subgraph cluster_${++clusters} {`);
      out.push(`${pad}  label="${dotText(el.name)}";`, `${pad}  style=dashed;`, `${pad}  color="#d32f2f";`);
      for (const child of plan.inside.get(el.id) ?? []) draw(plan, child, depth + 1);
      out.push(`${pad}}`);
      return;
    }
    out.push(`${pad}${plan.ids.get(el.id) ?? ''} [label="${dotText(displayName(el))}", ${DOT_SHAPES[el.kind]}];`);
  };
  const several = plans.length > 1;
  for (const plan of plans) {
    if (several)
      out.push(
        `  subgraph cluster_${++clusters} {`,
        `    label="${dotText(plan.diagram.name)}";`,
        '    color="#9e9e9e";',
      );
    for (const el of plan.inside.get(undefined) ?? []) draw(plan, el, several ? 2 : 1);
    if (several) out.push('  }');
  }
  for (const plan of plans)
    for (const flow of plan.flows) {
      const attrs = [`label="${dotText(flow.name)}"`, ...(flow.bidirectional ? ['dir=both'] : [])];
      out.push(`  ${plan.ids.get(flow.source)} -> ${plan.ids.get(flow.target)} [${attrs.join(', ')}];`);
    }
  out.push('}');
  return `${out.join('\n')}\n`;
}

/** A diagram as one Graphviz digraph. */
export function dotDiagram(diagram: Diagram): string {
  return dotGraph([layout(diagram, { shapes: 0, boxes: 0 })], diagram.name);
}

/** Mermaid flowchart of the model: every diagram, a subgraph each when there are several. */
export function writeMermaid(model: ThreatModel): FormatOutput {
  const plans = layoutAll(model);
  const text = mermaidChart(plans);
  const warnings = losses(plans, 'Mermaid');
  const arrows = plans.reduce((n, l) => n + l.flows.length, 0);
  if (text.length > MERMAID_MAX_TEXT || arrows > MERMAID_MAX_EDGES)
    warnings.unshift(
      `Mermaid draws at most ${MERMAID_MAX_TEXT.toLocaleString('en')} characters and ${MERMAID_MAX_EDGES} arrows unless configured otherwise (GitHub keeps these limits); this file has ${text.length.toLocaleString('en')} characters and ${arrows} arrows: raise maxTextSize and maxEdges, or write DOT, or draw it with \`bulwark render\`.`,
    );
  return { text, warnings, summary: written(plans, 'subgraphs') };
}

/** Graphviz DOT: every diagram of the model in one digraph, a cluster each when there are several. */
export function writeDot(model: ThreatModel): FormatOutput {
  const plans = layoutAll(model);
  const title = plans.length === 1 ? (model.diagrams[0]?.name ?? '') : model.metadata.name;
  return { text: dotGraph(plans, title), warnings: losses(plans, 'DOT'), summary: written(plans, 'clusters') };
}

/** Mermaid flowchart (`.mmd`), write only. */
export const mermaidFormat: ModelFormat = {
  id: 'mermaid',
  name: 'Mermaid flowchart',
  extensions: ['.mmd', '.mermaid'],
  mediaType: 'text/vnd.mermaid; charset=utf-8',
  write: (model) => writeMermaid(model),
};

/** Graphviz DOT (`.dot`, `.gv`), write only. */
export const dotFormat: ModelFormat = {
  id: 'dot',
  name: 'Graphviz DOT',
  extensions: ['.dot', '.gv'],
  mediaType: 'text/vnd.graphviz; charset=utf-8',
  write: (model) => writeDot(model),
};
