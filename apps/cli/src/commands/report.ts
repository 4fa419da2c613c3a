/**
 * `bulwark report <model> --format html|pdf|md|csv|json|sarif [-o file]`: the model's report.
 * The model is analysed with its template first, so the threats are current (`--no-analyze`
 * reports the stored ones as they are). PDF is the HTML report printed by the Chromium or Chrome
 * on the machine.
 */
import { readFileSync, statSync } from 'node:fs';
import { isAbsolute, relative, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { analyze, bulwarkError, type InteractionSet, type ResolvedTemplate, type ThreatModel } from '@bulwark/core';
import { htmlReportParts, REPORT_FORMATS, renderCsv, renderReportParts, renderSarifParts } from '@bulwark/report';
import { findChromium, htmlToPdf } from '@bulwark/report/pdf';
import type { Command } from 'commander';
import { CliFailure, loadModelAndTemplate, orFail, VERSION } from '../context.js';
import { diagramDrawer, WORKER_FILE_BYTES } from '../diagrams.js';
import { type LoadedModel, writeFileAtomic } from '../io.js';
import { out, writePieces } from '../output.js';

/** The formats this command writes. */
const FORMATS = ['html', 'pdf', 'md', 'csv', 'json', 'sarif'] as const;
type Format = (typeof FORMATS)[number];
const FORMAT_NAMES = FORMATS.join(', ');

/** The format asked for, or the one the output file's extension names (`.markdown` too). */
function chooseFormat(format: string | undefined, output: string | undefined): Format {
  if (format !== undefined) {
    const known = FORMATS.find((f) => f === format);
    if (known) return known;
    throw new CliFailure(bulwarkError('USAGE', `Unknown report format "${format}": use one of ${FORMAT_NAMES}.`));
  }
  if (output === undefined) return 'md';
  const lower = output.toLowerCase();
  const known = lower.endsWith('.markdown') ? 'md' : FORMATS.find((f) => lower.endsWith(REPORT_FORMATS[f].extension));
  if (known) return known;
  throw new CliFailure(
    bulwarkError('USAGE', `Cannot tell the report format from "${output}": pass --format (${FORMAT_NAMES}).`),
  );
}

/** A file's size in bytes (0 when it cannot be read: loading the model then says why). */
function fileSize(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}

/** The model file as SARIF should point at it: relative to the working directory, with `/`. */
function modelUri(file: string): string {
  const rel = relative(process.cwd(), file);
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) return pathToFileURL(file).href;
  return rel.split(sep).map(encodeURIComponent).join('/');
}

/**
 * The report's text, in pieces that join to it (the HTML report comes a section at a time). SARIF
 * also gets the model file's text (JSON or YAML), to point at lines.
 */
async function reportParts(
  format: Exclude<Format, 'pdf'>,
  model: ThreatModel,
  template: ResolvedTemplate,
  file: string,
  fileFormat: LoadedModel['format'],
  {
    bom,
    interactions,
    diagrams,
  }: { bom: boolean; interactions?: InteractionSet; diagrams?: Readonly<Record<string, string>> },
): Promise<Iterable<string>> {
  const options = {
    ...(interactions ? { interactions } : {}),
    modelUri: modelUri(file),
    toolVersion: VERSION,
    generator: `Bulwark ${VERSION}`,
    generatedAt: new Date().toISOString().slice(0, 10),
  };
  if (format === 'csv' && bom) return [renderCsv(model, template, { bom })];
  if (format === 'sarif' && fileFormat !== 'tm7')
    return renderSarifParts(model, template, { ...options, modelText: readFileSync(file, 'utf8') });
  if (format === 'html' && diagrams) return htmlReportParts(model, template, { ...options, diagrams });
  return renderReportParts(format, model, template, options);
}

export function register(program: Command): void {
  program
    .command('report')
    .description(`write the model's report (${FORMAT_NAMES}); the model is analysed first so its threats are current`)
    .argument('<model>', 'model file (.bulwark.json, .bulwark.yaml, .tm7)')
    .option(
      '-f, --format <format>',
      `html (the full report, one self-contained file), pdf (the same, printed by Chromium), md (Markdown, diagrams as Mermaid), csv (one row per threat), json (the model with its threats) or sarif (SARIF 2.1.0); default: from the -o extension, else md`,
    )
    .option('--page <size>', 'pdf: a4 or letter', 'a4')
    .option('-o, --output <file>', 'write the report to this file, atomically (default: standard output)')
    .option('-t, --template <idOrFile>', "template to use (default: the model's own)")
    .option('--no-analyze', 'report the threats stored in the file as they are, without analysing first')
    .option('--bom', 'csv: start with a UTF-8 byte order mark, so that Excel reads names as UTF-8')
    .action(
      async (
        file: string,
        opts: { format?: string; output?: string; template?: string; analyze: boolean; bom?: boolean; page: string },
      ) => {
        const format = chooseFormat(opts.format, opts.output);
        if (opts.page !== 'a4' && opts.page !== 'letter')
          throw new CliFailure(bulwarkError('USAGE', `--page must be a4 or letter, not "${opts.page}".`));
        // Before any work: a PDF needs a file to go to and a browser to print it.
        if (format === 'pdf' && opts.output === undefined)
          throw new CliFailure(bulwarkError('USAGE', 'A PDF is written to a file: add -o report.pdf.'));
        const chromium = format === 'pdf' ? orFail(findChromium()) : undefined;
        // The HTML report's diagrams are drawn while the model is analysed (on another core when large).
        const drawer =
          format === 'html' || format === 'pdf' ? diagramDrawer(fileSize(file) > WORKER_FILE_BYTES) : undefined;
        let loadedAndTemplate: ReturnType<typeof loadModelAndTemplate>;
        try {
          loadedAndTemplate = loadModelAndTemplate(file, opts.template);
        } catch (e) {
          drawer?.close();
          throw e;
        }
        const { loaded, template } = loadedAndTemplate;
        const diagrams = drawer?.draw(loaded.model.diagrams);
        const analysis = opts.analyze ? analyze(loaded.model, template) : undefined;
        const model = analysis?.model ?? loaded.model;
        const html = format === 'pdf' ? 'html' : format;
        const parts = await reportParts(html, model, template, file, loaded.format, {
          bom: opts.bom === true,
          ...(analysis ? { interactions: analysis.interactions } : {}),
          ...(diagrams ? { diagrams: await diagrams } : {}),
        });
        if (opts.output === undefined) {
          await writePieces(process.stdout, parts);
          return;
        }
        orFail(
          writeFileAtomic(opts.output, chromium ? await htmlToPdf([...parts].join(''), opts.page, chromium) : parts),
        );
        process.stderr.write(
          `${out.green('wrote')} ${opts.output}: ${format} report, ${model.threats?.length ?? 0} threats${opts.analyze ? '' : ' (as stored, not analysed)'}\n`,
        );
      },
    );
}
