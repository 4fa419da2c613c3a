import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { journeys, ROOT, SCREENSHOTS } from './browser.js';

/** The rule editor under a label (include or exclude). */
const rule = (page: Page, label: string) => page.getByLabel(label, { exact: true });

journeys('journey: build a template, use it in a new model, then re-apply a newer version', (env) => {
  it('builds a template with a custom element type and a threat type, and the threat appears in a model', async () => {
    const { page, server, errors } = env();
    await page.goto(server.url);
    await page.getByRole('link', { name: 'Templates' }).click();
    await expect.poll(() => page.locator('tbody tr').count()).toBeGreaterThanOrEqual(4);
    // Built-in templates offer a copy to edit.
    expect(await page.getByRole('button', { name: 'Copy to edit' }).count()).toBeGreaterThanOrEqual(4);
    await page.screenshot({ path: join(SCREENSHOTS, 'templates-list.png') });

    // Import a .tb7: it opens in the editor; its export downloads as a .tb7 again.
    await page
      .getByLabel('Import a template (.tb7 or Bulwark JSON)')
      .setInputFiles(join(ROOT, 'packages/formats/fixtures/minimal.tb7'));
    await page.waitForURL(/#\/templates\/55555555-0000-4000-8000-000000000001$/);
    await expect.poll(() => page.locator('.bw-tpl-header strong').innerText()).toBe('Bulwark test template');
    const tb7 = await fetch(
      new URL((await page.getByRole('link', { name: 'Export .tb7' }).getAttribute('href')) ?? '', server.url),
    );
    expect(tb7.headers.get('content-disposition')).toMatch(/filename="Bulwark-test-template-2\.0\.0\.tb7"/);
    expect(await tb7.text()).toContain('<Manifest name="Bulwark test template"');
    await page.goto(new URL('/#/templates', server.url).toString());

    await page.getByPlaceholder('Name', { exact: true }).fill('Kiosk template');
    await page.getByRole('button', { name: 'Create from blank' }).click();
    await page.waitForURL(/#\/templates\/kiosk-template$/);

    // A category.
    await page.getByRole('button', { name: /^Categories/ }).click();
    await page.getByRole('button', { name: 'Add category' }).click();
    await page.getByLabel('Category id').fill('T');
    await page.getByLabel('Category name').fill('Tampering');

    // A custom element type: a kiosk terminal, an external entity with a "locked" property.
    await page.getByRole('button', { name: /^Element types/ }).click();
    await page.getByRole('button', { name: '+ Add element type' }).click();
    await page.getByLabel('Id', { exact: true }).fill('kiosk.terminal');
    await page.getByLabel('Name', { exact: true }).fill('Kiosk terminal');
    await page.getByLabel('Parent type').selectOption('GE.EI');
    await page.getByRole('button', { name: 'Add property' }).click();
    await page.getByLabel('Property key').fill('locked');
    await page.getByLabel('Property label').fill('Locked down');
    await page.getByLabel('Allowed values').fill('No, Yes');
    await page.getByLabel('Allowed values').blur();
    await page.screenshot({ path: join(SCREENSHOTS, 'template-element-type.png') });

    // A threat type, tried on the seeded model.
    await page.getByRole('button', { name: /^Threat types/ }).click();
    await page.getByRole('button', { name: '+ Add threat type' }).click();
    await page.getByLabel('Try on model').selectOption({ label: 'Infrastructure' });
    await page.getByLabel('Title', { exact: true }).fill('Tampering with {source.Name} sending to {target.Name}');
    const include = rule(page, 'Include: the threat applies when');
    await include.fill('');
    await include.pressSequentially("source is 'GE.EI' an");
    // The error is shown at its position as it is typed.
    const problem = page.locator('.bw-rule-problem').first();
    await expect.poll(() => problem.innerText()).toMatch(/column 19/);
    await expect.poll(() => page.locator('.bw-rule-error-at').first().innerText()).toBe('a');
    await page.screenshot({ path: join(SCREENSHOTS, 'template-rule-error.png') });
    await include.pressSequentially("d target is 'GE.P'");
    await expect.poll(() => page.locator('.bw-rule-problem').count()).toBe(0);
    await rule(page, 'Exclude: unless').fill("source.locked is 'Yes'");
    const matches = page.getByLabel('Matches in this model').locator('li');
    await expect.poll(() => matches.count()).toBeGreaterThan(0);
    await expect
      .poll(() => page.locator('.bw-tpl-preview-title').innerText())
      .toMatch(/^Tampering with .+ sending to .+$/);
    // Picking a match previews the text on that interaction.
    const last = matches.last();
    const lastTitle = await last.locator('span').innerText();
    await last.getByRole('button').click();
    await expect.poll(() => page.locator('.bw-tpl-preview-title').innerText()).toBe(lastTitle);
    await page.screenshot({ path: join(SCREENSHOTS, 'template-rule-matches.png') });

    // Leaving with unsaved changes asks first; saying no keeps the page and its changes.
    const asked: string[] = [];
    page.once('dialog', (d) => {
      asked.push(d.message());
      void d.dismiss();
    });
    await page.getByRole('link', { name: 'Templates', exact: true }).click();
    await expect.poll(() => asked).toEqual(['This template has unsaved changes. Leave without saving them?']);
    expect(page.url()).toMatch(/#\/templates\/kiosk-template$/);
    expect(await matches.count()).toBeGreaterThan(0);

    await page.getByRole('button', { name: 'Save as a new version' }).click();
    await expect.poll(() => page.locator('.bw-notice').innerText()).toBe('Saved as version 1.0.1.');

    // A new model from the template: the kiosk terminal is a stencil, and a flow to a process
    // brings the threat.
    await page.goto(server.url);
    await page.getByPlaceholder('Name', { exact: true }).fill('Kiosk model');
    await page.getByLabel('Template').selectOption({ label: 'Kiosk template' });
    await page.getByRole('button', { name: 'Create' }).click();
    const canvas = page.getByTestId('canvas');
    await canvas.waitFor();
    const box = await canvas.boundingBox();
    if (!box) throw new Error('no canvas');
    await page.getByRole('button', { name: 'Add Kiosk terminal', exact: true }).click();
    await expect.poll(() => page.locator('.react-flow__node').count()).toBe(1);
    const kiosk = await page.locator('.react-flow__node').first().boundingBox();
    if (!kiosk) throw new Error('no kiosk node');
    await page.mouse.move(kiosk.x + kiosk.width / 2, kiosk.y + kiosk.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + 150, box.y + 150, { steps: 10 });
    await page.mouse.up();
    await page.getByRole('button', { name: 'Add Generic process', exact: true }).click();
    await expect.poll(() => page.locator('.react-flow__node').count()).toBe(2);
    await page.locator('.react-flow__node', { hasText: 'Kiosk terminal' }).click();
    await page.locator('.react-flow__node', { hasText: 'Generic process' }).click({ modifiers: ['Shift'] });
    await page.getByRole('button', { name: 'Connect selected' }).click();
    await expect.poll(() => page.locator('.react-flow__edge').count()).toBe(1);
    const threat = page.locator('.bw-threats tbody tr', { hasText: 'Tampering with Kiosk terminal sending to' });
    await expect.poll(() => threat.count()).toBe(1);
    await expect.poll(() => page.locator('.bw-save').innerText(), { timeout: 10_000 }).toBe('Saved');
    await page.screenshot({ path: join(SCREENSHOTS, 'template-threat-in-model.png') });
    const modelUrl = page.url();

    // A newer template version: a second threat type. The model offers to re-apply it and shows
    // what would change before anything does.
    await page.goto(new URL('/#/templates/kiosk-template', server.url).toString());
    await page.getByRole('button', { name: /^Threat types/ }).click();
    await page.getByRole('button', { name: '+ Add threat type' }).click();
    await page.getByLabel('Title', { exact: true }).fill('Denial of service against {target.Name}');
    await page.getByRole('button', { name: 'Save as a new version' }).click();
    await expect.poll(() => page.locator('.bw-notice').innerText()).toBe('Saved as version 1.0.2.');

    await page.goto(modelUrl);
    const notice = page.getByRole('region', { name: 'Template update' });
    await expect.poll(() => notice.innerText()).toMatch(/Kiosk template has version 1\.0\.2/);
    await notice.getByRole('button', { name: 'Re-apply: preview the changes' }).click();
    const appear = notice.getByLabel('Threats that would appear').locator('li');
    await expect.poll(() => appear.allInnerTexts()).toEqual(['Denial of service against Generic process']);
    expect(await notice.getByLabel('Threats that would disappear').locator('li').count()).toBe(0);
    // Nothing changed yet.
    expect(await page.locator('.bw-threats tbody tr', { hasText: 'Denial of service' }).count()).toBe(0);
    await page.screenshot({ path: join(SCREENSHOTS, 'template-reapply-preview.png') });
    await notice.getByRole('button', { name: 'Apply version 1.0.2' }).click();
    await expect.poll(() => page.locator('.bw-threats tbody tr', { hasText: 'Denial of service' }).count()).toBe(1);
    await expect.poll(() => notice.count()).toBe(0);
    await expect.poll(() => page.locator('.bw-save').innerText(), { timeout: 10_000 }).toBe('Saved');
    const id = decodeURIComponent(modelUrl.split('#/models/')[1] ?? '');
    const response = await fetch(new URL(`/api/models/${encodeURIComponent(id)}`, server.url));
    const stored = (await response.json()) as { model: { template: unknown } };
    expect(stored.model.template).toEqual({ id: 'kiosk-template', version: '1.0.2' });
    await page.screenshot({ path: join(SCREENSHOTS, 'template-reapplied.png') });
    // One undo step takes it back: the threat goes and the notice returns.
    await page.getByRole('button', { name: 'Undo' }).click();
    await expect.poll(() => page.locator('.bw-threats tbody tr', { hasText: 'Denial of service' }).count()).toBe(0);
    await expect.poll(() => notice.count()).toBe(1);
    expect(errors).toEqual([]);
  }, 120_000);
});
