/**
 * The server's heavy jobs, as functions of the database and plain inputs: analysing a model and
 * saving the result, exporting a model (its file formats and reports), and reading an upload.
 * The worker threads run them (heavyWorker.ts) on their own database connection; a server built
 * without a pool (tests, embedding) runs the same functions on its own. Inputs and results are
 * plain data that crosses threads cheaply: templates as JSON text, models read from the database
 * by the job itself, outputs as bytes.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  analyze,
  type BulwarkError,
  bulwarkError,
  canonicalModel,
  parseModel,
  type ResolvedTemplate,
  type Result,
  resolveTemplate,
  serializeModel,
  type Template,
  type ThreatModel,
} from '@bulwark/core';
import { detectFormat, formatById } from '@bulwark/formats';
import { isReportFormat, REPORT_FORMATS, renderReportParts } from '@bulwark/report';
import { parseYamlText } from '@bulwark/templates';
import { Document as YamlDocument } from 'yaml';
import { jsonNestingProblem } from '../requestGuards.js';
import type { ModelStore, SaveResult } from '../storage/ModelStore.js';

/** Runs a write on the database when it is this job's turn (SQLite has one writer at a time). */
export type WriteTurn = <T>(write: () => Promise<T>) => Promise<T>;

/** Analyse a stored model with a template and save the result as the next version. */
export interface AnalyzeJob {
  kind: 'analyze';
  modelId: string;
  /** The version the client read (If-Match): the save fails if the model moved on. */
  expected: number;
  /** The model's template, as JSON text. */
  template: string;
  actor: string;
}

/** Export a stored model in one of the formats of GET /api/models/:id/export. */
export interface ExportJob {
  kind: 'export';
  modelId: string;
  format: string;
  /** The model's template as JSON text (every format but json and yaml needs it). */
  template?: string;
  /** The file name without its ending. */
  base: string;
  generatedAt: string;
}

/** Read an uploaded model file: another tool's format, or a Bulwark model as JSON or YAML. */
export interface ImportJob {
  kind: 'import';
  text: string;
  /** What to call it in messages ('upload', 'request body'). */
  source: string;
}

export type Job = AnalyzeJob | ExportJob | ImportJob;

/** A job that found a problem a user can fix (the request's answer says it). */
export interface JobFailure {
  status: 'failed';
  error: BulwarkError;
}

export type AnalyzeResult = SaveResult | JobFailure;

export type ExportResult =
  | { status: 'not-found' }
  | JobFailure
  | {
      status: 'ok';
      body: Uint8Array;
      type: string;
      filename: string;
      /** What the other tool's format cannot hold. */
      warnings?: string[];
      /** An HTML report (served with the report's own CSP). */
      report?: boolean;
    }
  /** A PDF's HTML, written to a file for the browser to print. */
  | { status: 'print'; file: string; filename: string };

/**
 * An upload read as a model, as its JSON text around the template reference: the text is
 * `head + JSON.stringify(templateRef) + tail`, so the caller can point it at another template
 * (an imported one, pinned) without parsing and serialising it again.
 */
export type ImportResult =
  | JobFailure
  | {
      status: 'ok';
      head: string;
      tail: string;
      templateRef: ThreatModel['template'];
      name: string;
      /** The other tool's format it was read from (its id), if it was. */
      format?: string;
      /** The template that came with another tool's file (a .tm7 knowledge base). */
      template?: Template;
      warnings: string[];
      message: string;
    };

export type JobResult = AnalyzeResult | ExportResult | ImportResult;

const failed = (error: BulwarkError): JobFailure => ({ status: 'failed', error });

// Templates resolved from the same text are reused (a worker keeps the last few).
const resolvedTemplates = new Map<string, Result<ResolvedTemplate>>();
function resolveText(text: string): Result<ResolvedTemplate> {
  let r = resolvedTemplates.get(text);
  if (!r) {
    r = resolveTemplate(JSON.parse(text) as Template);
    resolvedTemplates.set(text, r);
    if (resolvedTemplates.size > 8) resolvedTemplates.delete(resolvedTemplates.keys().next().value as string);
  }
  return r;
}

