import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { journeys, ROOT, SCREENSHOTS } from './browser.js';

const TM7 = join(ROOT, 'packages/formats/fixtures/minimal.tm7');

journeys('journeys: the models page imports, exports and deletes', (env) => {
  it('imports a .tm7 picked from disk and shows its diagram and its threats with their states', async () => {
    const { page, server, errors } = env();
    await page.goto(server.url);
    await page.getByLabel(/Import a file/).setInputFiles(TM7);
    // The import says what it brought in (e2e/import.test.ts reads it), then opens on request.
    await page.getByRole('status', { name: 'Import summary' }).getByRole('button', { name: 'Open the model' }).click();
    await page.waitForURL(/#\/models\//);
    await page.locator('.react-flow__node').first().waitFor();
    // Customer browser, Web app, the Internet box boundary, the Edge line boundary and the note;
    // the Orders flow is an edge.
    expect(await page.locator('.react-flow__node').count()).toBe(5);
    expect(await page.locator('.react-flow__node', { hasText: 'Web app' }).count()).toBe(1);
    expect(await page.locator('.react-flow__edge').count()).toBeGreaterThanOrEqual(1);
    const row = page.locator('.bw-threats tbody tr', { hasText: 'Sniffing of Orders' });
    expect(await row.getByRole('combobox').inputValue()).toBe('mitigated');
    await page.screenshot({ path: join(SCREENSHOTS, 'import-tm7.png') });
    expect(errors).toEqual([]);
  }, 60_000);

  it('imports a file dropped on the page', async () => {
    const { page, server, errors } = env();
    await page.goto(server.url);
    await page.getByRole('heading', { name: 'Threat models' }).waitFor();
    const text = readFileSync(join(ROOT, 'examples/infrastructure.bulwark.json'), 'utf8').replace(
      '"name": "Infrastructure"',
      '"name": "Dropped infrastructure"',
    );
    const dataTransfer = await page.evaluateHandle(
      `(() => { const d = new DataTransfer(); d.items.add(new File([${JSON.stringify(text)}], 'infra.bulwark.json', { type: 'application/json' })); return d; })()`,
    );
    await page.locator('main').dispatchEvent('dragover', { dataTransfer });
    await page.locator('main').dispatchEvent('drop', { dataTransfer });
    await page.getByRole('status', { name: 'Import summary' }).getByRole('button', { name: 'Open the model' }).click();
    await page.waitForURL(/#\/models\//);
    await page.getByText('Dropped infrastructure').first().waitFor();
    expect(await page.locator('.react-flow__node', { hasText: 'Firewall' }).count()).toBeGreaterThan(0);
    expect(errors).toEqual([]);
  }, 60_000);

  it('exports a model in each format, and deletes only after confirmation', async () => {
    const { page, server, errors } = env();
    await page.goto(server.url);
    const row = page.locator('.bw-table tbody tr', { hasText: 'Shop' }).first();
    await row.waitFor();
    const fetched = async (href: string | null) => {
      const response = await page.request.get(new URL(href ?? '', server.url).toString());
      expect(response.status(), href ?? '').toBe(200);
      return response.text();
    };
    for (const [format, marker] of [
      ['JSON', '"diagrams"'],
      ['YAML', 'diagrams:'],
    ] as const) {
      const href = await row.getByRole('link', { name: `Export Shop as ${format}` }).getAttribute('href');
      expect(await fetched(href), format).toContain(marker);
    }
    // Other tools' formats, as the server lists them (GET /api/formats): each one downloads.
    await row.getByText('Other…').click();
    const others = row.locator('.bw-export-more a');
    expect(await others.count()).toBeGreaterThan(0);
    for (const link of await others.all())
      expect((await fetched(await link.getAttribute('href'))).length).toBeGreaterThan(0);
    const tm7 = row.getByRole('link', { name: 'Microsoft Threat Modeling Tool (.tm7)' });
    expect(await fetched(await tm7.getAttribute('href'))).toContain('<ThreatModel');
    await row.getByRole('button', { name: 'Delete Shop' }).click();
    const confirm = page.getByRole('alertdialog', { name: 'Delete Shop?' });
    await page.screenshot({ path: join(SCREENSHOTS, 'models-page-delete.png') });
    await confirm.getByRole('button', { name: 'Cancel' }).click();
    expect(await page.locator('.bw-table tbody tr', { hasText: 'Shop' }).count()).toBe(1);
    await row.getByRole('button', { name: 'Delete Shop' }).click();
    await confirm.getByRole('button', { name: 'Delete' }).click();
    await expect.poll(() => page.locator('.bw-table tbody tr', { hasText: 'Shop' }).count()).toBe(0);
    const list = (await (await fetch(new URL('api/models', server.url))).json()) as { models: { name: string }[] };
    expect(list.models.map((m) => m.name)).not.toContain('Shop');
    await page.reload();
    await page.locator('.bw-table tbody tr').first().waitFor();
    expect(await page.locator('.bw-table tbody tr', { hasText: 'Shop' }).count()).toBe(0);
    expect(errors).toEqual([]);
  }, 60_000);
});
