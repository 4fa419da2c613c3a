/** `bulwark interactions <file>`: the seeds' interactions tables, computed from the diagram. */
import {
  bulwarkError,
  type InteractionRow,
  type InteractionSection,
  interactionRows,
  interactionSections,
  type ThreatModel,
} from '@bulwark/core';
import type { Command } from 'commander';
import { CliFailure, loadModelAndTemplate } from '../context.js';
import { mdCell } from '../output.js';

/** The JSON shape of one row. */
export function rowJson(r: InteractionRow): Record<string, unknown> {
  return {
    elementA: r.elementA,
    direction: r.direction,
    elementB: r.elementB,
    crossesBoundary: r.crossesBoundary,
    boundaries: r.boundaries,
    details: r.details,
    flow: r.flowName,
    flowId: r.flowId,
    elementAId: r.elementAId,
    elementBId: r.elementBId,
    ...(r.direction === 'one-way' ? { dataGoes: r.aToB ? 'A to B' : 'B to A' } : {}),
  };
}

function direction(r: InteractionRow): string {
  if (r.direction === 'bidirectional') return 'Bi-directional';
  return r.aToB ? 'One-way (A to B)' : 'One-way (B to A)';
}

/** Renders sections as the seeds lay them out; a flow already shown refers to its first section. */
export function sectionsMarkdown(sections: InteractionSection[]): string {
  const firstShown = new Map<string, string>();
  const parts: string[] = [];
  for (const section of sections) {
    parts.push(
      `### ${mdCell(section.element)}`,
      '',
      '|Element A|Data-flow|Element B|Crosses boundary|Details|',
      '|---------|---------|---------|----------------|-------|',
    );
    for (const r of section.rows) {
      const shownIn = firstShown.get(r.flowId);
      const details =
        shownIn !== undefined
          ? `*See **${mdCell(shownIn)}** for details*`
          : r.details.length > 0
            ? `<ul>${r.details.map((d) => `<li>${mdCell(d)}</li>`).join('')}</ul>`
            : '';
      if (shownIn === undefined) firstShown.set(r.flowId, section.element);
      parts.push(
        `|${mdCell(r.elementA)}|${direction(r)}|${mdCell(r.elementB)}|${r.crossesBoundary ? 'Yes' : 'No'}|${details}|`,
      );
    }
    parts.push('');
  }
  return `${parts.join('\n')}\n`;
}

function findElement(model: ThreatModel, query: string): string {
  const q = query.trim().toLowerCase();
  const nodes = model.diagrams
    .flatMap((d) => d.elements)
    .filter((e) => e.kind === 'process' || e.kind === 'dataStore' || e.kind === 'externalEntity');
  const hit =
    nodes.find((e) => e.id === query) ??
    nodes.find((e) => e.name.toLowerCase() === q) ??
    nodes.find((e) => `${e.name} (grouped)`.toLowerCase() === q);
  if (!hit) {
    const names = nodes.map((e) => e.name).join(', ');
    throw new CliFailure(bulwarkError('USAGE', `No element named "${query}". Elements: ${names}.`));
  }
  return hit.id;
}

export function register(program: Command): void {
  program
    .command('interactions')
    .description(
      'list every interaction: element A, direction, element B, whether it crosses a trust boundary, details',
    )
    .argument('<file>', 'model file')
    .option('-e, --element <name>', 'only the interactions of this element (name or id), seen from it')
    .option('-t, --template <idOrFile>', "template to use (default: the model's own)")
    .option('--format <format>', 'md or json', 'md')
    .action((file: string, opts: { element?: string; template?: string; format: string }) => {
      if (opts.format !== 'md' && opts.format !== 'json')
        throw new CliFailure(bulwarkError('USAGE', `Unknown format "${opts.format}": use md or json.`));
      const { loaded, template } = loadModelAndTemplate(file, opts.template);
      const elementId = opts.element !== undefined ? findElement(loaded.model, opts.element) : undefined;
      if (opts.format === 'json') {
        const rows =
          elementId !== undefined
            ? interactionSections(loaded.model, template, elementId).flatMap((s) => s.rows)
            : interactionRows(loaded.model, template);
        process.stdout.write(`${JSON.stringify(rows.map(rowJson), null, 2)}\n`);
        return;
      }
      process.stdout.write(sectionsMarkdown(interactionSections(loaded.model, template, elementId)));
    });
}
