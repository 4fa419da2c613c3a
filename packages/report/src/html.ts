/**
 * The full report as one self-contained HTML file: inline CSS and SVG, no scripts, print CSS so
 * it pages well (a diagram, a table row or a threat never splits across pages). Every model and
 * template string goes through `escapeMarkup`; the only markup not written here is the diagram
 * SVG, which the caller passes in from `renderDiagramSvg` (itself escaped the same way).
 */
import {
  computeInteractions,
  type Diagram,
  type InteractionSection,
  type InteractionSet,
  interactionSections,
  oneLine,
  type ResolvedTemplate,
  summarizeThreats,
  type Threat,
  type ThreatModel,
  type ThreatStatus,
} from '@bulwark/core';
import { escapeMarkup as e } from './escape.js';
import { type SignOffState, signOffDay, signOffState, signOffSummary } from './signOffs.js';
import { layoutAndRenderSvg } from './svg.js';
import { categoryNames, groupThreats, indexElements, STATUS_LABELS } from './threatOrder.js';

/** What the report may load: nothing but its own inline styles and inline images (no scripts at all). */
export const REPORT_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";

export interface HtmlReportOptions {
  /** Each diagram as SVG markup (from renderDiagramSvg), by diagram id; a diagram without one is listed without a drawing. */
  diagrams?: Readonly<Record<string, string>>;
  /** When the report was made (ISO 8601); shown on the title page. */
  generatedAt?: string;
  /** The stored version of the model, when it comes from a server. */
  version?: number;
  /** What made the report, e.g. "Bulwark 0.1.0". */
  generator?: string;
  /** The model's interactions when already computed (an analysis's), so they are not worked out again. */
  interactions?: InteractionSet;
}

const STATUS_LABEL = STATUS_LABELS;
const STATUSES = Object.keys(STATUS_LABEL) as ThreatStatus[];
const STATUS_COLOUR: Record<ThreatStatus, string> = {
  'not-started': '#b3261e',
  'needs-investigation': '#b26a00',
  'not-applicable': '#5f6b7a',
  mitigated: '#1b7f3b',
};

/** Escaped short strings that recur (priorities, category names), kept so each is escaped once. */
const ESCAPED = new Map<string, string>();
function escapedOnce(text: string): string {
  let done = ESCAPED.get(text);
  if (done === undefined) {
    done = e(text);
    if (ESCAPED.size < 1000) ESCAPED.set(text, done);
  }
  return done;
}

/** The Review section: every sign-off, and whether the model has changed since it. */
function reviewSection(state: SignOffState): string {
  if (!state.last) return '<section id="review"><h2>Review</h2>\n<p class="none">Not signed off.</p></section>';
  const rows = state.rows
    .map(
      ({ signOff: s, changedSince }) =>
        `<tr><td>${e(s.by)}</td><td>${e(signOffDay(s.at))}</td><td>${s.version ?? '—'}</td><td>${e(s.note ?? '')}</td><td>${changedSince ? '<strong class="changed">Changed since</strong>' : 'Unchanged'}</td></tr>`,
    )
    .join('');
  return `<section id="review"><h2>Review</h2>\n<p class="lead">${e(signOffSummary(state))}.</p>\n<table class="signoffs"><thead><tr><th>Reviewer</th><th>Signed off</th><th>Version</th><th>Note</th><th>The model since</th></tr></thead><tbody>${rows}</tbody></table></section>`;
}

/** A paragraph per line of user text (line breaks kept, everything escaped). */
function paragraphs(text: string | undefined, className = ''): string {
  if (!text || text.trim() === '') return '';
  const cls = className ? ` class="${className}"` : '';
  // Most texts are one paragraph on one line: no splitting (a large report has hundreds of thousands).
  if (!text.includes('\n')) return `<p${cls}>${e(text)}</p>`;
  return text
    .split(/\n{2,}/)
    .map((p) => `<p${cls}>${e(p).replace(/\n/g, '<br>')}</p>`)
    .join('\n');
}

function list(items: readonly string[] | undefined): string {
  if (!items || items.length === 0) return '<p class="none">None recorded.</p>';
  return `<ul>${items.map((i) => `<li>${e(i)}</li>`).join('')}</ul>`;
}

