/** What every command needs: failing with an exit code, and a model with its template. */
import { type BulwarkError, ERROR_CODES, formatError, type ResolvedTemplate } from '@bulwark/core';
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
 * Loads a model and the template it names (or the one given with --template), warning about
 * broken rules unless the caller reports them itself.
 */
export function loadModelAndTemplate(
  file: string,
  templateOption?: string,
  warnRules = true,
): { loaded: LoadedModel; template: ResolvedTemplate } {
  const loaded = orFail(loadModel(file));
  const templateId = templateOption ?? loaded.model.template.id;
  const template = loadResolvedTemplate(templateId);
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
