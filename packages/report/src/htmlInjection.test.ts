/**
 * Hostile text through the HTML report and the SVG, opened in a real Chromium: no dialog fires,
 * no element or attribute from a payload exists in the page, and every payload reads back as
 * text. Skips, saying why, where there is no Chromium.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium as browsers } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { htmlReport } from './html.js';
import { findChromium } from './node/pdf.js';
import { layoutAndRenderSvg } from './svg.js';
import { analysedExample, EXAMPLE_URL } from './testing/example.js';
import { hostileModel } from './testing/hostile.js';
import { PAYLOADS } from './testing/payloads.js';

const { model: example, template } = analysedExample(readFileSync(EXAMPLE_URL, 'utf8'));
const model = hostileModel(example);
const chromium = findChromium();
if (!chromium.ok) console.warn(`skipping the HTML/SVG injection test in a browser: ${chromium.error.message}`);

describe.skipIf(!chromium.ok)('hostile text in the HTML report and the SVG, in Chromium', () => {
  let browser: Awaited<ReturnType<typeof browsers.launch>>;
  const dir = mkdtempSync(join(tmpdir(), 'bulwark-injection-'));
  beforeAll(async () => {
    browser = await browsers.launch({ executablePath: chromium.ok ? chromium.value : '', args: ['--no-sandbox'] });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
  });

  /** Opens a file with scripts allowed (so a payload that got through would run) and watches for dialogs. */
  async function open(file: string): Promise<{ dialogs: string[]; page: Awaited<ReturnType<typeof browser.newPage>> }> {
    const page = await browser.newPage();
    const dialogs: string[] = [];
    page.on('dialog', async (d) => {
      dialogs.push(d.message());
      await d.dismiss();
    });
    await page.goto(pathToFileURL(file).href);
    await page.waitForTimeout(300);
    return { dialogs, page };
  }

  it('the HTML report: nothing runs, no element from a payload, every payload shown as text', async () => {
    const file = join(dir, 'report.html');
    writeFileSync(file, await htmlReport(model, template));
    const { dialogs, page } = await open(file);
    expect(dialogs).toEqual([]);
    const found = (await page.evaluate(`(() => {
      const bad = document.querySelectorAll('script, iframe, img, object, embed, link, [onerror], [onload], [onclick], a[href^="javascript"]');
      return { bad: bad.length, svgs: document.querySelectorAll('svg [onload]').length, text: document.body.innerText,
        signOffs: [...document.querySelectorAll('#review tbody tr')].map((r) => r.cells.length) };
    })()`)) as { bad: number; svgs: number; text: string; signOffs: number[] };
    expect(found.bad).toBe(0);
    // The hostile reviewers' sign-offs are there, each one row of five cells.
    expect(found.signOffs).toEqual([5, 5]);
    expect(found.svgs).toBe(0);
    // The visible text holds each payload (control characters XML refuses are dropped; HTML folds
    // runs of white space).
    // biome-ignore lint/suspicious/noControlCharactersInRegex: exactly the characters the report drops
    const control = /[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g;
    const fold = (s: string) => s.replace(control, '').replace(/\s+/g, ' ').trim();
    const text = fold(found.text);
    for (const p of PAYLOADS) expect(text, p).toContain(fold(p));
    await page.close();
  }, 60_000);

  it('the SVG of a diagram on its own: nothing runs, no element from a payload', async () => {
    const file = join(dir, 'diagram.svg');
    writeFileSync(file, await layoutAndRenderSvg(model.diagrams[0] ?? { id: 'x', name: 'x', elements: [] }));
    const { dialogs, page } = await open(file);
    expect(dialogs).toEqual([]);
    const bad = await page.evaluate(
      `document.querySelectorAll('script, foreignObject, iframe, image, [onload], [onerror], [onclick]').length`,
    );
    expect(bad).toBe(0);
    await page.close();
  }, 60_000);
});
