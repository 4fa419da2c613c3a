#!/usr/bin/env node
// How legible the seeded model is at fit zoom (issue 16, point 3): opens
// examples/infrastructure.bulwark.json in the editor in real Chromium, as it first shows (fitted to
// the canvas), and prints a table:
//   zoom            - the canvas's scale at fit
//   labels          - the labels on screen (shape names, boundary names, flow names) and how many
//                     flow names are not shown (left out where crowded, or hidden) at that zoom
//   font min/median - the labels' rendered font size in screen pixels
//   labels on shapes - labels whose box overlaps a shape that is not their own
//   labels on labels - labels whose box overlaps another label's
//   flow ends       - distinct attachment points (ends of flows on one shape closer than 12
//                     diagram units, 7 px at this fit, count as one) / flow ends (two per flow),
//                     and the closest two ends on one shape
//   flows under shapes - flows whose drawn path passes under a shape that is not one of its ends
//   icons           - shapes showing a type icon / shapes
// Run after `npm run build`:  node bench/legibility.js [--json file] [--screenshot file.png]
// Needs Debian's Chromium (/usr/bin/chromium, or BULWARK_CHROMIUM). The same file run in an older
// checkout (a `git worktree`, built there) gives the figures before a change.
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';
import { onCleanup, root, runBounded, startServer, tempDir } from './server-common.js';

const { values } = parseArgs({
  options: { json: { type: 'string' }, screenshot: { type: 'string' } },
});
const CHROMIUM = process.env.BULWARK_CHROMIUM ?? '/usr/bin/chromium';
if (!existsSync(CHROMIUM)) {
  console.error(
    `bench/legibility.js needs Chromium at ${CHROMIUM} (apt-get install chromium, or set BULWARK_CHROMIUM).`,
  );
  process.exit(2);
}

/** Runs in the page: every figure, read off the drawn canvas. */
function measure(flows) {
  const vp = document.querySelector('.react-flow__viewport');
  const zoom = new DOMMatrix(getComputedStyle(vp).transform).a;
  const visible = (el) => {
    const s = getComputedStyle(el);
    const r = el.getBoundingClientRect();
    return s.display !== 'none' && s.visibility !== 'hidden' && Number(s.opacity) > 0 && r.width > 0 && r.height > 0;
  };
  // The font size on screen: the computed size times how much the element is scaled on screen.
  const screenFont = (el) => {
    const size = Number.parseFloat(getComputedStyle(el).fontSize);
    const r = el.getBoundingClientRect();
    const local = el instanceof SVGGraphicsElement ? el.getBBox().height : el.offsetHeight;
    return local > 0 ? (size * r.height) / local : size * zoom;
  };
  const shapeNodes = [
    ...document.querySelectorAll(
      '.react-flow__node-process, .react-flow__node-dataStore, .react-flow__node-externalEntity',
    ),
  ];
  const shapes = shapeNodes.map((el) => ({ el, r: el.getBoundingClientRect() }));
  const overlaps = (a, b) =>
    a.left < b.right - 1 && b.left < a.right - 1 && a.top < b.bottom - 1 && b.top < a.bottom - 1;
  const groups = [
    ['shape', '.bw-node-name, .bw-node > span:not(.bw-node-name)'],
    ['boundary', '.bw-boundary-label, .bw-line-label'],
    ['flow', '.bw-flow-label-text, .react-flow__edge-text'],
  ];
  const labels = [];
  let hiddenFlowLabels = 0;
  // A named flow whose name is not on screen (left out or hidden when zoomed out).
  for (const f of flows) {
    if (!f.name?.trim()) continue;
    const edge = document.querySelector(`.react-flow__edge[data-id="${CSS.escape(f.id)}"]`);
    if (![...(edge?.querySelectorAll(groups[2][1]) ?? [])].some(visible)) hiddenFlowLabels++;
  }
  for (const [kind, selector] of groups) {
    for (const el of document.querySelectorAll(selector)) {
      if (!el.textContent?.trim() || !visible(el)) continue;
      const own = el.closest('.react-flow__node');
      const r = el.getBoundingClientRect();
      const onShape = shapes.some((s) => s.el !== own && overlaps(r, s.r));
      labels.push({ kind, font: screenFont(el), onShape, text: el.textContent.trim(), r });
    }
  }
  const onLabel = labels.filter((l) => labels.some((o) => o !== l && overlaps(l.r, o.r))).length;
  // Which labels overlap which (for --json): each pair once.
  const overlapping = labels.flatMap((l, i) =>
    labels.slice(i + 1).flatMap((o) => (overlaps(l.r, o.r) ? [[l.text, o.text]] : [])),
  );
  for (const l of labels) delete l.r;
  // Flow ends in diagram units, from each drawn path's first and last points.
  const ends = new Map();
  let under = 0;
  const rectOf = new Map(
    shapeNodes.map((el) => {
      const m = /translate\(([-\d.]+)px,\s*([-\d.]+)px\)/.exec(el.style.transform);
      return [el.dataset.id, { x: Number(m?.[1]), y: Number(m?.[2]), w: el.offsetWidth, h: el.offsetHeight }];
    }),
  );
  for (const f of flows) {
    const path = document.querySelector(`.react-flow__edge[data-id="${CSS.escape(f.id)}"] .react-flow__edge-path`);
    if (!path) continue;
    const len = path.getTotalLength();
    const a = path.getPointAtLength(0);
    const b = path.getPointAtLength(len);
    for (const [shape, p] of [
      [f.source, a],
      [f.target, b],
    ]) {
      const list = ends.get(shape) ?? [];
      list.push(p);
      ends.set(shape, list);
    }
    let hit = false;
    for (let i = 1; i < 40 && !hit; i++) {
      const p = path.getPointAtLength((i / 40) * len);
      for (const [id, r] of rectOf) {
        if (id === f.source || id === f.target) continue;
        if (p.x > r.x + 2 && p.x < r.x + r.w - 2 && p.y > r.y + 2 && p.y < r.y + r.h - 2) hit = true;
      }
    }
    if (hit) under++;
  }
  let distinct = 0;
  let total = 0;
  let closest = Number.POSITIVE_INFINITY;
  for (const list of ends.values()) {
    const kept = [];
    for (const [i, p] of list.entries()) {
      total++;
      for (const q of list.slice(i + 1)) closest = Math.min(closest, Math.hypot(p.x - q.x, p.y - q.y));
      if (!kept.some((q) => Math.hypot(p.x - q.x, p.y - q.y) < 12)) kept.push(p);
    }
    distinct += kept.length;
  }
  const icons = shapeNodes.filter((el) => el.querySelector('svg.bw-icon')).length;
  return {
    zoom,
    labels,
    onLabel,
    overlapping,
    hiddenFlowLabels,
    distinct,
    total,
    closest,
    under,
    icons,
    shapes: shapeNodes.length,
  };
}

