/** `bulwark templates list|show|validate`: the built-in templates and template files. */
import { checkExamples, resolveTemplate, ruleReferenceWarnings, type Template } from '@bulwark/core';
import { BUILTIN_TEMPLATE_IDS, loadBuiltinTemplate } from '@bulwark/templates';
import type { Command } from 'commander';
import { EXIT, findTemplate, loadTemplate, orFail, printError } from '../context.js';
import { errc, out, textTable } from '../output.js';
import { listUserTemplates, saveUserTemplate, templatesDir } from '../templateStore.js';

export function register(program: Command): void {
  const templates = program.command('templates').description('list, show and validate templates');

  templates
    .command('list')
    .description('list the built-in templates')
    .option('--format <format>', 'table or json', 'table')
    .action((opts: { format: string }) => {
      const describe = (t: Template, source: string) => ({
        id: t.id,
        name: t.name,
        version: t.version,
        elementTypes: t.elementTypes.length,
        threatTypes: t.threatTypes.length,
        source,
        description: t.description ?? '',
      });
      const rows = [
        ...BUILTIN_TEMPLATE_IDS.map((id) => describe(orFail(loadBuiltinTemplate(id)), 'built-in')),
        ...listUserTemplates().map((t) => describe(t, 'imported')),
      ];
      if (opts.format === 'json') {
        process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
        return;
      }
      process.stdout.write(
        `${textTable(
          ['Id', 'Name', 'Version', 'Element types', 'Threat types', 'Source'],
          rows.map((r) => [r.id, r.name, r.version, String(r.elementTypes), String(r.threatTypes), r.source]),
        )}\n`,
      );
    });

  templates
    .command('show')
    .description('show a template: its element types, properties and threat types')
    .argument('<idOrFile>', `a built-in id (${BUILTIN_TEMPLATE_IDS.join(', ')}) or a template file`)
    .option('--format <format>', 'text or json', 'text')
    .action((idOrFile: string, opts: { format: string }) => {
      const resolved = orFail(loadTemplate(idOrFile));
      const t = resolved.template;
      if (opts.format === 'json') {
        process.stdout.write(`${JSON.stringify(t, null, 2)}\n`);
        return;
      }
      const lines = [`${out.bold(t.name)} (${t.id} ${t.version})`, t.description ?? '', '', out.bold('Element types')];
      for (const type of resolved.types.values()) {
        const own = t.elementTypes.find((e) => e.id === type.id)?.properties?.map((p) => p.id) ?? [];
        lines.push(
          `  ${type.id.padEnd(28)} ${type.name}${type.chain.length > 1 ? `  (${type.chain.slice(1).join(' < ')})` : ''}${own.length ? `  [${own.join(', ')}]` : ''}`,
        );
      }
      lines.push('', out.bold('Threat types'));
      for (const tt of t.threatTypes)
        lines.push(`  ${tt.category} ${tt.priority.padEnd(6)} ${tt.id.padEnd(44)} ${tt.title}`);
      process.stdout.write(`${lines.join('\n')}\n`);
    });

  templates
    .command('validate')
    .description('check a template file: schema, type hierarchy, rules, and its examples')
    .argument('<file>', 'template file (.yaml, .json or .tb7)')
    .action((file: string) => {
      const template = findTemplate(file);
      if (!template.ok) {
        printError(template.error);
        process.exitCode = EXIT.input;
        return;
      }
      const resolved = resolveTemplate(template.value);
      if (!resolved.ok) {
        printError(resolved.error);
        process.exitCode = EXIT.input;
        return;
      }
      for (const w of ruleReferenceWarnings(resolved.value)) {
        process.stderr.write(
          `${errc.yellow('warning')} ${file}: threat type "${w.threatTypeId}": its ${w.rule} rule ${w.message}\n`,
        );
      }
      const failures = checkExamples(resolved.value);
      for (const f of failures) {
        process.stderr.write(
          `${errc.red('error')} ${file}: threat type "${f.threatTypeId}"${f.index >= 0 ? ` ${f.expectation}[${f.index}]` : ''}: ${f.message}\n`,
        );
      }
      const t = resolved.value.template;
      const withExamples = t.threatTypes.filter((tt) => tt.examples).length;
      if (failures.length === 0) {
        process.stdout.write(
          `${out.green('valid')} ${file}: ${t.elementTypes.length} element types, ${t.threatTypes.length} threat types, ${withExamples} with examples, all examples pass\n`,
        );
      } else {
        process.stderr.write(`${failures.length} problem(s) in ${file}\n`);
        process.exitCode = EXIT.input;
      }
    });

  templates
    .command('import')
    .description("add a template file (.tb7, .yaml, .json) to this repository's templates, so models can name it by id")
    .argument('<file>', 'the template file')
    .action((file: string) => {
      const template = orFail(findTemplate(file));
      const resolved = orFail(resolveTemplate(template));
      for (const p of resolved.ruleProblems) {
        process.stderr.write(
          `${errc.yellow('warning')} ${file}: threat type "${p.threatTypeId}" will be skipped: its ${p.rule} rule is broken (${p.error.message})\n`,
        );
      }
      const saved = orFail(saveUserTemplate(template));
      process.stdout.write(
        `${out.green('imported')} ${template.name} ${template.version} as "${template.id}" (${template.elementTypes.length} element types, ${template.threatTypes.length} threat types) into ${saved}\n` +
          `models use it with "template": { "id": "${template.id}" }; templates are kept in ${templatesDir()}\n`,
      );
    });
}
