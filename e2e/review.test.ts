import { join } from 'node:path';
import type { ThreatModel } from '@bulwark/core';
import { ModelStore, UserStore } from '@bulwark/server';
import { expect, it } from 'vitest';
import { journeys, SCREENSHOTS } from './browser.js';
import { saved, shownVersion } from './editorPage.js';
import { shopModel, uploadModel } from './models.js';

journeys('journey: comments and sign-off', (env) => {
  it('comments on an element, replies, resolves; signs off; an edit after shows "changed since sign-off" and the diff', async () => {
    const { page, server, errors } = env();
    const id = await uploadModel(server.url, shopModel('Review journey'));
    const me = (await (await fetch(new URL('api/me', server.url))).json()) as { user: { name: string } };
    await page.goto(`${server.url}#/models/${id}`);
    await page.locator('.react-flow__node', { hasText: 'Web server' }).waitFor();
    await saved(page);
    // Not signed off: no notice in the header.
    expect(await page.getByRole('button', { name: 'Changed since sign-off' }).count()).toBe(0);

    // Comment on the web server, reply, resolve.
    await page.locator('.react-flow__node', { hasText: 'Web server' }).click();
    await page.getByRole('tab', { name: 'Comments & sign-off' }).click();
    const panel = page.getByRole('region', { name: 'Comments and sign-off' });
    const picker = panel.getByRole('combobox', { name: 'What to comment on' });
    await expect.poll(() => picker.inputValue()).toBe('element:web');
    await panel.getByText('No comments here yet.').waitFor();
    await panel.getByLabel('New comment on Web server').fill('Does this <b>talk</b> to the database over TLS?');
    await panel.getByRole('button', { name: 'Comment', exact: true }).click();
    const thread = panel.getByRole('listitem', { name: `Thread by ${me.user.name}` });
    await thread.getByText('Does this <b>talk</b> to the database over TLS?').waitFor();
    await thread.getByRole('button', { name: 'Reply' }).click();
    await thread.getByLabel(`Reply to ${me.user.name}`).fill('Yes, TLS 1.3 since the last release.');
    await thread.getByRole('button', { name: 'Reply' }).click();
    await thread.getByText('Yes, TLS 1.3 since the last release.').waitFor();
    await thread.getByRole('button', { name: 'Resolve' }).click();
    await thread.getByText('Resolved', { exact: true }).waitFor();
    expect(await thread.getByRole('button', { name: 'Reopen' }).count()).toBe(1);
    await page.screenshot({ path: join(SCREENSHOTS, 'review-comments.png') });

    // A threat picked in the list has its own threads.
    const threat = 'Known vulnerabilities in Web server exploited';
    await page.locator('tr.bw-threat-row', { hasText: threat }).click();
    await expect.poll(() => picker.inputValue()).toMatch(/^threat:/);
    // Opening brought the threats up to date without storing them (opening never writes): the
    // server keeps comments and sign-offs on what it holds, so they are stored first.
    await panel.getByRole('button', { name: 'Store the threats' }).click();
    await panel.getByRole('button', { name: 'Store the threats' }).waitFor({ state: 'detached' });
    expect(await panel.getByRole('button', { name: 'Store them' }).count()).toBe(0);
    await panel.getByLabel(`New comment on Threat: ${threat}`).fill('Patched monthly: accepted.');
    await panel.getByRole('button', { name: 'Comment', exact: true }).click();
    await panel.getByText('Patched monthly: accepted.').waitFor();
    expect(await panel.getByText('Does this <b>talk</b> to the database over TLS?').count()).toBe(0);

    // The model as a whole has its own threads: nothing is on it yet.
    await picker.selectOption('model');
    await panel.getByText('No comments here yet.').waitFor();

    // Sign off the version on screen.
    const before = await shownVersion(page);
    await panel.getByLabel('Sign-off note').fill('Walked through with the shop team.');
    await panel.getByRole('button', { name: `Sign off version ${before}` }).click();
    await panel.getByText(`Signed off version ${before} by ${me.user.name} · unchanged since`).waitFor();
    await panel.getByText('Walked through with the shop team.').waitFor();
    await expect.poll(() => shownVersion(page)).toBe(before + 1);
    await page.screenshot({ path: join(SCREENSHOTS, 'review-signed-off.png') });

    // The sign-off is in the stored model; nothing else is saved after it.
    await page.waitForTimeout(1000);
    await saved(page);
    const stored = (await (await fetch(new URL(`api/models/${id}`, server.url))).json()) as {
      version: number;
      model: { review?: { signOffs?: { by: string; version: number; note?: string }[] } };
    };
    expect(stored.version).toBe(before + 1);
    expect(stored.model.review?.signOffs).toEqual([
      expect.objectContaining({ by: me.user.name, version: before, note: 'Walked through with the shop team.' }),
    ]);

    // Change the model: rename the web server.
    await page.getByRole('tab', { name: 'Details' }).click();
    await page.locator('.react-flow__node', { hasText: 'Web server' }).click();
    await page.getByLabel('Name', { exact: true }).fill('Web shop');
    await page.getByLabel('Name', { exact: true }).press('Enter');
    await saved(page);
    const notice = page.getByRole('button', { name: 'Changed since sign-off' });
    await notice.waitFor();
    await page.getByRole('tab', { name: 'Comments & sign-off' }).click();
    await panel.getByText(`Signed off version ${before} by ${me.user.name} · changed since`).waitFor();
    // The resolved thread follows the element through its rename.
    await panel.getByText('Does this <b>talk</b> to the database over TLS?').waitFor();
    await page.screenshot({ path: join(SCREENSHOTS, 'review-changed-since.png') });

    // "Show changes" opens the diff from the signed-off version to the model on screen.
    await panel.getByRole('button', { name: 'Show changes' }).click();
    await page.getByText('Web shop').first().waitFor();
    await page.waitForTimeout(500);
    await page.screenshot({ path: join(SCREENSHOTS, 'review-show-changes.png') });

    // Everything is in the audit log.
    const audit = (await (await fetch(new URL(`api/models/${id}/audit`, server.url))).json()) as {
      entries: { action: string }[];
    };
    const actions = audit.entries.map((e) => e.action);
    for (const a of ['comment.added', 'comment.replied', 'comment.resolved', 'sign-off'])
      expect(actions, a).toContain(a);
    expect(errors).toEqual([]);
  }, 90_000);
});

