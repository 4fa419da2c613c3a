import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { journeys, SCREENSHOTS } from './browser.js';

function panel(page: Page) {
  const threats = page.getByRole('region', { name: 'Threats' });
  return {
    threats,
    grid: threats.getByRole('grid', { name: 'Threats list' }),
    current: threats.locator('tr.bw-threat-row[aria-selected="true"]'),
    separator: page.getByRole('separator', { name: 'Resize the threats panel' }),
  };
}

async function height(page: Page): Promise<number> {
  return (await panel(page).threats.boundingBox())?.height ?? 0;
}

/** Wait until the editor shows every edit saved. */
async function saved(page: Page): Promise<void> {
  await expect.poll(() => page.getByRole('status').innerText(), { timeout: 10_000 }).toBe('Saved');
}

async function openInfrastructure(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await page.getByRole('link', { name: 'Infrastructure', exact: true }).click();
  await page.locator('.react-flow__node').first().waitFor();
  await panel(page).threats.locator('tr.bw-threat-row').first().waitFor();
}

journeys('journey: the analysis view, to triage in', (env) => {
  it('resizes the split (remembered), goes full height and triages three threats from the keyboard', async () => {
    const { page, server, errors } = env();
    await page.setViewportSize({ width: 1400, height: 900 });
    await openInfrastructure(page, server.url);
    const { threats, grid, current, separator } = panel(page);

    // Drag the separator up with the mouse: the threats grow by as much, and keep it on reload.
    const before = await height(page);
    const box = await separator.boundingBox();
    if (!box) throw new Error('no separator');
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width / 2, box.y - 80, { steps: 4 });
    await page.mouse.move(box.x + box.width / 2, box.y - 160, { steps: 4 });
    await page.mouse.up();
    const dragged = await height(page);
    await saved(page);
    expect(dragged).toBeGreaterThan(before + 140);
    expect(dragged).toBeLessThan(before + 180);
    await page.screenshot({ path: join(SCREENSHOTS, 'analysis-split-dragged.png') });
    await page.reload();
    await page.locator('.react-flow__node').first().waitFor();
    await threats.locator('tr.bw-threat-row').first().waitFor();
    expect(Math.abs((await height(page)) - dragged)).toBeLessThanOrEqual(2);
    await saved(page);

    // The separator also moves with the keyboard.
    await separator.focus();
    await page.keyboard.press('ArrowDown');
    expect(Math.abs((await height(page)) - (dragged - 24))).toBeLessThanOrEqual(2);
    expect(await separator.getAttribute('aria-orientation')).toBe('horizontal');

    // Full height: the threats take the editor area, the diagram is hidden; the hint is shown.
    await threats.getByRole('button', { name: 'Full-height analysis' }).click();
    await expect.poll(() => page.getByTestId('canvas').isVisible()).toBe(false);
    expect(await height(page)).toBeGreaterThan(600);
    await expect.poll(() => threats.getByText(/1–4: status/).isVisible()).toBe(true);

    // Triage three threats with the keyboard only: next, status, priority.
    await grid.focus();
    const triaged: { title: string; status: string; priority: string }[] = [];
    for (const [statusKey, status, priorityKey, priority] of [
      ['2', 'needs-investigation', 'l', 'Low'],
      ['4', 'mitigated', 'm', 'Medium'],
      ['3', 'not-applicable', 'h', 'High'],
    ] as const) {
      await page.keyboard.press('j');
      await page.keyboard.press(statusKey);
      await page.keyboard.press(priorityKey);
      await expect.poll(() => current.locator('td:nth-child(3) select').inputValue()).toBe(status);
      await expect.poll(() => current.locator('td:nth-child(2)').innerText()).toBe(priority);
      triaged.push({ title: (await current.getAttribute('aria-label')) ?? '', status, priority });
    }
    expect(new Set(triaged.map((t) => t.title)).size).toBe(3);

    // The details have room: a justification of two lines (Shift+Enter), saved with Enter.
    const details = threats.getByRole('article', { name: `Threat: ${triaged[2]?.title}` });
    await details.getByLabel('Justification').click();
    await page.keyboard.type('Only reachable from the admin network');
    await page.keyboard.press('Shift+Enter');
    await page.keyboard.type('Reviewed with IT operations');
    await page.keyboard.press('Enter');
    await expect
      .poll(() => details.getByLabel('Justification').inputValue())
      .toBe('Only reachable from the admin network\nReviewed with IT operations');
    await page.screenshot({ path: join(SCREENSHOTS, 'analysis-full-height-triaged.png') });
    await saved(page);

    await threats.getByRole('button', { name: 'Back to the diagram' }).click();
    await page.getByTestId('canvas').waitFor();
    expect(await separator.isVisible()).toBe(true);

    // Selecting a shape filters the list to its threats, and its panel lists them with their status.
    const total = await threats.locator('tr.bw-threat-row').count();
    expect(total).toBeGreaterThan(0);
    await page.locator('.react-flow__node', { hasText: 'Firewall service' }).first().click();
    const chip = threats.getByText(/^Filtered to Firewall service/);
    await chip.waitFor();
    const listed = page.getByRole('region', { name: 'Threats of this element' }).getByRole('listitem');
    await listed.first().waitFor();
    const shownText = await threats.getByText(/^\d+ of \d+ shown$/).innerText();
    const [, count, all] = /^(\d+) of (\d+) shown$/.exec(shownText) ?? [];
    expect(Number(count)).toBeLessThan(Number(all));
    expect(await listed.count()).toBe(Number(count));
    for (const where of await threats.locator('tr.bw-threat-row td:nth-child(6)').allInnerTexts())
      expect(where).toContain('Firewall service');
    await page.screenshot({ path: join(SCREENSHOTS, 'analysis-selection-filtered.png') });
    // The add-threat form fits beside the list, about the selected shape.
    await threats.getByRole('button', { name: 'Add a threat' }).click();
    const add = threats.getByRole('button', { name: 'Add', exact: true });
    await add.waitFor();
    expect(await add.isVisible()).toBe(true);
    await threats.getByText('On: Firewall service').waitFor();
    await page.screenshot({ path: join(SCREENSHOTS, 'analysis-add-threat.png') });
    await threats.getByRole('button', { name: 'Add a threat' }).click();
    await chip.getByRole('button', { name: 'show all' }).click();
    await expect.poll(() => threats.getByText(/^\d+ of \d+ shown$/).innerText()).toBe(`${all} of ${all} shown`);

    // Flows in the element filter are named by their ends, each once.
    const labels = await threats.getByLabel('Filter by element').locator('option').allInnerTexts();
    expect(labels.some((l) => / → .+\(.+\)$/.test(l))).toBe(true);
    expect(new Set(labels).size).toBe(labels.length);
    expect(errors).toEqual([]);
  });
});
