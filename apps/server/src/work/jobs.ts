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
  embeddedTemplate,
  parseModel,
  type ResolvedTemplate,
  type Result,
  resolveTemplate,
  serializeModel,
  type Template,
  type ThreatModel,
  validateModel,
  withoutEmbeddedTemplate,
} from '@bulwark/core';
import { detectFormat, formatById, tm7Format } from '@bulwark/formats';
import { isReportFormat, REPORT_FORMATS, renderReportParts } from '@bulwark/report';
import {
  jsonSyntaxError,
  loadBuiltinTemplate,
  type ParsedYaml,
  parseYamlText,
  withJsonLines,
  withYamlLines,
} from '@bulwark/templates';
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
  /** What to call it in messages ('upload', 'request body'), when the uploader named no file. */
  source: string;
  /** The uploaded file's name (POST /api/models?filename=): in messages, and the model's name when the file has none. */
  filename?: string;
}

/**
 * What an import brought in, for the person who uploaded it: what is in the model, what the first
 * analysis will do to its threats, and every warning.
 */
export interface ImportSummary {
  /** The format read: `json` or `yaml` (Bulwark's own) or another tool's format id. */
  format: string;
  /** That format's name, for people. */
  formatName: string;
  /** Where the model's name came from: the file's content, or the uploaded file's name. */
  nameFrom: 'file' | 'filename';
  diagrams: number;
  /** Processes, data stores and external entities. */
  elements: number;
  flows: number;
  boundaries: number;
  /** Threats in the file, stored as the file has them. */
  threats: number;
  /**
   * What the first analysis will do (the editor runs it on opening; POST /api/models/{id}/analyze
   * does it on the server): the import stores the file's threats as they are. Absent when the
   * template is not one the import can read by itself (a shared template stored on this server).
   */
  analysis?: {
    /** The template analysed with: `id@version`. */
    template: string;
    /** New threats the template generates. */
    added: number;
    /** Threats of the file it regenerates with other text (title, description, category, ...). */
    changed: number;
    /** Threats of the file it regenerates unchanged. */
    unchanged: number;
    /** Threats of the file it no longer generates that someone triaged: kept, flagged orphaned. */
    orphaned: number;
    /** Threats of the file it no longer generates that nobody triaged: dropped. */
    dropped: number;
    /** Manual threats, always kept. */
    manual: number;
  };
  /** Everything worth knowing: what the format could not hold, then what is wrong in the model (validateModel). */
  warnings: string[];
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
      /** The template that came with the file: another tool's (a .tm7 knowledge base), or a model's `template.embedded`. */
      template?: Template;
      warnings: string[];
      message: string;
      summary: ImportSummary;
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
  // The save checks the version again, inside its transaction; it writes the working copy only (no version).
  return turn(() => models.save(m.id, job.expected, result.model, job.actor, undefined, [], m.document));
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

/** Parses a JSON text the way the server's JSON bodies are parsed, or says where it breaks. */
function parseJsonBody(text: string, source: string): Result<unknown> {
  const deep = jsonNestingProblem(text);
  if (deep) return { ok: false, error: bulwarkError('PARSE_SYNTAX', deep, { file: source }) };
  if (PROTO_KEY.test(text))
    return {
      ok: false,
      error: bulwarkError('PARSE_SYNTAX', `${source} has a "__proto__" key, which is refused.`, { file: source }),
    };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false, error: jsonSyntaxError(text, source, UPLOAD_HINT) };
  }
}

/** What to do about a file that does not parse. */
const UPLOAD_HINT = 'Fix the file and import it again.';
/** The name of a model whose file has none, when the uploader did not name the file either. */
const UNNAMED = 'Imported model';

/** A file name as a model's name or in messages: its last path part, printable, at most 255 characters. */
export function uploadFileName(name: string | undefined): string | undefined {
  const last = (name ?? '').replace(/^.*[\\/]/, '');
  const printable = [...last].filter((c) => c >= ' ' && c !== '\u007f').join('');
  const base = printable.trim().slice(0, 255);
  return base === '' ? undefined : base;
}

/** The name without the format's ending (`Shop.tm7` -> `Shop`, `m.bulwark.json` -> `m`). */
function withoutEnding(name: string, endings: readonly string[]): string {
  const lower = name.toLowerCase();
  for (const e of [...endings, '.bulwark.json', '.bulwark.yaml', '.json', '.yaml', '.yml'])
    if (lower.endsWith(e.toLowerCase()) && name.length > e.length) return name.slice(0, -e.length);
  return name;
}

