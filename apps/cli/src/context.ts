/** What every command needs: failing with an exit code, and a model with its template. */
import { existsSync, readFileSync, statSync } from 'node:fs';
import {
  type BulwarkError,
  bulwarkError,
  ERROR_CODES,
  err,
  formatError,
  ok,
  type ResolvedTemplate,
  type Result,
  resolveTemplate,
  type Template,
} from '@bulwark/core';
import { importTb7, looksLikeTb7 } from '@bulwark/formats';
import { BUILTIN_TEMPLATE_IDS, isBuiltinTemplate, loadBuiltinTemplate, loadTemplateFile } from '@bulwark/templates';
import { type LoadedModel, loadModel } from './io.js';
import { errc } from './output.js';
import { findUserTemplate, listUserTemplates } from './templateStore.js';

/** Exit codes: 0 success, 1 a problem in the input (or a failed check), 2 wrong usage. */
/** The CLI's version (what `bulwark --version` prints and reports name). */
export const VERSION = '0.1.0';

export const EXIT = { ok: 0, input: 1, usage: 2 } as const;

/** An expected failure that ends the command with an exit code and a message. */
export class CliFailure extends Error {
  constructor(
    readonly error: BulwarkError,
    readonly exitCode: number = ERROR_CODES[error.code] === 'usage' ? EXIT.usage : EXIT.input,
  ) {
    super(error.message);
  }
}

/** Unwraps a result or ends the command with its error. */
export function orFail<T>(result: { ok: true; value: T } | { ok: false; error: BulwarkError }): T {
  if (!result.ok) throw new CliFailure(result.error);
  return result.value;
}

/** Prints an error to standard error, `file:line:path: message` first. */
export function printError(error: BulwarkError): void {
  process.stderr.write(`${errc.red('error')} ${formatError(error)}\n`);
}

/** Prints a warning to standard error. */
export function printWarning(message: string): void {
  process.stderr.write(`${errc.yellow('warning')} ${message}\n`);
}

/**
 * Finds a template document: a Microsoft tool template (.tb7, recognised by content), a Bulwark
 * template file (YAML/JSON), a built-in id, or the id of a template imported with
 * `bulwark templates import`.
 */
export function findTemplate(idOrPath: string): Result<Template> {
  const exists = existsSync(idOrPath);
  const isFile = exists && statSync(idOrPath).isFile();
  // A device or a pipe reports no size and may never end (/dev/zero): only regular files are read.
  if (exists && !isFile && !statSync(idOrPath).isDirectory())
    return err(
      bulwarkError('IO', 'Cannot read the template: it is not a regular file. Give a template file.', {
        file: idOrPath,
      }),
    );
  if (/\.tb7$/i.test(idOrPath) || (isFile && looksLikeTb7(readFileSync(idOrPath, 'utf8').slice(0, 400)))) {
    let text: string;
    try {
      text = readFileSync(idOrPath, 'utf8');
    } catch (e) {
      const why = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : String(e);
      return err(bulwarkError('IO', `Cannot read the template: ${why}. Check the path.`, { file: idOrPath }));
    }
    return importTb7(text, idOrPath);
  }
  if (isFile || /[\\/]|\.(ya?ml|json)$/i.test(idOrPath)) {
    const warnings: string[] = [];
    const loaded = loadTemplateFile(idOrPath, warnings);
    for (const w of warnings) printWarning(`${idOrPath}: ${w}`);
    return loaded;
  }
  if (isBuiltinTemplate(idOrPath)) return loadBuiltinTemplate(idOrPath);
  const imported = findUserTemplate(idOrPath);
  if (imported) return imported;
  const known = [...BUILTIN_TEMPLATE_IDS, ...listUserTemplates().map((t) => t.id)].join(', ');
  return err(
    bulwarkError(
      'TEMPLATE_UNKNOWN',
      `Unknown template "${idOrPath}". Known templates: ${known}. Pass a template file with --template, or add one with \`bulwark templates import\`.`,
    ),
  );
}

/** Finds and resolves a template (see findTemplate). */
export function loadTemplate(idOrPath: string): Result<ResolvedTemplate> {
  const template = findTemplate(idOrPath);
  return template.ok ? resolveTemplate(template.value) : template;
}

/**
 * The template for a loaded model: the one given with --template, else the one its file embeds
 * (a .tm7's knowledge base), else the one it names.
 */
export function modelTemplate(loaded: LoadedModel, templateOption?: string): Result<Template> {
  return templateOption === undefined && loaded.template
    ? ok(loaded.template)
    : findTemplate(templateOption ?? loaded.model.template.id);
}

/**
 * Loads a model and the template it names (or the one given with --template), warning about
 * broken rules unless the caller reports them itself.
 */
export function loadModelAndTemplate(
  file: string,
  templateOption?: string,
  warnRules = true,
): { loaded: LoadedModel; template: ResolvedTemplate } {
  const loaded = orFail(loadModel(file));
  for (const w of loaded.warnings ?? []) printWarning(`${file}: ${w}`);
  const found = modelTemplate(loaded, templateOption);
  const template = found.ok ? resolveTemplate(found.value) : found;
  if (!template.ok) {
    throw new CliFailure({ ...template.error, message: `${file}: ${template.error.message}` });
  }
  for (const p of warnRules ? template.value.ruleProblems : []) {
    printWarning(
      `template ${template.value.template.id}: threat type "${p.threatTypeId}" skipped, its ${p.rule} rule is broken: ${p.error.message}`,
    );
  }
  return { loaded, template: template.value };
}
