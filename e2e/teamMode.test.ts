import { join } from 'node:path';
import { ModelStore, UserStore } from '@bulwark/server';
import { expect, it } from 'vitest';
import { journeys, SCREENSHOTS } from './browser.js';

const PASSWORD = 'correct horse battery staple';

/** What the browser logged, less the 401s that are how the app learns nobody is signed in. */
const unexpected = (errors: string[]): string[] => errors.filter((e) => !/status of 401/.test(e));

journeys(
  'journey: team mode, signing in and out',
  (env) => {
    let modelId = '';

    it('shows the sign-in page, and a clear error for a wrong password', async () => {
      const { page, server, errors } = env();
      // Ana may look at the seeded model, nothing more.
      const seeded = (await new ModelStore(server.store.db).list())[0];
      const ana = await new UserStore(server.store.db).byName('ana');
      if (!seeded || !ana) throw new Error('the seeded model or the account is missing');
      await new UserStore(server.store.db).grant(seeded.id, ana.id, 'viewer');

      await page.goto(server.url);
      await page.getByRole('heading', { name: 'Sign in' }).waitFor();
      expect(await page.getByText('Threat models', { exact: true }).count()).toBe(0);
      await page.screenshot({ path: join(SCREENSHOTS, 'team-sign-in.png') });
      await page.getByLabel('Name').fill('ana');
      await page.getByLabel('Password').fill('not her password');
      await page.getByLabel('Password').press('Enter');
      await expect.poll(() => page.getByRole('alert').innerText()).toMatch(/Wrong name or password/);
      expect(await page.getByLabel('Password').inputValue()).toBe('');
      expect(await page.getByLabel('Name').inputValue()).toBe('ana');
      await page.screenshot({ path: join(SCREENSHOTS, 'team-sign-in-wrong-password.png') });
      expect(unexpected(errors)).toEqual([]);
    }, 60_000);

    it('signs in with the right password and lists the models with her role on each', async () => {
      const { page, errors } = env();
      await page.getByLabel('Password').fill(PASSWORD);
      await page.getByLabel('Password').press('Enter');
      await page.getByRole('heading', { name: 'Threat models' }).waitFor();
      expect(await page.getByText('Signed in as ana').count()).toBe(1);
      const row = page.locator('.bw-table tbody tr', { hasText: 'Infrastructure' });
      expect(await row.locator('.bw-role').innerText()).toMatch(/^viewer$/i);
      // Only an owner may delete; everything else stays (the export links, for one).
      expect(await row.getByRole('button', { name: /Delete/ }).count()).toBe(0);
      expect(await row.getByRole('link', { name: 'Export Infrastructure as JSON' }).count()).toBe(1);
      await page.screenshot({ path: join(SCREENSHOTS, 'team-models.png') });
      expect(unexpected(errors)).toEqual([]);
    }, 60_000);

    it('creates a model from a template and autosaves it (every write carries the CSRF token)', async () => {
      const { page, server, errors } = env();
      await page.getByPlaceholder('Name', { exact: true }).fill('Team journey');
      await page.getByLabel('Template').selectOption({ label: 'Infrastructure' });
      await page.getByRole('button', { name: 'Create' }).click();
      await page.waitForURL(/#\/models\//);
      modelId = decodeURIComponent(new URL(page.url()).hash.replace('#/models/', ''));
      await page.getByTestId('canvas').waitFor();
      await page.getByRole('button', { name: 'Add User', exact: true }).click();
      await expect.poll(() => page.locator('.react-flow__node').count()).toBe(1);
      await expect.poll(() => page.getByRole('status').innerText(), { timeout: 10_000 }).toBe('Saved');
      const stored = await new ModelStore(server.store.db).get(modelId);
      expect(stored?.version).toBe(2);
      expect(stored?.updatedBy).toBe('ana');
      expect(stored?.document.diagrams[0]?.elements.map((e) => e.name)).toEqual(['User']);
      await page.screenshot({ path: join(SCREENSHOTS, 'team-editor-saved.png') });
      expect(unexpected(errors)).toEqual([]);
    }, 60_000);

    it('is still signed in after a reload, and can still save', async () => {
      const { page, server, errors } = env();
      await page.reload();
      await page.locator('.react-flow__node', { hasText: 'User' }).waitFor();
      expect(await page.getByRole('heading', { name: 'Sign in' }).count()).toBe(0);
      // The token the reloaded page learnt from /api/me works: another edit is saved.
      await page.getByRole('button', { name: 'Add User', exact: true }).click();
      await expect.poll(() => page.locator('.react-flow__node').count()).toBe(2);
      await expect.poll(() => page.getByRole('status').innerText(), { timeout: 10_000 }).toBe('Saved');
      expect((await new ModelStore(server.store.db).get(modelId))?.version).toBe(3);
      await page.goto(server.url);
      const row = page.locator('.bw-table tbody tr', { hasText: 'Team journey' });
      await row.waitFor();
      expect(await row.locator('.bw-role').innerText()).toMatch(/^owner$/i);
      expect(await row.getByRole('button', { name: 'Delete Team journey' }).count()).toBe(1);
      expect(unexpected(errors)).toEqual([]);
    }, 60_000);

    it('signs out, stays signed out after a reload, and after signing in opens the page asked for', async () => {
      const { page, server, errors } = env();
      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.getByRole('heading', { name: 'Sign in' }).waitFor();
      await page.screenshot({ path: join(SCREENSHOTS, 'team-signed-out.png') });
      await page.reload();
      await page.getByRole('heading', { name: 'Sign in' }).waitFor();
      expect((await page.request.get(new URL('api/models', server.url).toString())).status()).toBe(401);

      await page.goto(`${server.url}#/models/${encodeURIComponent(modelId)}`);
      await page.getByRole('heading', { name: 'Sign in' }).waitFor();
      await page.getByLabel('Name').fill('ana');
      await page.getByLabel('Password').fill(PASSWORD);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByTestId('canvas').waitFor();
      expect(await page.locator('.react-flow__node').count()).toBe(2);
      expect(new URL(page.url()).hash).toBe(`#/models/${encodeURIComponent(modelId)}`);
      expect(unexpected(errors)).toEqual([]);
    }, 60_000);

    it('opens a model she only views read-only: she sees everything, can change nothing, and nothing is saved', async () => {
      const { page, server, errors } = env();
      const seeded = (await new ModelStore(server.store.db).list()).find((m) => m.name === 'Infrastructure');
      if (!seeded) throw new Error('the seeded model is missing');
      const before = (await new ModelStore(server.store.db).get(seeded.id))?.version;
      await page.goto(`${server.url}#/models/${encodeURIComponent(seeded.id)}`);
      await page.locator('.react-flow__node', { hasText: 'Firewall service' }).waitFor();
      expect(await page.getByText('Read only (viewer)').count()).toBe(1);
      // No palette, no edit buttons; the selection's properties are shown but disabled.
      expect(await page.locator('.bw-palette').count()).toBe(0);
      expect(await page.getByRole('button', { name: 'Undo' }).count()).toBe(0);
      await page.locator('.react-flow__node', { hasText: 'Firewall service' }).click();
      await page.getByRole('table', { name: 'Interactions of Firewall service' }).waitFor();
      expect(await page.getByLabel('Name').first().isDisabled()).toBe(true);
      // A drag moves nothing; Delete deletes nothing.
      const node = page.locator('.react-flow__node', { hasText: 'Firewall service' });
      const at = await node.getAttribute('style');
      const box = await node.boundingBox();
      if (!box) throw new Error('no node');
      await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
      await page.mouse.down();
      await page.mouse.move(box.x + box.width / 2 + 80, box.y + box.height / 2 + 40, { steps: 6 });
      await page.mouse.up();
      await page.keyboard.press('Delete');
      expect(await node.getAttribute('style')).toBe(at);
      await page.waitForTimeout(1500);
      expect((await new ModelStore(server.store.db).get(seeded.id))?.version).toBe(before);
      expect(await page.getByRole('status').innerText()).toBe('Saved');
      await page.screenshot({ path: join(SCREENSHOTS, 'team-viewer-read-only.png') });
      expect(unexpected(errors)).toEqual([]);
    }, 60_000);
  },
  { auth: 'local', users: [{ name: 'ana', password: PASSWORD }] },
);
