/** What every command needs: failing with an exit code, and a model with its template. */
import { existsSync, readFileSync, statSync } from 'node:fs';
import {
  type BulwarkError,
  bulwarkError,
  ERROR_CODES,
  err,
  formatError,
  type ResolvedTemplate,
  type Result,
  resolveTemplate,
} from '@bulwark/core';
import { importTb7, looksLikeTb7 } from '@bulwark/formats';
import { loadResolvedTemplate } from '@bulwark/templates';
import { type LoadedModel, loadModel } from './io.js';
import { errc } from './output.js';

/** Exit codes: 0 success, 1 a problem in the input (or a failed check), 2 wrong usage. */
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
 * Loads a template: a built-in id, a Bulwark template file (YAML/JSON), or a Microsoft tool
 * template (.tb7, recognised by its content).
 */
export function loadTemplate(idOrPath: string): Result<ResolvedTemplate> {
  if (
    /\.tb7$/i.test(idOrPath) ||
    (existsSync(idOrPath) && statSync(idOrPath).isFile() && looksLikeTb7(readFileSync(idOrPath, 'utf8').slice(0, 400)))
  ) {
    let text: string;
    try {
      text = readFileSync(idOrPath, 'utf8');
    } catch (e) {
      return err(
        bulwarkError(
          'IO',
          `Cannot read the template: ${(e as NodeJS.ErrnoException).code ?? String(e)}. Check the path.`,
          { file: idOrPath },
        ),
      );
    }
    const template = importTb7(text, idOrPath);
    return template.ok ? resolveTemplate(template.value) : template;
  }
  return loadResolvedTemplate(idOrPath);
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
  const template =
    templateOption === undefined && loaded.template
      ? resolveTemplate(loaded.template)
      : loadTemplate(templateOption ?? loaded.model.template.id);
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