/** Reads an upload: another tool's file recognised by content, else a Bulwark model (JSON or YAML). */
export function importJob(job: ImportJob): ImportResult {
  const { text } = job;
  const filename = uploadFileName(job.filename);
  const source = filename ?? job.source;
  let model: ThreatModel;
  let template: Template | undefined;
  let warnings: string[] = [];
  let message = 'Created';
  let nameFrom: ImportSummary['nameFrom'] = 'file';
  let format = 'json';
  let formatName = 'Bulwark model (JSON)';
  // Another tool's file, recognised by content (a .tm7 by its name too, so a broken one says so, as in the CLI).
  const foreign = filename && /\.tm7$/i.test(filename) ? tm7Format : text !== '' ? detectFormat(text) : undefined;
  if (foreign?.read) {
    // The reader names a model that has no name of its own after the file it is given.
    const file = filename ?? `${UNNAMED}${foreign.extensions[0] ?? ''}`;
    const imported = foreign.read(text, file);
    if (!imported.ok) return failed(imported.error);
    ({ model, template, warnings } = imported.value);
    message = `Imported from ${foreign.name}${filename ? ` file ${filename}` : ''}`;
    format = foreign.id;
    formatName = foreign.name;
    const name = model.metadata.name.trim();
    if (name === '' || name === file || name === withoutEnding(file, foreign.extensions)) {
      nameFrom = 'filename';
      model = { ...model, metadata: { ...model.metadata, name: withoutEnding(file, foreign.extensions) } };
    }
  } else {
    let data: unknown;
    const json = /^\s*[{[]/.test(text) ? parseJsonBody(text, source) : undefined;
    let yaml: ParsedYaml | undefined;
    if (json?.ok) data = json.value;
    else if (json && json.error.line === undefined)
      return failed(json.error); // refused (too deep, __proto__)
    else {
      // YAML (of which JSON is a part) when it is not JSON: a flow-style mapping, say.
      const read = parseYamlText(text, source);
      if (read.ok && typeof read.value.data === 'object' && read.value.data !== null) {
        yaml = read.value;
        data = read.value.data;
        format = 'yaml';
        formatName = 'Bulwark model (YAML)';
        warnings = [...warnings, ...read.value.warnings];
      } else if (json) return failed(json.error);
      else if (!read.ok)
        return failed({
          ...read.error,
          message: `${read.error.message}. Bulwark reads its own models as JSON or YAML, and other tools' files (.tm7, Threat Dragon, OTM, ...) by their content. ${UPLOAD_HINT}`,
        });
      else
        return failed(
          bulwarkError(
            'PARSE_SYNTAX',
            "The file is not a model Bulwark reads: send a Bulwark model (JSON or YAML), a .tm7 file or another tool's model (GET /api/formats lists them).",
            { file: source },
          ),
        );
    }
    const parsed = parseModel(data, source);
    if (!parsed.ok) {
      // Each problem with its path and line, as the CLI prints them.
      return failed(yaml ? withYamlLines(parsed.error, yaml.document, yaml.lines) : withJsonLines(parsed.error, text));
    }
    // A template the model carries (a .tm7 converted by the CLI) is kept for it, like a .tm7's knowledge base.
    const embedded = embeddedTemplate(parsed.value, source);
    if (!embedded.ok)
      return failed(
        yaml ? withYamlLines(embedded.error, yaml.document, yaml.lines) : withJsonLines(embedded.error, text),
      );
    model = withoutEmbeddedTemplate(parsed.value);
    template = embedded.value;
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
    // Version 1's message: where the model came from.
    message: foreign?.read || filename === undefined ? message : `Imported from ${filename}`,
    summary: importSummary(model, template, { format, formatName, nameFrom, warnings }),
  };
}

/** Counts what a model holds, what its first analysis will do, and what is wrong in it. */
function importSummary(
  model: ThreatModel,
  own: Template | undefined,
  read: Pick<ImportSummary, 'format' | 'formatName' | 'nameFrom' | 'warnings'>,
): ImportSummary {
  const counts = { elements: 0, flows: 0, boundaries: 0 };
  for (const d of model.diagrams)
    for (const e of d.elements) {
      if (e.kind === 'dataFlow') counts.flows++;
      else if (e.kind === 'trustBoundary') counts.boundaries++;
      else if (e.kind !== 'annotation') counts.elements++;
    }
  // The template the editor will analyse with: the file's own (a .tm7's knowledge base), or a
  // built-in one (always the code's, as TemplateStore.forModel gives it); a shared template
  // stored on this server is not read here.
  const loaded = own ? { ok: true as const, value: own } : loadBuiltinTemplate(model.template.id);
  const resolved = loaded.ok ? resolveTemplate(loaded.value) : undefined;
  const template = resolved?.ok ? resolved.value : undefined;
  const problems = validateModel(model, template).map(
    (p) => `${p.severity === 'error' ? 'Problem' : 'Note'}: ${p.message}`,
  );
  const summary: ImportSummary = {
    ...read,
    diagrams: model.diagrams.length,
    ...counts,
    threats: model.threats?.length ?? 0,
    warnings: [...read.warnings, ...problems],
  };
  if (!template) return summary;
  const result = analyze(model, template);
  const before = new Map((model.threats ?? []).map((t) => [t.id, JSON.stringify(t)]));
  let changed = 0;
  for (const t of result.model.threats ?? []) {
    const was = before.get(t.id);
    if (was !== undefined && t.origin !== 'manual' && !t.orphaned && was !== JSON.stringify(t)) changed++;
  }
  const { added, kept, orphaned, dropped, manual } = result.merge;
  summary.analysis = {
    template: `${template.template.id}@${template.template.version}`,
    added,
    changed,
    unchanged: kept - changed,
    orphaned,
    dropped,
    manual,
  };
  return summary;
}
