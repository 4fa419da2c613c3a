/**
 * The model's report as GitHub-flavoured Markdown: metadata, each diagram as a Mermaid
 * flowchart, each element's interactions table as in the seeds, the threats grouped by
 * interaction, counts, assets and notes.
 *
 * Quoting lives here, in two functions: `mdText` for text in Markdown (headings, list items,
 * table cells) and `mermaidLabel` for the quoted labels of a Mermaid block. Neither lets user
 * text add markup: HTML is written as entities, Markdown punctuation is backslash-escaped, line
 * breaks become `<br>`, and Mermaid labels hold no quote, bracket, backtick or `#` of their own.
 * Mermaid node ids are generated (`n1`, `b1`), never taken from the model. What a diagram's
 * flowchart cannot show (line boundaries, flows whose ends are not on the diagram) is named in a
 * note under it.
 */
import {
  centre,
  contains,
  type Diagram,
  displayName,
  type Element,
  type InteractionRow,
  interactionSections,
  isNode,
  type ResolvedTemplate,
  summarizeThreats,
  type ThreatModel,
  type TrustBoundary,
} from '@bulwark/core';
import { type SignOffState, signOffDay, signOffState, signOffSummary } from './signOffs.js';
import { categoryNames, groupThreats, STATUS_LABELS } from './threatOrder.js';

/**
 * Text for Markdown: `&`, `<`, `>` as entities; the punctuation that makes links, images,
 * emphasis, code spans and table cell breaks backslash-escaped, and so is a leading `#`, `-`,
 * `+`, `=` or `1.` that would start a block; line breaks as `<br>` (one line, so no block can
 * start inside); other control characters and leading spaces dropped.
 */
