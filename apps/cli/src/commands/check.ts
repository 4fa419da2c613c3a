/**
 * `bulwark check <model>`: the CI gate. Analyses the model (so its threats are current), lists the
 * threats that match `--fail-on` (default: untriaged high-priority ones) and exits 1 when there
 * are any, 0 when there are none.
 */

import { relative, resolve, sep } from 'node:path';
import { analyze, bulwarkError, displayName, oneLine } from '@bulwark/core';
import { CheckExpressionError, DEFAULT_FAIL_ON, parseCheck, renderSarifParts } from '@bulwark/report';
import type { Command } from 'commander';
import { CliFailure, EXIT, loadModelAndTemplate, orFail, VERSION } from '../context.js';
import { writeFileAtomic } from '../io.js';
import { out, textTable } from '../output.js';
import { where } from './analyze.js';
import { describeSignOff, signOffState } from './signoff.js';

export function register(program: Command): void {
  program
    .command('check')
    .description('fail (exit 1) when threats match an expression: the gate for CI')
    .argument('<file>', 'model file (.bulwark.json, .bulwark.yaml or .tm7)')
    .option(
      '--fail-on <expr>',
      'threats that fail the check, e.g. "priority in (high, medium) and not status=mitigated"; fields: status, priority, category, type, origin, element, orphaned, outofscope',
      DEFAULT_FAIL_ON,
    )
    .option('-t, --template <idOrFile>', "template to use (default: the model's own)")
    .option('--sarif <file>', 'also write every threat as SARIF 2.1.0 (for code scanning), whatever the result')
    .option('--require-signoff', 'also fail when the model is not signed off, or has changed since its last sign-off')
    .action((file: string, opts: { failOn: string; template?: string; sarif?: string; requireSignoff?: boolean }) => {
      let test: ReturnType<typeof parseCheck>;
      try {
        test = parseCheck(opts.failOn);
      } catch (e) {
        if (!(e instanceof CheckExpressionError)) throw e;
        throw new CliFailure(
          bulwarkError(
            'USAGE',
            `--fail-on "${opts.failOn}", column ${e.column}: ${e.message}\n  ${opts.failOn}\n  ${' '.repeat(e.column - 1)}^`,
          ),
        );
      }
      const { loaded, template } = loadModelAndTemplate(file, opts.template);
      const result = analyze(loaded.model, template);
      const names = new Map<string, string>();
      for (const d of result.model.diagrams) for (const e of d.elements) names.set(e.id, oneLine(displayName(e)));
      const threats = result.model.threats ?? [];
      const failing = threats.filter((t) => test(t, names));
      if (opts.sarif) {
        const modelUri = relative(process.cwd(), resolve(file)).split(sep).join('/');
        orFail(
          writeFileAtomic(opts.sarif, renderSarifParts(result.model, template, { modelUri, toolVersion: VERSION })),
        );
        process.stderr.write(`wrote ${opts.sarif}: ${threats.length} threats as SARIF\n`);
      }
      // The sign-off covers the file as it is: its stored model, not the analysis of it.
      const unsigned = opts.requireSignoff === true && signOffState(loaded.model).changed;
      if (unsigned)
        process.stdout.write(
          `${out.red('not signed off')}: ${describeSignOff(file, loaded.model)} A reviewer runs \`bulwark signoff ${file} --by NAME\`.\n`,
        );
      if (failing.length === 0) {
        process.stdout.write(
          `${out.green('passed')}: none of the ${threats.length} threats of ${file} match "${opts.failOn}".\n`,
        );
        if (unsigned) process.exitCode = EXIT.input;
        return;
      }
      const rows = failing.map((t) => [t.priority, t.status, t.category, oneLine(t.title), where(t, names)]);
      process.stdout.write(`${textTable(['Priority', 'Status', 'Cat', 'Title', 'Where'], rows)}\n\n`);
      process.stdout.write(
        `${out.red('failed')}: ${failing.length} of the ${threats.length} threats of ${file} match "${opts.failOn}". Triage them (status, justification) or change --fail-on.\n`,
      );
      process.exitCode = EXIT.input;
    });
}
