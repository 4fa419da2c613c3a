import { ModelStore, UserStore } from '@bulwark/server';
import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { journeys } from './browser.js';

const PASSWORD = 'plum-orbit-Kestrel-42';

/** What the browser logged, less the 401s (nobody signed in) and the saves this journey blocks. */
const unexpected = (errors: string[]): string[] => errors.filter((e) => !/status of 401|ERR_FAILED/.test(e));

/** The drafts this browser keeps (IndexedDB bulwark/drafts): each key and its first diagram's size. */
function storedDrafts(page: Page): Promise<{ key: unknown; elements: number }[]> {
  return page.evaluate(`new Promise((resolve, reject) => {
    const open = indexedDB.open('bulwark');
    open.onerror = () => reject(open.error);
    open.onsuccess = () => {
      const db = open.result;
      if (!db.objectStoreNames.contains('drafts')) return resolve([]);
      const store = db.transaction('drafts').objectStore('drafts');
      const keys = store.getAllKeys();
      const values = store.getAll();
      values.onsuccess = () => {
        resolve(keys.result.map((key, i) => ({ key, elements: values.result[i].model.diagrams[0].elements.length })));
        db.close();
      };
    };
  })`);
}

/**
 * A draft as the app kept it before drafts named their user (in localStorage, by model id
 * alone): the stored model with one shape more, "Left by someone".
 */
async function plantUnownedDraft(page: Page, models: ModelStore, id: string): Promise<void> {
  const stored = await models.get(id);
  if (!stored) throw new Error(`no model ${id}`);
  const model = structuredClone(stored.document);
  const elements = model.diagrams[0]?.elements ?? [];
  const process = elements.find((e) => e.kind === 'process');
  if (!process) throw new Error('the model has no process to copy');
  elements.push({ ...process, id: 'left-by-someone', name: 'Left by someone' } as typeof process);
  const draft = JSON.stringify({ baseVersion: stored.version, model });
  await page.evaluate(`localStorage.setItem(${JSON.stringify(`bulwark-draft:${id}`)}, ${JSON.stringify(draft)})`);
}

const unownedLeft = (page: Page, id: string) =>
  page.evaluate(`localStorage.getItem(${JSON.stringify(`bulwark-draft:${id}`)}) !== null`);