/** A horizontal bar chart as inline SVG: one bar per row, the count at its end. */
function barChart(rows: readonly { label: string; count: number; colour: string }[], label: string): string {
  const max = Math.max(1, ...rows.map((r) => r.count));
  const height = rows.length * 24 + 4;
  const bars = rows
    .map((r, i) => {
      const y = i * 24 + 2;
      const w = Math.round((r.count / max) * 300);
      return (
        `<text x="0" y="${y + 15}" class="chart-label">${e(r.label)}</text>` +
        `<rect x="170" y="${y + 3}" width="${Math.max(w, r.count > 0 ? 2 : 0)}" height="16" rx="2" fill="${r.colour}"/>` +
        `<text x="${176 + w}" y="${y + 15}" class="chart-value">${r.count}</text>`
      );
    })
    .join('');
  return `<svg class="chart" role="img" aria-label="${e(label)}" viewBox="0 0 520 ${height}" width="520" height="${height}" xmlns="http://www.w3.org/2000/svg">${bars}</svg>`;
}

function interactionTable(section: InteractionSection): string {
  const rows = section.rows
    .map(
      (r) =>
        `<tr><td>${e(r.elementA)}</td><td>${r.direction === 'bidirectional' ? 'Bi-directional' : r.aToB ? 'One-way →' : 'One-way ←'}</td>` +
        `<td>${e(r.elementB)}</td><td>${e(r.flowName)}</td><td class="${r.crossesBoundary ? 'yes' : 'no'}">${r.crossesBoundary ? `Yes${r.boundaries.length ? ` (${e(r.boundaries.join(', '))})` : ''}` : 'No'}</td>` +
        `<td>${e(r.details.join(', '))}</td></tr>`,
    )
    .join('\n');
  return (
    // A short table moves whole to the next page rather than split; a long one splits (its head repeats).
    `<section class="element${section.rows.length <= 6 ? ' short' : ''}" id="el-${e(section.elementId)}"><h3>${e(section.element)}</h3>` +
    `<table class="interactions"><thead><tr><th>Element A</th><th>Direction</th><th>Element B</th><th>Data flow</th><th>Crosses boundary</th><th>Details</th></tr></thead>` +
    `<tbody>${rows}</tbody></table></section>`
  );
}

function threatBlock(t: Threat, category: (id: string) => string): string {
  // Built by concatenation, without arrays: this runs once per threat.
  let flags = '';
  if (t.outOfScope) flags += ' · <span class="flag">out of scope</span>';
  if (t.orphaned) flags += ' · <span class="flag">no longer generated (orphaned)</span>';
  if (t.origin === 'manual') flags += ' · <span class="flag">added by hand</span>';
  let triage = '';
  if (t.justification) triage += `<dt>Justification</dt><dd>${paragraphs(t.justification)}</dd>`;
  if (t.mitigations) triage += `<dt>Mitigations</dt><dd>${paragraphs(t.mitigations)}</dd>`;
  if (t.changedBy)
    triage += `<dt>Last triaged</dt><dd>${e(t.changedBy)}${t.changedAt ? `, ${e(t.changedAt.slice(0, 10))}` : ''}</dd>`;
  return (
    `<article class="threat" id="t-${e(t.id)}">` +
    `<header><h4>${e(oneLine(t.title))}</h4>` +
    `<span class="status" style="background:${STATUS_COLOUR[t.status]}">${STATUS_LABEL[t.status]}</span></header>` +
    `<p class="meta"><span>${category(t.category)}</span> · <span>Priority ${escapedOnce(t.priority)}</span>${flags}</p>` +
    paragraphs(t.description, 'description') +
    (triage ? `<dl>${triage}</dl>` : '') +
    '</article>'
  );
}

/**
 * The full report of a model whose threats are current (analyse it first), in pieces: joined,
 * they are the file. A large model's report is tens of megabytes of markup; the CLI writes each piece
 * as it comes, so no piece outlives its write and the whole never sits in memory at once.
 */
