import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { journeys, SCREENSHOTS } from './browser.js';
import { shopModel, uploadModel } from './models.js';

/** The model's revision as the server has it (every write moves it on). */
async function revision(url: string, id: string): Promise<number> {
  return ((await (await fetch(new URL(`api/models/${id}`, url))).json()) as { version: number }).version;
}

/** Opens a model in the editor and waits until its diagram and threats are on screen, and a while after. */
async function open(page: Page, url: string, id: string): Promise<void> {
  await page.goto(`${url}#/models/${id}`);
  await page.locator('.react-flow__node').first().waitFor();
  await page.locator('.bw-threats tr.bw-threat-row').first().waitFor();
  // Autosave sends 0.7 s after a change: wait well past it.
  await page.waitForTimeout(2000);
}

journeys('journey: opening a model never writes', (env) => {
  it('opens the seeded model, one whose threats are out of date and one never laid out, and writes nothing', async () => {
    const { page, server, errors } = env();
    const models = (await (await fetch(new URL('api/models', server.url))).json()) as {
      models: { id: string; name: string }[];
    };
    const seeded = models.models.find((m) => m.name === 'Infrastructure');
    if (!seeded) throw new Error('no seeded model');
    // Stored without threats: opening shows the threats the template generates.
    const stale = await uploadModel(server.url, shopModel('Out of date'));
    // Stored without positions (a model written as code): opening lays it out.
    const unplaced = shopModel('Never laid out');
    for (const e of unplaced.diagrams[0]?.elements ?? []) delete (e as { position?: unknown }).position;
    const placed = await uploadModel(server.url, unplaced);

    for (const [id, shot] of [
      [seeded.id, 'open-seeded'],
      [stale, 'open-stale-threats'],
      [placed, 'open-laid-out'],
    ] as const) {
      const before = await revision(server.url, id);
      await open(page, server.url, id);
      expect(await page.getByRole('status').innerText()).toBe('Saved');
      await page.screenshot({ path: join(SCREENSHOTS, `${shot}.png`) });
      // Reload too: a second opening writes nothing either.
      await page.reload();
      await page.locator('.react-flow__node').first().waitFor();
      await page.waitForTimeout(1500);
      expect(await revision(server.url, id), `opening ${shot} wrote to the model`).toBe(before);
    }

    // What opening showed is saved with the first edit: rename a shape on the laid-out model.
    await open(page, server.url, placed);
    const shown = await page.locator('.bw-threats tr.bw-threat-row').count();
    expect(shown).toBeGreaterThan(0);
    await page.locator('.react-flow__node', { hasText: 'Customer' }).click();
    const name = page.getByLabel('Name', { exact: true });
    await name.fill('Shopper');
    await name.press('Enter');
    await expect.poll(() => revision(server.url, placed), { timeout: 10_000 }).toBeGreaterThan(1);
    const stored = (await (await fetch(new URL(`api/models/${placed}`, server.url))).json()) as {
      model: { threats?: unknown[]; diagrams: { elements: { kind: string; position?: unknown }[] }[] };
    };
    expect(stored.model.threats?.length ?? 0).toBeGreaterThan(0);
    const shapes = stored.model.diagrams[0]?.elements.filter((e) => e.kind !== 'dataFlow') ?? [];
    expect(shapes.length).toBe(3);
    expect(shapes.every((e) => e.position !== undefined)).toBe(true);
    expect(errors).toEqual([]);
  });
});
