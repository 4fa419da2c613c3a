/** `bulwark analyze <file>`: generate the template's threats and merge them with the model's. */
import {
  type AnalysisResult,
  analyze,
  bulwarkError,
  displayName,
  JSON_ITEMS,
  jsonParts,
  oneLine,
  type Threat,
  validateModel,
} from '@bulwark/core';
import { exportTm7Parts, tm7ExportWarnings } from '@bulwark/formats';
import type { Command } from 'commander';
import { CliFailure, loadModelAndTemplate, orFail, printWarning } from '../context.js';
import { isNative, modelText, writeFileAtomic } from '../io.js';
import { out, textTable, writePieces } from '../output.js';

/** The JSON shape `analyze --format json` prints for a threat. */
export function threatJson(t: Threat): Record<string, unknown> {
  return {
    id: t.id,
    typeId: t.typeId,
    category: t.category,
    title: t.title,
    priority: t.priority,
    status: t.status,
    sourceId: t.interaction?.sourceId ?? null,
    flowId: t.interaction?.flowId ?? null,
    targetId: t.interaction?.targetId ?? null,
    elementId: t.elementId ?? null,
    origin: t.origin,
    ...(t.outOfScope ? { outOfScope: true } : {}),
    ...(t.orphaned ? { orphaned: true } : {}),
  };
}

/** Where a threat applies, in words: `source -> target (flow)` or the element. */
export function where(t: Threat, names: ReadonlyMap<string, string>): string {
  const n = (id: string) => names.get(id) ?? id;
  if (t.interaction) return `${n(t.interaction.sourceId)} -> ${n(t.interaction.targetId)} (${n(t.interaction.flowId)})`;
  if (t.elementId) return n(t.elementId);
  return '';
}

/** How many rows the table shows unless --all is given. */
const TABLE_LIMIT = 200;

function printTable(result: AnalysisResult, priorities: string[], all: boolean): void {
  const names = new Map<string, string>();
  for (const d of result.model.diagrams) for (const e of d.elements) names.set(e.id, oneLine(displayName(e)));
  const rank = (p: string) => {
    const i = priorities.indexOf(p);
    return i < 0 ? priorities.length : i;
  };
  const cmp = (x: string, y: string) => (x < y ? -1 : x > y ? 1 : 0);
  const threats = [...(result.model.threats ?? [])].sort(
    (a, b) => rank(a.priority) - rank(b.priority) || cmp(a.category, b.category) || cmp(a.title, b.title),
  );
  const shown = all ? threats : threats.slice(0, TABLE_LIMIT);
  const rows = shown.map((t) => [
    t.priority,
    t.status,
    t.category,
    `${t.title}${t.outOfScope ? ' [out of scope]' : ''}${t.orphaned ? ' [orphaned]' : ''}`,
    where(t, names),
  ]);
  if (rows.length > 0) process.stdout.write(`${textTable(['Priority', 'Status', 'Cat', 'Title', 'Where'], rows)}\n`);
  if (shown.length < threats.length) {
    process.stdout.write(
      `… ${threats.length - shown.length} more threats not shown (highest priority first): use --all, or --format json\n`,
    );
  }
  if (rows.length > 0) process.stdout.write('\n');
  const s = result.summary;
  const byPriority = Object.entries(s.byPriority)
    .map(([k, v]) => `${v} ${k}`)
    .join(', ');
  process.stdout.write(
    `${out.bold(`${s.total} threats`)} on ${result.interactionCount} interactions` +
      `${byPriority ? ` (${byPriority})` : ''}: ${s.byStatus['not-started']} not started, ${s.byStatus['needs-investigation']} needs investigation, ` +
      `${s.byStatus['not-applicable']} not applicable, ${s.byStatus.mitigated} mitigated` +
      `${s.orphaned ? `; ${s.orphaned} orphaned` : ''}${s.outOfScope ? `; ${s.outOfScope} out of scope` : ''}\n`,
  );
  process.stdout.write(
    `${result.merge.added} new, ${result.merge.kept} kept, ${result.merge.orphaned} orphaned, ${result.merge.dropped} dropped (no longer apply, untriaged), ${result.merge.manual} manual\n`,
  );
}

export function register(program: Command): void {
  program
    .command('analyze')
    .description('generate threats from the template and merge them with the triaged ones')
    .argument('<file>', 'model file (.bulwark.json or .bulwark.yaml)')
    .option('-t, --template <idOrFile>', "template to use (default: the model's own)")
    .option('-w, --write', 'save the merged threats back to the file (atomically)')
    .option('--format <format>', 'table or json', 'table')
    .option('--all', `show every threat in the table (default: the first ${TABLE_LIMIT})`)
    .action(async (file: string, opts: { template?: string; write?: boolean; format: string; all?: boolean }) => {
      if (opts.format !== 'table' && opts.format !== 'json') {
        throw new CliFailure(bulwarkError('USAGE', `Unknown format "${opts.format}": use table or json.`));
      }
      const { loaded, template } = loadModelAndTemplate(file, opts.template);
      const problems = validateModel(loaded.model, template).filter((p) => p.code !== 'BROKEN_RULE');
      const errors = problems.filter((p) => p.severity === 'error');
      for (const p of errors) printWarning(`${file}:${p.path}: ${p.message}`);
      const warningCount = problems.length - errors.length;
      if (warningCount > 0)
        printWarning(`${file}: ${warningCount} warning(s) about the model; \`bulwark validate ${file}\` lists them.`);
      if (opts.write && !isNative(loaded) && loaded.format !== 'tm7')
        throw new CliFailure(
          bulwarkError(
            'USAGE',
            `--write keeps a model in its own file, and ${file} is another tool's (${loaded.format}): convert it first (bulwark convert ${file} -o model.bulwark.json), then analyse that.`,
            { file },
          ),
        );
      if (opts.write && errors.length > 0) {
        throw new CliFailure(
          bulwarkError(
            'SCHEMA_INVALID',
            `${errors.length} error(s) in the model; nothing was written. Fix them (see \`bulwark validate ${file}\`) and run again.`,
            { file },
          ),
        );
      }
      const result = analyze(loaded.model, template);
      if (opts.format === 'json') {
        const payload = {
          model: loaded.model.metadata.name,
          template: { id: template.template.id, version: template.template.version },
          threats: JSON_ITEMS,
          summary: { ...result.summary, interactions: result.interactionCount, merge: result.merge },
        };
        // One threat at a time: a model with hundreds of thousands never makes one huge string.
        await writePieces(process.stdout, jsonParts(payload, result.model.threats ?? [], threatJson));
      } else {
        printTable(result, template.template.priorities ?? ['High', 'Medium', 'Low'], opts.all === true);
      }
      if (opts.write) {
        const text =
          loaded.format === 'tm7'
            ? exportTm7Parts(result.model, template.template)
            : modelText(result.model, loaded.format === 'yaml' ? 'yaml' : 'json', loaded.yamlDocument);
        if (loaded.format === 'tm7')
          for (const w of tm7ExportWarnings(result.model, template.template)) printWarning(w);
        orFail(writeFileAtomic(file, text));
        process.stderr.write(`wrote ${file}: ${result.summary.total} threats\n`);
      }
    });
}