export function mdText(text: string): string {
  return (
    text
      // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are dropped
      .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '')
      .replace(/^\s+/, '')
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/[\\`*_[\]|~]/g, '\\$&')
      .replace(/^[#+=-]/, '\\$&')
      .replace(/^(\d+)([.)])/, '$1\\$2')
      .replace(/\r\n|\r|\n/g, '<br>')
  );
}

/**
 * Text for a quoted Mermaid label: every character that could end the quote, open markup or an
 * entity (`" # & < > [ ] { } ( ) | \` ` ;`) written as a Mermaid entity (`#quot;`, `#35;`...),
 * line breaks as `<br>`, control characters dropped.
 */
export function mermaidLabel(text: string): string {
  return (
    text
      // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are dropped
      .replace(/[\u0000-\u0009\u000b\u000c\u000e-\u001f\u007f]/g, '')
      .replace(/["#&<>[\]{}|\\`;]/g, (c) => (c === '"' ? '#quot;' : `#${c.charCodeAt(0)};`))
      .replace(/\r\n|\r|\n/g, '<br>')
  );
}

/** Mermaid's default limits (maxTextSize, maxEdges), which GitHub keeps. */
const MERMAID_MAX_TEXT = 50_000;
const MERMAID_MAX_EDGES = 500;

const area = (b: TrustBoundary): number => (b.position ? b.position.width * b.position.height : 0);

/**
 * The box boundary an element (or box) sits in directly: its `boundaryId` in models written as
 * code, otherwise the smallest larger box that holds its centre.
 */
function parentBoxes(diagram: Diagram): Map<string, string> {
  const boxes = diagram.elements.filter((e): e is TrustBoundary => e.kind === 'trustBoundary' && e.shape === 'box');
  const boxIds = new Set(boxes.map((b) => b.id));
  const parent = new Map<string, string>();
  for (const el of diagram.elements) {
    const isBox = el.kind === 'trustBoundary' && el.shape === 'box';
    if (!isNode(el) && el.kind !== 'annotation' && !isBox) continue;
    const declared = 'boundaryId' in el ? el.boundaryId : undefined;
    if (declared !== undefined && boxIds.has(declared) && declared !== el.id) {
      parent.set(el.id, declared);
      continue;
    }
    const position = 'position' in el ? el.position : undefined;
    if (!position) continue;
    const c = centre(position);
    const own = isBox ? area(el as TrustBoundary) : 0;
    let best: TrustBoundary | undefined;
    for (const b of boxes) {
      if (b.id === el.id || !b.position || !contains(b.position, c) || area(b) <= own) continue;
      if (!best || area(b) < area(best)) best = b;
    }
    if (best) parent.set(el.id, best.id);
  }
  return parent;
}

/** A label that is never empty: Mermaid refuses `[""]`, so a nameless shape gets a blank one. */
const nonEmpty = (text: string): string => mermaidLabel(text) || '#160;';

function mermaidNode(id: string, el: Element): string {
  const label = `"${nonEmpty(displayName(el))}"`;
  if (el.kind === 'process') return `${id}((${label}))`;
  if (el.kind === 'dataStore') return `${id}[(${label})]`;
  if (el.kind === 'annotation') return `${id}>${label}]`;
  return `${id}[${label}]`;
}

/** A diagram as a Mermaid flowchart: box boundaries as (nested) subgraphs, flows as arrows. */
export function mermaidFlowchart(diagram: Diagram): string {
  const ids = new Map<string, string>();
  let nodes = 0;
  let boxes = 0;
  for (const el of diagram.elements) {
    if (isNode(el) || el.kind === 'annotation') ids.set(el.id, `n${++nodes}`);
    else if (el.kind === 'trustBoundary' && el.shape === 'box') ids.set(el.id, `b${++boxes}`);
  }
  const parent = parentBoxes(diagram);
  const children = new Map<string | undefined, Element[]>();
  for (const el of diagram.elements) {
    if (!ids.has(el.id)) continue;
    const p = parent.get(el.id);
    const list = children.get(p);
    if (list) list.push(el);
    else children.set(p, [el]);
  }
  const lines = ['flowchart LR'];
  const boundaryIds: string[] = [];
  const seen = new Set<string>();
  const emit = (el: Element, depth: number): void => {
    if (seen.has(el.id)) return;
    seen.add(el.id);
    const pad = '  '.repeat(depth);
    const id = ids.get(el.id) as string;
    if (el.kind !== 'trustBoundary') {
      lines.push(`${pad}${mermaidNode(id, el)}`);
      return;
    }
    boundaryIds.push(id);
    lines.push(`${pad}subgraph ${id}["${nonEmpty(el.name)}"]`);
    for (const child of children.get(el.id) ?? []) emit(child, depth + 1);
    lines.push(`${pad}end`);
  };
  for (const el of children.get(undefined) ?? []) emit(el, 1);
  // Anything left (a membership cycle) is drawn at the top level.
  for (const el of diagram.elements) if (ids.has(el.id) && !seen.has(el.id)) emit(el, 1);
  for (const el of diagram.elements) {
    if (el.kind !== 'dataFlow') continue;
    const from = ids.get(el.source);
    const to = ids.get(el.target);
    if (from === undefined || to === undefined) continue;
    const arrow = el.bidirectional ? '<-->' : '-->';
    const label = el.name.trim() === '' ? '' : `|"${mermaidLabel(el.name)}"|`;
    lines.push(`  ${from} ${arrow}${label} ${to}`);
  }
  for (const id of boundaryIds) lines.push(`  style ${id} fill:none,stroke:#d32f2f,stroke-dasharray:6 4`);
  return `\`\`\`mermaid\n${lines.join('\n')}\n\`\`\``;
}

/**
 * What a diagram's Mermaid flowchart leaves out, as a note for under it (undefined when nothing
 * is): line boundaries (a line has no inside to draw) and flows whose ends are not on the diagram,
 * each named (the first ten).
 */
function mermaidLeftOut(diagram: Diagram): string | undefined {
  const drawn = new Set(
    diagram.elements
      .filter((e) => isNode(e) || e.kind === 'annotation' || (e.kind === 'trustBoundary' && e.shape === 'box'))
      .map((e) => e.id),
  );
  const names = (items: Element[]) =>
    `${items
      .slice(0, 10)
      .map((e) => `"${mdText(e.name)}"`)
      .join(', ')}${items.length > 10 ? ` and ${items.length - 10} more` : ''}`;
  const lines = diagram.elements.filter((e) => e.kind === 'trustBoundary' && e.shape === 'line');
  const dangling = diagram.elements.filter(
    (e) => e.kind === 'dataFlow' && (!drawn.has(e.source) || !drawn.has(e.target)),
  );
  const parts = [
    ...(lines.length > 0
      ? [
          `${lines.length} line trust boundar${lines.length === 1 ? 'y' : 'ies'} (${names(lines)}; \`bulwark render\` draws them)`,
        ]
      : []),
    ...(dangling.length > 0
      ? [
          `${dangling.length} flow${dangling.length === 1 ? '' : 's'} whose ends are not on this diagram (${names(dangling)})`,
        ]
      : []),
  ];
  return parts.length === 0 ? undefined : `*Not drawn in Mermaid: ${parts.join('; ')}.*`;
}

function direction(r: InteractionRow): string {
  if (r.direction === 'bidirectional') return 'Bi-directional';
  return r.aToB ? 'One-way (A to B)' : 'One-way (B to A)';
}

/** A table as one string (no spreading: a table may have a hundred thousand rows). */
function table(header: string[], rows: string[][]): string {
  let out = `| ${header.join(' | ')} |\n|${header.map(() => '---').join('|')}|`;
  for (const r of rows) out += `\n| ${r.join(' | ')} |`;
  return out;
}

/** Each element's interactions; as in the seeds, a flow's details are shown once and referred to after. */
function interactionTables(model: ThreatModel, template: ResolvedTemplate): string {
  const out: string[] = [];
  const firstShown = new Map<string, string>();
  for (const section of interactionSections(model, template)) {
    out.push(`### ${mdText(section.element)}`, '');
    const rows = section.rows.map((r) => {
      const shownIn = firstShown.get(r.flowId);
      if (shownIn === undefined) firstShown.set(r.flowId, section.element);
      return [
        mdText(r.elementA),
        direction(r),
        mdText(r.elementB),
        r.crossesBoundary ? `Yes (${r.boundaries.map(mdText).join(', ')})` : 'No',
        mdText(r.flowName),
        shownIn !== undefined ? `See **${mdText(shownIn)}**` : r.details.map(mdText).join('<br>'),
      ];
    });
    out.push(table(['Element A', 'Data flow', 'Element B', 'Crosses boundary', 'Flow', 'Details'], rows), '');
  }
  return out.join('\n');
}

/** Elements marked out of scope, with the reason given. */
function outOfScope(model: ThreatModel): string {
  const items: string[] = [];
  for (const d of model.diagrams)
    for (const e of d.elements)
      if (e.outOfScope)
        items.push(`- **${mdText(displayName(e))}**${e.outOfScopeReason ? `: ${mdText(e.outOfScopeReason)}` : ''}`);
  return items.length ? `## Out of scope\n\n${items.join('\n')}\n` : '';
}

function counts(title: string, entries: [string, number][]): string {
  return table(
    [title, 'Threats'],
    entries.map(([k, n]) => [k, String(n)]),
  );
}

/** Keys in the template's order first, then any others in code-unit order. */
function ordered(record: Record<string, number>, order: readonly string[]): [string, number][] {
  const rest = Object.keys(record)
    .filter((k) => !order.includes(k))
    .sort();
  return [...order.filter((k) => k in record), ...rest].map((k) => [k, record[k] as number]);
}

function summary(model: ThreatModel, template: ResolvedTemplate): string {
  const s = summarizeThreats(model.threats ?? []);
  const category = categoryNames(template.template.categories);
  const priorities = template.template.priorities ?? ['High', 'Medium', 'Low'];
  const extra = [
    ...(s.outOfScope ? [`${s.outOfScope} out of scope`] : []),
    ...(s.orphaned ? [`${s.orphaned} orphaned (their element or interaction is gone; kept for their triage)`] : []),
  ];
  return [
    '## Summary',
    '',
    `${s.total} threats${extra.length ? `: ${extra.join(', ')}` : ''}.`,
    '',
    counts(
      'Status',
      Object.entries(s.byStatus).map(([k, n]) => [STATUS_LABELS[k as keyof typeof STATUS_LABELS], n]),
    ),
    '',
    counts(
      'Priority',
      ordered(s.byPriority, priorities).map(([k, n]) => [mdText(k), n]),
    ),
    '',
    counts(
      'Category',
      ordered(
        s.byCategory,
        template.template.categories.map((c) => c.id),
      ).map(([k, n]) => [mdText(category(k)), n]),
    ),
    '',
  ].join('\n');
}

function threats(model: ThreatModel, template: ResolvedTemplate): string {
  const category = categoryNames(template.template.categories);
  const out = ['## Threats', ''];
  const groups = groupThreats(model);
  if (groups.length === 0) out.push('No threats: run `bulwark analyze` to generate them.', '');
  for (const g of groups) {
    out.push(`### ${g.where ? mdText(g.where) : 'Other threats'}`, '');
    const rows = g.threats.map((t) => {
      const flags = [...(t.outOfScope ? ['out of scope'] : []), ...(t.orphaned ? ['orphaned'] : [])];
      return [
        `**${mdText(t.title)}**${flags.length ? ` (${flags.join(', ')})` : ''}<br>${mdText(t.description)}`,
        mdText(category(t.category)),
        mdText(t.priority),
        STATUS_LABELS[t.status],
        mdText(t.justification ?? ''),
        mdText(t.mitigations ?? ''),
      ];
    });
    out.push(table(['Threat', 'Category', 'Priority', 'Status', 'Justification', 'Mitigations'], rows), '');
  }
  return out.join('\n');
}

/** The Review section: every sign-off, and whether the model has changed since it. */
function review(state: SignOffState): string {
  if (!state.last) return '## Review\n\nNot signed off.\n';
  const rows = state.rows.map(({ signOff: s, changedSince }) => [
    mdText(s.by),
    mdText(signOffDay(s.at)),
    s.version === undefined ? '—' : String(s.version),
    mdText(s.note ?? ''),
    changedSince ? '**Changed since**' : 'Unchanged',
  ]);
  return `## Review\n\n${mdText(signOffSummary(state))}.\n\n${table(['Reviewer', 'Signed off', 'Version', 'Note', 'The model since'], rows)}\n`;
}

function bullets(items: readonly string[]): string {
  return items.map((i) => `- ${mdText(i)}`).join('\n');
}

/** The model's full report as GitHub-flavoured Markdown. */
export function renderMarkdown(model: ThreatModel, template: ResolvedTemplate): string {
  const m = model.metadata;
  const out: string[] = [`# ${mdText(m.name)}: threat model report`, ''];
  const signOffs = signOffState(model);
  const facts: [string, string | undefined][] = [
    ['Owner', m.owner],
    ['Reviewer', m.reviewer],
    ['Contributors', m.contributors?.join(', ')],
    ['Template', `${template.template.name} ${template.template.version}`],
    ['Sign-off', signOffSummary(signOffs)],
  ];
  for (const [label, value] of facts) if (value) out.push(`- **${label}:** ${mdText(value)}`);
  out.push('');
  if (m.description) out.push('## Description', '', mdText(m.description), '');
  if (m.assumptions?.length) out.push('## Assumptions', '', bullets(m.assumptions), '');
  if (m.externalDependencies?.length) out.push('## External dependencies', '', bullets(m.externalDependencies), '');
  if (model.assets?.length) {
    const rows = model.assets.map((a) => [mdText(a.name), mdText(a.classification), mdText(a.description ?? '')]);
    out.push('## Assets', '', table(['Asset', 'Classification', 'Description'], rows), '');
  }
  const scope = outOfScope(model);
  if (scope) out.push(scope);
  out.push(summary(model, template));
  out.push('## Diagrams', '');
  for (const d of model.diagrams) {
    const chart = mermaidFlowchart(d);
    out.push(`### ${mdText(d.name)}`, '', chart, '');
    const leftOut = mermaidLeftOut(d);
    if (leftOut) out.push(leftOut, '');
    const arrows = d.elements.filter((e) => e.kind === 'dataFlow').length;
    if (chart.length > MERMAID_MAX_TEXT || arrows > MERMAID_MAX_EDGES)
      out.push(
        `*Mermaid (and so GitHub) draws up to 50,000 characters and ${MERMAID_MAX_EDGES} arrows: \`bulwark render\` draws this diagram as SVG.*`,
        '',
      );
  }
  out.push('## Interactions', '', interactionTables(model, template));
  out.push(threats(model, template));
  out.push(review(signOffs));
  if (model.notes?.length) {
    out.push('## Notes', '');
    for (const n of model.notes) {
      const by = [n.author, n.at].filter((x): x is string => Boolean(x)).map(mdText);
      out.push(`- ${mdText(n.text)}${by.length ? ` (${by.join(', ')})` : ''}`);
    }
    out.push('');
  }
  return `${out.join('\n').trimEnd()}\n`;
}
