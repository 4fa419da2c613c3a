import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { journeys, SCREENSHOTS } from './browser.js';

/** The scripts a page fetches (name and content encoding), and every CSP violation it reports. */
async function watch(page: Page) {
  const scripts: { name: string; encoding: string }[] = [];
  page.on('response', (r) => {
    if (r.request().resourceType() === 'script')
      scripts.push({ name: new URL(r.url()).pathname, encoding: r.headers()['content-encoding'] ?? 'identity' });
  });
  // Caught violations (zod's eval probe was one) never reach the console: listen for them.
  await page.addInitScript({
    content: `window.cspViolations = [];
      document.addEventListener('securitypolicyviolation', (e) =>
        window.cspViolations.push(e.violatedDirective + ' ' + e.blockedURI + ' ' + e.sourceFile + ':' + e.lineNumber));`,
  });
  return {
    scripts,
    violations: () => page.evaluate<string[]>('window.cspViolations'),
  };
}

const EDITOR_CODE = /\/(ModelView|elk\.bundled|TemplateEditor|TemplatesPage)-[^/]*\.js$/;

journeys('journeys: the app loads what a page needs, compressed, within its CSP', (env) => {
  it('the models page fetches no editor code; opening a model fetches it; no CSP violations', async () => {
    const { browser, server, errors } = env();
    const context = await browser.newContext({ viewport: { width: 1600, height: 1000 } });
    const page = await context.newPage();
    try {
      const { scripts, violations } = await watch(page);
      await page.goto(server.url);
      await page.getByRole('heading', { name: 'Threat models' }).waitFor();
      await page.waitForLoadState('networkidle');
      expect(scripts.length).toBeGreaterThan(0);
      expect(scripts.filter((s) => EDITOR_CODE.test(s.name))).toEqual([]);
      // Chromium asks for br: every script came compressed.
      expect(scripts.filter((s) => s.name.endsWith('.js') && s.encoding !== 'br')).toEqual([]);
      expect(await violations()).toEqual([]);

      await page.getByRole('link', { name: 'Infrastructure' }).first().click();
      await page.locator('.react-flow__node').first().waitFor();
      expect(scripts.some((s) => /\/ModelView-[^/]*\.js$/.test(s.name))).toBe(true);
      expect(await violations()).toEqual([]);
      await page.screenshot({ path: join(SCREENSHOTS, 'loading-editor.png') });
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  }, 60_000);
});
