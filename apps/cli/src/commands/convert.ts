/**
 * `bulwark convert <in> -o <out>`: a model from one format to another. The input format is
 * recognised by content (a .tm7 under any name is still a .tm7); the output format comes from
 * --to or the output's extension. Whatever cannot be carried across is listed, never dropped
 * silently.
 */
import { existsSync } from 'node:fs';
import { bulwarkError, embedTemplate, type Template } from '@bulwark/core';
import { formatById, GENERIC_ENDINGS, MODEL_FORMATS, writerForFileName } from '@bulwark/formats';
import type { Command } from 'commander';
import { CliFailure, findTemplate, modelTemplate, orFail, printWarning } from '../context.js';
import { loadModel, modelText, writeFileAtomic } from '../io.js';
import { out } from '../output.js';
import { findUserTemplate, saveUserTemplate } from '../templateStore.js';

/** Bulwark's own formats. */
const NATIVE: Record<string, RegExp> = { json: /\.json$/i, yaml: /\.ya?ml$/i };

/** The formats convert writes: Bulwark's own, then every format of @bulwark/formats that writes. */
function outputNames(): string[] {
  return [...Object.keys(NATIVE), ...MODEL_FORMATS.filter((f) => f.write).map((f) => f.id)];
}

/** Which ending writes which format, for --help: `.cdx.json tm-bom-cyclonedx, .tmbom.json tm-bom, ...`. */
function endingNames(): string {
  const foreign = MODEL_FORMATS.flatMap((f) =>
    f.write ? f.extensions.filter((e) => !GENERIC_ENDINGS.has(e)).map((e) => `${e} ${f.id}`) : [],
  );
  return ['.bulwark.json json', '.bulwark.yaml yaml', ...foreign].join(', ');
}

function outputFormat(file: string, to?: string): string {
  if (to !== undefined) {
    if (!outputNames().includes(to))
      throw new CliFailure(bulwarkError('USAGE', `Unknown output format "${to}": use ${outputNames().join(', ')}.`));
    return to;
  }
  const writer = writerForFileName(file);
  if (writer) return writer.id;
  for (const [name, pattern] of Object.entries(NATIVE)) if (pattern.test(file)) return name;
  throw new CliFailure(
    bulwarkError(
      'USAGE',
      `Cannot tell the output format from "${file}": name it .bulwark.json or .bulwark.yaml, or pass --to (${outputNames().join(', ')}).`,
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
      `convert a model between formats (input recognised by content): Bulwark JSON and YAML, and ${MODEL_FORMATS.map((f) => f.name).join(', ')}`,
    )
    .argument('<input>', "the model to read (.bulwark.json, .bulwark.yaml, or another tool's file)")
    .requiredOption('-o, --output <file>', 'where to write the converted model')
    .option(
      '--to <format>',
      `output format: ${outputNames().join(', ')} (default: from the output's ending: ${endingNames()}; any other .json or .yaml is Bulwark's)`,
    )
    .option(
      '-t, --template <idOrFile>',
      "the template a format that embeds one (.tm7) writes (default: the input's own, or the one the model names)",
    )
    .option('--force', 'replace the output file if it exists')
    .option('--format <format>', 'how to report: text or json', 'text')
    .action(
      (input: string, opts: { output: string; to?: string; template?: string; force?: boolean; format: string }) => {
        const format = outputFormat(opts.output, opts.to);
        if (existsSync(opts.output) && !opts.force) {
          throw new CliFailure(
            bulwarkError('IO', `${opts.output} already exists; nothing was written. Use --force to replace it.`, {
              file: opts.output,
            }),
          );
        }
        const loaded = orFail(loadModel(input));
        // What the reader could not carry across, named with the file it is about.
        const warnings = (loaded.warnings ?? []).map((w) => `${input}: ${w}`);
        let text: string | Iterable<string>;
        /** What the writer says it wrote (DOT, Mermaid: diagrams as clusters, shapes, flows), instead of the model's counts. */
        let summary: string | undefined;
        const foreign = formatById(format);
        if (foreign?.write) {
          const template = orFail(modelTemplate(loaded, opts.template));
          // In pieces where the format offers them: a large model's .tm7 is never held whole.
          const written = foreign.writeParts?.(loaded.model, template) ?? foreign.write(loaded.model, template);
          warnings.push(...written.warnings);
          text = 'parts' in written ? written.parts : written.text;
          if (!('parts' in written)) summary = written.summary;
        } else {
          let model = loaded.model;
          if (loaded.template) {
            keepTemplate(loaded.template, warnings);
            // The template travels in the file, so a server or another checkout can analyse it too.
            if (loaded.model.template.embedded === undefined)
              warnings.push(
                `the model's template "${loaded.template.name}" (id ${loaded.template.id}) is embedded in ${opts.output} (template.embedded), so the model can be analysed wherever it goes`,
              );
            model = embedTemplate(loaded.model, loaded.template);
          } else if (!findTemplate(loaded.model.template.id).ok)
            warnings.push(`the model names template "${loaded.model.template.id}", which is not known here`);
          text = modelText(model, format === 'yaml' ? 'yaml' : 'json');
        }
        orFail(writeFileAtomic(opts.output, text));
        if (opts.format === 'json') {
          process.stdout.write(
            `${JSON.stringify({ input, output: opts.output, from: loaded.format, to: format, ...(summary ? { written: summary } : {}), warnings }, null, 2)}\n`,
          );
          return;
        }
        for (const w of warnings) printWarning(w);
        const elements = loaded.model.diagrams.reduce((n, d) => n + d.elements.length, 0);
        process.stdout.write(
          `${out.green('converted')} ${input} (${loaded.format}) -> ${opts.output} (${foreign ? `${format}, ${foreign.name}` : format}): ${summary ?? `${loaded.model.diagrams.length} diagram(s), ${elements} elements, ${(loaded.model.threats ?? []).length} threats`}\n`,
        );
      },
    );
}
