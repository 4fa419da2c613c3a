/** `bulwark validate <file>`: schema, references, types and property values. */
import { computeInteractions, validateModel } from '@bulwark/core';
import type { Command } from 'commander';
import { EXIT, loadModelAndTemplate } from '../context.js';
import { errc, out } from '../output.js';

export function register(program: Command): void {
  program
    .command('validate')
    .description('check a model: schema, dangling flows, unknown types, property values')
    .argument('<file>', 'model file (.bulwark.json or .bulwark.yaml)')
    .option('-t, --template <idOrFile>', "template to check against (default: the model's own)")
    .option('--format <format>', 'text or json', 'text')
    .action((file: string, opts: { template?: string; format: string }) => {
      const { loaded, template } = loadModelAndTemplate(file, opts.template, false);
      const problems = validateModel(loaded.model, template);
      const errors = problems.filter((p) => p.severity === 'error');
      if (opts.format === 'json') {
        process.stdout.write(`${JSON.stringify({ file, valid: errors.length === 0, problems }, null, 2)}\n`);
      } else {
        for (const p of problems) {
          const tag = p.severity === 'error' ? errc.red('error') : errc.yellow('warning');
          process.stderr.write(`${tag} ${file}:${p.path}: ${p.message} [${p.code}]\n`);
        }
        if (errors.length === 0) {
          const set = computeInteractions(loaded.model);
          const elements = loaded.model.diagrams.reduce((n, d) => n + d.elements.length, 0);
          process.stdout.write(
            `${out.green('valid')} ${file}: ${loaded.model.diagrams.length} diagram(s), ${elements} elements, ${set.interactionCount} interactions` +
              `${problems.length > 0 ? `, ${problems.length} warning(s)` : ''}\n`,
          );
        } else {
          process.stderr.write(`${errors.length} error(s) in ${file}\n`);
        }
      }
      process.exitCode = errors.length === 0 ? EXIT.ok : EXIT.input;
    });
}
