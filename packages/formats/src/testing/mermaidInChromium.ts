/**
 * Mermaid itself (the mermaid package's browser build) in a real Chromium (Debian's
 * /usr/bin/chromium, driven by playwright-core), for tests that check the Mermaid Bulwark writes
 * renders. Test helper.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const MERMAID = (() => {
  try {
    return join(createRequire(import.meta.url).resolve('mermaid/package.json'), '../dist/mermaid.min.js');
  } catch {
    return undefined;
  }
})();

/** Why Mermaid cannot be run here, or undefined when it can. */
export const mermaidUnavailable: string | undefined = !existsSync(CHROMIUM)
  ? `no Chromium at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH)`
  : !MERMAID || !existsSync(MERMAID)
    ? 'no mermaid package (npm ci installs it)'
    : undefined;

/** What Mermaid drew of one text. */
export interface Drawn {
  error?: string;
  /** The node ids Mermaid drew (`n1`...), from its `flowchart-<id>-<k>` element ids. */
  nodes: string[];
}

/**
 * Run in the page (a string: tests are type-checked without the DOM's types): draws a Mermaid
 * text into #out and says what it drew. Mermaid's limits are raised: the checks are about the
 * syntax, and the writers warn about the limits themselves.
 */
const IN_PAGE = `
mermaid.initialize({ startOnLoad: false, securityLevel: 'strict', maxTextSize: 10000000, maxEdges: 100000 });
let drawn = 0;
window.drawMermaid = async (source) => {
  const out = document.getElementById('out');
  out.innerHTML = '';
  try {
    const { svg } = await mermaid.render('m' + ++drawn, source);
    out.innerHTML = svg;
  } catch (e) {
    return { error: e instanceof Error ? e.message : String(e), nodes: [] };
  }
  const nodes = [...out.querySelectorAll('g.node')].map((g) => /flowchart-(.+)-\\d+$/.exec(g.id)?.[1] ?? g.id);
  return { nodes };
};`;

/** A page with Mermaid loaded: `draw` renders a text into it (the picture stays in #out until the next). */
export async function openMermaid(): Promise<{
  page: Page;
  draw: (text: string) => Promise<Drawn>;
  close: () => Promise<void>;
}> {
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu'] });
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  await page.setContent('<!doctype html><html><body><div id="out"></div></body></html>');
  await page.addScriptTag({ path: MERMAID as string });
  await page.addScriptTag({ content: IN_PAGE });
  const draw = (text: string): Promise<Drawn> =>
    page.evaluate(
      (source) => (globalThis as unknown as { drawMermaid: (s: string) => Promise<Drawn> }).drawMermaid(source),
      text,
    );
  return { page, draw, close: () => browser.close() };
}

/** Inside a `describe`: a Mermaid page opened before its tests and closed after them (read it in the tests). */
export function useMermaid(): () => Awaited<ReturnType<typeof openMermaid>> {
  let mermaid: Awaited<ReturnType<typeof openMermaid>> | undefined;
  beforeAll(async () => {
    mermaid = await openMermaid();
  }, 60_000);
  afterAll(async () => {
    await mermaid?.close();
  });
  return () => {
    if (!mermaid) throw new Error('Mermaid was not opened');
    return mermaid;
  };
}

/** The ids of the nodes a Mermaid text declares (`n1["..."]`, `n2(("..."))`...). */
export function declaredNodes(text: string): Set<string> {
  return new Set(text.match(/^\s*n\d+(?=[[(>])/gm)?.map((s) => s.trim()));
}