export function* htmlReportParts(
  model: ThreatModel,
  template: ResolvedTemplate,
  options: HtmlReportOptions = {},
): Generator<string, void, undefined> {
  const m = model.metadata;
  const threats = model.threats ?? [];
  const summary = summarizeThreats(threats);
  const categoryName = categoryNames(template.template.categories);
  // A handful of categories, named and escaped once each (a large report asks 100,000 times).
  const category = (id: string) => escapedOnce(categoryName(id));
  const known = new Set(template.template.categories.map((c) => c.id));
  const priorities = [
    ...(template.template.priorities ?? []),
    ...Object.keys(summary.byPriority).filter((p) => !(template.template.priorities ?? []).includes(p)),
  ];
  const crossing = options.interactions ?? computeInteractions(model);
  const sections = interactionSections(model, template, undefined, crossing);
  const groups = groupThreats(model, indexElements(model));
  const title = `${m.name}: threat model report`;
  const signOffs = signOffState(model);

  const cover = [
    `<section class="cover"><p class="kicker">Threat model report</p><h1>${e(m.name)}</h1>`,
    '<table class="facts"><tbody>',
    `<tr><th>Owner</th><td>${e(m.owner ?? '—')}</td></tr>`,
    `<tr><th>Reviewer</th><td>${e(m.reviewer ?? '—')}</td></tr>`,
    `<tr><th>Contributors</th><td>${e((m.contributors ?? []).join(', ') || '—')}</td></tr>`,
    `<tr><th>Template</th><td>${e(template.template.name)} ${e(template.template.version)}</td></tr>`,
    options.version !== undefined ? `<tr><th>Model version</th><td>${options.version}</td></tr>` : '',
    options.generatedAt ? `<tr><th>Generated</th><td>${e(options.generatedAt)}</td></tr>` : '',
    `<tr><th>Sign-off</th><td${signOffs.last?.changedSince ? ' class="changed"' : ''}>${e(signOffSummary(signOffs))}</td></tr>`,
    '</tbody></table>',
    `<div class="totals"><p><strong>${summary.total}</strong> threats on <strong>${crossing.interactionCount}</strong> interactions</p>`,
    `<ul class="chips">${STATUSES.map((s) => `<li style="border-color:${STATUS_COLOUR[s]}"><strong>${summary.byStatus[s]}</strong> ${STATUS_LABEL[s]}</li>`).join('')}</ul></div>`,
    '</section>',
  ].join('\n');

  const contents = [
    '<nav class="contents"><h2>Contents</h2><ol>',
    '<li><a href="#scope">Scope</a></li>',
    '<li><a href="#diagrams">Diagrams</a></li>',
    '<li><a href="#summary">Summary</a></li>',
    '<li><a href="#interactions">Interactions</a></li>',
    '<li><a href="#threats">Threats</a></li>',
    '<li><a href="#review">Review</a></li>',
    model.notes?.length ? '<li><a href="#notes">Notes</a></li>' : '',
    '</ol></nav>',
  ].join('\n');

  const assets = model.assets?.length
    ? `<table class="assets"><thead><tr><th>Asset</th><th>Classification</th><th>Description</th></tr></thead><tbody>${model.assets
        .map((a) => `<tr><td>${e(a.name)}</td><td>${e(a.classification)}</td><td>${e(a.description ?? '')}</td></tr>`)
        .join('')}</tbody></table>`
    : '<p class="none">None recorded.</p>';
  const scope = [
    '<section id="scope"><h2>Scope</h2>',
    m.description ? `<h3>Description</h3>${paragraphs(m.description)}` : '',
    `<h3>Assumptions</h3>${list(m.assumptions)}`,
    `<h3>External dependencies</h3>${list(m.externalDependencies)}`,
    `<h3>Assets</h3>${assets}`,
    '</section>',
  ].join('\n');

  let drawn = 0;
  const diagram = (d: ThreatModel['diagrams'][number]): string => {
    const svg = options.diagrams?.[d.id];
    const count = d.elements.length;
    const caption = `${e(d.name)} · ${count} element${count === 1 ? '' : 's'}`;
    if (!svg)
      return `<figure class="diagram"><p class="none">(not drawn)</p><figcaption>${caption}</figcaption></figure>`;
    drawn++;
    return printedDiagram(svg, `dg-${drawn}`, caption);
  };

  const statusRows = STATUSES.map((s) => ({
    label: STATUS_LABEL[s],
    count: summary.byStatus[s],
    colour: STATUS_COLOUR[s],
  }));
  const priorityRows = priorities.map((p) => ({ label: p, count: summary.byPriority[p] ?? 0, colour: '#1f4e79' }));
  const categoryRows = [
    ...template.template.categories.map((c) => ({
      label: c.name,
      count: summary.byCategory[c.id] ?? 0,
      colour: '#455a64',
    })),
    ...Object.entries(summary.byCategory)
      .filter(([id]) => !known.has(id))
      .map(([id, count]) => ({ label: id, count, colour: '#455a64' })),
  ];
  const summarySection = [
    '<section id="summary"><h2>Summary</h2>',
    `<div class="charts"><div><h3>By status</h3>${barChart(statusRows, 'Threats by status')}</div>`,
    `<div><h3>By priority</h3>${barChart(priorityRows, 'Threats by priority')}</div>`,
    `<div><h3>By category</h3>${barChart(categoryRows, 'Threats by category')}</div></div>`,
    summary.outOfScope || summary.orphaned
      ? `<p>${summary.outOfScope} threat(s) concern out-of-scope elements; ${summary.orphaned} no longer follow from the diagram but were triaged, so they are kept.</p>`
      : '',
    '</section>',
  ].join('\n');

  const notes = model.notes?.length
    ? `<section id="notes"><h2>Notes</h2>${model.notes
        .map(
          (n) =>
            `<blockquote>${paragraphs(n.text)}${n.author || n.at ? `<footer>${e(n.author ?? '')}${n.at ? ` ${e(n.at.slice(0, 10))}` : ''}</footer>` : ''}</blockquote>`,
        )
        .join('\n')}</section>`
    : '';

  yield [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    // No scripts, styles only from this file, images only inline: the report reads the same anywhere.
    `<meta http-equiv="Content-Security-Policy" content="${REPORT_CSP}">`,
    options.generator ? `<meta name="generator" content="${e(options.generator)}">` : '',
    `<title>${e(title)}</title>`,
    `<style>${CSS}</style></head><body>`,
    cover,
    contents,
    scope,
    '<section id="diagrams"><h2>Diagrams</h2>',
    '',
  ]
    .filter((part, i, all) => part !== '' || i === all.length - 1)
    .join('\n');
  // A diagram of a large model is megabytes of SVG: one piece each.
  for (const d of model.diagrams) yield `${diagram(d)}\n`;
  yield `</section>\n${summarySection}\n`;

  yield '<section id="interactions"><h2>Interactions</h2>\n<p class="lead">For each element, every flow it takes part in, and whether that flow crosses a trust boundary.</p>\n';
  if (sections.length === 0) yield '<p class="none">No flows yet.</p>\n';
  for (const section of sections) yield `${interactionTable(section)}\n`;
  yield '</section>\n';

  yield '<section id="threats"><h2>Threats</h2>\n';
  if (groups.length === 0) yield '<p class="none">No threats.</p>\n';
  for (const g of groups) {
    // The heading and the first threat in one block that does not split: on paper a heading never
    // ends a page (Chromium does not always honour break-after: avoid before a block that cannot split).
    let part = `<section class="group"><div class="keep"><h3>${e(g.where || 'The model as a whole')} <span class="count">${g.threats.length}</span></h3>`;
    for (let i = 0; i < g.threats.length; i++)
      part += (i === 1 ? '</div>\n' : i > 0 ? '\n' : '') + threatBlock(g.threats[i] as Threat, category);
    yield `${part}${g.threats.length < 2 ? '</div>' : ''}</section>\n`;
  }
  yield '</section>\n';
  yield `${reviewSection(signOffs)}\n`;

  if (notes) yield `${notes}\n`;
  yield `<footer class="colophon">${e(options.generator ?? 'Bulwark')}${options.generatedAt ? ` · ${e(options.generatedAt)}` : ''}</footer>\n</body></html>\n`;
}