async function signIn(page: Page, name: string): Promise<void> {
  await page.getByRole('heading', { name: 'Sign in' }).waitFor();
  await page.getByLabel('Name').fill(name);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** Ends the session the way an expiry does (no sign-out): the cookie goes, the page reloads. */
async function sessionEnds(page: Page): Promise<void> {
  await page.context().clearCookies();
  await page.reload();
  await page.getByRole('heading', { name: 'Sign in' }).waitFor();
}

journeys(
  'journey: unsaved drafts belong to the user who made them, and go when signing out',
  (env) => {
    let modelId = '';
    let anaId = '';
    let stored = 0; // elements of the model as the server has it
    let shown = 0; // shapes on the canvas for it
    const questions: string[] = [];

    it("keeps Ana's unsaved edit for Ana only: Bo, signing in on the same browser, opens the model without it", async () => {
      const { page, server, errors } = env();
      const users = new UserStore(server.store.db);
      const seeded = (await new ModelStore(server.store.db).list())[0];
      const [ana, bo] = [await users.byName('ana'), await users.byName('bo')];
      if (!seeded || !ana || !bo) throw new Error('the seeded model or an account is missing');
      for (const u of [ana, bo]) await users.grant(seeded.id, u.id, 'editor');
      [modelId, anaId] = [seeded.id, ana.id];
      stored = (await new ModelStore(server.store.db).get(modelId))?.document.diagrams[0]?.elements.length ?? 0;
      page.on('dialog', (dialog) => {
        questions.push(dialog.message());
        void dialog.accept();
      });
      // Saves fail, as when the server cannot be reached: the edit stays in the browser's draft.
      await page.route('**/api/models/*', (route) =>
        route.request().method() === 'PUT' ? route.abort() : route.continue(),
      );

      await page.goto(`${server.url}#/models/${encodeURIComponent(modelId)}`);
      // A draft from before drafts named their user: in team mode nobody can tell whose it is.
      await plantUnownedDraft(page, new ModelStore(server.store.db), modelId);
      await signIn(page, 'ana');
      await page.getByTestId('canvas').waitFor();
      const nodes = page.locator('.react-flow__node');
      expect(await unownedLeft(page, modelId)).toBe(false);
      expect(await nodes.filter({ hasText: 'Left by someone' }).count()).toBe(0);
      await expect.poll(() => nodes.count()).toBeGreaterThan(0);
      shown = await nodes.count();
      await page.getByRole('button', { name: 'Add User', exact: true }).click();
      await expect.poll(() => nodes.count()).toBe(shown + 1);
      await expect.poll(() => storedDrafts(page)).toEqual([{ key: ['team', anaId, modelId], elements: stored + 1 }]);

      await sessionEnds(page);
      expect(await storedDrafts(page)).toEqual([{ key: ['team', anaId, modelId], elements: stored + 1 }]);
      await signIn(page, 'bo');
      await page.getByTestId('canvas').waitFor();
      await expect.poll(() => nodes.count()).toBe(shown);
      await page.waitForTimeout(500); // time for a draft to be (wrongly) restored
      expect(await nodes.count()).toBe(shown);
      // Ana's draft is still hers alone; any draft of Bo's has only what the server has.
      for (const draft of await storedDrafts(page))
        expect(draft).toEqual(
          (draft.key as string[])[1] === anaId
            ? { key: ['team', anaId, modelId], elements: stored + 1 }
            : { key: ['team', bo.id, modelId], elements: stored },
        );
      expect(unexpected(errors)).toEqual([]);
    }, 90_000);

    it('gives Ana her draft back when she signs in again, and deletes every draft when she signs out', async () => {
      const { page, server, errors } = env();
      await sessionEnds(page);
      await signIn(page, 'ana');
      await page.getByTestId('canvas').waitFor();
      await expect.poll(() => page.locator('.react-flow__node').count()).toBe(shown + 1);
      await page.goto(`${server.url}#/`);
      await page.getByRole('heading', { name: 'Threat models' }).waitFor();
      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.getByRole('heading', { name: 'Sign in' }).waitFor();
      expect(questions.at(-1)).toMatch(/^In this browser one model has unsaved edits .* Sign out anyway\?$/);
      expect(await storedDrafts(page)).toEqual([]);

      await signIn(page, 'bo');
      await page.getByRole('heading', { name: 'Threat models' }).waitFor();
      await page.goto(`${server.url}#/models/${encodeURIComponent(modelId)}`);
      await page.getByTestId('canvas').waitFor();
      await page.waitForTimeout(500);
      expect(
        (await storedDrafts(page)).filter((d) => (d.key as string[])[1] === anaId),
        "no draft of Ana's",
      ).toEqual([]);
      expect(unexpected(errors)).toEqual([]);
    }, 90_000);
  },
  {
    auth: 'local',
    users: [
      { name: 'ana', password: PASSWORD },
      { name: 'bo', password: PASSWORD },
    ],
  },
);

journeys("journey: in local mode a draft from before drafts named their user is the local user's", (env) => {
  it('opens the model with it and saves it', async () => {
    const { page, server, errors } = env();
    const models = new ModelStore(server.store.db);
    const seeded = (await models.list())[0];
    if (!seeded) throw new Error('the seeded model is missing');
    await page.goto(server.url);
    await page.getByRole('heading', { name: 'Threat models' }).waitFor();
    await plantUnownedDraft(page, models, seeded.id);
    await page.goto(`${server.url}#/models/${encodeURIComponent(seeded.id)}`);
    await page.reload();
    await page.locator('.react-flow__node', { hasText: 'Left by someone' }).waitFor();
    expect(await unownedLeft(page, seeded.id)).toBe(false);
    await expect.poll(() => page.getByRole('status').innerText(), { timeout: 10_000 }).toBe('Saved');
    const names = (await models.get(seeded.id))?.document.diagrams[0]?.elements.map((e) => e.name);
    expect(names).toContain('Left by someone');
    await expect.poll(() => storedDrafts(page)).toEqual([]);
    expect(errors).toEqual([]);
  }, 60_000);
});
