/**
 * `bulwark render <model> [--diagram NAME|ID] [-o file.svg]`: one diagram as a standalone SVG, as
 * the editor draws it. Diagrams without positions (models written as code) are laid out first.
 */
import { bulwarkError, type Diagram, type ThreatModel } from '@bulwark/core';
import { layoutAndRenderSvg } from '@bulwark/report';
import type { Command } from 'commander';
import { CliFailure, orFail } from '../context.js';
import { loadModel, writeFileAtomic } from '../io.js';
import { out } from '../output.js';

/** The diagram named (by id, then name, case-insensitive), or the first one. */
export function findDiagram(model: ThreatModel, query: string | undefined, file: string): Diagram {
  const list = model.diagrams.map((d) => `"${d.name}" (${d.id})`).join(', ');
  if (query === undefined) {
    const first = model.diagrams[0];
    if (!first) throw new CliFailure(bulwarkError('NOT_FOUND', 'The model has no diagram to render.', { file }));
    return first;
  }
  const q = query.trim().toLowerCase();
  const hit = model.diagrams.find((d) => d.id === query) ?? model.diagrams.find((d) => d.name.toLowerCase() === q);
  if (!hit) throw new CliFailure(bulwarkError('USAGE', `No diagram named "${query}". Diagrams: ${list || 'none'}.`));
  return hit;
}

export function register(program: Command): void {
  program
    .command('render')
    .description('draw a diagram as SVG (laid out automatically when the model has no positions)')
    .argument('<model>', 'model file (.bulwark.json, .bulwark.yaml, .tm7)')
    .option('-d, --diagram <nameOrId>', 'the diagram to draw (default: the first)')
    .option('-o, --output <file>', 'write the SVG to this file (default: standard output)')
    .action(async (file: string, opts: { diagram?: string; output?: string }) => {
      const loaded = orFail(loadModel(file));
      const diagram = findDiagram(loaded.model, opts.diagram, file);
      const svg = await layoutAndRenderSvg(diagram);
      if (opts.output === undefined) {
        process.stdout.write(svg);
        return;
      }
      orFail(writeFileAtomic(opts.output, svg));
      process.stderr.write(
        `${out.green('rendered')} diagram "${diagram.name}" (${diagram.elements.length} elements) -> ${opts.output}\n`,
      );
    });
}