/** The full report as one string (see htmlReportParts). */
export function renderHtmlReport(
  model: ThreatModel,
  template: ResolvedTemplate,
  options: HtmlReportOptions = {},
): string {
  let html = '';
  for (const part of htmlReportParts(model, template, options)) html += part;
  return html;
}

/**
 * Paper: what a landscape page holds for a diagram, in CSS pixels (1/96 inch), on A4 or Letter
 * (the smaller of the two, 16 and 18 mm margins above and below, 14 mm at the sides), less the
 * caption and the figure's border.
 */
const PRINT_WIDTH = 920;
const PRINT_HEIGHT = 590;
/** The smallest text printed in a diagram, in points: the issue's readable size. */
export const READABLE_PT = 7;
/** Beyond this many pages of tiles a diagram is printed whole, however small, and says so. */
const MAX_TILES = 60;

/** The printed size in points of `fontSize` user units drawn at `scale` CSS pixels per unit. */
const points = (fontSize: number, scale: number) => fontSize * scale * 0.75;

/**
 * A diagram as a figure: on screen the SVG as drawn; on paper a landscape page (the `diagram`
 * named page) at a scale where its smallest text is at least READABLE_PT, and when the whole does
 * not fit at that scale, an overview with a numbered grid and then one page per part of the grid
 * (each part a `<use>` of the one drawing, so the markup does not grow with the parts).
 */
