import { join } from 'node:path';
import { expect, it } from 'vitest';
import { journeys, SCREENSHOTS } from './browser.js';
import { saved, shownVersion } from './editorPage.js';
import { shopModel, uploadModel } from './models.js';

journeys('journey: history and the diff between versions', (env) => {
  it('edits make versions; the history lists them and draws the diff on the diagram in colour', async () => {
    const { page, server, errors } = env();
    const id = await uploadModel(server.url, shopModel('History journey'));
    await page.goto(`${server.url}#/models/${id}`);
    await page.locator('.react-flow__node', { hasText: 'Web server' }).waitFor();
    // Opening brings the threats up to date: a second version.
    await saved(page);
    const opened = await shownVersion(page);

    // Rename the web server.
    await page.locator('.react-flow__node', { hasText: 'Web server' }).click();
    await page.getByLabel('Name', { exact: true }).fill('Web shop');
    await page.getByLabel('Name', { exact: true }).press('Enter');
    await saved(page);
    await expect.poll(() => shownVersion(page)).toBe(opened + 1);
    const renamed = opened + 1;
    // Add a shape (at the centre, on the web shop: moved below it).
    await page.getByRole('button', { name: 'Add SQL server', exact: true }).click();
    await saved(page);
    const added = page.locator('.react-flow__node', { hasText: 'SQL server' });
    const at = await added.boundingBox();
    if (!at) throw new Error('no SQL server on the diagram');
    await page.mouse.move(at.x + at.width / 2, at.y + at.height / 2);
    await page.mouse.down();
    await page.mouse.move(at.x + at.width / 2, at.y + at.height / 2 + 190, { steps: 8 });
    await page.mouse.up();
    await saved(page);
    await expect.poll(() => shownVersion(page)).toBe(renamed + 2);
    // Delete the database (its flow goes with it).
    await page.locator('.react-flow__node', { hasText: 'Orders database' }).click();
    await page.getByRole('button', { name: 'Delete', exact: true }).click();
    await saved(page);
    await expect.poll(() => shownVersion(page)).toBe(renamed + 3);

    // The history lists every version with its author, time and message.
    await page.getByRole('button', { name: 'History', exact: true }).click();
    const history = page.getByRole('region', { name: 'History' });
    const versions = history.getByRole('list', { name: 'Saved versions' }).locator(':scope > li');
    await expect.poll(() => versions.count()).toBe(renamed + 3);
    expect(await versions.first().innerText()).toMatch(new RegExp(`Version ${renamed + 3} · local · .+\\sSaved`));

    // From the version before the rename to now: renamed (amber), added (green), deleted (red ghosts).
    await history.getByRole('button', { name: `Compare version ${opened} with now` }).click();
    const canvas = page.getByRole('region', { name: 'Differences on the diagram' });
    await canvas.locator('.react-flow__node').first().waitFor();
    const marked = (mark: string) => canvas.locator(`.react-flow__node.bw-diff-${mark}`);
    await expect.poll(() => marked('added').count()).toBe(1);
    expect(await marked('added').innerText()).toContain('SQL server');
    expect(await marked('removed').innerText()).toContain('Orders database');
    expect(await marked('changed').innerText()).toContain('Web shop');
    expect(await canvas.locator('.react-flow__edge.bw-diff-removed').count()).toBe(1);
    expect(await canvas.getByRole('list', { name: 'Legend' }).innerText()).toMatch(/Added\s+Changed\s+Removed/);
    const lists = history.getByRole('region', { name: 'Differences' });
    const text = await lists.innerText();
    expect(text).toContain(`From version ${opened} to now (on screen)`);
    expect(text).toMatch(/Added \(1\)\s+SQL server/);
    expect(text).toContain('name: “Web server” → “Web shop”');
    // The threats on the deleted database went with it; the new server brought its own.
    expect(text).toMatch(/Threats\s+New \(\d+\)/);
    expect(text).toMatch(/Removed \(\d+\)[\s\S]*Orders database/);
    await page.screenshot({ path: join(SCREENSHOTS, 'history-diff.png') });

    // Any two versions: only the rename lies between these two.
    await history.getByLabel('Compare to').selectOption(String(renamed));
    await expect.poll(() => lists.innerText()).toContain(`From version ${opened} to version ${renamed}`);
    await expect.poll(() => marked('changed').count()).toBe(1);
    expect(await marked('added').count()).toBe(0);
    expect(await marked('removed').count()).toBe(0);

    // Picking an element in the lists shows it on the diagram.
    await lists.getByRole('button', { name: 'Web shop', exact: true }).click();
    // A threat's title does the same for its interaction or element.
    await lists.getByRole('button', { name: /^Known vulnerabilities in Web shop/ }).click();
    await page.screenshot({ path: join(SCREENSHOTS, 'history-two-versions.png') });

    // Back to editing: the diff goes, the editor's own canvas is back.
    await canvas.getByRole('button', { name: 'Back to editing' }).click();
    expect(await canvas.count()).toBe(0);
    await page.getByRole('button', { name: 'History', exact: true }).click();
    expect(await history.count()).toBe(0);
    expect(await page.locator('.react-flow__node', { hasText: 'SQL server' }).count()).toBe(1);
    expect(errors).toEqual([]);
  });
});