/** Runs one job; `turn` is how its writes wait for their turn. */
export function runJob(models: ModelStore, job: Job, turn: WriteTurn): Promise<JobResult> {
  switch (job.kind) {
    case 'analyze':
      return analyzeJob(models, job, turn);
    case 'export':
      return exportJob(models, job);
    case 'import':
      return Promise.resolve(importJob(job));
  }
}

/** Analyses the stored model and saves the result if the model is still at `expected`. */
export async function analyzeJob(models: ModelStore, job: AnalyzeJob, turn: WriteTurn): Promise<AnalyzeResult> {
  const m = await models.get(job.modelId);
  if (!m) return { status: 'not-found' };
  if (m.version !== job.expected) return { status: 'conflict', currentVersion: m.version };
  const template = resolveText(job.template);
  if (!template.ok) return failed(template.error);
  const result = analyze(m.document, template.value);
  const message = `Analysed: ${result.merge.added} new, ${result.merge.orphaned} orphaned`;
  // The save checks the version again, inside its transaction.
  return turn(() => models.save(m.id, job.expected, result.model, job.actor, message, [], m.document));
}

/** The pieces as UTF-8, in an ArrayBuffer of their own (so a worker can move it, not copy it). */
function utf8(parts: Iterable<string>): Uint8Array {
  const chunks: Buffer[] = [];
  let length = 0;
  for (const part of parts) {
    const chunk = Buffer.from(part, 'utf8');
    chunks.push(chunk);
    length += chunk.length;
  }
  const out = new Uint8Array(length);
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}

/** The export of a stored model as bytes (or, for a PDF, its HTML in a file to print). */
export async function exportJob(models: ModelStore, job: ExportJob): Promise<ExportResult> {
  const m = await models.get(job.modelId);
  if (!m) return { status: 'not-found' };
  const { format, base } = job;
  if (format === 'json')
    return {
      status: 'ok',
      body: utf8([serializeModel(m.document)]),
      type: 'application/json',
      filename: `${base}.bulwark.json`,
    };
  if (format === 'yaml')
    return {
      status: 'ok',
      body: utf8([new YamlDocument(canonicalModel(m.document)).toString({ lineWidth: 0 })]),
      type: 'application/yaml; charset=utf-8',
      filename: `${base}.bulwark.yaml`,
    };
  if (job.template === undefined) return failed(bulwarkError('USAGE', `Exporting ${format} needs the template.`));
  const foreign = formatById(format);
  if (foreign?.write) {
    // Another tool's format: what it cannot hold is listed in a header (JSON, URI-encoded).
    const written = foreign.write(m.document, JSON.parse(job.template) as Template);
    return {
      status: 'ok',
      body: utf8([written.text]),
      type: foreign.mediaType ?? 'text/plain; charset=utf-8',
      filename: `${base}${foreign.extensions[0] ?? '.txt'}`,
      warnings: written.warnings,
    };
  }
  if (!isReportFormat(format)) return failed(bulwarkError('USAGE', `Unknown export format "${format}".`));
  // Reports show the threats as the template generates them now (triage kept by the merge).
  const template = resolveText(job.template);
  if (!template.ok) return failed(template.error);
  const model = analyze(m.document, template.value).model;
  const options = {
    generatedAt: job.generatedAt,
    generator: 'Bulwark',
    version: m.version,
    modelUri: `${base}.bulwark.json`,
  };
  const filename = `${base}${format === 'html' || format === 'pdf' ? '-report' : ''}${REPORT_FORMATS[format].extension}`;
  if (format === 'pdf') {
    const html = utf8(await renderReportParts('html', model, template.value, options));
    const file = join(mkdtempSync(join(tmpdir(), 'bulwark-pdf-')), 'report.html');
    writeFileSync(file, html);
    return { status: 'print', file, filename };
  }
  return {
    status: 'ok',
    body: utf8(await renderReportParts(format, model, template.value, options)),
    type: REPORT_FORMATS[format].mediaType,
    filename,
    ...(format === 'html' ? { report: true } : {}),
  };
}