function printedDiagram(svg: string, id: string, caption: string): string {
  const box = /viewBox="([-\d.e]+) ([-\d.e]+) ([\d.e]+) ([\d.e]+)"/.exec(svg.slice(0, 400));
  const sizes = [...svg.matchAll(/font-size="([\d.]+)"/g)].map((m) => Number(m[1]));
  const smallest = sizes.length > 0 ? Math.min(...sizes) : 12;
  if (!box) return `<figure class="diagram">${svg}<figcaption>${caption}</figcaption></figure>`;
  const [x, y, w, h] = box.slice(1).map(Number) as [number, number, number, number];
  const fit = Math.min(PRINT_WIDTH / w, PRINT_HEIGHT / h);
  // The scale at which the smallest text is a little over READABLE_PT (never below 1: as drawn).
  const readable = Math.max(1, (READABLE_PT + 0.3) / points(smallest, 1));
  const size = (scale: number, pw = w, ph = h) => `--w:${Math.floor(pw * scale)}px;--h:${Math.floor(ph * scale)}px`;
  if (fit >= readable) {
    const scale = Math.min(fit, 1.5 * readable);
    return `<figure class="diagram">${svg.replace(/^<svg /, `<svg style="${size(scale)}" `)}<figcaption>${caption}</figcaption></figure>`;
  }
  const overlap = 40;
  const tileW = PRINT_WIDTH / readable;
  const tileH = PRINT_HEIGHT / readable;
  const cols = Math.max(1, Math.ceil((w - overlap) / (tileW - overlap)));
  const rows = Math.max(1, Math.ceil((h - overlap) / (tileH - overlap)));
  const pt = (scale: number) => points(smallest, scale).toFixed(1);
  if (cols * rows > MAX_TILES)
    return `<figure class="diagram">${svg}<figcaption>${caption}</figcaption></figure><p class="print-only none">Printed whole, its smallest text at ${pt(fit)} pt: too large to print in readable parts (${cols * rows} pages). Read it in the HTML report.</p>`;
  const named = svg.replace(/^<svg /, `<svg id="${id}" `);
  const use = `<use href="#${id}" x="${x}" y="${y}" width="${w}" height="${h}"/>`;
  const parts: { x: number; y: number; w: number; h: number }[] = [];
  for (let r = 0; r < rows; r++)
    for (let c = 0; c < cols; c++) {
      const px = x + c * (tileW - overlap);
      const py = y + r * (tileH - overlap);
      parts.push({ x: px, y: py, w: Math.min(tileW, x + w - px), h: Math.min(tileH, y + h - py) });
    }
  const label = Math.max(24, Math.min(tileW, tileH) / 4);
  const grid = parts
    .map(
      (p, i) =>
        `<rect x="${p.x}" y="${p.y}" width="${p.w}" height="${p.h}" fill="none" stroke="#1f4e79" stroke-width="${label / 12}" stroke-dasharray="${label / 3} ${label / 6}"/>` +
        `<text x="${p.x + p.w / 2}" y="${p.y + p.h / 2}" font-size="${label}" text-anchor="middle" dominant-baseline="central" fill="#1f4e79" fill-opacity="0.55" font-weight="700">${i + 1}</text>`,
    )
    .join('');
  const view = (p: { x: number; y: number; w: number; h: number }) => `viewBox="${p.x} ${p.y} ${p.w} ${p.h}"`;
  const overview = `<figure class="diagram print-only overview"><svg xmlns="http://www.w3.org/2000/svg" style="${size(fit)}" ${view({ x, y, w, h })} role="img" aria-label="Overview">${use}${grid}</svg><figcaption>${caption} · overview: the ${parts.length} numbered parts follow at ${pt(readable)} pt</figcaption></figure>`;
  const tiles = parts
    .map(
      (p, i) =>
        `<figure class="diagram print-only"><svg xmlns="http://www.w3.org/2000/svg" style="${size(readable, p.w, p.h)}" ${view(p)} role="img" aria-label="Part ${i + 1}">${use}</svg><figcaption>${caption} · part ${i + 1} of ${parts.length} (row ${Math.floor(i / cols) + 1}, column ${(i % cols) + 1})</figcaption></figure>`,
    )
    .join('');
  return `<figure class="diagram">${named}<figcaption>${caption}</figcaption></figure>${overview}${tiles}`;
}

