import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Element, Rect, ThreatModel } from '@bulwark/core';
import type { Locator, Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { boundaryMembers } from '../apps/web/src/editor/actions/actions.js';
import { journeys, ROOT, SCREENSHOTS } from './browser.js';

/** How long a change may take to reach the server (analysis, then the autosave pause). */
const SAVED = { timeout: 10_000 };

/** Stores a model file through the API; returns its id. */
async function upload(url: string, file: string, type: string): Promise<string> {
  const response = await fetch(new URL('api/models', url), {
    method: 'POST',
    headers: { 'content-type': type },
    body: readFileSync(join(ROOT, file), 'utf8'),
  });
  if (response.status !== 201) throw new Error(`upload failed: ${response.status} ${await response.text()}`);
  return ((await response.json()) as { id: string }).id;
}

async function stored(url: string, id: string): Promise<ThreatModel> {
  return ((await (await fetch(new URL(`api/models/${id}`, url))).json()) as { model: ThreatModel }).model;
}

const find = (m: ThreatModel, elementId: string): Element | undefined =>
  m.diagrams.flatMap((d) => d.elements).find((e) => e.id === elementId);
const rectOf = (m: ThreatModel, elementId: string): Rect | undefined => {
  const e = find(m, elementId);
  return e && 'position' in e ? e.position : undefined;
};

async function open(page: Page, url: string, id: string): Promise<void> {
  // A new document: a hash change alone would keep the last journey's page around.
  await page.goto('about:blank');
  await page.goto(`${url}#/models/${id}`);
  await page.locator('.react-flow__node').first().waitFor();
}

/** Drags with the mouse from one point to another, in small steps as a hand would. */
/** A handle's box once it has stopped moving (the canvas redraws after each drag; on a busy machine, later). */
async function settledBox(locator: Locator): Promise<{ x: number; y: number; width: number; height: number }> {
  let last = await locator.boundingBox();
  for (let i = 0; i < 50; i++) {
    await new Promise((r) => setTimeout(r, 100));
    const now = await locator.boundingBox();
    if (now && last && now.x === last.x && now.y === last.y) return now;
    last = now;
  }
  if (!last) throw new Error('the handle is not on the page');
  return last;
}

async function drag(page: Page, from: { x: number; y: number }, by: { x: number; y: number }): Promise<void> {
  await page.mouse.move(from.x, from.y);
  await page.mouse.down();
  await page.mouse.move(from.x + by.x, from.y + by.y, { steps: 8 });
  await page.mouse.up();
}

journeys('journeys: boundaries, flows and detail diagrams on the canvas', (env) => {
  it('a dragged boundary takes what is inside along; resizing, arrow keys and bending a flow are saved', async () => {
    const { page, server, errors } = env();
    const id = await upload(server.url, 'examples/infrastructure.bulwark.json', 'application/json');
    await open(page, server.url, id);
    const before = await stored(server.url, id);
    const members = boundaryMembers(before.diagrams[0]?.elements ?? [], 'tb-azure');
    expect(members).toContain('azure');

    // Drag the Azure subscription boundary by its name: Azure IaaS inside moves with it.
    const boundary = page.locator('.react-flow__node', { hasText: 'Azure subscription' }).first();
    const label = await boundary.locator('.bw-boundary-label').boundingBox();
    if (!label) throw new Error('no boundary label');
    await drag(page, { x: label.x + 10, y: label.y + 6 }, { x: 0, y: 80 });
    await expect.poll(async () => rectOf(await stored(server.url, id), 'tb-azure')?.y, SAVED).not.toBe(300);
    let now = await stored(server.url, id);
    const dy = (rectOf(now, 'tb-azure')?.y ?? 0) - 300;
    expect(dy).toBeGreaterThan(20);
    for (const m of members) expect(rectOf(now, m)?.y).toBe((rectOf(before, m)?.y ?? 0) + dy);
    expect(rectOf(now, 'firewall')).toEqual(rectOf(before, 'firewall'));

    // Resize it from its bottom-right corner.
    await boundary.locator('.bw-boundary-label').click();
    const corner = await boundary.locator('.react-flow__resize-control.bottom.right').boundingBox();
    if (!corner) throw new Error('no resize handle');
    await drag(page, { x: corner.x + corner.width / 2, y: corner.y + corner.height / 2 }, { x: 60, y: 40 });
    await expect.poll(async () => rectOf(await stored(server.url, id), 'tb-azure')?.width, SAVED).toBeGreaterThan(260);

    // From the keyboard alone: focus a shape (it is named for screen readers), Enter selects it,
    // arrow keys move it, one grid step (10) a press.
    await page.getByTestId('canvas').click({ position: { x: 5, y: 5 } });
    const firewall = page.getByRole('group', { name: 'Process: Firewall service' });
    await firewall.focus();
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Firewall service' }).waitFor();
    for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowRight');
    await expect.poll(async () => rectOf(await stored(server.url, id), 'firewall')?.x, SAVED).toBe(450);

    // Bend a flow by its handle; the bend is saved with the flow, and double-click straightens it.
    // Select the Firewall -> Azure flow by clicking on its line (labels of other flows overlap it).
    const on = await page.locator('.react-flow__edge', { hasText: 'Site-to-site link' }).evaluate((g) => {
      // (The test's TypeScript has no DOM library: the few SVG calls used, typed here.)
      type Svg = {
        getPointAtLength(at: number): { x: number; y: number };
        getTotalLength(): number;
        getScreenCTM(): { a: number; b: number; c: number; d: number; e: number; f: number };
      };
      const path = (g as unknown as { querySelector(s: string): Svg }).querySelector('path.react-flow__edge-path');
      const p = path.getPointAtLength(path.getTotalLength() * 0.3);
      const m = path.getScreenCTM();
      return { x: m.a * p.x + m.c * p.y + m.e, y: m.b * p.x + m.d * p.y + m.f };
    });
    await page.mouse.click(on.x, on.y);
    const handle = page.getByRole('button', { name: /Bend the flow/ });
    const knob = await handle.boundingBox();
    if (!knob) throw new Error('no curve handle');
    await drag(page, { x: knob.x + knob.width / 2, y: knob.y + knob.height / 2 }, { x: 0, y: 90 });
    await expect
      .poll(
        async () =>
          (await stored(server.url, id)).diagrams[0]?.elements.some((e) => e.kind === 'dataFlow' && e.path?.handle),
        SAVED,
      )
      .toBe(true);
    await page.screenshot({ path: join(SCREENSHOTS, 'canvas-boundary-flow.png') });
    now = await stored(server.url, id);
    const bent = now.diagrams[0]?.elements.find((e) => e.kind === 'dataFlow' && e.path?.handle);
    await handle.dblclick();
    await expect
      .poll(async () => {
        const f = find(await stored(server.url, id), bent?.id ?? '');
        return f?.kind === 'dataFlow' ? f.path?.handle : 'missing';
      }, SAVED)
      .toBeUndefined();
    expect(errors).toEqual([]);
  }, 90_000);

  it('an element opens a detail diagram, with a breadcrumb back up; it is all kept on reload', async () => {
    const { page, server, errors } = env();
    const id = await upload(server.url, 'examples/infrastructure.bulwark.json', 'application/json');
    await open(page, server.url, id);
    await page.locator('.react-flow__node', { hasText: 'VPN service' }).click();
    await page.getByRole('button', { name: 'Create detail diagram' }).click();
    await expect.poll(() => page.locator('.react-flow__node').count(), SAVED).toBe(0);
    const crumbs = page.getByRole('navigation', { name: 'Breadcrumb' });
    await expect.poll(() => crumbs.innerText(), SAVED).toMatch(/VPN service\s*›\s*VPN service \(detail\)/);
    // Draw in it: a process from the palette.
    await page.locator('button.bw-stencil', { hasText: 'User machine' }).first().click();
    await expect.poll(() => page.locator('.react-flow__node').count(), SAVED).toBe(1);
    await expect
      .poll(async () => (await stored(server.url, id)).diagrams.map((d) => [d.name, d.elements.length]), SAVED)
      .toEqual([
        ['Context', 54],
        ['VPN service (detail)', 1],
      ]);
    await page.screenshot({ path: join(SCREENSHOTS, 'detail-diagram.png') });
    // Back up through the breadcrumb, and down again through the element.
    await crumbs.getByRole('button').first().click();
    await page.locator('.react-flow__node', { hasText: 'Firewall service' }).waitFor();
    await page.reload();
    await page.getByRole('button', { name: 'Open detail diagram VPN service (detail)' }).click();
    await expect.poll(() => page.locator('.react-flow__node').count(), SAVED).toBe(1);
    expect(errors).toEqual([]);
  }, 90_000);

  it('a model written as code is laid out when it opens (saved with the first edit); assets and notes are edited in the model panel', async () => {
    const { page, server, errors } = env();
    const id = await upload(server.url, 'examples/webshop.bulwark.yaml', 'application/yaml');
    await open(page, server.url, id);
    // Every shape gets a place, none overlap; opening writes nothing (the places are saved with
    // the first edit, below).
    await page.waitForTimeout(1500);
    expect((await stored(server.url, id)).diagrams[0]?.elements.some((e) => 'position' in e && e.position)).toBe(false);
    const shapes = await page.locator('.react-flow__node:not(.react-flow__node-boundary)').all();
    const boxes = (await Promise.all(shapes.map((l) => l.boundingBox()))).flatMap((r) => (r ? [r] : []));
    expect(boxes.length).toBe(5);
    for (const [i, a] of boxes.entries())
      for (const b of boxes.slice(i + 1))
        expect(a.x + a.width <= b.x || b.x + b.width <= a.x || a.y + a.height <= b.y || b.y + b.height <= a.y).toBe(
          true,
        );
    await page.waitForTimeout(300);
    await page.screenshot({ path: join(SCREENSHOTS, 'as-code-layout.png') });

    await page.getByRole('button', { name: 'Add asset' }).click();
    const asset = page.getByRole('group', { name: /^Asset / }).last();
    await asset.getByLabel('Asset').fill('Card numbers');
    await asset.getByLabel('Asset').press('Enter');
    await asset.getByLabel('Classification').selectOption('restricted');
    await page.getByRole('button', { name: 'Add note' }).click();
    const note = page.getByRole('group', { name: 'Note' }).last().getByRole('textbox');
    await note.fill('Card data never reaches our servers: the payment provider hosts the form.');
    await note.blur();
    await expect
      .poll(async () => {
        const m = await stored(server.url, id);
        return [
          m.assets?.at(-1)?.name,
          m.assets?.at(-1)?.classification,
          m.notes?.at(-1)?.text?.slice(0, 9),
          m.diagrams[0]?.elements.every((e) => e.kind === 'dataFlow' || ('position' in e && e.position)),
        ];
      }, SAVED)
      .toEqual(['Card numbers', 'restricted', 'Card data', true]);
    await page.reload();
    await page.getByRole('group', { name: 'Asset Card numbers' }).waitFor();
    expect(errors).toEqual([]);
  }, 90_000);

  it('a line boundary is stretched and bent by its handles', async () => {
    const { page, server, errors } = env();
    const response = await fetch(new URL('api/models', server.url), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Line journey', template: 'infrastructure' }),
    });
    const { id } = (await response.json()) as { id: string };
    await page.goto('about:blank');
    await page.goto(`${server.url}#/models/${id}`);
    await page.getByTestId('canvas').waitFor();
    await page.locator('button.bw-stencil', { hasText: 'Trust boundary (line)' }).click();
    const end = page.locator('.bw-point-target');
    await end.waitFor();
    const box = await settledBox(end);
    await drag(page, { x: box.x + box.width / 2, y: box.y + box.height / 2 }, { x: 200, y: 0 });
    const bend = await settledBox(page.locator('.bw-point-handle'));
    await drag(page, { x: bend.x + bend.width / 2, y: bend.y + bend.height / 2 }, { x: -60, y: 40 });
    const line = async () => {
      const m = await stored(server.url, id);
      const e = m.diagrams[0]?.elements.find((x) => x.kind === 'trustBoundary');
      return e?.kind === 'trustBoundary' ? e.path : undefined;
    };
    await expect.poll(async () => (await line())?.handle !== undefined, SAVED).toBe(true);
    const path = await line();
    expect((path?.target?.x ?? 0) - (path?.source?.x ?? 0)).toBeGreaterThan(100);
    await page.screenshot({ path: join(SCREENSHOTS, 'line-boundary.png') });
    expect(errors).toEqual([]);
  }, 60_000);
});
