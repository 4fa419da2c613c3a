import { join } from 'node:path';
import { expect, it } from 'vitest';
import { journeys, SCREENSHOTS } from './browser.js';
import { saved, shownVersion } from './editorPage.js';
import { shopModel, uploadModel } from './models.js';

journeys('journey: history a person can read', (env) => {
  it('autosaves make no versions; Save version does, the diff between versions is drawn in colour, and a version restores', async () => {
    const { page, server, errors } = env();
    const id = await uploadModel(server.url, shopModel('History journey'));
    await page.goto(`${server.url}#/models/${id}`);
    await page.locator('.react-flow__node', { hasText: 'Web server' }).waitFor();
    await saved(page);
    const opened = await shownVersion(page);

    // A few edits, each autosaved into the working copy: the revision moves on.
    await page.locator('.react-flow__node', { hasText: 'Web server' }).click();
    await page.getByLabel('Name', { exact: true }).fill('Web shop');
    await page.getByLabel('Name', { exact: true }).press('Enter');
    await saved(page);
    await expect.poll(() => shownVersion(page)).toBeGreaterThan(opened);
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
    // Delete the database (its flow goes with it).
    await page.locator('.react-flow__node', { hasText: 'Orders database' }).click();
    await page.getByRole('button', { name: 'Delete', exact: true }).click();
    await saved(page);
    const edited = await shownVersion(page);
    expect(edited).toBeGreaterThanOrEqual(opened + 4);

    // The history: still only the imported version, and the working copy changed since it.
    await page.getByRole('button', { name: 'History', exact: true }).click();
    const history = page.getByRole('region', { name: 'History' });
    const versions = history.getByRole('list', { name: 'Versions' }).locator(':scope > li');
    await expect.poll(() => versions.count()).toBe(1);
    expect(await versions.first().innerText()).toMatch(/Created|Imported/);
    const workingCopy = history.getByRole('region', { name: 'Working copy' });
    await expect.poll(() => workingCopy.innerText()).toContain('Working copy — changed since version 1');

    // Save version with a message (Enter saves): listed with who, when and the message.
    await workingCopy.getByRole('button', { name: 'Save version…' }).click();
    const message = workingCopy.getByRole('textbox', { name: 'Version message' });
    await message.fill('Web shop with its SQL server, no orders database');
    await message.press('Enter');
    await workingCopy.getByText(`Saved as version ${edited}.`).waitFor();
    await expect.poll(() => versions.count()).toBe(2);
    const newest = await versions.first().innerText();
    expect(newest).toContain('Web shop with its SQL server, no orders database');
    expect(newest).toMatch(new RegExp(`Version ${edited} · local · just now\\s+saved`));
    await expect.poll(() => workingCopy.innerText()).toContain('the same as version');
    // The revision did not move: the editor saves on as before.
    expect(await shownVersion(page)).toBe(edited);
    await page.screenshot({ path: join(SCREENSHOTS, 'history-versions.png') });

    // Version 1 against the saved version: renamed (amber), added (green), deleted (red ghosts).
    await history.getByRole('button', { name: `Changes from version 1 to version ${edited}` }).click();
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
    expect(text).toContain(`From version 1 to version ${edited}`);
    expect(text).toMatch(/Added \(1\)\s+SQL server/);
    expect(text).toContain('name: “Web server” → “Web shop”');
    expect(text).toMatch(/Threats\s+New \(\d+\)/);
    expect(text).toMatch(/Removed \(\d+\)[\s\S]*Orders database/);
    // Picking an element in the lists shows it on the diagram.
    await lists.getByRole('button', { name: 'Web shop', exact: true }).click();
    await page.screenshot({ path: join(SCREENSHOTS, 'history-diff.png') });

    // The same version against the working copy: nothing between them.
    await history.getByLabel('Compare to').selectOption('current');
    await expect.poll(() => lists.innerText()).toContain(`From version 1 to the working copy`);
    await canvas.getByRole('button', { name: 'Back to editing' }).click();

    // Restore version 1 (asked first): the editor starts again on it, kept as a new version.
    await history.getByRole('button', { name: 'Restore version 1…' }).click();
    const confirm = history.getByRole('group', { name: 'Restore version 1?' });
    expect(await confirm.innerText()).toContain('nothing is lost');
    await confirm.getByRole('button', { name: 'Cancel' }).click();
    expect(await confirm.count()).toBe(0);
    await history.getByRole('button', { name: 'Restore version 1…' }).click();
    await confirm.getByRole('button', { name: 'Restore version 1' }).click();
    await page.locator('.react-flow__node', { hasText: 'Orders database' }).waitFor();
    await page.locator('.react-flow__node', { hasText: 'Web server' }).waitFor();
    expect(await page.locator('.react-flow__node', { hasText: 'SQL server' }).count()).toBe(0);
    await saved(page);
    expect(await shownVersion(page)).toBe(edited + 1);
    await page.getByRole('button', { name: 'History', exact: true }).click();
    await expect.poll(() => versions.count()).toBe(3);
    expect(await versions.first().innerText()).toMatch(
      new RegExp(`Restored version 1\\s+Version ${edited + 1} · local · just now\\s+restored`),
    );
    await page.screenshot({ path: join(SCREENSHOTS, 'history-restored.png') });
    expect(errors).toEqual([]);
  });
});
