/**
 * The models page as a home (issue 16.8): each model with its template, its last change and by
 * whom, and its open high-priority threats, as the server counts them on every save.
 */
import { join } from 'node:path';
import { buildModel } from '@bulwark/core';
import { expect, it } from 'vitest';
import { ModelStore } from '../apps/server/src/storage/ModelStore.js';
import { journeys, SCREENSHOTS } from './browser.js';

const threat = (id: string, priority: string, status: 'not-started' | 'needs-investigation' | 'mitigated') => ({
  id,
  typeId: 'manual',
  origin: 'manual' as const,
  category: 'S',
  title: id,
  description: id,
  priority,
  status,
});

journeys('journeys: the models page shows what each model holds, with a thumbnail', (env) => {
  it('shows each model with its template, last change and by whom, and its open high-priority threats', async () => {
    const { page, server, errors } = env();
    const shop = buildModel('Shop home')
      .process('web')
      .store('db')
      .flow('web', 'db')
      .threat(threat('t1', 'High', 'not-started'))
      .threat(threat('t2', 'High', 'needs-investigation'))
      .threat(threat('t3', 'High', 'mitigated'))
      .threat(threat('t4', 'Low', 'not-started'))
      .build();
    await new ModelStore(server.store.db).create(shop, 'ana');
    await page.goto(server.url);
    const row = page.locator('.bw-table tbody tr', { hasText: 'Shop home' });
    await row.waitFor();
    expect(await row.locator('.bw-open-high').innerText()).toBe('2 open');
    expect(await row.locator('.bw-last-change').innerText()).toMatch(/^just now by ana \(version 1\)$/);
    expect(await row.locator('td').nth(1).innerText()).toMatch(/STRIDE/i);
    // The seeded model, as the list counts it.
    const list = (await (await fetch(new URL('api/models', server.url))).json()) as {
      models: { name: string; openHighThreats: number }[];
    };
    const infra = list.models.find((m) => m.name === 'Infrastructure');
    const infraRow = page.locator('.bw-table tbody tr', { hasText: 'Infrastructure' });
    expect(await infraRow.locator('.bw-open-high').innerText()).toBe(
      infra?.openHighThreats ? `${infra.openHighThreats} open` : 'None open',
    );
    // Each row's thumbnail is its first diagram, drawn by the server, in a reserved box.
    const thumb = row.getByRole('img', { name: 'First diagram of Shop home' });
    await expect
      .poll(() =>
        thumb.evaluate(
          (img) =>
            (img as unknown as { complete: boolean; naturalWidth: number }).complete &&
            (img as unknown as { naturalWidth: number }).naturalWidth,
        ),
      )
      .toBeGreaterThan(0);
    expect(await thumb.getAttribute('loading')).toBe('lazy');
    const box = await thumb.boundingBox();
    expect([Math.round(box?.width ?? 0), Math.round(box?.height ?? 0)]).toEqual([160, 100]);
    const svg = await page.request.get(new URL(String(await thumb.getAttribute('src')), server.url).toString());
    expect(svg.headers()['content-type']).toMatch(/image\/svg\+xml/);
    expect(await svg.text()).toContain('web');
    await infraRow
      .getByRole('img', { name: 'First diagram of Infrastructure' })
      .evaluate((img) => (img as unknown as { decode: () => Promise<void> }).decode());
    await page.screenshot({ path: join(SCREENSHOTS, 'models-home.png') });
    expect(errors).toEqual([]);
  }, 60_000);
});
