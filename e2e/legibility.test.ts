/**
 * Journey (issue 16.3): the seeded model is legible at a glance. At fit zoom every label on
 * screen is at least 11 px, none lies over a shape or another label, no flow passes under a shape
 * not its own, flows on one shape attach apart, and each shape and stencil shows its type's icon;
 * zoomed in, flow names are whole; far out, they go.
 */
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { journeys, SCREENSHOTS } from './browser.js';

interface Figures {
  zoom: number;
  fonts: { kind: string; text: string; px: number }[];
  onShapes: string[];
  onLabels: string[][];
  under: string[];
  flowLabels: number;
  fullFlowLabels: number;
  icons: number;
  shapes: number;
  closestEnds: number;
}

// Runs in the page (the tests are type-checked without the DOM's types, so it is a string).
const MEASURE = `(() => {
  const vp = document.querySelector('.react-flow__viewport');
  const zoom = new DOMMatrix(getComputedStyle(vp).transform).a;
  const visible = (el) => {
    const r = el.getBoundingClientRect();
    return r.width > 0 && r.height > 0 && getComputedStyle(el).visibility !== 'hidden';
  };
  const screenPx = (el) => {
    const size = parseFloat(getComputedStyle(el).fontSize);
    const local = el instanceof SVGGraphicsElement ? el.getBBox().height : el.offsetHeight;
    return (size * el.getBoundingClientRect().height) / local;
  };
  const shapes = [...document.querySelectorAll('.react-flow__node-process, .react-flow__node-dataStore, .react-flow__node-externalEntity')];
  const kinds = [['shape', '.bw-node-name'], ['boundary', '.bw-boundary-label'], ['flow', '.bw-flow-label-text']];
  const fonts = [];
  const onShapes = [];
  const boxes = [];
  for (const [kind, selector] of kinds) {
    for (const el of document.querySelectorAll(selector)) {
      if (!visible(el) || !el.textContent.trim()) continue;
      const text = el.textContent.trim();
      fonts.push({ kind, text, px: screenPx(el) });
      const own = el.closest('.react-flow__node');
      const r = el.getBoundingClientRect();
      boxes.push({ text, r });
      if (kind !== 'shape' && shapes.some((s) => {
        const b = s.getBoundingClientRect();
        return s !== own && r.left < b.right - 1 && b.left < r.right - 1 && r.top < b.bottom - 1 && b.top < r.bottom - 1;
      })) onShapes.push(text);
    }
  }
  const overlap = (a, b) => a.left < b.right - 1 && b.left < a.right - 1 && a.top < b.bottom - 1 && b.top < a.bottom - 1;
  const onLabels = boxes.flatMap((l, i) => boxes.slice(i + 1).filter((o) => overlap(l.r, o.r)).map((o) => [l.text, o.text]));
  // Shapes' boxes in diagram units, for the flows passing under one.
  const rects = shapes.map((el) => {
    const m = /translate(([-d.]+)px,s*([-d.]+)px)/.exec(el.style.transform);
    return { id: el.dataset.id, x: Number(m?.[1]), y: Number(m?.[2]), w: el.offsetWidth, h: el.offsetHeight };
  });
  const under = [];
  const ends = new Map();
  for (const edge of document.querySelectorAll('.react-flow__edge')) {
    const path = edge.querySelector('.react-flow__edge-path');
    const id = edge.getAttribute('data-id');
    const [s, t] = window.__flowEnds[id] ?? [];
    const len = path.getTotalLength();
    for (let i = 1; i < 40; i++) {
      const p = path.getPointAtLength((i / 40) * len);
      const r = rects.find((r) => r.id !== s && r.id !== t && p.x > r.x + 2 && p.x < r.x + r.w - 2 && p.y > r.y + 2 && p.y < r.y + r.h - 2);
      if (r) {
        under.push(id + ' under ' + r.id);
        break;
      }
    }
    for (const [shape, p] of [[s, path.getPointAtLength(0)], [t, path.getPointAtLength(len)]]) {
      if (!ends.has(shape)) ends.set(shape, []);
      ends.get(shape).push(p);
    }
  }
  let closestEnds = Infinity;
  for (const list of ends.values())
    for (let i = 0; i < list.length; i++)
      for (let j = i + 1; j < list.length; j++)
        closestEnds = Math.min(closestEnds, Math.hypot(list[i].x - list[j].x, list[i].y - list[j].y));
  const flowText = [...document.querySelectorAll('.bw-flow-label-text')].filter(visible);
  return {
    zoom,
    fonts,
    onShapes,
    onLabels,
    under,
    flowLabels: flowText.length,
    fullFlowLabels: flowText.filter((el) => !el.textContent.includes('…')).length,
    icons: shapes.filter((s) => s.querySelector('svg.bw-icon[aria-hidden="true"]')).length,
    shapes: shapes.length,
    closestEnds,
  };
})()`;

