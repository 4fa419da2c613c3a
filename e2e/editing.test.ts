import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { journeys, SCREENSHOTS } from './browser.js';

/** Creates a blank model from the infrastructure template through the API; returns its id. */
async function newModel(url: string, name: string): Promise<string> {
  const response = await fetch(new URL('api/models', url), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name, template: 'infrastructure' }),
  });
  if (response.status !== 201) throw new Error(`create failed: ${response.status} ${await response.text()}`);
  return ((await response.json()) as { id: string }).id;
}

/** The diagrams and threats the server holds for a model: what undo and redo must restore. */
async function stored(url: string, id: string): Promise<{ version: number; content: string }> {
  const body = (await (await fetch(new URL(`api/models/${id}`, url))).json()) as {
    version: number;
    model: { diagrams: unknown; threats?: unknown };
  };
  return { version: body.version, content: JSON.stringify([body.model.diagrams, body.model.threats ?? []]) };
}

async function open(page: Page, url: string, id: string): Promise<void> {
  await page.goto(`${url}#/models/${id}`);
  await page.getByTestId('canvas').waitFor();
}

async function saved(page: Page): Promise<void> {
  await expect.poll(() => page.getByRole('status').innerText(), { timeout: 10_000 }).toBe('Saved');
}

journeys('journeys: undo and redo, two tabs editing one model', (env) => {
  it('undo and redo a sequence of edits return the model to each previous state exactly', async () => {
    const { page, server, errors } = env();
    const id = await newModel(server.url, 'Undo journey');
    await open(page, server.url, id);
    const states = [await stored(server.url, id)];
    const edits: (() => Promise<void>)[] = [
      () => page.getByRole('button', { name: 'Add User', exact: true }).click(),
      () => page.getByRole('button', { name: 'Add SQL server', exact: true }).click(),
      async () => {
        // Move the selected SQL server to the right of the user.
        const node = await page.locator('.react-flow__node', { hasText: 'SQL server' }).boundingBox();
        if (!node) throw new Error('no SQL server node');
        await page.mouse.move(node.x + node.width / 2, node.y + node.height / 2);
        await page.mouse.down();
        await page.mouse.move(node.x + 400, node.y + 50, { steps: 8 });
        await page.mouse.up();
      },
      async () => {
        await page.locator('.react-flow__node', { hasText: /^User$/ }).click();
        await page.locator('.react-flow__node', { hasText: 'SQL server' }).click({ modifiers: ['Shift'] });
        await page.getByRole('button', { name: 'Connect selected' }).click();
      },
      async () => {
        await page.getByLabel('Name', { exact: true }).fill('Reads reports');
        await page.getByLabel('Name', { exact: true }).press('Enter');
      },
    ];
    for (const [i, edit] of edits.entries()) {
      await edit();
      await saved(page);
      const now = await stored(server.url, id);
      expect(now.content, `edit ${i} changed nothing`).not.toBe(states.at(-1)?.content);
      states.push(now);
    }
    expect(await page.locator('.react-flow__edge').count()).toBe(1);
    await page.screenshot({ path: join(SCREENSHOTS, 'undo-before.png') });
    // Undo back to the empty model, one step at a time, by button and by keyboard.
    for (let i = states.length - 2; i >= 0; i--) {
      if (i % 2 === 0) await page.getByRole('button', { name: 'Undo' }).click();
      else {
        await page.getByTestId('canvas').click({ position: { x: 5, y: 5 } });
        await page.keyboard.press('Control+z');
      }
      await saved(page);
      expect((await stored(server.url, id)).content, `after undoing to state ${i}`).toBe(states[i]?.content);
    }
    expect(await page.getByRole('button', { name: 'Undo' }).isDisabled()).toBe(true);
    expect(await page.locator('.react-flow__node').count()).toBe(0);
    // Redo forward to the end.
    for (let i = 1; i < states.length; i++) {
      await page.getByRole('button', { name: 'Redo' }).click();
      await saved(page);
      expect((await stored(server.url, id)).content, `after redoing to state ${i}`).toBe(states[i]?.content);
    }
    expect(await page.getByRole('button', { name: 'Redo' }).isDisabled()).toBe(true);
    await page.screenshot({ path: join(SCREENSHOTS, 'undo-after-redo.png') });
    expect(errors).toEqual([]);
  }, 90_000);

  it('a second tab saving an older version gets the conflict dialog, re-applies its edit, and nothing is lost', async () => {
    const { browser, server } = env();
    const id = await newModel(server.url, 'Two tabs');
    // Two tabs of one browser: they share its local storage.
    const context = await browser.newContext({ viewport: { width: 1600, height: 1000 } });
    const page = await context.newPage();
    const second = await context.newPage();
    await open(page, server.url, id);
    await open(second, server.url, id);

    // The first tab adds a user and saves.
    await page.getByRole('button', { name: 'Add User', exact: true }).click();
    await saved(page);
    // The second tab, still on the first version, adds a SQL server: its save is refused.
    await second.getByRole('button', { name: 'Add SQL server', exact: true }).click();
    const dialog = second.getByRole('alertdialog', { name: 'Conflict' });
    await dialog.waitFor({ timeout: 10_000 });
    expect(await second.getByRole('status').innerText()).toBe('Conflict');
    await second.screenshot({ path: join(SCREENSHOTS, 'conflict-dialog.png') });
    // Nothing was overwritten: the server has the first tab's user and not the SQL server.
    const theirs = (await stored(server.url, id)).content;
    expect(theirs).toContain('"User"');
    expect(theirs).not.toContain('SQL server');
    // The second tab's edit is still on its canvas and kept in the browser.
    expect(await second.locator('.react-flow__node', { hasText: 'SQL server' }).count()).toBe(1);
    // (IndexedDB database "bulwark", store "drafts", keyed by [server mode, user id, model id].)
    const draft = await second.evaluate<string | null>(`new Promise((resolve, reject) => {
      const open = indexedDB.open('bulwark');
      open.onerror = () => reject(open.error);
      open.onsuccess = () => {
        const read = open.result.transaction('drafts').objectStore('drafts').get(${JSON.stringify(['local', 'local', id])});
        read.onsuccess = () => resolve(read.result ? JSON.stringify(read.result) : null);
        read.onerror = () => reject(read.error);
      };
    })`);
    expect(draft).toContain('SQL server');

    // It says what they changed, and re-applies my edit on their version: both are kept.
    expect(await dialog.getByRole('list', { name: 'What they changed' }).innerText()).toContain('Added “User”');
    await dialog.getByRole('button', { name: 'Re-apply my 1 edit on their version' }).click();
    await saved(second);
    const both = (await stored(server.url, id)).content;
    expect(both).toContain('"User"');
    expect(both).toContain('SQL server');
    // The first tab, now behind, is told in turn; loading their version shows both edits.
    await page.getByRole('button', { name: 'Add Firewall service', exact: true }).click();
    await page.getByRole('alertdialog', { name: 'Conflict' }).waitFor({ timeout: 10_000 });
    await page.getByRole('button', { name: 'Load their version (drop mine)' }).click();
    expect(await page.locator('.react-flow__node').count()).toBe(2);
    expect(await page.getByRole('status').innerText()).toBe('Saved');
    await context.close();
  }, 90_000);
});