const PASSWORD = 'correct horse battery staple';

journeys(
  'journey: comments and sign-off in team mode',
  (env) => {
    it('a viewer comments but is offered no sign-off; a reviewer saves the generated threats and signs off (each write with the CSRF token)', async () => {
      const { page, browser, server, errors } = env();
      const users = new UserStore(server.store.db);
      // Stored without its threats: opening it generates them, and the reviewer's editor saves them
      // (a reviewer may save threats and review progress, not the design).
      const { id } = await new ModelStore(server.store.db).create(shopModel('Team review') as ThreatModel, 'owner');
      for (const [name, role] of [
        ['vi', 'viewer'],
        ['rev', 'reviewer'],
      ] as const) {
        const u = await users.byName(name);
        if (!u) throw new Error(`no account ${name}`);
        await users.grant(id, u.id, role);
      }
      const signIn = async (p: typeof page, name: string) => {
        await p.goto(`${server.url}#/models/${id}`);
        await p.getByLabel('Name').fill(name);
        await p.getByLabel('Password').fill(PASSWORD);
        await p.getByLabel('Password').press('Enter');
        await p.locator('.react-flow__node', { hasText: 'Web server' }).waitFor();
        await p.getByRole('tab', { name: 'Comments & sign-off' }).click();
        return p.getByRole('region', { name: 'Comments and sign-off' });
      };

      const viewer = await signIn(page, 'vi');
      await viewer.getByLabel(/^New comment on The model/).fill('Who owns the orders database?');
      await viewer.getByRole('button', { name: 'Comment', exact: true }).click();
      await viewer.getByText('Who owns the orders database?').waitFor();
      expect(await viewer.getByRole('button', { name: /^Sign off version/ }).count()).toBe(0);
      await viewer.getByText('Not signed off yet.').waitFor();
      // Her own thread she may resolve.
      expect(await viewer.getByRole('button', { name: 'Resolve' }).count()).toBe(1);
      await page.screenshot({ path: join(SCREENSHOTS, 'review-team-viewer.png') });

      const context = await browser.newContext({ viewport: { width: 1600, height: 1000 } });
      const second = await context.newPage();
      const reviewer = await signIn(second, 'rev');
      await reviewer.getByText('Who owns the orders database?').waitFor();
      await saved(second);
      // The design is an editor's: no palette, no layout or delete buttons; triage and review are hers.
      await second.getByText('Reviewer: triage and review').waitFor();
      expect(await second.getByRole('button', { name: 'Auto-layout' }).count()).toBe(0);
      expect(await second.getByRole('button', { name: 'Review mode' }).isEnabled()).toBe(true);
      // A reviewer stores the threats opening brought up to date (what the template generates), then signs.
      await reviewer.getByRole('button', { name: 'Store them' }).click();
      await reviewer.getByRole('button', { name: 'Store them' }).waitFor({ state: 'detached' });
      const version = await shownVersion(second);
      await reviewer.getByRole('button', { name: `Sign off version ${version}` }).click();
      await reviewer.getByText(`Signed off version ${version} by rev · unchanged since`).waitFor();
      await context.close();

      const audit = await new ModelStore(server.store.db).auditLog(id);
      expect(
        audit.filter((e) => ['comment.added', 'sign-off'].includes(e.action)).map((e) => [e.action, e.actor]),
      ).toEqual([
        ['comment.added', 'vi'],
        ['sign-off', 'rev'],
      ]);
      expect(errors.filter((e) => !/status of 401/.test(e))).toEqual([]);
    }, 90_000);
  },
  {
    auth: 'local',
    users: [
      { name: 'vi', password: PASSWORD },
      { name: 'rev', password: PASSWORD },
    ],
  },
);
