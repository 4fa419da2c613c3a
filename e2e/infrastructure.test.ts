import { join } from 'node:path';
import { expect, it } from 'vitest';
import { journeys, SCREENSHOTS } from './browser.js';

journeys('journey: open the seeded infrastructure model', (env) => {
  it('draws every element and flow, and shows the Firewall’s interactions table', async () => {
    const { page, server, errors } = env();
    await page.goto(server.url);
    await page.getByRole('link', { name: 'Infrastructure', exact: true }).click();
    await page.locator('.react-flow__node').first().waitFor();
    // 21 elements and 5 box boundaries are nodes; the 28 flows are edges.
    expect(await page.locator('.react-flow__node').count()).toBe(26);
    expect(await page.locator('.react-flow__edge').count()).toBe(28);
    await page.locator('.react-flow__node', { hasText: 'Firewall service' }).click();
    const table = page.getByRole('table', { name: 'Interactions of Firewall service' });
    await table.waitFor();
    const text = await table.innerText();
    expect(text).toContain('VPN service');
    expect(text).toContain('Build servers (grouped)');
    expect(text).toMatch(/Azure IaaS\s+Yes/);
    await page.screenshot({ path: join(SCREENSHOTS, 'infrastructure-firewall.png') });

    // The full report of the saved model, from the editor's Report menu.
    await page.getByText('Report', { exact: true }).click();
    const link = page.getByRole('link', { name: 'Full report (HTML)' });
    await link.waitFor();
    await page.screenshot({ path: join(SCREENSHOTS, 'infrastructure-report-menu.png') });
    const report = await page.request.get(new URL((await link.getAttribute('href')) ?? '', server.url).toString());
    expect(report.status()).toBe(200);
    expect(await report.text()).toContain('<h1>Infrastructure</h1>');
    await page.getByText('Report', { exact: true }).click();

    // Auto-layout moves the elements and keeps every boundary crossing; undo puts them back.
    const crossings = async () => (await page.getByRole('table', { name: /^Interactions of/ }).innerText()).trim();
    const firewallBefore = await crossings();
    const node = page.locator('.react-flow__node', { hasText: 'Firewall service' });
    const before = await node.getAttribute('style');
    await page.getByRole('button', { name: 'Auto-layout' }).click();
    await expect.poll(() => node.getAttribute('style')).not.toBe(before);
    await node.click();
    expect(await crossings()).toBe(firewallBefore);
    await page.waitForTimeout(400);
    await page.screenshot({ path: join(SCREENSHOTS, 'infrastructure-auto-layout.png') });
    await page.getByRole('button', { name: 'Undo' }).click();
    await expect.poll(() => node.getAttribute('style')).toBe(before);

    // A box boundary moves when dragged by its name; its inside lets the drag through to the canvas.
    const media = page.locator('.react-flow__node', { hasText: 'Offline media' }).first();
    const place = async () => /translate\([^)]*\)/.exec((await media.getAttribute('style')) ?? '')?.[0];
    const mediaBefore = await place();
    const label = await media.locator('.bw-boundary-label').boundingBox();
    if (!label) throw new Error('no boundary label');
    await page.mouse.move(label.x + 10, label.y + 6);
    await page.mouse.down();
    await page.mouse.move(label.x + 60, label.y + 40, { steps: 6 });
    await page.mouse.up();
    await expect.poll(place).not.toBe(mediaBefore);
    await page.getByRole('button', { name: 'Undo' }).click();
    await expect.poll(place).toBe(mediaBefore);
    expect(errors).toEqual([]);
  }, 60_000);
});
