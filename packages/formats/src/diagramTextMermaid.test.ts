/**
 * The Mermaid Bulwark writes, drawn by Mermaid itself (the mermaid package's browser build) in a
 * real Chromium (Debian's /usr/bin/chromium, driven by playwright-core): every example and every
 * corpus model that converts must render without an error, with a node for every shape of every
 * diagram. Skips, saying why, when there is no Chromium or no mermaid package. Saves a screenshot
 * of a model with several diagrams to e2e/screenshots/mermaid-diagrams.png (look at it).
 */
import { existsSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { ThreatModel } from '@bulwark/core';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeMermaid } from './diagramText.js';
import { diagramModels } from './testing/diagramModels.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const MERMAID = (() => {
  try {
    return join(createRequire(import.meta.url).resolve('mermaid/package.json'), '../dist/mermaid.min.js');
  } catch {
    return undefined;
  }
})();
const why = !existsSync(CHROMIUM)
  ? `no Chromium at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH)`
  : !MERMAID || !existsSync(MERMAID)
    ? 'no mermaid package (npm ci installs it)'
    : undefined;
if (why) console.warn(`skipping the Mermaid check: ${why}`);
let loaded: ReturnType<typeof diagramModels> | undefined;
const models = () => {
  loaded ??= diagramModels();
  return loaded;
};
const SCREENSHOTS = new URL('../../../e2e/screenshots/', import.meta.url).pathname;

interface Drawn {
  error?: string;
  /** The node ids Mermaid drew (`n1`...), from its `flowchart-<id>-<k>` element ids. */
  nodes: string[];
}

/**
 * Run in the page (a string: this file is type-checked without the DOM's types): draws a Mermaid
 * text into #out and says what it drew. Mermaid's limits are raised: the check is about the
 * syntax, and the writer warns about the limits itself.
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

/** Draws one Mermaid text in the page and says what it drew. */
function draw(page: Page, text: string): Promise<Drawn> {
  return page.evaluate(
    (source) => (globalThis as unknown as { drawMermaid: (s: string) => Promise<Drawn> }).drawMermaid(source),
    text,
  );
}

describe.skipIf(why !== undefined)('Mermaid of every example and corpus model, drawn by Mermaid in Chromium', () => {
  let browser: Browser;
  let page: Page;
  beforeAll(async () => {
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu'] });
    page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    await page.setContent('<!doctype html><html><body><div id="out"></div></body></html>');
    await page.addScriptTag({ path: MERMAID as string });
    await page.addScriptTag({ content: IN_PAGE });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
  });

  it('renders without an error, with a node for every shape of every diagram', async () => {
    const failures: string[] = [];
    for (const { file, model } of models()) {
      const text = writeMermaid(model).text;
      const drawn = await draw(page, text);
      if (drawn.error) {
        failures.push(`${file}: ${drawn.error.split('\n')[0]}`);
        continue;
      }
      const shapes = model.diagrams.reduce(
        (n, d) => n + d.elements.filter((e) => e.kind !== 'dataFlow' && e.kind !== 'trustBoundary').length,
        0,
      );
      const written = new Set(text.match(/^\s*n\d+(?=[[(>])/gm)?.map((s) => s.trim()));
      const missing = [...written].filter((id) => !drawn.nodes.includes(id));
      if (drawn.nodes.length !== shapes || missing.length > 0)
        failures.push(
          `${file}: ${drawn.nodes.length} nodes drawn for ${shapes} shapes (missing ${missing.join(', ')})`,
        );
    }
    console.info(`Mermaid in Chromium: ${models().length - failures.length} of ${models().length} models render whole`);
    expect(failures).toEqual([]);
  }, 600_000);

  it('draws a model of several diagrams as one picture (screenshot)', async () => {
    // The model of several diagrams with the most shapes (the examples have one diagram each).
    const shapes = (m: ThreatModel) => m.diagrams.reduce((n, d) => n + d.elements.length, 0);
    const several = models()
      .filter((m) => m.model.diagrams.filter((d) => d.elements.length > 0).length > 1)
      .sort((a, b) => shapes(b.model) - shapes(a.model))[0];
    if (!several) return;
    const drawn = await draw(page, writeMermaid(several.model).text);
    expect(drawn.error).toBeUndefined();
    mkdirSync(SCREENSHOTS, { recursive: true });
    await page.locator('#out svg').screenshot({ path: join(SCREENSHOTS, 'mermaid-diagrams.png') });
  }, 60_000);
});
