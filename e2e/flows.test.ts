/**
 * Issue 16, points 1 and 2: drawing a flow from any side, a request and its response on separate
 * arcs (each selected by a click on its label), and re-attaching a flow by dragging its end.
 */
import { join } from 'node:path';
import type { DataFlow, Element, ThreatModel } from '@bulwark/core';
import { flowGeometry, flowPathData } from '@bulwark/report';
import type { Locator, Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { journeys, SCREENSHOTS } from './browser.js';

const SAVED = { timeout: 10_000 };

type Box = { x: number; y: number; width: number; height: number };

async function api(url: string, path: string, init?: RequestInit): Promise<{ body: unknown; etag: string }> {
  const r = await fetch(new URL(path, url), init);
  if (!r.ok) throw new Error(`${init?.method ?? 'GET'} ${path}: ${r.status} ${await r.text()}`);
  return { body: await r.json(), etag: r.headers.get('etag') ?? '' };
}

/** A new STRIDE model with a browser (below), a web app (above it) and a database (to the right). */
async function strideModel(url: string): Promise<string> {
  const created = await api(url, 'api/models', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'Flows journey', template: 'stride' }),
  });
  const id = (created.body as { id: string }).id;
  const got = await api(url, `api/models/${id}`);
  const model = (got.body as { model: ThreatModel }).model;
  const elements: Element[] = [
    {
      kind: 'externalEntity',
      id: 'browser',
      typeId: 'GE.EI',
      name: 'Browser',
      position: { x: 200, y: 420, width: 150, height: 60 },
    },
    {
      kind: 'process',
      id: 'web',
      typeId: 'GE.P',
      name: 'Web app',
      position: { x: 225, y: 100, width: 100, height: 100 },
    },
    {
      kind: 'dataStore',
      id: 'db',
      typeId: 'GE.DS',
      name: 'Database',
      position: { x: 650, y: 120, width: 150, height: 60 },
    },
  ];
  const diagrams = model.diagrams.map((d, i) => (i === 0 ? { ...d, elements } : d));
  await api(url, `api/models/${id}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json', 'if-match': got.etag },
    body: JSON.stringify({ ...model, diagrams }),
  });
  return id;
}

async function flows(url: string, id: string): Promise<DataFlow[]> {
  const model = ((await api(url, `api/models/${id}`)).body as { model: ThreatModel }).model;
  return (model.diagrams[0]?.elements ?? []).filter((e): e is DataFlow => e.kind === 'dataFlow');
}

async function box(locator: Locator): Promise<Box> {
  const b = await locator.boundingBox();
  if (!b) throw new Error('not on the page');
  return b;
}

const centre = (b: Box) => ({ x: b.x + b.width / 2, y: b.y + b.height / 2 });
const overlap = (a: Box, b: Box) =>
  a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

async function drag(page: Page, from: { x: number; y: number }, to: { x: number; y: number }): Promise<void> {
  await page.mouse.move(from.x, from.y);
  await page.mouse.down();
  await page.mouse.move(to.x, to.y, { steps: 12 });
  await page.mouse.up();
}

/** A path's first and last points, in diagram units. */
function ends(d: string): { start: { x: number; y: number }; end: { x: number; y: number } } {
  const nums = (d.match(/-?[\d.]+/g) ?? []).map(Number);
  return {
    start: { x: nums[0] ?? Number.NaN, y: nums[1] ?? Number.NaN },
    end: { x: nums.at(-2) ?? Number.NaN, y: nums.at(-1) ?? Number.NaN },
  };
}

journeys('journey: drawing and re-attaching flows (issue 16, points 1 and 2)', (env) => {
  it('draws a flow from a top edge to a bottom edge, a request and a response on separate arcs, and re-attaches an end', async () => {
    const { page, server, errors } = env();
    const id = await strideModel(server.url);
    await page.goto(`${server.url}#/models/${id}`);
    const node = (name: string) => page.locator('.react-flow__node', { hasText: name });
    await node('Browser').waitFor();
    await expect.poll(() => page.locator('.bw-save').innerText(), SAVED).toBe('Saved');

    // Hovering a shape shows its connection points.
    const browser = node('Browser');
    await browser.hover();
    const top = browser.locator('.bw-port[data-handlepos="top"]');
    // (The tests are type-checked without the DOM's types; the function runs in the page.)
    type Styles = { getComputedStyle: (el: unknown) => { opacity: string } };
    const opacity = () => top.evaluate((el) => (globalThis as unknown as Styles).getComputedStyle(el).opacity);
    await expect.poll(async () => Number(await opacity())).toBe(1);
    await page.screenshot({ path: join(SCREENSHOTS, 'flows-1-ports-on-hover.png') });

    // From the browser's top edge to the web app's bottom edge.
    const web = node('Web app');
    const webBox = await box(web);
    await drag(page, centre(await box(top)), { x: webBox.x + webBox.width / 2, y: webBox.y + webBox.height - 8 });
    await expect.poll(async () => (await flows(server.url, id)).length, SAVED).toBe(1);
    const [request] = await flows(server.url, id);
    expect(request).toMatchObject({ source: 'browser', target: 'web' });
    await expect.poll(() => page.locator('.react-flow__edge').count()).toBe(1);
    // Drawn from the top of the browser (y 420) to the bottom of the web app's circle (y 200).
    const first = ends((await page.locator('.react-flow__edge-path').first().getAttribute('d')) ?? '');
    expect(first.start).toEqual({ x: 275, y: 420 });
    expect(first.end).toEqual({ x: 275, y: 200 });

    // The response: from the web app back to the browser, dropped anywhere on it. (The new flow
    // is still selected: its end handles sit a little way along it, off the connection point.)
    await expect(page.locator('.bw-flow-end-target').count()).resolves.toBe(1);
    await web.hover();
    const webBottom = web.locator('.bw-port[data-handlepos="bottom"]');
    const browserBox = await box(browser);
    await drag(page, centre(await box(webBottom)), { x: browserBox.x + 30, y: browserBox.y + 40 });
    await expect.poll(async () => (await flows(server.url, id)).length, SAVED).toBe(2);
    const response = (await flows(server.url, id)).find((f) => f.id !== request?.id);
    expect(response).toMatchObject({ source: 'web', target: 'browser' });
    await page.getByTestId('canvas').click({ position: { x: 5, y: 5 } });

    // Two arcs, two labels side by side ("Data flow" twice, not "Data flow flow").
    const edge = (flowId: string) => page.locator(`.react-flow__edge[data-id="${flowId}"]`);
    const pathOf = (i: number) => page.locator('.react-flow__edge-path').nth(i).getAttribute('d');
    const paths = [await pathOf(0), await pathOf(1)];
    expect(paths[0]).not.toBe(paths[1]);
    for (const d of paths) expect(d).toMatch(/ Q /);
    const labelOf = (flowId: string) => edge(flowId).locator('.react-flow__edge-textwrapper');
    const a = await box(labelOf(request?.id ?? ''));
    const b = await box(labelOf(response?.id ?? ''));
    expect(overlap(a, b)).toBe(false);
    await page.screenshot({ path: join(SCREENSHOTS, 'flows-2-request-and-response.png') });

    // A click on each label selects that flow; renaming it renames that one.
    const name = page.getByLabel('Name', { exact: true });
    for (const [flowId, newName] of [
      [request?.id ?? '', 'Request'],
      [response?.id ?? '', 'Response'],
    ] as const) {
      await labelOf(flowId).click();
      await expect.poll(() => edge(flowId).getAttribute('class')).toMatch(/\bselected\b/);
      await name.fill(newName);
      await name.press('Enter');
      await expect
        .poll(async () => (await flows(server.url, id)).find((f) => f.id === flowId)?.name, SAVED)
        .toBe(newName);
    }
    await labelOf(request?.id ?? '').click();
    await expect.poll(() => name.inputValue()).toBe('Request');
    await labelOf(response?.id ?? '').click();
    await expect.poll(() => name.inputValue()).toBe('Response');
    await page.screenshot({ path: join(SCREENSHOTS, 'flows-3-response-selected.png') });

    // Drag the selected request's end from the web app onto the database: re-attached and saved.
    await labelOf(request?.id ?? '').click();
    const end = page.locator('.bw-flow-end-target');
    await end.waitFor();
    await drag(page, centre(await box(end)), centre(await box(node('Database'))));
    await expect
      .poll(async () => (await flows(server.url, id)).find((f) => f.id === request?.id)?.target, SAVED)
      .toBe('db');
    expect((await flows(server.url, id)).find((f) => f.id === request?.id)?.source).toBe('browser');
    await expect.poll(() => page.locator('.bw-save').innerText(), SAVED).toBe('Saved');
    // Now a lone flow between the browser and the database: straight, centre to centre, from the
    // browser's top edge to the database's bottom line.
    const moved = ends(
      (await edge(request?.id ?? '')
        .locator('.react-flow__edge-path')
        .getAttribute('d')) ?? '',
    );
    expect(moved.end).toEqual({ x: 680, y: 180 });
    expect(moved.start).toEqual({ x: 320, y: 420 });
    await page.screenshot({ path: join(SCREENSHOTS, 'flows-4-reattached.png') });

    // Moving a shape: its flows follow, attached where the report's geometry says.
    const before = await box(browser);
    await drag(page, centre(before), { x: centre(before).x + 300, y: centre(before).y - 40 });
    await expect.poll(() => page.locator('.bw-save').innerText(), SAVED).toBe('Saved');
    const model = ((await api(server.url, `api/models/${id}`)).body as { model: ThreatModel }).model;
    const rect = (elementId: string) => {
      const e = model.diagrams[0]?.elements.find((x) => x.id === elementId);
      if (!e || !('position' in e) || !e.position) throw new Error(`no position for ${elementId}`);
      return e.position;
    };
    expect(rect('browser').x).toBeGreaterThan(300);
    const expected = flowGeometry({
      source: { kind: 'process', rect: rect('web') },
      target: { kind: 'externalEntity', rect: rect('browser') },
    });
    await expect
      .poll(() =>
        edge(response?.id ?? '')
          .locator('.react-flow__edge-path')
          .getAttribute('d'),
      )
      .toBe(flowPathData(expected.curve));
    await page.screenshot({ path: join(SCREENSHOTS, 'flows-5-shape-moved.png') });
    expect(errors).toEqual([]);
  }, 90_000);
});
