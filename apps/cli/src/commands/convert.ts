/**
 * `bulwark convert <in> -o <out>`: a model from one format to another. The input format is
 * recognised by content (a .tm7 under any name is still a .tm7); the output format comes from
 * --to or the output's extension. Whatever cannot be carried across is listed, never dropped
 * silently.
 */
import { existsSync } from 'node:fs';
import { bulwarkError, type Template } from '@bulwark/core';
import { exportTm7, tm7ExportWarnings } from '@bulwark/formats';
import type { Command } from 'commander';
import { CliFailure, findTemplate, orFail, printWarning } from '../context.js';
import { loadModel, modelText, writeFileAtomic } from '../io.js';
import { out } from '../output.js';
import { findUserTemplate, saveUserTemplate } from '../templateStore.js';

/** The formats convert writes, by name and by file extension. */
const OUTPUTS: Record<string, { extensions: RegExp }> = {
  json: { extensions: /\.json$/i },
  yaml: { extensions: /\.ya?ml$/i },
  tm7: { extensions: /\.tm7$/i },
};

function outputFormat(file: string, to?: string): string {
  if (to !== undefined) {
    if (!OUTPUTS[to])
      throw new CliFailure(
        bulwarkError('USAGE', `Unknown output format "${to}": use ${Object.keys(OUTPUTS).join(', ')}.`),
      );
    return to;
  }
  for (const [name, f] of Object.entries(OUTPUTS)) if (f.extensions.test(file)) return name;
  throw new CliFailure(
    bulwarkError(
      'USAGE',
      `Cannot tell the output format from "${file}": name it .bulwark.json or .bulwark.yaml, or pass --to (${Object.keys(OUTPUTS).join(', ')}).`,
    ),
  );
}

/** Keeps an embedded template (from a .tm7) available to the converted model under its id. */
function keepTemplate(template: Template, warnings: string[]): void {
  const existing = findUserTemplate(template.id);
  if (existing?.ok && existing.value.version === template.version) return;
  const saved = saveUserTemplate(template);
  if (saved.ok)
    warnings.push(
      `the model's template "${template.name}" ${template.version} (id ${template.id}) was saved to ${saved.value}, so the converted model can be analysed with it`,
    );
  else
    warnings.push(
      `the model's template "${template.name}" could not be saved (${saved.error.message}); analyse the converted model with --template <the original file>`,
    );
}

export function register(program: Command): void {
  program
    .command('convert')
    .description(
      'convert a model between formats (input recognised by content): .tm7, Bulwark JSON and YAML, either way',
    )
    .argument('<input>', 'the model to read (.bulwark.json, .bulwark.yaml, .tm7)')
    .requiredOption('-o, --output <file>', 'where to write the converted model')
    .option('--to <format>', `output format: ${Object.keys(OUTPUTS).join(', ')} (default: from the output's extension)`)
    .option('--force', 'replace the output file if it exists')
    .option('--format <format>', 'how to report: text or json', 'text')
    .action((input: string, opts: { output: string; to?: string; force?: boolean; format: string }) => {
      const format = outputFormat(opts.output, opts.to);
      if (existsSync(opts.output) && !opts.force) {
        throw new CliFailure(
          bulwarkError('IO', `${opts.output} already exists; nothing was written. Use --force to replace it.`, {
            file: opts.output,
          }),
        );
      }
      const loaded = orFail(loadModel(input));
      const warnings = [...(loaded.warnings ?? [])];
      let text: string;
      if (format === 'tm7') {
        const template = loaded.template ?? orFail(findTemplate(loaded.model.template.id));
        warnings.push(...tm7ExportWarnings(loaded.model, template));
        text = exportTm7(loaded.model, template);
      } else {
        if (loaded.template) keepTemplate(loaded.template, warnings);
        else if (!findTemplate(loaded.model.template.id).ok)
          warnings.push(`the model names template "${loaded.model.template.id}", which is not known here`);
        text = modelText(loaded.model, format === 'yaml' ? 'yaml' : 'json');
      }
      orFail(writeFileAtomic(opts.output, text));
      if (opts.format === 'json') {
        process.stdout.write(
          `${JSON.stringify({ input, output: opts.output, from: loaded.format, to: format, warnings }, null, 2)}\n`,
        );
        return;
      }
      for (const w of warnings) printWarning(w);
      const elements = loaded.model.diagrams.reduce((n, d) => n + d.elements.length, 0);
      process.stdout.write(
        `${out.green('converted')} ${input} (${loaded.format}) -> ${opts.output} (${format}): ${loaded.model.diagrams.length} diagram(s), ${elements} elements, ${(loaded.model.threats ?? []).length} threats\n`,
      );
    });
}