const CSS = `
:root { --ink: #1d2733; --muted: #5f6b7a; --line: #d8dee6; --accent: #1f4e79; --red: #c62828; }
* { box-sizing: border-box; }
body { font: 14px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color: var(--ink); margin: 0 auto; max-width: 1100px; padding: 2rem; }
h1 { font-size: 2.2rem; margin: 0.2rem 0 1.2rem; }
h2 { font-size: 1.45rem; border-bottom: 2px solid var(--accent); padding-bottom: 0.2rem; margin-top: 2.4rem; }
h3 { font-size: 1.1rem; margin: 1.4rem 0 0.4rem; }
h4 { font-size: 1rem; margin: 0; }
.kicker { text-transform: uppercase; letter-spacing: 0.08em; color: var(--muted); margin: 0; }
.cover { border-bottom: 1px solid var(--line); padding-bottom: 1.5rem; }
table { border-collapse: collapse; width: 100%; margin: 0.4rem 0 1rem; }
th, td { border: 1px solid var(--line); padding: 0.3rem 0.5rem; text-align: left; vertical-align: top; }
thead th { background: #f2f5f8; }
table.facts { width: auto; min-width: 50%; }
table.facts th { background: #f7f9fb; width: 10rem; }
.totals p { font-size: 1.1rem; margin: 1rem 0 0.5rem; }
.chips { list-style: none; display: flex; flex-wrap: wrap; gap: 0.5rem; padding: 0; margin: 0; }
.chips li { border: 2px solid; border-radius: 999px; padding: 0.15rem 0.8rem; }
.contents ol { columns: 2; }
.none { color: var(--muted); font-style: italic; }
figure.diagram { margin: 1rem 0; border: 1px solid var(--line); border-radius: 4px; padding: 0.5rem; }
figure.diagram svg { width: 100%; height: auto; max-height: 24cm; }
figcaption { color: var(--muted); font-size: 0.9rem; text-align: center; margin-top: 0.3rem; }
.charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(420px, 1fr)); gap: 1rem 2rem; }
.chart { max-width: 100%; height: auto; }
.chart-label { font-size: 12px; fill: var(--ink); }
.chart-value { font-size: 12px; fill: var(--muted); }
table.interactions td.yes { color: var(--red); font-weight: 600; }
.changed { color: var(--red); font-weight: 600; }
.group h3 { background: #f2f5f8; padding: 0.3rem 0.5rem; border-left: 4px solid var(--accent); }
.count { color: var(--muted); font-weight: normal; font-size: 0.9rem; }
.threat { border: 1px solid var(--line); border-radius: 4px; padding: 0.5rem 0.8rem; margin: 0.5rem 0; }
.threat header { display: flex; justify-content: space-between; gap: 1rem; align-items: baseline; }
.status { color: #fff; border-radius: 3px; padding: 0.05rem 0.5rem; font-size: 0.8rem; white-space: nowrap; }
.meta { color: var(--muted); margin: 0.2rem 0; font-size: 0.9rem; }
.flag { border: 1px solid var(--line); border-radius: 3px; padding: 0 0.3rem; }
.threat dl { display: grid; grid-template-columns: 9rem 1fr; gap: 0.2rem 0.8rem; margin: 0.4rem 0 0; }
.threat dt { font-weight: 600; }
.threat dd { margin: 0; }
.threat dd p, .description { margin: 0 0 0.3rem; }
blockquote { border-left: 3px solid var(--line); margin: 0.6rem 0; padding: 0.2rem 0.8rem; }
blockquote footer { color: var(--muted); font-size: 0.85rem; }
.colophon { margin-top: 3rem; color: var(--muted); font-size: 0.8rem; border-top: 1px solid var(--line); padding-top: 0.5rem; }
@page { margin: 16mm 14mm; }
@page diagram { size: landscape; }
.print-only { display: none; }
.contents a::after { content: ""; }
@media print {
  body { max-width: none; padding: 0; font-size: 10pt; line-height: 1.4; }
  table { font-size: 9pt; }
  th, td { padding: 0.15rem 0.4rem; }
  .threat { padding: 0.35rem 0.6rem; margin: 0.35rem 0; }
  h3 { margin: 1rem 0 0.3rem; }
  .cover { break-after: page; border: none; }
  .contents { break-after: page; }
  .contents ol { columns: 1; padding-left: 1.2rem; }
  .contents a { display: flex; gap: 0.5rem; width: 100%; }
  .contents a::after { content: "\\2007\\2007"; margin-left: auto; border-bottom: 1px dotted var(--muted); flex: 1; text-align: right; }
  h2 { margin-top: 1.6rem; }
  h2, h3, h4, .threat header { break-after: avoid; }
  .short, .keep, figure.diagram, tr, .threat, .chart, blockquote, .charts > div { break-inside: avoid; }
  thead { display: table-header-group; }
  a { color: inherit; text-decoration: none; }
  #diagrams { page: diagram; }
  #diagrams h2 { margin-top: 0; }
  figure.diagram { border: none; padding: 0; margin: 0; }
  #diagrams figure.diagram { break-before: page; }
  #diagrams h2 + figure.diagram, #diagrams h2 + figure.diagram + figure.overview { break-before: auto; }
  figure.diagram svg { display: block; margin: 0 auto; width: var(--w, 100%); height: var(--h, auto); max-height: 156mm; }
  .print-only { display: block; }
  /* A diagram printed in parts: the overview and the parts stand for the drawing as a whole. */
  figure.diagram:has(+ figure.overview) { display: none; }
}
`;

/** Each diagram with elements as SVG for the report, by id (laid out first where shapes have no positions). */
export async function reportDiagrams(diagrams: readonly Diagram[]): Promise<Record<string, string>> {
  const svgs: Record<string, string> = {};
  for (const d of diagrams)
    if (d.elements.length > 0) svgs[d.id] = await layoutAndRenderSvg(d, { xmlDeclaration: false });
  return svgs;
}

/** The full report with every diagram drawn, in pieces (see htmlReportParts). */
export async function htmlReportStream(
  model: ThreatModel,
  template: ResolvedTemplate,
  options: Omit<HtmlReportOptions, 'diagrams'> = {},
): Promise<Iterable<string>> {
  return htmlReportParts(model, template, { ...options, diagrams: await reportDiagrams(model.diagrams) });
}

/** The full report with every diagram drawn, as one string. */
export async function htmlReport(
  model: ThreatModel,
  template: ResolvedTemplate,
  options: Omit<HtmlReportOptions, 'diagrams'> = {},
): Promise<string> {
  return renderHtmlReport(model, template, { ...options, diagrams: await reportDiagrams(model.diagrams) });
}
