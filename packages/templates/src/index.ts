/**
 * @bulwark/templates: the built-in templates, kept as YAML data next to this package
 * (`templates/<id>.yaml`), and loading of template files from disk.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  type BulwarkError,
  bulwarkError,
  err,
  MAX_YAML_NESTING,
  ok,
  parseTemplate,
  parseToleratingQuoteIndent,
  quoteIndentWarning,
  type ResolvedTemplate,
  type Result,
  resolveTemplate,
  type Template,
  yamlNesting,
} from '@bulwark/core';
import { type Document, LineCounter, parseDocument } from 'yaml';

/** The ids of the templates Bulwark ships. */
export const BUILTIN_TEMPLATE_IDS = ['stride', 'infrastructure', 'cia', 'privacy'] as const;
/** A built-in template id. */
export type BuiltinTemplateId = (typeof BUILTIN_TEMPLATE_IDS)[number];

/** Where a built-in template's YAML file is. */
export function builtinTemplatePath(id: BuiltinTemplateId): string {
  return fileURLToPath(new URL(`../templates/${id}.yaml`, import.meta.url));
}

/**
 * Where a built-in template's JSON copy is: the same data as its YAML, written by
 * `npm run templates:json` (a test checks it is current). Loading it takes about a millisecond;
 * parsing the YAML, a quarter of a second, which every command would pay.
 */
export function builtinTemplateJsonPath(id: BuiltinTemplateId): string {
  return fileURLToPath(new URL(`../templates/${id}.json`, import.meta.url));
}

/** Is this the id of a built-in template? */
export function isBuiltinTemplate(id: string): id is BuiltinTemplateId {
  return (BUILTIN_TEMPLATE_IDS as readonly string[]).includes(id);
}

/** A parsed YAML document, its plain data, and the line index to locate nodes. */
export interface ParsedYaml {
  data: unknown;
  document: Document;
  lines: LineCounter;
  /** What is not strictly valid YAML 1.2 but was read as PyYAML and js-yaml read it. */
  warnings: string[];
}

/**
 * Parses YAML (or JSON, which is YAML) text, refusing duplicate keys and alias bombs, and
 * reporting syntax errors with line and column. A quoted scalar whose lines are indented less
 * than YAML 1.2 allows is read as PyYAML and js-yaml read it, with a warning.
 */
export function parseYamlText(text: string, file: string): Result<ParsedYaml> {
  if (yamlNesting(text) > MAX_YAML_NESTING) {
    return err(
      bulwarkError('PARSE_SYNTAX', `Not usable YAML: it nests deeper than ${MAX_YAML_NESTING} levels.`, { file }),
    );
  }
  const { document, repaired } = parseToleratingQuoteIndent(text, (t) => {
    const lineCounter = new LineCounter();
    return Object.assign(parseDocument(t, { lineCounter, prettyErrors: false, uniqueKeys: true }), { lineCounter });
  });
  const lines = document.lineCounter;
  const first = document.errors[0];
  if (first) {
    const pos = lines.linePos(first.pos[0]);
    return err(
      bulwarkError('PARSE_SYNTAX', `Not valid YAML: ${first.message.split('\n')[0]}${yamlHint(first)}`, {
        file,
        line: pos.line,
        column: pos.col,
      }),
    );
  }
  try {
    const warning = quoteIndentWarning(repaired);
    const data = document.toJS({ maxAliasCount: 100 }) as unknown;
    return ok({ data, document, lines, warnings: warning ? [warning] : [] });
  } catch (e) {
    return err(
      bulwarkError('PARSE_SYNTAX', `Not usable YAML: ${e instanceof Error ? e.message : String(e)}`, { file }),
    );
  }
}

/** What to do about a YAML error that other parsers let pass, so the refusal says why this one does not. */
function yamlHint(error: { code: string; message: string }): string {
  return error.code === 'BAD_INDENT' && /^Flow (sequence|map) in block collection/.test(error.message)
    ? '. Indent the lines inside the brackets further than the key they belong to: PyYAML and js-yaml let this pass, YAML 1.2 does not'
    : '';
}

/**
 * Reads and validates a template file (YAML or JSON). What was read although not strictly valid
 * YAML (see parseYamlText) is added to `warnings`, for the caller to show.
 */
export function loadTemplateFile(file: string, warnings: string[] = []): Result<Template> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    return err(
      bulwarkError(
        'IO',
        `Cannot read template file: ${(e as NodeJS.ErrnoException).code ?? String(e)}. Check the path.`,
        { file },
      ),
    );
  }
  // JSON (a template exported by Bulwark, say) is read as JSON: the YAML parser takes a hundred
  // times longer. Text that is not valid JSON goes to the YAML parser, which says where it breaks.
  if (/^\s*\{/.test(text)) {
    try {
      return parseTemplate(JSON.parse(text) as unknown, file);
    } catch {
      // Not JSON after all: YAML (of which JSON is a part) reports the problem with its line.
    }
  }
  const yaml = parseYamlText(text, file);
  if (!yaml.ok) return yaml;
  warnings.push(...yaml.value.warnings);
  return parseTemplate(yaml.value.data, file);
}

/** Loads a built-in template by id. */
export function loadBuiltinTemplate(id: string): Result<Template> {
  if (!isBuiltinTemplate(id)) {
    return err(
      bulwarkError(
        'TEMPLATE_UNKNOWN',
        `Unknown template "${id}". Built-in templates: ${BUILTIN_TEMPLATE_IDS.join(', ')}; or pass a template file with --template.`,
      ),
    );
  }
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(builtinTemplateJsonPath(id), 'utf8'));
  } catch (e) {
    return err(
      bulwarkError(
        'IO',
        `Cannot read the built-in template "${id}": ${e instanceof Error ? e.message : String(e)}. Reinstall Bulwark, or in its repository run npm run templates:json.`,
        { file: builtinTemplateJsonPath(id) },
      ),
    );
  }
  return parseTemplate(data, builtinTemplatePath(id));
}

/** Loads and resolves a template given a built-in id or a path to a template file. */
export function loadResolvedTemplate(idOrPath: string): Result<ResolvedTemplate> {
  const looksLikeFile = /[\\/]|\.(ya?ml|json)$/i.test(idOrPath);
  const template = looksLikeFile ? loadTemplateFile(idOrPath) : loadBuiltinTemplate(idOrPath);
  if (!template.ok) return template;
  return resolveTemplate(template.value);
}

/** Where a problem is: JSON syntax errors and YAML schema problems with line and column (CLI and server). */
export {
  jsonSyntaxError,
  jsonSyntaxProblem,
  lineColumn,
  MAX_LOCATED_JSON,
  pathKeys,
  withJsonLines,
  withYamlLines,
} from './locateErrors.js';

export type { BulwarkError };
