import { join } from 'node:path';
import { expect, it } from 'vitest';
import { journeys, SCREENSHOTS } from './browser.js';

journeys('journey: the analysis view of the seeded infrastructure model', (env) => {
  it('filters, groups, highlights a threat on the diagram, bulk-triages and adds a threat by hand', async () => {
    const { page, server, errors } = env();
    await page.goto(server.url);
    await page.getByRole('link', { name: 'Infrastructure', exact: true }).click();
    await page.locator('.react-flow__node').first().waitFor();
    const threats = page.getByRole('region', { name: 'Threats' });
    const rows = threats.locator('tbody tr:not(.bw-group)');
    await expect.poll(() => rows.count()).toBeGreaterThan(10);
    const total = await rows.count();

    // Free text and element filters narrow the table; clearing them brings every row back.
    await threats.getByLabel('Filter by element').selectOption({ label: 'Firewall service' });
    const firewall = await rows.count();
    expect(firewall).toBeGreaterThan(0);
    expect(firewall).toBeLessThan(total);
    for (const text of await rows.locator('td:nth-child(6)').allInnerTexts()) expect(text).toContain('Firewall');
    await threats.getByLabel('Filter by element').selectOption('');
    await threats.getByLabel('Filter by priority').selectOption('High');
    for (const text of await rows.locator('td:nth-child(2)').allInnerTexts()) expect(text).toBe('High');
    await threats.getByLabel('Filter by priority').selectOption('');
    expect(await rows.count()).toBe(total);

    // Grouping by category puts a heading row over each category.
    await threats.getByLabel('Group by').selectOption('category');
    expect(await threats.locator('tr.bw-group').count()).toBeGreaterThan(1);
    await threats.getByLabel('Group by').selectOption('none');

    // Selecting a threat on an interaction shows its details and highlights its two elements and the flow.
    const first = rows.filter({ hasText: '→' }).first();
    const title = (await first.locator('td:nth-child(5) button').innerText()).trim();
    await first.locator('td:nth-child(5) button').click();
    await threats.getByRole('article', { name: `Threat: ${title}` }).waitFor();
    expect(await page.locator('.react-flow__node.bw-highlight').count()).toBe(2);
    expect(await page.locator('.react-flow__edge.bw-highlight').count()).toBe(1);
    await page.screenshot({ path: join(SCREENSHOTS, 'threat-highlight.png') });
    await threats.getByRole('article').getByLabel('Mitigations').fill('Quarterly rule review');
    await threats.getByRole('article').getByLabel('Mitigations').press('Enter');
    await expect.poll(() => page.getByRole('status').innerText(), { timeout: 10_000 }).toBe('Saved');

    // Bulk: check three not-started threats and set them to Needs investigation.
    await threats.getByLabel('Filter by status').selectOption('not-started');
    const before = await rows.count();
    for (let i = 0; i < 3; i++) await rows.nth(i).getByRole('checkbox').check();
    await threats.getByLabel('Set status of checked threats').selectOption('needs-investigation');
    await expect.poll(() => rows.count()).toBe(before - 3);
    await threats.getByLabel('Filter by status').selectOption('needs-investigation');
    expect(await rows.count()).toBeGreaterThanOrEqual(3);
    await threats.getByLabel('Filter by status').selectOption('');

    // A threat added by hand on the selected element.
    await page.locator('.react-flow__node', { hasText: 'Firewall service' }).first().click();
    await threats.getByRole('button', { name: 'Add a threat' }).click();
    const form = threats.getByRole('form', { name: 'Add a threat' });
    await form.getByLabel('Title').fill('Rule base drifts from the documented design');
    await form.getByRole('button', { name: 'Add' }).click();
    await expect.poll(() => rows.count()).toBe(total + 1);
    await expect.poll(() => page.getByRole('status').innerText(), { timeout: 10_000 }).toBe('Saved');

    // All of it is stored.
    await page.reload();
    await page.locator('.react-flow__node').first().waitFor();
    await threats.getByLabel('Search threats').fill('Rule base drifts');
    expect(await rows.count()).toBe(1);
    expect(await rows.first().locator('td:nth-child(6)').innerText()).toContain('Firewall');
    await threats.getByLabel('Search threats').fill('');
    await threats.getByLabel('Filter by status').selectOption('needs-investigation');
    expect(await rows.count()).toBeGreaterThanOrEqual(3);
    await page.screenshot({ path: join(SCREENSHOTS, 'threats-filtered.png') });
    expect(errors).toEqual([]);
  }, 90_000);
});
