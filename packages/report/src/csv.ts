/**
 * The threats as CSV, one row per threat in report order, ready for a spreadsheet or an issue
 * tracker import. RFC 4180: CRLF line ends, a header row, fields quoted when they hold a comma,
 * a quote, a line break or surrounding spaces, quotes doubled.
 *
 * Formula injection: a spreadsheet runs a cell that starts with `=`, `+`, `-` or `@` (and some
 * with a tab or carriage return first) as a formula, so such a field gets a leading apostrophe
 * (`'=1+1`): shown as text, and an apostrophe is all a reader has to drop to get the text back.
 */
import type { ResolvedTemplate, ThreatModel } from '@bulwark/core';
import { categoryNames, indexElements, orderedThreats, threatPlace } from './threatOrder.js';

/** The header row. */
export const CSV_COLUMNS = [
  'id',
  'title',
  'category',
  'priority',
  'status',
  'where',
  'source',
  'flow',
  'target',
  'element',
  'justification',
  'mitigations',
  'description',
  'orphaned',
  'out of scope',
] as const;

/** A field as RFC 4180 wants it, with the formula guard (see the file comment). */
export function csvField(value: string): string {
  const guarded = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]|^\s|\s$/.test(guarded) ? `"${guarded.replace(/"/g, '""')}"` : guarded;
}

function csvRow(fields: readonly string[]): string {
  return `${fields.map(csvField).join(',')}\r\n`;
}

/** What the caller may change in the CSV. */
export interface CsvOptions {
  /** Start with a UTF-8 byte order mark, which Excel needs to read the file as UTF-8. */
  bom?: boolean;
}

/** The model's threats as CSV (header row first). */
export function renderCsv(model: ThreatModel, template: ResolvedTemplate, options: CsvOptions = {}): string {
  const index = indexElements(model);
  const category = categoryNames(template.template.categories);
  let out = (options.bom ? '\ufeff' : '') + csvRow(CSV_COLUMNS);
  for (const t of orderedThreats(model, index)) {
    const place = threatPlace(t, index);
    out += csvRow([
      t.id,
      t.title,
      category(t.category),
      t.priority,
      t.status,
      place.where,
      place.source ?? '',
      place.flow ?? '',
      place.target ?? '',
      place.element ?? '',
      t.justification ?? '',
      t.mitigations ?? '',
      t.description,
      t.orphaned ? 'yes' : 'no',
      t.outOfScope ? 'yes' : 'no',
    ]);
  }
  return out;
}