async function measure(page: Page): Promise<Figures> {
  await page.waitForTimeout(400);
  return page.evaluate<Figures>(MEASURE);
}

journeys('journey: the seeded model is legible at a glance (issue 16, point 3)', (env) => {
  it('shows readable labels off the shapes, flows attached apart and type icons, at fit and as it zooms', async () => {
    const { page, server, errors } = env();
    await page.goto(server.url);
    await page.getByRole('link', { name: 'Infrastructure', exact: true }).click();
    await page.locator('.react-flow__edge').first().waitFor();
    // A first-use notice, where there is one, is put away: it lies over the canvas.
    const notNow = page.getByRole('button', { name: 'Not now' });
    if (await notNow.isVisible()) await notNow.click();
    // Which shapes each flow joins, for the attachment points (read from the saved model).
    const list = (await (await fetch(new URL('api/models', server.url))).json()) as
      | { id: string; name: string }[]
      | { models: { id: string; name: string }[] };
    const models = Array.isArray(list) ? list : list.models;
    const seeded = models.find((m) => m.name === 'Infrastructure');
    const { model } = (await (await fetch(new URL(`api/models/${seeded?.id}`, server.url))).json()) as {
      model: { diagrams: { elements: { kind: string; id: string; source?: string; target?: string }[] }[] };
    };
    const flowEnds = Object.fromEntries(
      (model.diagrams[0]?.elements ?? []).filter((e) => e.kind === 'dataFlow').map((e) => [e.id, [e.source, e.target]]),
    );
    await page.evaluate(`window.__flowEnds = ${JSON.stringify(flowEnds)}`);

    // At fit zoom (the whole model in view, about 0.55): every label shown is at least 11 px on
    // screen, none lies over a shape or another label, no flow runs under a shape not its own,
    // every shape has its icon, flows attach apart.
    const fit = await measure(page);
    expect(fit.zoom).toBeLessThan(0.7);
    expect(fit.fonts.length).toBeGreaterThan(26 + 10);
    const small = fit.fonts.filter((f) => f.px < 11);
    expect(small).toEqual([]);
    expect(fit.onShapes).toEqual([]);
    expect(fit.onLabels).toEqual([]);
    expect(fit.under).toEqual([]);
    expect(fit.shapes).toBe(21);
    expect(fit.icons).toBe(21);
    expect(fit.closestEnds).toBeGreaterThan(17);
    // Long names are cut short where they do not fit; the shape's title is the whole name.
    const logging = page.locator('.react-flow__node .bw-node', { hasText: 'Logging and' }).first();
    expect(await logging.getAttribute('title')).toMatch(/^Logging and monitoring (service|store)$/);
    // Stencils show their type's icon too.
    const stencils = page.locator('button.bw-stencil');
    expect(await stencils.count()).toBeGreaterThan(10);
    expect(await page.locator('button.bw-stencil svg.bw-icon').count()).toBe(
      await page
        .locator(
          'button.bw-stencil:not(.bw-stencil-trustBoundary):not(.bw-stencil-trustBoundary-line):not(.bw-stencil-annotation)',
        )
        .count(),
    );
    await page.screenshot({ path: join(SCREENSHOTS, 'legibility-1-fit.png') });

    // Zoomed in to 1 or more: flow names whole, at their own size.
    const canvas = await page.getByTestId('canvas').boundingBox();
    if (!canvas) throw new Error('no canvas');
    const middle = { x: canvas.x + canvas.width * 0.45, y: canvas.y + canvas.height * 0.45 };
    await page.mouse.move(middle.x, middle.y);
    for (let i = 0; i < 6 && (await measure(page)).zoom < 1; i++) await page.mouse.wheel(0, -200);
    const near = await measure(page);
    expect(near.zoom).toBeGreaterThanOrEqual(1);
    expect(near.flowLabels).toBeGreaterThan(0);
    expect(near.fullFlowLabels).toBe(near.flowLabels);
    expect(near.fonts.filter((f) => f.px < 11)).toEqual([]);
    await page.screenshot({ path: join(SCREENSHOTS, 'legibility-2-zoomed-in.png') });

    // Far out: flow names go, shape names stay (one line each).
    for (let i = 0; i < 12 && (await measure(page)).zoom > 0.3; i++) await page.mouse.wheel(0, 300);
    const far = await measure(page);
    expect(far.zoom).toBeLessThan(0.42);
    expect(far.flowLabels).toBe(0);
    expect(far.icons).toBe(21);
    await page.screenshot({ path: join(SCREENSHOTS, 'legibility-3-far.png') });
    expect(errors).toEqual([]);
  }, 90_000);
});
