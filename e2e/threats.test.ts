import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ModelStore, UserStore } from '@bulwark/server';
import type { Locator, Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { journeys, ROOT, SCREENSHOTS } from './browser.js';
import { uploadModel } from './models.js';

/** The threats panel and the pieces of it the journeys read. */
function panel(page: Page) {
  const threats = page.getByRole('region', { name: 'Threats' });
  return {
    threats,
    grid: threats.getByRole('grid', { name: 'Threats list' }),
    /** The threat rows in the DOM (the list is virtualised: those in view, and a few more). */
    rows: threats.locator('tr.bw-threat-row'),
    current: threats.locator('tr.bw-threat-row[aria-selected="true"]'),
    scroller: threats.locator('.bw-threat-scroll'),
  };
}

/** How many threats the filters let through, and how many the model has ("12 of 121 shown"). */
async function shown(threats: Locator): Promise<{ shown: number; total: number }> {
  const text = await threats.getByText(/^\d+ of \d+ shown$/).innerText();
  const [, a, b] = /^(\d+) of (\d+) shown$/.exec(text.trim()) ?? [];
  return { shown: Number(a), total: Number(b) };
}

async function saved(page: Page): Promise<void> {
  await expect.poll(() => page.getByRole('status').innerText(), { timeout: 10_000 }).toBe('Saved');
}

interface ModelJson {
  metadata: { name: string };
  diagrams: { elements: { id: string; kind: string; name?: string }[] }[];
  threats?: unknown[];
}

/** The seeds' infrastructure model, renamed, with `extra` threats added. */
function infrastructure(name: string, extra: unknown[] = []): ModelJson {
  const model = JSON.parse(readFileSync(join(ROOT, 'examples/infrastructure.bulwark.json'), 'utf8')) as ModelJson;
  return { ...model, metadata: { ...model.metadata, name }, threats: [...(model.threats ?? []), ...extra] };
}

async function open(page: Page, url: string, id: string): Promise<void> {
  await page.goto(`${url}#/models/${id}`);
  await page.getByTestId('canvas').waitFor();
  await panel(page).rows.first().waitFor();
}

/** Whether `inner` lies entirely within the visible box of `outer`. */
async function inView(inner: Locator, outer: Locator): Promise<boolean> {
  const a = await inner.boundingBox();
  const b = await outer.boundingBox();
  if (!a || !b) return false;
  return a.y >= b.y - 1 && a.y + a.height <= b.y + b.height + 1;
}

journeys('journey: the analysis view of the seeded infrastructure model', (env) => {
  it('filters, groups, highlights a threat on the diagram, bulk-triages and adds a threat by hand', async () => {
    const { page, server, errors } = env();
    await page.goto(server.url);
    await page.getByRole('link', { name: 'Infrastructure', exact: true }).click();
    await page.locator('.react-flow__node').first().waitFor();
    const { threats, rows, grid, scroller } = panel(page);
    await expect.poll(async () => (await shown(threats)).shown).toBeGreaterThan(10);
    const { total } = await shown(threats);
    expect((await shown(threats)).shown).toBe(total);
    expect(Number(await grid.getAttribute('aria-rowcount'))).toBe(total + 1);

    // Free text and element filters narrow the table; clearing them brings every threat back.
    await threats.getByLabel('Filter by element').selectOption({ label: 'Firewall service' });
    const firewall = (await shown(threats)).shown;
    expect(firewall).toBeGreaterThan(0);
    expect(firewall).toBeLessThan(total);
    for (const text of await rows.locator('td:nth-child(6)').allInnerTexts()) expect(text).toContain('Firewall');
    await threats.getByLabel('Filter by element').selectOption('');
    await threats.getByLabel('Filter by priority').selectOption('High');
    expect(await rows.count()).toBeGreaterThan(0);
    for (const text of await rows.locator('td:nth-child(2)').allInnerTexts()) expect(text).toBe('High');
    await threats.getByLabel('Filter by priority').selectOption('');
    expect((await shown(threats)).shown).toBe(total);

    // Grouping by category puts a heading row over each category; the list holds them all, and at
    // its end the last category's heading is pinned at the top of the view, over its rows.
    await threats.getByLabel('Group by').selectOption('category');
    const headings = Number(await grid.getAttribute('aria-rowcount')) - 1 - total;
    expect(headings).toBeGreaterThan(1);
    const firstHeading = await threats.locator('tr.bw-group').first().innerText();
    await scroller.hover();
    await page.mouse.wheel(0, 100_000);
    const pinned = threats.locator('tr.bw-group-pinned');
    await expect
      .poll(async () => (await pinned.count()) === 1 && (await pinned.innerText()) !== firstHeading)
      .toBe(true);
    expect(await inView(pinned.locator('th'), scroller)).toBe(true);
    await page.screenshot({ path: join(SCREENSHOTS, 'threats-grouped.png') });
    await threats.getByLabel('Group by').selectOption('none');

    // Selecting a threat on an interaction shows its details and highlights its two elements and the flow.
    const first = rows.filter({ hasText: '→' }).first();
    const title = (await first.locator('td:nth-child(5) button').innerText()).trim();
    await first.locator('td:nth-child(5) button').click();
    await threats.getByRole('article', { name: `Threat: ${title}` }).waitFor();
    expect(await first.getAttribute('aria-selected')).toBe('true');
    expect(await page.locator('.react-flow__node.bw-highlight').count()).toBe(2);
    expect(await page.locator('.react-flow__edge.bw-highlight').count()).toBe(1);
    await page.screenshot({ path: join(SCREENSHOTS, 'threat-highlight.png') });
    await threats.getByRole('article').getByLabel('Mitigations').fill('Quarterly rule review');
    await threats.getByRole('article').getByLabel('Mitigations').press('Enter');
    await saved(page);

    // Bulk: check three not-started threats and set them to Needs investigation.
    await threats.getByLabel('Filter by status').selectOption('not-started');
    const before = (await shown(threats)).shown;
    for (let i = 0; i < 3; i++) await rows.nth(i).getByRole('checkbox').check();
    await threats.getByLabel('Set status of checked threats').selectOption('needs-investigation');
    await expect.poll(async () => (await shown(threats)).shown).toBe(before - 3);
    await threats.getByLabel('Filter by status').selectOption('needs-investigation');
    expect((await shown(threats)).shown).toBeGreaterThanOrEqual(3);
    await threats.getByLabel('Filter by status').selectOption('');

    // A threat added by hand on the selected element.
    await page.locator('.react-flow__node', { hasText: 'Firewall service' }).first().click();
    await threats.getByRole('button', { name: 'Add a threat' }).click();
    const form = threats.getByRole('form', { name: 'Add a threat' });
    await form.getByLabel('Title').fill('Rule base drifts from the documented design');
    await form.getByRole('button', { name: 'Add' }).click();
    await expect.poll(async () => (await shown(threats)).total).toBe(total + 1);
    await saved(page);

    // All of it is stored.
    await page.reload();
    await page.locator('.react-flow__node').first().waitFor();
    await threats.getByLabel('Search threats').fill('Rule base drifts');
    expect(await rows.count()).toBe(1);
    expect(await rows.first().locator('td:nth-child(6)').innerText()).toContain('Firewall');
    await threats.getByLabel('Search threats').fill('');
    await threats.getByLabel('Filter by status').selectOption('needs-investigation');
    expect((await shown(threats)).shown).toBeGreaterThanOrEqual(3);
    await page.screenshot({ path: join(SCREENSHOTS, 'threats-filtered.png') });
    expect(errors).toEqual([]);
  }, 90_000);

  it('rewords a threat added by hand (title, category, description) and keeps it across a reload; generated texts are read-only', async () => {
    const { page, server, errors } = env();
    const id = await uploadModel(server.url, infrastructure('Manual threats journey'));
    await open(page, server.url, id);
    const { threats, rows, current, scroller } = panel(page);

    await threats.getByRole('button', { name: 'Add a threat' }).click();
    const form = threats.getByRole('form', { name: 'Add a threat' });
    await form.getByLabel('Title').fill('Backups readable');
    await form.getByLabel('Description').fill('First draft');
    await form.getByRole('button', { name: 'Add' }).click();
    const details = threats.getByRole('article');
    await threats.getByRole('article', { name: 'Threat: Backups readable' }).waitFor();
    // The new threat is selected, and its row scrolled into view at the end of the list.
    expect(await current.getAttribute('aria-label')).toBe('Backups readable');
    await expect.poll(() => inView(current, scroller)).toBe(true);

    const title = 'Backup share readable by every domain admin';
    const description = 'Any domain admin can read the NAS backup share.\nSplit the backup operator role off.';
    await details.getByLabel('Title', { exact: true }).fill(title);
    await details.getByLabel('Title', { exact: true }).press('Enter');
    await threats.getByRole('article', { name: `Threat: ${title}` }).waitFor();
    await details.getByLabel('Category', { exact: true }).selectOption({ label: 'Information disclosure' });
    await details.getByLabel('Description', { exact: true }).fill(description);
    await details.getByLabel('Description', { exact: true }).blur();
    // An emptied title is refused: the field shows the title again.
    await details.getByLabel('Title', { exact: true }).fill('  ');
    await details.getByLabel('Title', { exact: true }).press('Enter');
    await expect.poll(() => details.getByLabel('Title', { exact: true }).inputValue()).toBe(title);
    expect(await current.getAttribute('aria-label')).toBe(title);
    expect(await current.locator('td:nth-child(4)').innerText()).toBe('I');
    await saved(page);
    await page.screenshot({ path: join(SCREENSHOTS, 'threat-manual-edit.png') });

    await page.reload();
    await page.getByTestId('canvas').waitFor();
    await threats.getByLabel('Search threats').fill('backup share readable');
    await expect.poll(() => rows.count()).toBe(1);
    await rows.first().locator('td:nth-child(5) button').click();
    await threats.getByRole('article', { name: `Threat: ${title}` }).waitFor();
    expect(await details.getByLabel('Title', { exact: true }).inputValue()).toBe(title);
    expect(await details.getByLabel('Description', { exact: true }).inputValue()).toBe(description);
    expect(await details.getByLabel('Category', { exact: true }).inputValue()).toBe('I');

    // A generated threat shows its texts without fields to change them, and says why.
    await threats.getByLabel('Search threats').fill('');
    const generated = rows.filter({ hasText: '→' }).first();
    const generatedTitle = (await generated.getAttribute('aria-label')) ?? '';
    await generated.locator('td:nth-child(5) button').click();
    await threats.getByRole('article', { name: `Threat: ${generatedTitle}` }).waitFor();
    expect(await details.getByRole('textbox', { name: 'Title', exact: true }).count()).toBe(0);
    expect(await details.getByRole('textbox', { name: 'Description', exact: true }).count()).toBe(0);
    expect(await details.getByText('come from the template').count()).toBe(1);
    expect(await details.locator('dt').allInnerTexts()).toEqual(['Category', 'Description']);
    expect(errors).toEqual([]);
  }, 90_000);

  it('keeps a few dozen rows in the DOM for thousands of threats, and the keyboard reaches the last one', async () => {
    const { page, server, errors } = env();
    const base = infrastructure('Big threats list');
    const elements = (base.diagrams[0]?.elements ?? []).filter((e) => e.kind !== 'trustBoundary');
    const count = 3000;
    const pad = (n: number) => String(n).padStart(5, '0');
    const manual = Array.from({ length: count }, (_, i) => ({
      id: `big-${pad(i + 1)}`,
      typeId: 'manual',
      origin: 'manual',
      category: 'STRIDE'[i % 6],
      title: `Synthetic threat ${pad(i + 1)}`,
      description: 'Added in bulk to try the list at scale.',
      priority: ['High', 'Medium', 'Low'][i % 3],
      status: 'not-started',
      elementId: elements[i % elements.length]?.id,
    }));
    const id = await uploadModel(server.url, infrastructure('Big threats list', manual));
    await open(page, server.url, id);
    const { threats, grid, rows, current, scroller } = panel(page);

    const { total } = await shown(threats);
    expect(total).toBeGreaterThan(count);
    expect(Number(await grid.getAttribute('aria-rowcount'))).toBe(total + 1);
    const rendered = await rows.count();
    expect(rendered).toBeGreaterThan(3);
    expect(rendered).toBeLessThan(60);

    // Keyboard: from the first row, End selects the last threat and scrolls it into view.
    await rows.first().locator('td:nth-child(2)').click();
    const firstTitle = await rows.first().getAttribute('aria-label');
    expect(await current.getAttribute('aria-label')).toBe(firstTitle);
    await page.keyboard.press('End');
    await expect.poll(() => current.getAttribute('aria-label')).toBe(`Synthetic threat ${pad(count)}`);
    expect(await current.getAttribute('aria-rowindex')).toBe(String(total + 1));
    await expect.poll(() => inView(current, scroller)).toBe(true);
    expect(await grid.getAttribute('aria-activedescendant')).toBe(await current.getAttribute('id'));
    await threats.getByRole('article', { name: `Threat: Synthetic threat ${pad(count)}` }).waitFor();
    expect(await rows.count()).toBeLessThan(60);
    await page.screenshot({ path: join(SCREENSHOTS, 'threats-big-model.png') });

    // ArrowUp goes back one; Space checks it for a bulk change; Home returns to the top.
    await page.keyboard.press('ArrowUp');
    await expect.poll(() => current.getAttribute('aria-label')).toBe(`Synthetic threat ${pad(count - 1)}`);
    await page.keyboard.press('Space');
    expect(await current.getByRole('checkbox').isChecked()).toBe(true);
    await threats.getByText('Set status of 1 checked…').waitFor({ state: 'attached' });
    await page.keyboard.press('Space');
    expect(await current.getByRole('checkbox').isChecked()).toBe(false);
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    await expect.poll(() => current.getAttribute('aria-label')).toBe(`Synthetic threat ${pad(count)}`);
    await page.keyboard.press('Home');
    await expect.poll(() => current.getAttribute('aria-label')).toBe(firstTitle);
    expect(await current.getAttribute('aria-rowindex')).toBe('2');
    await expect.poll(() => inView(current, scroller)).toBe(true);

    // Typing in a field keeps its keys: End in a justification moves the caret, not the selection.
    await threats.getByRole('button', { name: 'Close threat details' }).click();
    const justification = rows.first().getByRole('textbox', { name: /^Justification of / });
    await justification.fill('Seen');
    await justification.press('End');
    expect(await current.count()).toBe(0);
    await justification.press('Escape');
    expect(await justification.inputValue()).toBe('');
    expect(errors).toEqual([]);
  }, 120_000);
});

const PASSWORD = 'correct horse battery staple';

journeys(
  'journey: the threats of a model a viewer opens on a team server',
  (env) => {
    it('can be read, filtered and stepped through, but nothing in the panel changes them', async () => {
      const { page, server, errors } = env();
      const seeded = (await new ModelStore(server.store.db).list())[0];
      const vera = await new UserStore(server.store.db).byName('vera');
      if (!seeded || !vera) throw new Error('the seeded model or the account is missing');
      await new UserStore(server.store.db).grant(seeded.id, vera.id, 'viewer');
      await page.goto(server.url);
      await page.getByLabel('Name').fill('vera');
      await page.getByLabel('Password').fill(PASSWORD);
      await page.getByLabel('Password').press('Enter');
      await page.getByRole('heading', { name: 'Threat models' }).waitFor();
      await open(page, server.url, encodeURIComponent(seeded.id));
      const { threats, rows, current } = panel(page);

      // Every edit control is disabled; the justification reads as text.
      expect(await threats.getByRole('button', { name: 'Add a threat' }).isDisabled()).toBe(true);
      expect(await threats.getByLabel('Set status of checked threats').isDisabled()).toBe(true);
      expect(await threats.getByLabel('Check all shown threats').isDisabled()).toBe(true);
      const row = rows.first();
      expect(await row.getByRole('checkbox').isDisabled()).toBe(true);
      expect(await row.getByRole('combobox').isDisabled()).toBe(true);
      expect(await row.getByRole('textbox').count()).toBe(0);

      // Selecting and the keyboard still work; Space checks nothing; the details are disabled too.
      await row.locator('td:nth-child(2)').click();
      const title = (await row.getAttribute('aria-label')) ?? '';
      const details = threats.getByRole('article', { name: `Threat: ${title}` });
      await details.waitFor();
      await page.keyboard.press('ArrowDown');
      await expect.poll(() => current.getAttribute('aria-rowindex')).toBe('3');
      await page.keyboard.press('Space');
      expect(await current.getByRole('checkbox').isChecked()).toBe(false);
      for (const field of ['Justification', 'Mitigations'])
        expect(await threats.getByRole('article').getByLabel(field).isDisabled()).toBe(true);
      expect(
        await threats
          .getByRole('article')
          .getByRole('combobox', { name: /^Status of / })
          .isDisabled(),
      ).toBe(true);
      await threats.getByLabel('Filter by priority').selectOption('High');
      for (const text of await rows.locator('td:nth-child(2)').allInnerTexts()) expect(text).toBe('High');
      await page.screenshot({ path: join(SCREENSHOTS, 'threats-read-only.png') });
      expect(errors.filter((e) => !/status of 401/.test(e))).toEqual([]);
    }, 60_000);
  },
  { auth: 'local', users: [{ name: 'vera', password: PASSWORD }] },
);
