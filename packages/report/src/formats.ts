/**
 * Every report format by name, with its file extension and media type, and one function that
 * renders any of the text formats: the CLI's `bulwark report` and the server's export use it.
 * PDF is the HTML printed by a browser (`@bulwark/report/pdf`).
 */
import type { InteractionSet, ResolvedTemplate, ThreatModel } from '@bulwark/core';
import { renderCsv } from './csv.js';
import { htmlReport, htmlReportStream } from './html.js';
import { renderJson } from './json.js';
import { renderMarkdown } from './markdown.js';
import { renderSarif, renderSarifParts, type SarifOptions } from './sarif.js';

export const REPORT_FORMATS = {
  html: { extension: '.html', mediaType: 'text/html; charset=utf-8', what: 'the full report, one self-contained file' },
  pdf: { extension: '.pdf', mediaType: 'application/pdf', what: 'the full report printed by Chromium' },
  md: { extension: '.md', mediaType: 'text/markdown; charset=utf-8', what: 'Markdown, the diagrams as Mermaid' },
  csv: { extension: '.csv', mediaType: 'text/csv; charset=utf-8', what: 'one row per threat' },
  json: { extension: '.json', mediaType: 'application/json', what: 'the model with its threats' },
  sarif: { extension: '.sarif', mediaType: 'application/sarif+json', what: 'SARIF 2.1.0 for code scanning tools' },
} as const;
export type ReportFormat = keyof typeof REPORT_FORMATS;
export type TextReportFormat = Exclude<ReportFormat, 'pdf'>;

export const isReportFormat = (f: string): f is ReportFormat => Object.hasOwn(REPORT_FORMATS, f);

export interface ReportOptions {
  /** The model's file as a scanning tool should see it (SARIF locations). */
  modelUri?: string;
  /** Bulwark's version (SARIF's tool.driver.version). */
  toolVersion?: string;
  /** When the report was made (ISO 8601). */
  generatedAt?: string;
  /** What made it, e.g. "Bulwark 0.1.0". */
  generator?: string;
  /** The stored version of the model (server). */
  version?: number;
  /** HTML: the model's interactions when an analysis has just computed them. */
  interactions?: InteractionSet;
}

function sarifOptions(options: ReportOptions): SarifOptions {
  return {
    ...(options.modelUri ? { modelUri: options.modelUri } : {}),
    ...(options.toolVersion ? { toolVersion: options.toolVersion } : {}),
  };
}

/** Renders a text format of a model whose threats are current. */
export async function renderReport(
  format: TextReportFormat,
  model: ThreatModel,
  template: ResolvedTemplate,
  options: ReportOptions = {},
): Promise<string> {
  switch (format) {
    case 'html':
      return htmlReport(model, template, options);
    case 'md':
      return renderMarkdown(model, template);
    case 'csv':
      return renderCsv(model, template);
    case 'json':
      return renderJson(model);
    case 'sarif':
      return renderSarif(model, template, sarifOptions(options));
  }
}

/**
 * The same text in pieces that join to it: the HTML report comes a section at a time (a large
 * model's report is tens of megabytes, written as it is made); the other formats as one piece.
 */
export async function renderReportParts(
  format: TextReportFormat,
  model: ThreatModel,
  template: ResolvedTemplate,
  options: ReportOptions = {},
): Promise<Iterable<string>> {
  if (format === 'html') return htmlReportStream(model, template, options);
  if (format === 'sarif') return renderSarifParts(model, template, sarifOptions(options));
  return [await renderReport(format, model, template, options)];
}
