import { join } from 'node:path';
import { expect, it } from 'vitest';
import { journeys, SCREENSHOTS } from './browser.js';

journeys('journey: draw a new model from the infrastructure template, triage a threat, reload', (env) => {
  it('keeps the drawing, the crossing, the generated threats and the triage across a reload', async () => {
    const { page, server, errors } = env();
    await page.goto(server.url);
    await page.getByPlaceholder('Name', { exact: true }).fill('Journey');
    await page.getByLabel('Template').selectOption({ label: 'Infrastructure' });
    await page.getByRole('button', { name: 'Create' }).click();
    const canvas = page.getByTestId('canvas');
    await canvas.waitFor();
    const box = await canvas.boundingBox();
    if (!box) throw new Error('no canvas');
    // Drag stencils onto the canvas: a box boundary with a SaaS application inside it, and a user outside.
    // Chromium's headless drag-and-drop is driven with the same DOM events a user's drag makes.
    const drop = async (name: string, x: number, y: number) => {
      const dataTransfer = await page.evaluateHandle('new DataTransfer()');
      await page.getByRole('button', { name, exact: true }).dispatchEvent('dragstart', { dataTransfer });
      const at = { dataTransfer, clientX: box.x + x, clientY: box.y + y, bubbles: true };
      await page.locator('.react-flow__pane').dispatchEvent('dragover', at);
      await page.locator('.react-flow__pane').dispatchEvent('drop', at);
    };
    await drop('Add Internet service', 300, 250);
    await expect.poll(() => page.locator('.react-flow__node').count()).toBe(1);
    await drop('Add SaaS application', 300, 250);
    // Click-to-add places a stencil at the centre of the canvas; move it out of the boundary by dragging.
    await page.getByRole('button', { name: 'Add User', exact: true }).click();
    await expect.poll(() => page.locator('.react-flow__node').count()).toBe(3);
    const user = await page.locator('.react-flow__node', { hasText: /^User$/ }).boundingBox();
    if (!user) throw new Error('no user node');
    await page.mouse.move(user.x + user.width / 2, user.y + user.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + 700, box.y + 220, { steps: 10 });
    await page.mouse.up();
    await expect.poll(() => page.locator('.react-flow__node').count()).toBe(3);
    await page.locator('.react-flow__node', { hasText: 'User' }).click();
    await page.locator('.react-flow__node', { hasText: 'SaaS application' }).click({ modifiers: ['Shift'] });
    await page.getByRole('button', { name: 'Connect selected' }).click();
    await expect.poll(() => page.locator('.react-flow__edge').count()).toBe(1);
    await expect.poll(() => page.getByTestId('crosses').innerText()).toBe('yes');
    await page.getByLabel('Protocol').selectOption('HTTPS');
    const rows = page.locator('.bw-threats tbody tr');
    await expect.poll(() => rows.count()).toBeGreaterThan(0);
    const first = rows.first();
    const title = await first.locator('td').nth(3).innerText();
    await first.getByRole('combobox').selectOption('mitigated');
    await first.getByRole('textbox').fill('Handled by single sign-on');
    await first.getByRole('textbox').blur();
    await expect.poll(() => page.getByRole('status').innerText(), { timeout: 10_000 }).toBe('Saved');
    await page.screenshot({ path: join(SCREENSHOTS, 'new-model-before-reload.png') });

    await page.reload();
    await page.locator('.react-flow__node').first().waitFor();
    expect(await page.locator('.react-flow__node').count()).toBe(3);
    expect(await page.locator('.react-flow__edge').count()).toBe(1);
    const again = page.locator('.bw-threats tbody tr', { hasText: title }).first();
    expect(await again.getByRole('combobox').inputValue()).toBe('mitigated');
    expect(await again.getByRole('textbox').inputValue()).toBe('Handled by single sign-on');
    await page.locator('.react-flow__edge').first().click({ force: true });
    await page.screenshot({ path: join(SCREENSHOTS, 'new-model-after-reload.png') });
    expect(errors).toEqual([]);
  }, 90_000);
});
