/**
 * The Markdown report's Mermaid, drawn by Mermaid itself in Chromium: every diagram of every
 * example and corpus model that converts must render without an error, with a node for every
 * shape and annotation. Skips, saying why, when there is no Chromium or no mermaid package.
 */
import { describe, expect, it } from 'vitest';
import { diagramModels } from '../../formats/src/testing/diagramModels.js';
import { declaredNodes, mermaidUnavailable, useMermaid } from '../../formats/src/testing/mermaidInChromium.js';
import { mermaidFlowchart } from './markdown.js';

if (mermaidUnavailable) console.warn(`skipping the report's Mermaid check: ${mermaidUnavailable}`);

describe.skipIf(mermaidUnavailable !== undefined)("the Markdown report's Mermaid, drawn by Mermaid in Chromium", () => {
  const mermaid = useMermaid();

  it('renders every diagram without an error, with a node for every shape', async () => {
    const models = diagramModels();
    const failures: string[] = [];
    for (const { file, model } of models) {
      for (const diagram of model.diagrams) {
        const text = mermaidFlowchart(diagram).replace(/^```mermaid\n|```$/g, '');
        const drawn = await mermaid().draw(text);
        const shapes = diagram.elements.filter((e) => e.kind !== 'dataFlow' && e.kind !== 'trustBoundary').length;
        const missing = [...declaredNodes(text)].filter((id) => !drawn.nodes.includes(id));
        if (drawn.error) failures.push(`${file} (${diagram.name}): ${drawn.error.split('\n')[0]}`);
        else if (drawn.nodes.length !== shapes || missing.length > 0)
          failures.push(`${file} (${diagram.name}): ${drawn.nodes.length} nodes drawn for ${shapes} shapes`);
      }
    }
    console.info(
      `report Mermaid in Chromium: ${models.length - new Set(failures.map((f) => f.split(' (')[0])).size} of ${models.length} models render whole`,
    );
    expect(failures).toEqual([]);
  }, 600_000);
});
