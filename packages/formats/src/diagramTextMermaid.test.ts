/**
 * The Mermaid Bulwark writes, drawn by Mermaid itself (the mermaid package's browser build) in a
 * real Chromium (Debian's /usr/bin/chromium, driven by playwright-core): every example and every
 * corpus model that converts must render without an error, with a node for every shape of every
 * diagram. Skips, saying why, when there is no Chromium or no mermaid package. Saves a screenshot
 * of a model with several diagrams to e2e/screenshots/mermaid-diagrams.png (look at it).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { ThreatModel } from '@bulwark/core';
import { describe, expect, it } from 'vitest';
import { writeMermaid } from './diagramText.js';
import { diagramModels } from './testing/diagramModels.js';
import { declaredNodes, mermaidUnavailable, useMermaid } from './testing/mermaidInChromium.js';

if (mermaidUnavailable) console.warn(`skipping the Mermaid check: ${mermaidUnavailable}`);
let loaded: ReturnType<typeof diagramModels> | undefined;
const models = () => {
  loaded ??= diagramModels();
  return loaded;
};
const SCREENSHOTS = new URL('../../../e2e/screenshots/', import.meta.url).pathname;

describe.skipIf(mermaidUnavailable !== undefined)(
  'Mermaid of every example and corpus model, drawn by Mermaid in Chromium',
  () => {
    const mermaid = useMermaid();

    it('renders without an error, with a node for every shape of every diagram', async () => {
      const failures: string[] = [];
      for (const { file, model } of models()) {
        const text = writeMermaid(model).text;
        const drawn = await mermaid().draw(text);
        if (drawn.error) {
          failures.push(`${file}: ${drawn.error.split('\n')[0]}`);
          continue;
        }
        const shapes = model.diagrams.reduce(
          (n, d) => n + d.elements.filter((e) => e.kind !== 'dataFlow' && e.kind !== 'trustBoundary').length,
          0,
        );
        const written = declaredNodes(text);
        const missing = [...written].filter((id) => !drawn.nodes.includes(id));
        if (drawn.nodes.length !== shapes || missing.length > 0)
          failures.push(
            `${file}: ${drawn.nodes.length} nodes drawn for ${shapes} shapes (missing ${missing.join(', ')})`,
          );
      }
      console.info(
        `Mermaid in Chromium: ${models().length - failures.length} of ${models().length} models render whole`,
      );
      expect(failures).toEqual([]);
    }, 600_000);

    it('draws a model of several diagrams as one picture (screenshot)', async () => {
      // The model of several diagrams with the most shapes (the examples have one diagram each).
      const shapes = (m: ThreatModel) => m.diagrams.reduce((n, d) => n + d.elements.length, 0);
      const several = models()
        .filter((m) => m.model.diagrams.filter((d) => d.elements.length > 0).length > 1)
        .sort((a, b) => shapes(b.model) - shapes(a.model))[0];
      if (!several) return;
      const drawn = await mermaid().draw(writeMermaid(several.model).text);
      expect(drawn.error).toBeUndefined();
      mkdirSync(SCREENSHOTS, { recursive: true });
      await mermaid()
        .page.locator('#out svg')
        .screenshot({ path: join(SCREENSHOTS, 'mermaid-diagrams.png') });
    }, 60_000);
  },
);