// JSON bodies read here (not by the JSON body parser) are refused as that parser would refuse them.
const PROTO_KEY =
  /"(?:_|\\u005[Ff])(?:_|\\u005[Ff])(?:p|\\u0070)(?:r|\\u0072)(?:o|\\u006[Ff])(?:t|\\u0074)(?:o|\\u006[Ff])(?:_|\\u005[Ff])(?:_|\\u005[Ff])"\s*:/;

/** Parses a JSON text the way the server's JSON bodies are parsed, or says why not. */
function parseJsonBody(text: string, source: string): Result<unknown> | undefined {
  const deep = jsonNestingProblem(text);
  if (deep) return { ok: false, error: bulwarkError('PARSE_SYNTAX', deep) };
  if (PROTO_KEY.test(text))
    return { ok: false, error: bulwarkError('PARSE_SYNTAX', `${source} has a "__proto__" key, which is refused.`) };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return undefined; // not JSON: read as YAML, which says where it goes wrong
  }
}

/** Reads an upload: another tool's file recognised by content, else a Bulwark model (JSON or YAML). */
export function importJob(job: ImportJob): ImportResult {
  const { text, source } = job;
  let model: ThreatModel;
  let template: Template | undefined;
  let warnings: string[] = [];
  let message = 'Created';
  const foreign = text !== '' ? detectFormat(text) : undefined;
  if (foreign?.read) {
    const imported = foreign.read(text, `upload${foreign.extensions[0] ?? ''}`);
    if (!imported.ok) return failed(imported.error);
    ({ model, template, warnings } = imported.value);
    message = `Imported from ${foreign.name}`;
  } else {
    let data: unknown;
    const json = /^\s*[{[]/.test(text) ? parseJsonBody(text, source) : undefined;
    if (json && !json.ok) return failed(json.error);
    if (json) data = json.value;
    else {
      const yaml = parseYamlText(text, source);
      if (!yaml.ok || typeof yaml.value.data !== 'object' || yaml.value.data === null)
        return failed(
          bulwarkError(
            'PARSE_SYNTAX',
            'The upload is not a model Bulwark reads: send a Bulwark model (JSON or YAML) or a .tm7 file.',
          ),
        );
      data = yaml.value.data;
    }
    const parsed = parseModel(data, source);
    if (!parsed.ok) return failed(parsed.error);
    model = parsed.value;
  }
  // Sign-offs are the server's to write (POST /api/models/:id/signoff): a file's are not kept.
  const signOffs = model.review?.signOffs?.length ?? 0;
  if (signOffs > 0) {
    const { signOffs: _dropped, ...review } = model.review ?? {};
    model = { ...model, review };
    warnings = [
      ...warnings,
      `The file's ${signOffs} sign-off(s) were not kept: on this server a reviewer signs off a stored version (POST /api/models/{id}/signoff), so that a sign-off always says who signed what.`,
    ];
  }
  // JSON.stringify(model), cut around the template reference's value.
  let head = '{';
  let tail = '';
  let seenTemplate = false;
  for (const [key, value] of Object.entries(model)) {
    if (value === undefined) continue;
    const field = `${JSON.stringify(key)}:`;
    if (key === 'template') {
      head += field;
      seenTemplate = true;
      continue;
    }
    const item = `${field}${JSON.stringify(value)}`;
    if (seenTemplate) tail += `,${item}`;
    else head += `${item},`;
  }
  tail += '}';
  return {
    status: 'ok',
    head,
    tail,
    templateRef: model.template,
    name: model.metadata.name,
    ...(foreign?.read ? { format: foreign.id } : {}),
    ...(template ? { template } : {}),
    warnings,
    message,
  };
}
