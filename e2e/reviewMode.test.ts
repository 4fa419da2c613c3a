import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { journeys, SCREENSHOTS } from './browser.js';
import { saved } from './editorPage.js';
import { box, shopModel, uploadModel } from './models.js';

/** "12 of 56 interactions reviewed" as numbers. */
async function progress(page: Page): Promise<{ done: number; total: number }> {
  const text = await page.locator('.bw-review-count').innerText();
  const [, a, b] = /^(\d+) of (\d+) interactions reviewed$/.exec(text.trim()) ?? [];
  return { done: Number(a), total: Number(b) };
}

/** The interaction on screen: "Interaction 3 of 56". */
async function position(page: Page): Promise<number> {
  const text = await page.getByRole('navigation', { name: 'Interactions' }).innerText();
  return Number(/Interaction (\d+) of/.exec(text)?.[1]);
}

journeys('journey: review mode on the seeded infrastructure model', (env) => {
  it('walks every interaction with the keyboard, triages in place, and keeps the progress', async () => {
    const { page, server, errors } = env();
    await page.goto(server.url);
    await page.getByRole('link', { name: 'Infrastructure', exact: true }).click();
    await page.locator('.react-flow__node').first().waitFor();
    await saved(page);

    await page.getByRole('button', { name: 'Review mode' }).click();
    const review = page.getByRole('region', { name: 'Review mode' });
    await review.waitFor();
    const { done, total } = await progress(page);
    expect(done).toBe(0);
    // 28 flows, each both ways.
    expect(total).toBe(56);
    expect(await position(page)).toBe(1);
    const current = review.getByRole('article', { name: 'Current interaction' });
    const first = await current.locator('h3').innerText();
    // Its two shapes and its flow are highlighted on the diagram.
    await expect.poll(() => page.locator('.react-flow__node.bw-highlight').count()).toBe(2);
    expect(await page.locator('.react-flow__edge.bw-highlight').count()).toBe(1);

    // Next and back: arrows, and J / K.
    await page.keyboard.press('ArrowRight');
    expect(await position(page)).toBe(2);
    expect(await current.locator('h3').innerText()).not.toBe(first);
    await page.keyboard.press('j');
    expect(await position(page)).toBe(3);
    await page.keyboard.press('k');
    await page.keyboard.press('ArrowLeft');
    expect(await position(page)).toBe(1);

    // Triage a threat of this interaction in place: status from its row, justification in its details.
    const threats = review.locator('.bw-review-threats > li');
    expect(await threats.count()).toBeGreaterThan(0);
    const threat = threats.first();
    const title = await threat.getByRole('button').first().innerText();
    await threat.getByRole('combobox', { name: `Status of ${title}` }).selectOption('mitigated');
    await threat.getByRole('button', { name: title }).click();
    const details = threat.getByRole('article', { name: `Threat: ${title}` });
    await details.getByLabel('Justification').fill('Sign-in needs the managed device and MFA');
    await details.getByLabel('Justification').press('Enter');
    await page.screenshot({ path: join(SCREENSHOTS, 'review-mode.png') });
    // Out of the field, the keys are review mode's again.
    await review.getByRole('heading', { name: 'Review mode' }).click();

    // R marks reviewed and goes on; Space does the same.
    await page.keyboard.press('r');
    expect(await progress(page)).toEqual({ done: 1, total });
    expect(await position(page)).toBe(2);
    await page.keyboard.press(' ');
    expect(await progress(page)).toEqual({ done: 2, total });
    // Undo takes the last mark back; redo puts it again.
    await page.keyboard.press('Control+z');
    expect((await progress(page)).done).toBe(1);
    await page.keyboard.press('Control+y');
    expect((await progress(page)).done).toBe(2);
    for (let i = 2; i < total; i++) await page.keyboard.press('r');
    expect(await progress(page)).toEqual({ done: total, total });
    expect(await review.innerText()).toContain(`All ${total} interactions reviewed`);
    expect(await review.getByRole('progressbar').getAttribute('value')).toBe(String(total));
    await saved(page);
    await page.screenshot({ path: join(SCREENSHOTS, 'review-mode-done.png') });

    // Escape leaves; the highlight goes with it.
    await page.keyboard.press('Escape');
    expect(await review.count()).toBe(0);
    expect(await page.locator('.react-flow__node.bw-highlight').count()).toBe(0);

    // The progress and the triage are in the saved model.
    await page.reload();
    await page.locator('.react-flow__node').first().waitFor();
    await page.getByRole('button', { name: 'Review mode' }).click();
    await review.waitFor();
    expect(await progress(page)).toEqual({ done: total, total });
    expect(await current.innerText()).toMatch(/Reviewed by .+ on /);
    const kept = review.getByRole('combobox', { name: `Status of ${title}` });
    expect(await kept.inputValue()).toBe('mitigated');
    expect(errors).toEqual([]);
  });

  it('takes the diagrams in turn: an interaction on a detail diagram opens that diagram', async () => {
    const { page, server, errors } = env();
    // The shop, and a detail diagram of its web server.
    const shop = shopModel('Two diagrams');
    const model = {
      ...shop,
      diagrams: [
        ...shop.diagrams,
        {
          id: 'detail',
          name: 'Web server inside',
          elements: [
            { kind: 'process', id: 'api', typeId: 'GE.P', name: 'Order API', position: box(40, 100) },
            { kind: 'dataStore', id: 'table', typeId: 'GE.DS', name: 'Orders table', position: box(400, 100) },
            { kind: 'dataFlow', id: 'f2', typeId: 'GE.DF', name: 'Writes', source: 'api', target: 'table' },
          ],
        },
      ],
    };
    const id = await uploadModel(server.url, model);
    await page.goto(`${server.url}#/models/${id}`);
    await page.locator('.react-flow__node', { hasText: 'Customer' }).waitFor();
    await page.getByRole('button', { name: 'Review mode' }).click();
    const tabs = page.getByRole('navigation', { name: 'Diagrams' });
    expect(await progress(page)).toEqual({ done: 0, total: 3 });
    expect(await tabs.getByRole('button', { name: 'Context' }).getAttribute('aria-pressed')).toBe('true');
    await page.keyboard.press('r');
    await page.keyboard.press('r');
    await expect
      .poll(() => tabs.getByRole('button', { name: 'Web server inside' }).getAttribute('aria-pressed'))
      .toBe('true');
    await expect
      .poll(() => page.locator('.react-flow__node.bw-highlight').allInnerTexts())
      .toEqual(['Order API', 'Orders table']);
    await page.keyboard.press('r');
    expect(await progress(page)).toEqual({ done: 3, total: 3 });
    await page.screenshot({ path: join(SCREENSHOTS, 'review-mode-detail-diagram.png') });
    expect(errors).toEqual([]);
  });
});
