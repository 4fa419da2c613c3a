/**
 * XSS through the web UI: a model, its threats, comments and a template whose every text is a
 * hostile payload (packages/report/src/testing/payloads.ts), shown in the editor, the threats
 * table, the comments, the history diff and the template editor. No dialog may fire, no
 * injected element may exist, and the payloads must show as text.
 */
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { hostileModel } from '../packages/report/src/testing/hostile.js';
import { PAYLOADS } from '../packages/report/src/testing/payloads.js';
import { journeys, SCREENSHOTS } from './browser.js';
import { saved } from './editorPage.js';
import { shopModel, uploadModel } from './models.js';

/** Elements and attributes only an injected payload would create (run in the page). */
const FIND_INJECTED = `(() => {
  const found = [];
  const selectors = [
    'img[src="x"]',
    'svg[onload]',
    'iframe',
    'script:not([src])',
    '[onerror]',
    '[onload]',
    'a[href^="javascript:" i]',
    'img[src^="https://evil.example"]',
  ];
  for (const s of selectors) for (const e of document.querySelectorAll(s)) found.push(s + ': ' + e.outerHTML.slice(0, 80));
  for (const b of document.querySelectorAll('b')) if (b.textContent === 'bold') found.push('<b>bold</b>');
  return found;
})()`;

const injected = async (page: Page): Promise<string[]> => (await page.evaluate(FIND_INJECTED)) as string[];

const json = async (url: URL, init?: RequestInit) => {
  const r = await fetch(url, init);
  if (!r.ok) throw new Error(`${init?.method ?? 'GET'} ${url}: ${r.status} ${await r.text()}`);
  return { body: (await r.json()) as Record<string, unknown>, etag: r.headers.get('etag') ?? '' };
};

journeys('journey: hostile texts stay text (XSS)', (env) => {
  it('shows payloads in names, descriptions, threats, comments, history and the template editor as text', async () => {
    const { page, server, errors } = env();
    const dialogs: string[] = [];
    page.on('dialog', (d) => {
      if (d.type() !== 'beforeunload') dialogs.push(`${d.type()}: ${d.message()}`);
      void d.dismiss();
    });
    const api = (path: string) => new URL(path, server.url);
    const send = (method: string, body: unknown, etag?: string) => ({
      method,
      headers: { 'content-type': 'application/json', ...(etag ? { 'if-match': etag } : {}) },
      body: JSON.stringify(body),
    });

    // A model analysed once, then every text in it a payload, saved as a second version.
    const model = shopModel(PAYLOADS[0] as string);
    const id = await uploadModel(server.url, model);
    let got = await json(api(`/api/models/${id}`));
    await json(api(`/api/models/${id}/analyze`), { method: 'POST', headers: { 'if-match': got.etag } });
    got = await json(api(`/api/models/${id}`));
    const hostile = hostileModel(got.body.model as Parameters<typeof hostileModel>[0]);
    await json(api(`/api/models/${id}`), send('PUT', hostile, got.etag));
    for (const p of PAYLOADS.slice(0, 8)) {
      await json(api(`/api/models/${id}/comments`), send('POST', { target: 'model', body: p }));
    }

    // The editor: names on the canvas, the model panel, the threats table.
    await page.goto(`${server.url}#/models/${id}`);
    await page.locator('.react-flow__node').first().waitFor();
    await saved(page);
    const shown = await page.locator('body').innerText();
    expect(shown).toContain('<img src=x onerror=alert(1)>');
    expect(await injected(page)).toEqual([]);
    await page.locator('tr.bw-threat-row').first().waitFor();
    await page.locator('tr.bw-threat-row').first().click();
    expect(await injected(page)).toEqual([]);
    await page.screenshot({ path: join(SCREENSHOTS, 'xss-editor.png') });

    // Comments on the model.
    await page.keyboard.press('Escape');
    await page.getByRole('tab', { name: 'Comments & sign-off' }).click();
    const panel = page.getByRole('region', { name: 'Comments and sign-off' });
    await panel.getByRole('combobox', { name: 'What to comment on' }).selectOption('model');
    await panel.getByText('<script>alert(1)</script>', { exact: true }).first().waitFor();
    expect(await panel.innerText()).toContain('"><svg onload=alert(1)>');
    expect(await injected(page)).toEqual([]);
    await page.screenshot({ path: join(SCREENSHOTS, 'xss-comments.png') });

    // The history and the diff from the first version to now.
    await page.getByRole('button', { name: 'History', exact: true }).click();
    const history = page.getByRole('region', { name: 'History' });
    await history.getByRole('button', { name: 'Compare version 1 with the working copy' }).click();
    const lists = history.getByRole('region', { name: 'Differences' });
    await expect.poll(() => lists.innerText()).toContain('<img src=x onerror=alert(1)>');
    expect(await injected(page)).toEqual([]);
    await page.screenshot({ path: join(SCREENSHOTS, 'xss-history.png') });

    // A template whose names and texts are payloads, in the template editor.
    const base = (await json(api('/api/templates/infrastructure'))).body;
    const template = (base.template ?? base) as Record<string, unknown> & {
      threatTypes: { name: string; description?: string }[];
      categories: { name: string }[];
    };
    const hostileTemplate = {
      ...template,
      id: 'xss-template',
      name: PAYLOADS[1],
      description: PAYLOADS[2],
      categories: template.categories.map((c, i) => ({ ...c, name: PAYLOADS[i % PAYLOADS.length] })),
      threatTypes: template.threatTypes.map((t, i) => ({
        ...t,
        name: PAYLOADS[i % PAYLOADS.length],
        description: PAYLOADS[(i + 1) % PAYLOADS.length],
        title: PAYLOADS[(i + 2) % PAYLOADS.length],
      })),
    };
    await json(api('/api/templates'), send('POST', hostileTemplate));
    await page.goto(`${server.url}#/templates`);
    await page.getByText('<img src=x onerror=alert(1)>').first().waitFor();
    expect(await injected(page)).toEqual([]);
    await page.goto(`${server.url}#/templates/xss-template`);
    await expect.poll(() => page.locator('.bw-tpl-header strong').innerText()).toBe(PAYLOADS[1]);
    await page.getByRole('button', { name: /^Threat types/ }).click();
    await page.getByText('"><svg onload=alert(1)>', { exact: true }).first().waitFor();
    // Tried on the hostile model: its names in the matches and the preview.
    await page.getByLabel('Try on model').selectOption({ index: 1 });
    await page.getByText(`Matches in “${PAYLOADS[0]}”`).waitFor();
    expect(await injected(page)).toEqual([]);
    await page.screenshot({ path: join(SCREENSHOTS, 'xss-template-editor.png') });

    expect(dialogs).toEqual([]);
    // The built app's page comes with a CSP that allows no inline script, and may not be framed.
    const headers = (await fetch(server.url)).headers;
    expect(headers.get('content-security-policy')).toMatch(/script-src 'self';/);
    expect(headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(headers.get('x-content-type-options')).toBe('nosniff');
    // The check itself finds an injected element.
    await page.evaluate(`document.body.appendChild(Object.assign(document.createElement('img'), { src: 'x' }))`);
    expect(await injected(page)).toHaveLength(1);
    expect(errors.filter((e) => /Content Security Policy|Refused to/.test(e))).toEqual([]);
  }, 120_000);
});
