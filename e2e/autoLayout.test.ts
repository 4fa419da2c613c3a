/**
 * Journey (issue 16.4): Auto-layout keeps a layout only when it is measurably better, and says
 * what it did. The four elements: browser; web app and database in a box boundary; a
 * request and a response.
 */
import { join } from 'node:path';
import type { Rect, ThreatModel } from '@bulwark/core';
import { expect, it } from 'vitest';
import { journeys, SCREENSHOTS } from './browser.js';
import { box, uploadModel } from './models.js';

/** The four elements, the database where `db` puts it (and, with `query`, a flow to it). */
function fourElements(name: string, db: { x: number; y: number }, query = false) {
  return {
    schemaVersion: 1,
    metadata: { name },
    template: { id: 'stride' },
    diagrams: [
      {
        id: 'main',
        name: 'Context',
        elements: [
          {
            kind: 'trustBoundary',
            shape: 'box',
            id: 'dc',
            typeId: 'GE.TB.B',
            name: 'Data centre',
            position: box(280, 100, 620, 260),
          },
          { kind: 'externalEntity', id: 'browser', typeId: 'GE.EI', name: 'Browser', position: box(100, 200, 150, 60) },
          { kind: 'process', id: 'web', typeId: 'GE.P', name: 'Web app', position: box(400, 180, 100, 100) },
          { kind: 'dataStore', id: 'db', typeId: 'GE.DS', name: 'Database', position: box(db.x, db.y, 150, 60) },
          { kind: 'dataFlow', id: 'request', typeId: 'GE.DF', name: 'Request', source: 'browser', target: 'web' },
          { kind: 'dataFlow', id: 'response', typeId: 'GE.DF', name: 'Response', source: 'web', target: 'browser' },
          ...(query
            ? [{ kind: 'dataFlow', id: 'query', typeId: 'GE.DF', name: 'Query', source: 'web', target: 'db' }]
            : []),
        ],
      },
    ],
  };
}

async function stored(url: string, id: string): Promise<ThreatModel> {
  return ((await (await fetch(new URL(`api/models/${id}`, url))).json()) as { model: ThreatModel }).model;
}

const rectOf = (m: ThreatModel, id: string): Rect | undefined => {
  const e = m.diagrams[0]?.elements.find((x) => x.id === id);
  return e && 'position' in e ? e.position : undefined;
};

journeys('journey: auto-layout keeps a layout only when it is better', (env) => {
  it('leaves a well-drawn diagram and says why; lays out one with the database in the way', async () => {
    const { page, server, errors } = env();
    const note = page.locator('.bw-layout-note').filter({ hasText: /Laid out|already as good|left as it is/ });

    const good = await uploadModel(server.url, fourElements('Drawn well', { x: 650, y: 200 }));
    await page.goto(`${server.url}#/models/${good}`);
    await page.locator('.react-flow__node').first().waitFor();
    const before = await stored(server.url, good);
    await page.getByRole('button', { name: 'Auto-layout' }).click();
    await expect
      .poll(() => note.innerText(), { timeout: 10_000 })
      .toMatch(
        /^The diagram is already as good, so it was left as it is: flows through shapes 0, overlaps 0, crossings 0/,
      );
    await page.screenshot({ path: join(SCREENSHOTS, 'auto-layout-left.png') });
    // Nothing changed: no undo step, the stored model as it was.
    expect(await page.getByRole('button', { name: 'Undo' }).isDisabled()).toBe(true);
    expect(rectOf(await stored(server.url, good), 'db')).toEqual(rectOf(before, 'db'));

    const messy = await uploadModel(server.url, fourElements('In the way', { x: 290, y: 200 }, true));
    await page.goto('about:blank');
    await page.goto(`${server.url}#/models/${messy}`);
    await page.locator('.react-flow__node').first().waitFor();
    await page.getByRole('button', { name: 'Auto-layout' }).click();
    await expect
      .poll(() => note.innerText(), { timeout: 10_000 })
      .toMatch(/^Laid out: flows through shapes 2 → 0, overlaps \d+ → 0, crossings 0/);
    await expect
      .poll(
        async () => {
          const m = await stored(server.url, messy);
          const web = rectOf(m, 'web');
          const db = rectOf(m, 'db');
          return !!web && !!db && web.x + web.width < db.x;
        },
        { timeout: 15_000 },
      )
      .toBe(true);
    await page.waitForTimeout(400);
    await page.screenshot({ path: join(SCREENSHOTS, 'auto-layout-kept.png') });
    expect(errors).toEqual([]);
  }, 90_000);
});
