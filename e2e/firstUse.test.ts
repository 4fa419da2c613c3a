import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { journeys, SCREENSHOTS } from './browser.js';

/** What the focused element is: its tag, id, class and text, and its computed outline. */
interface Focused {
  tag: string;
  id: string;
  className: string;
  text: string;
  outlineStyle: string;
  outlineWidth: number;
  outlineColor: string;
}
function focused(page: Page): Promise<Focused> {
  // A string, run in the page (this file is type-checked without the DOM's types).
  return page.evaluate<Focused>(`(() => {
    const el = document.activeElement;
    const style = el ? getComputedStyle(el) : undefined;
    return {
      tag: el?.tagName ?? '',
      id: el?.id ?? '',
      className: typeof el?.className === 'string' ? el.className : '',
      text: el?.textContent ?? '',
      outlineStyle: style?.outlineStyle ?? '',
      outlineWidth: Number.parseFloat(style?.outlineWidth ?? '0'),
      outlineColor: style?.outlineColor ?? '',
    };
  })()`);
}

journeys('journey: first use of the editor', (env) => {
  it('an empty diagram says how to begin, and the hint goes when a shape is added', async () => {
    const { page, server, errors } = env();
    await page.goto(server.url);
    await page.getByPlaceholder('Name', { exact: true }).fill('First use');
    await page.getByLabel('Template').selectOption({ label: 'Infrastructure' });
    await page.getByRole('button', { name: 'Create' }).click();
    const hint = page.getByRole('region', { name: 'Empty diagram' });
    await hint.waitFor();
    const text = await hint.innerText();
    expect(text).toContain('drag a stencil from the palette');
    expect(text).toContain('dots on a shape’s edges');
    expect(text).toContain('trust boundary');
    // Not the tour: this is not the example model.
    expect(await page.locator('.bw-tour, .bw-tour-offer').count()).toBe(0);
    await page.screenshot({ path: join(SCREENSHOTS, 'first-use-empty-hint.png') });
    // The side panel's Keyboard section is the diagram's part of the same table.
    const keys = page.getByRole('heading', { name: 'Keyboard', exact: true });
    await keys.scrollIntoViewIfNeeded();
    expect(await page.locator('.bw-panel .bw-keys').innerText()).toContain('Space+drag');
    await page.evaluate("document.querySelector('.bw-panel').scrollTop = 1e6");
    const panelBox = await page.locator('.bw-panel').boundingBox();
    if (panelBox) await page.screenshot({ path: join(SCREENSHOTS, 'first-use-panel-keys.png'), clip: panelBox });

    // The hint lets clicks through to the canvas, and goes once something is on it.
    await page.getByRole('button', { name: 'Add User', exact: true }).click();
    await expect.poll(() => page.locator('.react-flow__node').count()).toBe(1);
    expect(await hint.count()).toBe(0);
    // Undo takes the shape away and the hint comes back.
    await page.getByRole('button', { name: 'Undo' }).click();
    await hint.waitFor();
    await page.getByRole('button', { name: 'Redo' }).click();
    await expect.poll(() => hint.count()).toBe(0);
    expect(errors).toEqual([]);
  }, 60_000);

  it('"?" opens the shortcuts sheet, Escape closes it and focus goes back', async () => {
    const { page, errors } = env();
    const sheet = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
    expect(await sheet.isVisible()).toBe(false);
    await page.locator('.react-flow__pane').click();
    await page.keyboard.press('Shift+?');
    await sheet.waitFor();
    // Focus is in the sheet, and it lists the editor's keys.
    expect(await page.evaluate<boolean>("document.activeElement?.closest('dialog') !== null")).toBe(true);
    const text = await sheet.innerText();
    for (const line of ['Ctrl+Z', 'Ctrl+Shift+Z', 'Delete', 'Shift+drag', 'Space+drag', 'h', 'Page Up'])
      expect(text).toContain(line);
    expect(text).toContain('status: not started, needs investigation, not applicable, mitigated');
    await page.screenshot({ path: join(SCREENSHOTS, 'first-use-shortcuts.png') });
    await page.keyboard.press('Escape');
    await expect.poll(() => sheet.isVisible()).toBe(false);

    // The header's button opens it too; closing gives focus back to the button.
    const button = page.getByRole('button', { name: 'Shortcuts (?)' });
    await button.click();
    await sheet.waitFor();
    await sheet.getByRole('button', { name: 'Close' }).click();
    await expect.poll(() => sheet.isVisible()).toBe(false);
    expect((await focused(page)).text).toBe('Shortcuts (?)');

    // "?" typed into a field is only a character.
    await page.getByRole('button', { name: 'Add User', exact: true }).click();
    const name = page.getByLabel('Name', { exact: true });
    await name.click();
    await page.keyboard.press('Shift+?');
    expect(await sheet.isVisible()).toBe(false);
    await page.keyboard.press('Escape');
    expect(errors).toEqual([]);
  }, 60_000);

  it('Tab from the top reaches the skip link first; it jumps to the canvas, and Tab on shows a ring round a shape', async () => {
    const { page, errors } = env();
    await page.reload();
    await page.locator('.react-flow__node').first().waitFor();
    await page.keyboard.press('Tab');
    const skip = await focused(page);
    expect(skip.text).toBe('Skip to diagram');
    const box = await page.getByRole('link', { name: 'Skip to diagram' }).boundingBox();
    expect(box?.y).toBeGreaterThanOrEqual(0);
    await page.screenshot({ path: join(SCREENSHOTS, 'first-use-skip-link.png') });
    await page.keyboard.press('Enter');
    expect((await focused(page)).id).toBe('bw-diagram');
    // From the canvas, Tab goes to the first shape, which shows a ring of 3 px.
    for (let i = 0; i < 5 && !(await focused(page)).className.includes('react-flow__node'); i++)
      await page.keyboard.press('Tab');
    const shape = await focused(page);
    expect(shape.className).toContain('react-flow__node');
    expect(shape.outlineStyle).toBe('solid');
    expect(shape.outlineWidth).toBeGreaterThanOrEqual(2);
    expect(shape.outlineColor).toBe('rgb(11, 87, 208)');
    await page.screenshot({ path: join(SCREENSHOTS, 'first-use-focus-ring.png') });
    expect(errors).toEqual([]);
  }, 60_000);

  it('offers a tour of the example model, walked to the end with the mouse; it stops when asked', async () => {
    const { page, server, errors } = env();
    const open = async () => {
      await page.goto(server.url);
      await page.getByRole('link', { name: 'Infrastructure', exact: true }).click();
      await page.locator('.react-flow__node').first().waitFor();
    };
    await open();
    // Offered in the header (not over the diagram), it leaves focus where it was.
    const offer = page.getByRole('group', { name: 'Tour of the example model' });
    await offer.waitFor();
    expect(await page.locator('.bw-header .bw-tour-offer').count()).toBe(1);
    expect((await focused(page)).tag).toBe('BODY');
    await page.screenshot({ path: join(SCREENSHOTS, 'first-use-tour-offer.png') });
    await offer.getByRole('button', { name: 'Take the tour' }).click();
    expect(await offer.count()).toBe(0);
    const card = page.locator('.bw-tour');
    await card.waitFor();
    // Started, the card has focus (its heading).
    expect((await focused(page)).tag).toBe('H2');
    const lit = () =>
      page.evaluate<string[]>("[...document.querySelectorAll('.bw-tour-target')].map((e) => e.className)");
    const steps = [
      ['Draw the system', 'bw-palette'],
      ['Analyse', 'bw-threats-panel'],
      ['Triage', 'bw-threat-grid'],
      ['Report', 'bw-report-menu'],
      ['Review', 'bw-panel-tabs'],
    ] as const;
    for (const [i, [title, target]] of steps.entries()) {
      const heading = card.getByRole('heading');
      expect(await heading.innerText()).toBe(`Step ${i + 1} of 5: ${title}`);
      expect((await lit()).join(' ')).toContain(target);
      await page.screenshot({ path: join(SCREENSHOTS, `first-use-tour-${i + 1}.png`) });
      if (i === 1) {
        // Back goes back, Next forward again.
        await card.getByRole('button', { name: 'Back' }).click();
        expect(await heading.innerText()).toBe('Step 1 of 5: Draw the system');
        await card.getByRole('button', { name: 'Next' }).click();
      }
      if (i < steps.length - 1) await card.getByRole('button', { name: 'Next' }).click();
    }
    // The review step outlines the Review mode button too.
    expect(await page.locator('[data-tour="review"].bw-tour-target').count()).toBe(1);
    await card.getByRole('button', { name: 'Done' }).click();
    expect(await card.count()).toBe(0);
    expect(await lit()).toEqual([]);
    // Finished, it is not offered again; the header's Tour button still runs it, and Escape puts it away.
    await page.reload();
    await page.locator('.react-flow__node').first().waitFor();
    await page.locator('.bw-threat-row').first().waitFor();
    expect(await page.locator('.bw-tour, .bw-tour-offer').count()).toBe(0);
    await page.getByRole('button', { name: 'Tour', exact: true }).click();
    await card.waitFor();
    expect(await card.getByRole('heading').innerText()).toBe('Step 1 of 5: Draw the system');
    await page.keyboard.press('Escape');
    expect(await card.count()).toBe(0);

    // In review mode, Escape closes the shortcuts sheet and leaves review mode as it was.
    await page.getByRole('button', { name: 'Review mode' }).click();
    const review = page.getByRole('region', { name: 'Review mode' });
    await review.waitFor();
    const sheet = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
    await page.keyboard.press('Shift+?');
    await sheet.waitFor();
    await page.keyboard.press('Escape');
    await expect.poll(() => sheet.isVisible()).toBe(false);
    expect(await review.isVisible()).toBe(true);
    await review.getByRole('button', { name: 'Leave review mode' }).click();

    // In a browser that has not seen it: "Not now" keeps the offer, "Don't show again" stops it.
    await page.evaluate("localStorage.removeItem('bulwark.tour')");
    await page.reload();
    await offer.waitFor();
    await offer.getByRole('button', { name: 'Not now' }).click();
    expect(await offer.count()).toBe(0);
    await page.reload();
    await offer.waitFor();
    await offer.getByRole('button', { name: 'Don’t show again' }).click();
    expect(await offer.count()).toBe(0);
    await page.reload();
    await page.locator('.react-flow__node').first().waitFor();
    await page.locator('.bw-threat-row').first().waitFor();
    expect(await offer.count()).toBe(0);
    expect(errors).toEqual([]);
  }, 90_000);
});
