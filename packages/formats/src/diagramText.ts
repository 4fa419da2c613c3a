/**
 * Diagrams as text other tools draw: a Mermaid flowchart (`mermaidFormat`) and a Graphviz DOT
 * digraph (`dotFormat`). Write only. Box boundaries become nested subgraphs (membership from
 * `boundaryId`, else from the smallest box holding a shape's centre), processes, stores,
 * entities and annotations get their own shapes, flows become labelled arrows. Node ids are
 * generated (`n1`, `b1`, `cluster_1`), never taken from the model, and every label is escaped,
 * so no name can end a label or add a statement.
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

/** A diagram as a tree: each box with what sits directly in it, the top level under `undefined`. */
interface Layout {
  /** Generated ids: `n<k>` for shapes, `b<k>` for boxes. */
  ids: Map<string, string>;
  inside: Map<string | undefined, (Shape | Box)[]>;
  flows: Extract<Element, { kind: 'dataFlow' }>[];
  lines: number;
}

const size = (box: Box): number => (box.position ? box.position.width * box.position.height : 0);

function layout(diagram: Diagram): Layout {
  const boxes = diagram.elements.filter((e): e is Box => e.kind === 'trustBoundary' && e.shape === 'box');
  const ids = new Map<string, string>();
  const placed: (Shape | Box)[] = [];
  let shapes = 0;
  for (const el of diagram.elements) {
    if (isNode(el) || el.kind === 'annotation') {
      ids.set(el.id, `n${++shapes}`);
      placed.push(el);
    }
  }
  boxes.forEach((box, i) => {
    ids.set(box.id, `b${i + 1}`);
  });
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
  const flows = diagram.elements.filter(
    (e): e is Extract<Element, { kind: 'dataFlow' }> => e.kind === 'dataFlow' && ids.has(e.source) && ids.has(e.target),
  );
  const lines = diagram.elements.filter((e) => e.kind === 'trustBoundary' && e.shape === 'line').length;
  return { ids, inside, flows, lines };
}

/** What a picture of the diagrams leaves out, in words. */
function losses(model: ThreatModel, written: Diagram[], layouts: Layout[], format: string): string[] {
  const warnings: string[] = [];
  const skipped = model.diagrams.filter((d) => !written.includes(d));
  if (skipped.length > 0) {
    warnings.push(
      `${format} holds one diagram per file: only "${written[0]?.name ?? ''}" was written; ${skipped.map((d) => `"${d.name}"`).join(', ')} left out.`,
    );
  }
  const lines = layouts.reduce((n, l) => n + l.lines, 0);
  if (lines > 0)
    warnings.push(`${lines} line trust boundar${lines === 1 ? 'y' : 'ies'} cannot be drawn in ${format}; left out.`);
  const dangling = written.reduce(
    (n, d, i) => n + d.elements.filter((e) => e.kind === 'dataFlow').length - (layouts[i]?.flows.length ?? 0),
    0,
  );
  if (dangling > 0) warnings.push(`${dangling} flow(s) whose ends are not on their diagram were left out.`);
  warnings.push(
    `${format} keeps the diagram's shapes, names and nesting only: positions, properties, threats and the model's metadata are not written.`,
  );
  return warnings;
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

/** A diagram as a Mermaid flowchart (no Markdown fence: the text of a `.mmd` file). */
export function mermaidDiagram(diagram: Diagram): string {
  const plan = layout(diagram);
  const out = ['flowchart LR'];
  const boxIds: string[] = [];
  const draw = (el: Shape | Box, depth: number): void => {
    const pad = '  '.repeat(depth);
    const id = plan.ids.get(el.id) ?? '';
    if (el.kind === 'trustBoundary') {
      boxIds.push(id);
      out.push(`${pad}subgraph ${id}["${mermaidText(el.name)}"]`);
      for (const child of plan.inside.get(el.id) ?? []) draw(child, depth + 1);
      out.push(`${pad}end`);
      return;
    }
    const [open, close] = MERMAID_SHAPES[el.kind];
    out.push(`${pad}${id}${open}"${mermaidText(displayName(el))}"${close}`);
  };
  for (const el of plan.inside.get(undefined) ?? []) draw(el, 1);
  for (const flow of plan.flows) {
    const label = flow.name.trim() === '' ? '' : `|"${mermaidText(flow.name)}"|`;
    out.push(
      `  ${plan.ids.get(flow.source)} ${flow.bidirectional ? '<-->' : '-->'}${label} ${plan.ids.get(flow.target)}`,
    );
  }
  for (const id of boxIds) out.push(`  style ${id} fill:none,stroke:#d32f2f,stroke-dasharray:6 4`);
  return `${out.join('\n')}\n`;
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

/** A diagram as one Graphviz digraph; `index` numbers the graph in a file of several. */
export function dotDiagram(diagram: Diagram, index = 1): string {
  const plan = layout(diagram);
  const out = [`digraph d${index} {`, `  label="${dotText(diagram.name)}";`, '  rankdir=LR;', '  compound=true;'];
  let clusters = 0;
  const draw = (el: Shape | Box, depth: number): void => {
    const pad = '  '.repeat(depth);
    const id = plan.ids.get(el.id) ?? '';
    if (el.kind === 'trustBoundary') {
      out.push(`${pad}subgraph cluster_${++clusters} {`);
      out.push(`${pad}  label="${dotText(el.name)}";`, `${pad}  style=dashed;`, `${pad}  color="#d32f2f";`);
      for (const child of plan.inside.get(el.id) ?? []) draw(child, depth + 1);
      out.push(`${pad}}`);
      return;
    }
    out.push(`${pad}${id} [label="${dotText(displayName(el))}", ${DOT_SHAPES[el.kind]}];`);
  };
  for (const el of plan.inside.get(undefined) ?? []) draw(el, 1);
  for (const flow of plan.flows) {
    const attrs = [`label="${dotText(flow.name)}"`, ...(flow.bidirectional ? ['dir=both'] : [])];
    out.push(`  ${plan.ids.get(flow.source)} -> ${plan.ids.get(flow.target)} [${attrs.join(', ')}];`);
  }
  out.push('}');
  return `${out.join('\n')}\n`;
}

/** Mermaid flowchart of the model's first diagram (the context diagram). */
export function writeMermaid(model: ThreatModel): FormatOutput {
  const written = model.diagrams.slice(0, 1);
  return {
    text: written.map((d) => mermaidDiagram(d)).join(''),
    warnings: losses(model, written, written.map(layout), 'Mermaid'),
  };
}

/** Graphviz DOT: every diagram of the model as a digraph of its own, in one file. */
export function writeDot(model: ThreatModel): FormatOutput {
  return {
    text: model.diagrams.map((d, i) => dotDiagram(d, i + 1)).join('\n'),
    warnings: losses(model, model.diagrams, model.diagrams.map(layout), 'DOT'),
  };
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