journeys('journey: working offline', (env) => {
  it('edits made while the server cannot be reached survive a reload and are saved when it can', async () => {
    const { page, server, errors } = env();
    const id = await newModel(server.url, 'Offline journey');
    await open(page, server.url, id);
    // The server stops answering saves.
    await page.route('**/api/models/*', (route) =>
      route.request().method() === 'PUT' ? route.abort('internetdisconnected') : route.continue(),
    );
    await page.getByRole('button', { name: 'Add User', exact: true }).click();
    await expect
      .poll(() => page.getByRole('status').innerText(), { timeout: 10_000 })
      .toBe('Offline: kept in this browser');
    await page.reload();
    await page.locator('.react-flow__node', { hasText: 'User' }).waitFor();
    expect((await stored(server.url, id)).content).not.toContain('"User"');
    // Back online: the kept edit is saved.
    await page.unroute('**/api/models/*');
    await saved(page);
    expect((await stored(server.url, id)).content).toContain('"User"');
    expect(errors.filter((e) => !/ERR_INTERNET_DISCONNECTED/.test(e))).toEqual([]);
  }, 60_000);
  it('edits kept offline on a revision that is no version, reopened after someone else saved, say what they changed', async () => {
    const { page, server } = env();
    const id = await newModel(server.url, 'Offline and overtaken');
    await open(page, server.url, id);
    // One autosave: the working copy moves to a revision that is not a version.
    await page.getByRole('button', { name: 'Add User', exact: true }).click();
    await saved(page);
    // Offline, a second shape is kept in this browser only.
    await page.route('**/api/models/*', (route) =>
      route.request().method() === 'PUT' ? route.abort('internetdisconnected') : route.continue(),
    );
    await page.getByRole('button', { name: 'Add SQL server', exact: true }).click();
    await expect
      .poll(() => page.getByRole('status').innerText(), { timeout: 10_000 })
      .toBe('Offline: kept in this browser');
    // Meanwhile someone else renames the model and saves.
    const current = (await (await fetch(new URL(`api/models/${id}`, server.url))).json()) as {
      version: number;
      model: { metadata: { name: string } };
    };
    current.model.metadata.name = 'Renamed by Bo';
    const put = await fetch(new URL(`api/models/${id}`, server.url), {
      method: 'PUT',
      headers: { 'content-type': 'application/json', 'if-match': `"${current.version}"` },
      body: JSON.stringify(current.model),
    });
    expect(put.status).toBe(200);
    await page.unroute('**/api/models/*');
    await page.reload();
    const dialog = page.getByRole('alertdialog', { name: 'Conflict' });
    await dialog.waitFor({ timeout: 10_000 });
    // Their one change, and nothing of mine (the draft kept the revision it was based on).
    expect(await dialog.getByRole('list', { name: 'What they changed' }).innerText()).toBe("Changed the model's name.");
    await dialog.getByRole('button', { name: 'Re-apply my 1 edit on their version' }).click();
    await saved(page);
    const both = await (await fetch(new URL(`api/models/${id}`, server.url))).text();
    expect(both).toContain('Renamed by Bo');
    expect(both).toContain('SQL server');
  }, 60_000);
});

