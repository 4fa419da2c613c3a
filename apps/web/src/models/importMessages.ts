/**
 * What the models page says about an import, as data: a failure as the CLI prints it (core's
 * `formatError`: `file:line:column: message`, then every problem), and the summary's counts in
 * words. Pure, so it is tested without a browser.
 */
import { type BulwarkError, type ErrorCode, formatError } from '@bulwark/core';

/** What an import brought in (the server's ImportSummary, apps/server/src/work/jobs.ts). */
export interface ImportSummary {
  /** `json`, `yaml`, or another tool's format id. */
  format: string;
  formatName: string;
  /** The model's name came from the file's content, or from the file's name. */
  nameFrom: 'file' | 'filename';
  diagrams: number;
  /** Processes, data stores and external entities. */
  elements: number;
  flows: number;
  boundaries: number;
  /** Threats in the file, stored as it has them. */
  threats: number;
  /** What the first analysis (the editor's, on opening) will do to them; absent for a template shared on the server. */
  analysis?: {
    template: string;
    added: number;
    changed: number;
    unchanged: number;
    orphaned: number;
    dropped: number;
    manual: number;
  };
  /** Every warning: what the format could not hold, then what is wrong in the model. */
  warnings: string[];
}

/** A failed import: the first line, and one line per problem. */
export interface ImportFailure {
  head: string;
  details: string[];
}

const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);
const text = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** The server's error body (code, message, line, column, path, details) back as a BulwarkError of `file`. */
function located(code: string, body: Record<string, unknown>, file: string): BulwarkError {
  const line = num(body.line);
  const column = num(body.column);
  const path = text(body.path);
  return {
    code: code as ErrorCode,
    message: text(body.message) ?? '',
    file,
    ...(line !== undefined ? { line } : {}),
    ...(column !== undefined ? { column } : {}),
    ...(path !== undefined ? { path } : {}),
  };
}

/** An import that failed, in the CLI's words: where (file, line and column, or path), what, and what to do. */
export function importFailure(e: unknown, file: string): ImportFailure {
  // The server's answer (api.ts ApiError: code, message, and the body as details), else any failure.
  const answer = e as { code?: unknown; message?: unknown; details?: Record<string, unknown> };
  if (!(e instanceof Error) || typeof answer.code !== 'string' || typeof answer.details !== 'object')
    return { head: `${file}: ${e instanceof Error ? e.message : String(e)}`, details: [] };
  const body = answer.details ?? {};
  const head = formatError(located(answer.code, { ...body, message: e.message }, file));
  const details = Array.isArray(body.details) ? (body.details as Record<string, unknown>[]) : [];
  return { head, details: details.map((d) => formatError(located(answer.code as string, d, file))) };
}

const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

/** The summary's counts in words: what the model holds, and what the first analysis will do. */
export function summaryLines(s: ImportSummary): { holds: string; threats: string; analysis: string } {
  const holds = `${plural(s.diagrams, 'diagram')}, ${plural(s.elements, 'element')} (processes, stores, external entities), ${plural(s.flows, 'data flow')}, ${plural(s.boundaries, 'trust boundary', 'trust boundaries')}`;
  const threats = `${plural(s.threats, 'threat')} from the file, kept as the file has them (status, priority, justification)`;
  const a = s.analysis;
  let analysis = 'The first analysis, when you open it, brings the threats up to date with the template.';
  if (a) {
    const parts = [
      a.added > 0 ? `adds ${plural(a.added, 'threat')}` : '',
      a.changed > 0 ? `regenerates the text of ${a.changed} from the file` : '',
      a.orphaned > 0
        ? `keeps ${plural(a.orphaned, 'triaged threat')} that no longer ${a.orphaned === 1 ? 'applies' : 'apply'}, flagged orphaned`
        : '',
      a.dropped > 0 ? `drops ${a.dropped} untriaged that no longer ${a.dropped === 1 ? 'applies' : 'apply'}` : '',
    ].filter((p) => p !== '');
    const what = parts.length === 0 ? 'changes no threat' : parts.join(', ');
    const rest = a.unchanged + a.manual > 0 ? ` (${a.unchanged + a.manual} stay as they are)` : '';
    analysis = `The first analysis, when you open it (template ${a.template}), ${what}${rest}.`;
  }
  return { holds, threats, analysis };
}