await runBounded(5 * 60_000, async () => {
  const dir = tempDir('bulwark-legibility-');
  const server = await startServer(`sqlite:${join(dir, 'legibility.db')}`, {
    args: ['--seed', join(root, 'examples/infrastructure.bulwark.json')],
  });
  const list = await (await fetch(`${server.url}/api/models`)).json();
  const seeded = (Array.isArray(list) ? list : list.models)?.[0];
  if (!seeded) throw new Error('the seeded model is not in GET /api/models');
  const { model } = await (await fetch(`${server.url}/api/models/${encodeURIComponent(seeded.id)}`)).json();
  const flows = model.diagrams[0].elements.filter((e) => e.kind === 'dataFlow');
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu'] });
  onCleanup(() => browser.close());
  // The journeys' window size.
  const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
  await page.goto(`${server.url}/#/models/${encodeURIComponent(seeded.id)}`);
  await page.locator('.react-flow__edge').first().waitFor({ timeout: 30_000 });
  // A first-use notice over the canvas, where there is one, is put away first.
  const notNow = page.getByRole('button', { name: 'Not now' });
  if (await notNow.isVisible()) await notNow.click();
  await page.waitForTimeout(800);
  const m = await page.evaluate(measure, flows);
  if (values.screenshot) await page.screenshot({ path: values.screenshot });
  const fonts = m.labels.map((l) => l.font).sort((a, b) => a - b);
  const median = fonts.length ? fonts[Math.floor((fonts.length - 1) / 2)] : 0;
  const byKind = (kind) => m.labels.filter((l) => l.kind === kind);
  const minOf = (ls) => (ls.length ? Math.min(...ls.map((l) => l.font)) : 0);
  const rows = [
    ['zoom at fit', m.zoom.toFixed(2)],
    [
      'labels shown (shapes, boundaries, flows)',
      `${m.labels.length} (${byKind('shape').length}, ${byKind('boundary').length}, ${byKind('flow').length})`,
    ],
    ['flow labels not shown', String(m.hiddenFlowLabels)],
    ['label font min (px on screen)', fonts.length ? fonts[0].toFixed(1) : '-'],
    ['label font median (px on screen)', median.toFixed(1)],
    [
      'font min: shapes / boundaries / flows',
      ['shape', 'boundary', 'flow'].map((k) => minOf(byKind(k)).toFixed(1)).join(' / '),
    ],
    ['labels overlapping a shape', String(m.labels.filter((l) => l.onShape).length)],
    ['labels overlapping another label', String(m.onLabel)],
    ['distinct flow attachment points / flow ends', `${m.distinct} / ${m.total}`],
    ['closest two flow ends on one shape (diagram units)', m.closest.toFixed(1)],
    ['flows passing under another shape', String(m.under)],
    ['shapes with a type icon', `${m.icons} / ${m.shapes}`],
  ];
  const w = Math.max(...rows.map((r) => r[0].length));
  const v = Math.max(...rows.map((r) => r[1].length));
  console.log(`Legibility of examples/infrastructure.bulwark.json at fit zoom (1600 x 1000 window)\n`);
  console.log(`| ${'figure'.padEnd(w)} | ${'value'.padStart(v)} |`);
  console.log(`|-${'-'.repeat(w)}-|-${'-'.repeat(v)}:|`);
  for (const [k, val] of rows) console.log(`| ${k.padEnd(w)} | ${val.padStart(v)} |`);
  if (values.json) writeFileSync(values.json, JSON.stringify({ ...m, median }, null, 2));
  return true;
});