journeys('journey: diagrams as tabs and the model panel', (env) => {
  it('adds, renames, draws on and deletes a diagram (undo brings it back); edits the model metadata', async () => {
    const { page, server, errors } = env();
    const id = await newModel(server.url, 'Tabs journey');
    await open(page, server.url, id);
    const tabs = page.getByRole('navigation', { name: 'Diagrams' });
    await tabs.getByRole('button', { name: 'Add a diagram' }).click();
    await tabs.getByRole('button', { name: 'Rename' }).click();
    await tabs.getByLabel('Diagram name').fill('Level 1: file shares');
    await tabs.getByLabel('Diagram name').press('Enter');
    await tabs.getByRole('button', { name: 'Level 1: file shares' }).waitFor();
    await page.getByRole('button', { name: 'Add File share service', exact: true }).click();
    await expect.poll(() => page.locator('.react-flow__node').count()).toBe(1);
    await saved(page);
    // The first diagram is still empty.
    await tabs.getByRole('button', { name: 'Context' }).click();
    await expect.poll(() => page.locator('.react-flow__node').count()).toBe(0);
    await tabs.getByRole('button', { name: 'Level 1: file shares' }).click();
    await tabs.getByRole('button', { name: 'Delete diagram' }).click();
    expect(await tabs.getByRole('button', { name: 'Level 1: file shares' }).count()).toBe(0);
    expect(await tabs.getByRole('button', { name: 'Delete diagram' }).isDisabled()).toBe(true);
    await page.getByRole('button', { name: 'Undo' }).click();
    await tabs.getByRole('button', { name: 'Level 1: file shares' }).click();
    await expect.poll(() => page.locator('.react-flow__node').count()).toBe(1);
    // Copy and paste (keyboard) makes a second file share beside the first; undo takes it away.
    await page.locator('.react-flow__node', { hasText: 'File share service' }).click();
    await page.keyboard.press('Control+c');
    await page.keyboard.press('Control+v');
    await expect.poll(() => page.locator('.react-flow__node', { hasText: 'File share service' }).count()).toBe(2);
    await page.keyboard.press('Control+z');
    await expect.poll(() => page.locator('.react-flow__node').count()).toBe(1);

    // The model panel shows when nothing is selected.
    await page.getByTestId('canvas').click({ position: { x: 5, y: 5 } });
    const panel = page.getByRole('region', { name: 'Model' });
    await panel.getByLabel('Owner').fill('Ana Costa');
    await panel.getByLabel('Owner').press('Enter');
    await panel.getByLabel(/^Assumptions/).fill('Staff use managed laptops\n\nThe VPN is the only way in');
    await panel.getByLabel(/^Assumptions/).blur();
    await saved(page);
    const body = (await (await fetch(new URL(`api/models/${id}`, server.url))).json()) as {
      model: { metadata: Record<string, unknown>; diagrams: { name: string; elements: unknown[] }[] };
    };
    expect(body.model.metadata).toMatchObject({
      owner: 'Ana Costa',
      assumptions: ['Staff use managed laptops', 'The VPN is the only way in'],
    });
    expect(body.model.diagrams.map((d) => [d.name, d.elements.length])).toEqual([
      ['Context', 0],
      ['Level 1: file shares', 1],
    ]);
    await page.screenshot({ path: join(SCREENSHOTS, 'tabs-and-model-panel.png') });
    expect(errors).toEqual([]);
  }, 90_000);
});
